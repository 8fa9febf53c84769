//! `copy-from-unknown-stage`: `COPY --from=x` where `x` is no earlier stage and does not look like an image.
use crate::engine::text::did_you_mean;
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::knowledge::OFFICIAL_IMAGES;
use crate::optimizer::facts::Facts;
use crate::syntax::Kind;

declare_rule! {
    /// Reports `COPY --from=<name>` where the name is no earlier stage and does not look like an image reference.
    ///
    /// ## Why is this bad?
    /// `--from` takes a stage name, a stage index, or an image.
    /// A name that matches no earlier stage is read as an image: `COPY --from=buidl /app /app` makes Docker pull
    /// `docker.io/library/buidl`, and the build fails with a confusing "pull access denied" (or, worse, succeeds with
    /// somebody else's image).
    /// Stages can only be referenced after they are defined, so a later stage's name does not work either, nor
    /// does the stage's own name (hadolint's `DL3023`).
    ///
    /// Names with a registry, a path, a tag or a digest (`nginx:alpine`, `ghcr.io/x/y`), and Docker's official
    /// images (`nginx`, `busybox` ...), are taken as images and not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /out/app
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=biuld /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    /// ```dockerfile fixed
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /out/app
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /out/app
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// COPY --from=busybox:1.36 /bin/busybox /busybox
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Fix safety
    /// When exactly one earlier stage's name is one edit away (two for names of six characters or more), the fix
    /// replaces it (short names are too close to each other to guess: `set` is one edit from `test`).
    /// The original usually fails to pull, but Docker looks in the local image store first: an image built or
    /// tagged on the machine under that name (`docker build -t biuld`) makes it work, and the fix would then copy
    /// from another image.
    /// dflint cannot see that store, so the fix is unsafe.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3023` compares the name only; `--from=0` in the first stage is its own stage too, and reported.
    ///
    /// ## References
    /// - [COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - hadolint's [`DL3022`](https://github.com/hadolint/hadolint/wiki/DL3022) and
    ///   [`DL3023`](https://github.com/hadolint/hadolint/wiki/DL3023)
    pub struct CopyFromUnknownStage {
        code: "DF434",
        name: "copy-from-unknown-stage",
        category: Size,
        severity: Error,
        fix: Sometimes,
        peers: [Peer::Hadolint("DL3022"), Peer::Hadolint("DL3023")],
        options: [],
        changes: [Rewrite],
    }
}

