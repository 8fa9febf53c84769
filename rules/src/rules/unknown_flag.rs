//! `unknown-flag`: a `--flag` the instruction does not take.
use crate::engine::text::did_you_mean;
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// Reports a `--flag` that the instruction does not accept.
    ///
    /// ## Why is this bad?
    /// BuildKit rejects the instruction with `unknown flag`, so the build fails at that line.
    /// Most of the time it is a typo (`--form` for `--from`) or a flag of another instruction (`--chown` on `RUN`).
    ///
    /// The flags each instruction accepts:
    /// `FROM --platform`;
    /// `RUN --mount --network --security --device`;
    /// `COPY --from --chown --chmod --link --parents --exclude`;
    /// `ADD --chown --chmod --link --checksum --keep-git-dir --unpack --exclude`;
    /// `HEALTHCHECK --interval --timeout --start-period --start-interval --retries`;
    /// the other instructions take none.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.20
    /// COPY --form=build /out/app /app
    /// ```
    /// ```dockerfile fixed
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix safety
    /// When exactly one accepted flag is within two edits of the unknown one, the fix renames it.
    /// BuildKit refuses the whole file over an unknown flag (and every build on the image over one in an `ONBUILD`
    /// trigger), so the instruction could never have worked as written: the fix is safe.
    /// When several flags are that close, the fix picks the nearest, which may not be the one meant: unsafe.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub struct UnknownFlag {
        code: "DF102",
        name: "unknown-flag",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        peers: [],
        options: [],
        changes: [Rewrite],
    }
}

/// The flags BuildKit accepts on an instruction.
pub fn known_flags(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::From => &["platform"],
        Kind::Run => &["mount", "network", "security", "device"],
        Kind::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
        Kind::Add => &[
            "chown",
            "chmod",
            "link",
            "checksum",
            "keep-git-dir",
            "unpack",
            "exclude",
        ],
        Kind::Healthcheck => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        _ => &[],
    }
}

impl Rule for UnknownFlag {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            check_one(ctx, ins, out);
            if let Some(inner) = &ins.onbuild {
                check_one(ctx, inner, out);
            }
        }
    }
}

fn check_one(ctx: &Context, ins: &Instruction, out: &mut Vec<Diagnostic>) {
    // An unknown instruction is reported as such; its flags mean nothing.
    if ins.kind == Kind::Unknown {
        return;
    }
    let known = known_flags(ins.kind);
    for flag in &ins.flags {
        // A bare `--` or a flag the parser could not name: nothing to compare.
        if flag.name.is_empty() || known.contains(&flag.name.as_str()) {
            continue;
        }
        let shown = &ctx.text()[flag.range.start..flag.name_range.end];
        let keyword = ins.kind.keyword();
        let candidates = did_you_mean(&flag.name, known);
        let message = match candidates.as_slice() {
            [] if known.is_empty() => format!("unknown flag `{shown}`: {keyword} takes no flags"),
            [] => format!("unknown flag `{shown}` for {keyword}"),
            c => {
                let list: Vec<String> = c.iter().map(|n| format!("`--{n}`")).collect();
                format!(
                    "unknown flag `{shown}` for {keyword}; did you mean {}?",
                    list.join(" or ")
                )
            }
        };
        let fix = candidates.first().map(|best| {
            let title = format!("Replace `{shown}` with `--{best}`");
            let edits = vec![Edit::replace(flag.name_range.clone(), *best)];
            if candidates.len() == 1 {
                Fix::safe(title, edits)
            } else {
                Fix::unsafe_(title, edits)
            }
        });
        out.push(
            ctx.diagnostic(flag.range.start..flag.name_range.end, message)
                .with_fix_opt(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Applicability, FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &UnknownFlag::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCOPY --form=b x y\n", &["--form"]),
                ("FROM a\nRUN --chown=1 echo\n", &["--chown"]),
                ("FROM --plattform=linux/amd64 a\n", &["--plattform"]),
                ("FROM a\nADD --from=b x y\n", &["--from"]),
                (
                    "FROM a\nHEALTHCHECK --intervall=5s CMD true\n",
                    &["--intervall"],
                ),
                ("FROM a\nCOPY --FROM=b x y\n", &["--FROM"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM --platform=$BUILDPLATFORM a\nRUN --mount=type=cache,target=/x --network=none --security=insecure --device=x echo\n",
                "FROM a\nCOPY --from=b --chown=1 --chmod=644 --link --parents --exclude=*.md x y\n",
                "FROM a\nADD --chown=1 --chmod=644 --link --checksum=sha256:00 --keep-git-dir --unpack=true --exclude=x x y\n",
                "FROM a\nHEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD true\n",
                "FROM a\nRUN echo --not-a-flag\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nCOPY --form=b x y\n", "FROM a\nCOPY --from=b x y\n"),
                ("FROM a\nCOPY --FROM=b x y\n", "FROM a\nCOPY --from=b x y\n"),
                (
                    "FROM a\nRUN --mnt=type=cache,target=/x y\n",
                    "FROM a\nRUN --mount=type=cache,target=/x y\n",
                ),
                ("FROM a\nRUN --chown=1 y\n", "FROM a\nRUN --chown=1 y\n"),
            ],
        );
    }

    #[test]
    fn messages() {
        assert_eq!(
            spec::messages(R, "FROM a\nUSER --x=1 b\n"),
            ["unknown flag `--x`: USER takes no flags"]
        );
        let d = spec::diagnostics(R, "FROM a\nCOPY --chmon=1 x y\n");
        assert!(
            d[0].message.contains("`--chmod` or `--chown`"),
            "{}",
            d[0].message
        );
        assert_eq!(
            d[0].fix.as_ref().unwrap().applicability,
            Applicability::Unsafe
        );
    }
}
