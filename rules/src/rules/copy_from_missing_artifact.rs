//! `copy-from-missing-artifact`: `COPY --from=<stage>` of a path the stage does not write, next to one it does.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::knowledge::{glob_match, Artifact};
use crate::optimizer::facts::Facts;
use crate::optimizer::layers::{resolve, stage_outputs, workdir_at};
use crate::syntax::Stage;

declare_rule! {
    /// Reports `COPY --from=<stage> <path>` when the stage visibly builds its artifact elsewhere, as in `go build -o /web/server` followed by `COPY --from=build /server .`.
    ///
    /// ## Why is this bad?
    /// `COPY --from` fails the build when the path does not exist in the source stage (`"/server": not found`),
    /// and it is an easy slip when the build's output path changes (or a `WORKDIR` makes a relative `-o` land
    /// elsewhere).
    /// The rule compares the copied path with what the stage's build steps produce (`go build -o`,
    /// `cargo build --release`, `dotnet publish -o`, `gcc -o` ...) and reports a copy whose file name matches an
    /// output but whose folder does not.
    ///
    /// Paths that any other instruction of the stage mentions (a `COPY` destination, a `mv`, a `mkdir`) are left
    /// alone: the stage may put the file there too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /web/server
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /server /server
    /// ENTRYPOINT ["/server"]
    /// ```
    /// ```dockerfile fixed
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /web/server
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /web/server /server
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /web/server
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /web/server /server
    /// ENTRYPOINT ["/server"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix points the copy at the path the build writes; the original could not build, but the intended file
    /// may be another one, so the fix is unsafe.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct CopyFromMissingArtifact {
        code: "DF435",
        name: "copy-from-missing-artifact",
        category: Size,
        severity: Error,
        fix: Always,
        peers: [],
        options: [],
        changes: [Rewrite],
    }
}

fn base(p: &str) -> &str {
    let p = p.trim_end_matches('/');
    p.rsplit('/').next().unwrap_or(p)
}

/// Whether any instruction of the stage (or its ancestors) other than the builds mentions `path`.
fn mentioned(f: &Facts, stage: &Stage, path: &str) -> bool {
    std::iter::once(stage).chain(f.ancestors(stage)).any(|s| {
        s.instructions.clone().any(|i| {
            let step = &f.steps[i];
            let in_copy = step.copy.as_ref().is_some_and(|c| {
                let wd = workdir_at(f, s, i, false);
                resolve(wd.as_deref(), &c.dest.value).is_some_and(|d| {
                    d.trim_end_matches('/') == path
                        || path.starts_with(&format!("{}/", d.trim_end_matches('/')))
                })
            });
            let in_run = step.script.as_ref().is_some_and(|sc| {
                sc.commands
                    .iter()
                    .filter(|c| {
                        !c.program().is_some_and(|p| {
                            matches!(
                                p,
                                "go" | "cargo" | "dotnet" | "gcc" | "cc" | "g++" | "clang"
                            )
                        })
                    })
                    .any(|c| {
                        c.words.iter().chain(c.redirects.iter()).any(|w| {
                            w.value.trim_end_matches('/') == path
                                || w.value.starts_with(&format!("{path}/"))
                                || w.dynamic
                        })
                    })
            });
            in_copy || in_run
        })
    })
}

impl Rule for CopyFromMissingArtifact {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        for stage in doc.stages() {
            for i in stage.instructions.clone() {
                let Some(copy) = &f.steps[i].copy else {
                    continue;
                };
                let Some(src) = copy.from_stage.and_then(|s| doc.stages().get(s)) else {
                    continue;
                };
                let produced = stage_outputs(f, src);
                if produced.is_empty() {
                    continue;
                }
                for s in &copy.sources {
                    let v = s.value.as_str();
                    if v.contains(['$', '*', '?', '[']) {
                        continue;
                    }
                    // COPY --from paths are relative to the source stage's root.
                    let p = format!(
                        "/{}",
                        v.trim_start_matches("./")
                            .trim_start_matches('/')
                            .trim_end_matches('/')
                    );
                    let hit = produced.iter().any(|o| match o {
                        Artifact::File(x) | Artifact::Dir(x) => {
                            *x == p
                                || x.starts_with(&format!("{p}/"))
                                || p.starts_with(&format!("{x}/"))
                        }
                        Artifact::Glob(g) => glob_match(g, &p) || g.starts_with(&format!("{p}/")),
                    });
                    if hit {
                        continue;
                    }
                    let same_name: Vec<&str> = produced
                        .iter()
                        .filter_map(|o| match o {
                            Artifact::File(x) | Artifact::Dir(x) => {
                                (base(x) == base(&p)).then_some(x.as_str())
                            }
                            Artifact::Glob(_) => None,
                        })
                        .collect();
                    let [target] = same_name.as_slice() else {
                        continue;
                    };
                    if mentioned(f, src, &p) {
                        continue;
                    }
                    let stage_name = copy.from.clone().unwrap_or_default();
                    out.push(
                        ctx.diagnostic(
                            s.range.clone(),
                            format!("`{v}` is not where stage `{stage_name}` builds it: the build writes `{target}`"),
                        )
                        .with_fix(Fix::unsafe_(format!("Copy `{target}`"), vec![Edit::replace(s.range.clone(), *target)])),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &CopyFromMissingArtifact::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM golang AS build\nRUN go build -o /web/server\nFROM scratch\nCOPY --from=build /server .\n", &["/server"]),
                // golang's WORKDIR is /go: a relative WORKDIR and `-o` land under it.
                ("FROM golang:1.22 AS build\nWORKDIR web\nRUN go build -o server\nFROM scratch\nCOPY --from=build /server .\n", &["/server"]),
                ("FROM golang AS build\nWORKDIR /src\nRUN go build -o bin/app ./cmd/app\nFROM scratch\nCOPY --from=build /app /app\n", &["/app"]),
                ("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nRUN dotnet publish -c Release -o /app/publish\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /publish .\n", &["/publish"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM golang AS build\nRUN go build -o /web/server\nFROM scratch\nCOPY --from=build /web/server .\n",
                "FROM golang AS build\nWORKDIR /src\nRUN go build -o app\nFROM scratch\nCOPY --from=build /src/app /app\n",
                "FROM golang AS build\nRUN go build -o /web/server && mv /web/server /server\nFROM scratch\nCOPY --from=build /server .\n",
                "FROM golang AS build\nRUN go build -o /web/server\nFROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n",
                "FROM maven AS build\nWORKDIR /app\nRUN mvn package\nFROM eclipse-temurin:21-jre\nCOPY --from=build /app/target/app-1.0.jar /app.jar\n",
                "FROM diamol/golang AS build\nWORKDIR web\nRUN go build -o server\nFROM scratch\nCOPY --from=build /server .\n",
                "FROM golang AS build\nENV GOBIN=/usr/local/bin\nWORKDIR /src\nRUN go install github.com/x/tool\nFROM scratch\nCOPY --from=build /usr/local/bin/tool /tool\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM golang AS build\nRUN go build -o /web/server\nFROM scratch\nCOPY --from=build /server .\n",
                "FROM golang AS build\nRUN go build -o /web/server\nFROM scratch\nCOPY --from=build /web/server .\n",
            )],
        );
    }
}