/// Edit distance counting a swap of two neighbours as one edit (`biuld` is one typo from `build`).
fn typos(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Whether `--from` names an image rather than a stage.
fn looks_like_image(name: &str) -> bool {
    name.contains(['/', ':', '@', '.'])
        || OFFICIAL_IMAGES.contains(&name.to_ascii_lowercase().as_str())
}

impl Rule for CopyFromUnknownStage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        // The first stage named by a variable: a `--from` after it may mean it. Names are looked up through
        // `stages_named` rather than by scanning the earlier stages, so the rule stays linear in their number.
        let first_variable_name = doc
            .stages()
            .iter()
            .position(|s| s.name.as_deref().is_some_and(|n| n.contains('$')))
            .unwrap_or(usize::MAX);
        for stage in doc.stages() {
            for i in stage.instructions.clone() {
                if f.ins(i).kind != Kind::Copy {
                    continue;
                }
                let Some(flag) = f.steps[i].args.flag("from") else {
                    continue;
                };
                let (Some(name), Some(range)) = (&flag.value, &flag.value_range) else {
                    continue;
                };
                // A variable (or a template placeholder): its value is not known here.
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._/:@-".contains(c))
                {
                    continue;
                }
                // A stage named by a variable may be the one meant.
                if first_variable_name < stage.index {
                    continue;
                }
                if let Ok(n) = name.parse::<usize>() {
                    if n < stage.index {
                        continue;
                    }
                    if n == stage.index {
                        out.push(ctx.diagnostic(
                            range.clone(),
                            format!(
                                "`--from={n}` names its own stage: a stage cannot copy from itself"
                            ),
                        ));
                        continue;
                    }
                    out.push(ctx.diagnostic(
                        range.clone(),
                        format!("`--from={n}`: stage {n} is not an earlier stage of this file"),
                    ));
                    continue;
                }
                let named = doc.stages_named(name);
                if named.first().is_some_and(|&s| s < stage.index) {
                    continue;
                }
                if named.first() == Some(&stage.index) {
                    out.push(ctx.diagnostic(
                        range.clone(),
                        format!(
                            "`--from={name}` names its own stage: a stage cannot copy from itself"
                        ),
                    ));
                    continue;
                }
                if !named.is_empty() {
                    out.push(ctx.diagnostic(
                        range.clone(),
                        format!("`--from={name}` names a stage defined later: a stage can only copy from stages above it"),
                    ));
                    continue;
                }
                if looks_like_image(name) {
                    continue;
                }
                // Short names are one edit away from many others (`set` and `test`): suggest only when it is telling.
                let earlier: Vec<&str> = doc.stages()[..stage.index]
                    .iter()
                    .filter_map(|s| s.name.as_deref())
                    .collect();
                let close: Vec<&str> = did_you_mean(name, &earlier)
                    .into_iter()
                    .filter(|c| {
                        let d = typos(&name.to_ascii_lowercase(), &c.to_ascii_lowercase());
                        (d <= 1 && name.len() >= 4) || (d <= 2 && name.len() >= 6)
                    })
                    .collect();
                let d = ctx.diagnostic(
                    range.clone(),
                    format!("`--from={name}` names no earlier stage: Docker will try to pull an image called `{name}`"),
                );
                let fix = match close.as_slice() {
                    [one] => Some(Fix::unsafe_(
                        format!("Replace `{name}` with `{one}`"),
                        vec![Edit::replace(range.clone(), *one)],
                    )),
                    _ => None,
                };
                out.push(d.with_fix_opt(fix));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &CopyFromUnknownStage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a AS build\nFROM b\nCOPY --from=biuld /x /x\n",
                    &["biuld"],
                ),
                ("FROM a AS build\nFROM b\nCOPY --from=1 /x /x\n", &["1"]),
                (
                    "FROM a\nCOPY --from=later /x /x\nFROM b AS later\n",
                    &["later"],
                ),
                ("FROM a\nCOPY --from=assets /x /x\n", &["assets"]),
                ("FROM a AS b\nCOPY --from=B /x /x\n", &["B"]),
                ("FROM a\nCOPY --from=0 /x /x\n", &["0"]),
            ],
        );
    }

    #[test]
    fn own_stage_says_so() {
        assert_eq!(
            spec::messages(R, "FROM a AS b\nCOPY --from=b /x /x\n"),
            ["`--from=b` names its own stage: a stage cannot copy from itself"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a AS build\nFROM b\nCOPY --from=build /x /x\n",
                "FROM a AS Build\nFROM b\nCOPY --from=build /x /x\n",
                "FROM a\nFROM b\nCOPY --from=0 /x /x\n",
                "FROM b\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\n",
                "FROM b\nCOPY --from=busybox /bin/sh /sh\n",
                "FROM b\nCOPY --from=ghcr.io/x/y /y /y\n",
                "FROM b\nARG SRC=build\nCOPY --from=$SRC /y /y\n",
                "FROM b\nCOPY --from={{ .Stage }} /y /y\n",
                "ARG S=x\nFROM a AS ${S}\nFROM b\nCOPY --from=x /y /y\n",
                "FROM b\nCOPY /a /b\n",
            ],
        );
    }

    #[test]
    fn fix() {
        // An image named `biuld` may exist on the machine: not safe.
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a AS build\nFROM b\nCOPY --from=biuld /x /x\n",
                "FROM a AS build\nFROM b\nCOPY --from=biuld /x /x\n",
            )],
        );
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM a AS build\nFROM b\nCOPY --from=biuld /x /x\n",
                    "FROM a AS build\nFROM b\nCOPY --from=build /x /x\n",
                ),
                (
                    "FROM a AS test\nFROM b AS license-set\nFROM c\nCOPY --from=set /x /x\n",
                    "FROM a AS test\nFROM b AS license-set\nFROM c\nCOPY --from=set /x /x\n",
                ),
                (
                    "FROM a AS build\nFROM c AS builds\nFROM b\nCOPY --from=buildz /x /x\n",
                    "FROM a AS build\nFROM c AS builds\nFROM b\nCOPY --from=buildz /x /x\n",
                ),
            ],
        );
    }
}
