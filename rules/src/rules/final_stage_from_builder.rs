//! `final-stage-from-builder`: the final stage is built on (or copies the whole of) a stage that compiles.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::knowledge::toolchain_product;
use crate::optimizer::facts::{Facts, Step};
use crate::shell::ActionKind;
use crate::syntax::Stage;

declare_rule! {
    /// Reports a final stage that starts `FROM` a build stage, or copies `/` from one.
    ///
    /// ## Why is this bad?
    /// The point of a multi-stage build is that the final image holds only what runs.
    /// A final stage built `FROM build` (or doing `COPY --from=build / /`) inherits the build stage's compilers,
    /// package caches and sources, so the image is as big as a single-stage one.
    /// Start the final stage from a small runtime image and copy only the artifact.
    ///
    /// A build stage is one that compiles or bundles (`go build`, `mvn package`, `npm run build`, `cargo build`,
    /// `dotnet publish`, `gcc`, `make` ...), itself or in a stage it is built on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/app && go build -o /out/app
    ///
    /// FROM build
    /// ENTRYPOINT ["/out/app"]
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
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3067` reports `COPY --from=<stage> / /` in any stage, whatever the stage copied from does; this
    /// rule reports what makes the shipped image big: a final stage that takes a whole build stage, by `FROM` or by
    /// copying its `/`.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - hadolint's [`DL3067`](https://github.com/hadolint/hadolint/wiki/DL3067)
    pub struct FinalStageFromBuilder {
        code: "DF433",
        name: "final-stage-from-builder",
        category: Size,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3067")],
        options: [],
    }
}

fn builds(step: &Step) -> bool {
    step.actions
        .iter()
        .any(|a| matches!(a.kind, ActionKind::Build { .. }) && !a.conditional)
}

/// Whether a stage, or one it is built on, compiles.
fn compiles(f: &Facts, stage: &Stage) -> bool {
    std::iter::once(stage)
        .chain(f.ancestors(stage))
        .any(|s| s.instructions.clone().any(|i| builds(&f.steps[i])))
}

impl Rule for FinalStageFromBuilder {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        let Some(last) = doc.stages().last() else {
            return;
        };
        // Building on a devcontainer or CI image is the point of such files.
        if let Some(img) = f.base_image(last) {
            if toolchain_product(&img.name, img.tag.as_ref().map(|t| t.0.as_str())).is_some() {
                return;
            }
        }
        let from = &doc.instructions()[last.from];
        if let (Some(parent), Some(image)) = (f.ancestors(last).first(), &from.image) {
            if compiles(f, parent) {
                out.push(ctx.diagnostic(
                    image.range.clone(),
                    format!(
                        "the final stage is built on `{}`, a build stage: its toolchain and sources ship in the image; start from a small runtime image and copy only the artifact",
                        image.text
                    ),
                ));
            }
        }
        for i in last.instructions.clone() {
            let Some(copy) = &f.steps[i].copy else {
                continue;
            };
            let Some(src_stage) = copy.from_stage.and_then(|s| doc.stages().get(s)) else {
                continue;
            };
            let root = copy
                .sources
                .iter()
                .any(|s| matches!(s.value.as_str(), "/" | "/." | "/*"));
            if root && compiles(f, src_stage) {
                let r = copy.sources[0].range.clone();
                out.push(ctx.diagnostic(
                    r,
                    "the final stage copies the whole file system of a build stage: copy only the artifact",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &FinalStageFromBuilder::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM golang AS build\nRUN go build -o /app\nFROM build\nCMD [\"/app\"]\n", &["build"]),
                ("FROM node AS deps\nRUN npm ci\nFROM deps AS build\nRUN npm run build\nFROM build AS final\nCMD [\"node\", \"dist/x.js\"]\n", &["build"]),
                ("FROM maven AS build\nRUN mvn package\nFROM eclipse-temurin:21-jre\nCOPY --from=build / /\n", &["/"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM python:3.12-slim AS base\nRUN pip install --no-cache-dir flask\nFROM base\nCMD [\"python\", \"app.py\"]\n",
                "FROM golang AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n",
                "FROM mcr.microsoft.com/devcontainers/go:1 AS dev\nRUN go build ./...\nFROM dev\n",
                "FROM golang\nRUN go build -o /app\n",
            ],
        );
    }
}
