//! `build-deps-in-final-stage`: the final stage installs compilers or development packages and keeps them.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};
use crate::knowledge::{classify, is_build_package, runs_toolchain, Role};
use crate::optimizer::facts::Facts;
use crate::optimizer::product::toolchain_is_product;
use crate::shell::ActionKind;
use crate::syntax::Kind;

declare_rule! {
    /// Reports compilers, build tools and `-dev` packages installed in the final stage and not removed in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// `gcc`, `make`, `build-essential`, `git` and the `-dev` packages (headers and static libraries) are needed to
    /// build, not to run: they add tens to hundreds of megabytes and a larger attack surface to every container.
    /// Install them in a build stage, build there, and copy the result into a final stage that installs only the
    /// runtime libraries (`libpq5` rather than `libpq-dev`).
    ///
    /// Packages removed again in the same `RUN` (`apt-get purge`, `apk del` of a `--virtual` group) are fine, and so
    /// are images whose product is a toolchain: devcontainers and CI runners, stages named `dev`, `test` or `ci`,
    /// CI builders on a plain base image that install a language toolchain of their own (a Go, Rust or JDK
    /// package or download, a toolchain folder copied from its image) and build nothing with it, and a `CMD`
    /// that starts `mvn`, `gradle`, a compiler or a shell.
    /// So are final stages with no `CMD` or `ENTRYPOINT` (base images for others), and final stages on a
    /// toolchain image, which carries build tools anyway (`toolchain-in-final-image` judges those).
    /// `git` alone is not reported: it is as often a run-time tool.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    pub struct BuildDepsInFinalStage {
        code: "DF432",
        name: "build-deps-in-final-stage",
        category: Size,
        severity: Warning,
        fix: None,
        peers: [],
        options: [],
    }
}

impl Rule for BuildDepsInFinalStage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        let Some(last) = doc.stages().last() else {
            return;
        };
        // Devcontainers, CI runners and builders, dev stages.
        if toolchain_is_product(f, last).is_some() {
            return;
        }
        if let Some(img) = f.base_image(last) {
            let tag = img.tag.as_ref().map(|t| t.0.as_str());
            // On a toolchain image the build tools are there already: toolchain-in-final-image judges it.
            if matches!(classify(&img.name, tag), Some((Role::Toolchain(_), _))) {
                return;
            }
        }
        // No CMD or ENTRYPOINT: a base image for others, where build tools may be the point.
        // (`ENTRYPOINT []` clears the base image's.)
        let runs_something = [Kind::Cmd, Kind::Entrypoint]
            .into_iter()
            .filter_map(|k| f.effective(last, k))
            .any(|i| {
                f.steps[i]
                    .script
                    .as_ref()
                    .is_some_and(|s| s.commands.iter().any(|c| !c.words.is_empty()))
            });
        if !runs_something {
            return;
        }
        // A CMD that starts a build tool, a compiler or a shell: the toolchain is the product.
        let product = [Kind::Cmd, Kind::Entrypoint]
            .into_iter()
            .filter_map(|k| f.effective(last, k))
            .any(|i| {
                f.steps[i].script.as_ref().is_some_and(|s| {
                    s.commands.first().is_some_and(|c| {
                        runs_toolchain(&c.words.iter().map(|w| w.value.clone()).collect::<Vec<_>>())
                    })
                })
            });
        if product {
            return;
        }
        for i in last.instructions.clone() {
            let step = &f.steps[i];
            // Packages removed again in the same RUN, by name or as an `apk --virtual` group.
            let mut removed: Vec<String> = Vec::new();
            let mut auto_removed = false;
            for a in &step.actions {
                if let ActionKind::SystemRemove { packages, .. } = &a.kind {
                    removed.extend(packages.iter().cloned());
                    // `apt-mark auto ... && apt-get purge --auto-remove`: what was installed for the build goes.
                    auto_removed |= packages.is_empty();
                }
            }
            if auto_removed {
                continue;
            }
            for a in &step.actions {
                let ActionKind::SystemInstall {
                    packages,
                    virtual_name,
                    local: false,
                    ..
                } = &a.kind
                else {
                    continue;
                };
                if a.conditional || virtual_name.as_ref().is_some_and(|v| removed.contains(v)) {
                    continue;
                }
                let build: Vec<&String> = packages
                    .iter()
                    .filter(|p| is_build_package(p) && !removed.iter().any(|r| r == *p))
                    .collect();
                // git alone is as often a run-time tool (CI images, the docker CLI) as a build one.
                if build.is_empty() || build.iter().all(|p| p.as_str() == "git") {
                    continue;
                }
                let Some(cmd) = step.script.as_ref().and_then(|s| s.commands.get(a.command)) else {
                    continue;
                };
                let range = cmd.argv()[0].range.start..a.anchor.end.max(cmd.argv()[0].range.end);
                let names: Vec<String> = build.iter().map(|p| format!("`{p}`")).collect();
                out.push(ctx.diagnostic(
                    range,
                    format!(
                        "the final stage installs build tools ({}) and keeps them: build in an earlier stage and install only runtime libraries here",
                        names.join(", ")
                    ),
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

    const R: &RuleMeta = &BuildDepsInFinalStage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a AS build\nRUN make\nFROM b\nRUN apt-get install -y gcc curl\nCMD [\"x\"]\n", &["apt-get install"]),
                ("FROM b\nRUN apk add --no-cache build-base git\nCMD [\"x\"]\n", &["apk add"]),
                ("FROM b\nRUN yum install -y openssl-devel && yum clean all\nENTRYPOINT [\"x\"]\n", &["yum install"]),
            ],
        );
        let m = spec::messages(
            R,
            "FROM b\nRUN apt-get install -y gcc libpq-dev curl\nCMD [\"x\"]\n",
        );
        assert!(
            m[0].contains("`gcc`, `libpq-dev`") && !m[0].contains("curl"),
            "{m:?}"
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM b\nRUN apt-get install -y curl libpq5\nCMD [\"x\"]\n",
                "FROM b\nRUN apt-get install -y git\nCMD [\"x\"]\n",
                "FROM b\nRUN apt-get install -y gcc\nENTRYPOINT []\n",
                "FROM b\nRUN apt-get install -y gcc make\nCMD [\"bash\"]\n",
                "FROM b\nRUN apt-get install -y gcc libc-dev && make && apt-mark auto '.*' && apt-get purge -y --auto-remove\nCMD [\"x\"]\n",
                "FROM b\nRUN apk add --no-cache --virtual .deps gcc musl-dev && pip install x && apk del .deps\nCMD [\"x\"]\n",
                "FROM b\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\nCMD [\"x\"]\n",
                "FROM b\nRUN apt-get install -y gcc make\n",
                "FROM mcr.microsoft.com/devcontainers/base:bookworm\nRUN apt-get install -y gcc\nCMD [\"bash\"]\n",
                "FROM b AS build\nRUN apt-get install -y gcc\nFROM c\nCOPY --from=build /x /x\nCMD [\"/x\"]\n",
                "FROM b AS ci\nRUN apt-get install -y gcc\nCMD [\"x\"]\n",
            ],
        );
    }

    #[test]
    fn ci_builders_that_install_their_own_toolchain() {
        // kubernetes/release's k8s-ci-builder, in short: Go from its download, build tools for the jobs it runs.
        spec::valid(
            R,
            &[
                "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential git pkg-config python3-dev \\\n && curl -fsSL \"https://dl.google.com/go/${GO_TARBALL}\" --output \"${GO_TARBALL}\" \\\n && tar xzf \"${GO_TARBALL}\" -C /usr/local\nCOPY --from=builder /go/bin/* ./\nENTRYPOINT [\"wrapper.sh\"]\n",
                "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y build-essential openjdk-17-jdk maven\nENTRYPOINT [\"/ci/entrypoint.sh\"]\n",
                "FROM debian:bookworm\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\nRUN apt-get update && apt-get install -y gcc make\nENTRYPOINT [\"/runner.sh\"]\n",
            ],
        );
        // The same tools next to a build of the app in the final stage: the build belongs in a stage of its own.
        spec::invalid(
            R,
            &[
                ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential golang-go\nCOPY . /src\nRUN cd /src && go build -o /usr/local/bin/app\nCMD [\"app\"]\n", &["apt-get install"]),
                ("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc openjdk-17-jdk\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n", &["apt-get install"]),
            ],
        );
    }
}
