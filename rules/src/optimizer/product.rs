//! Whether a final stage's product is its toolchain: a devcontainer, a CI runner or builder, a build agent, a
//! development stage. The size rules stay quiet on those: the build tools are what the image is for.
use super::facts::Facts;
use crate::knowledge::{toolchain_dir, toolchain_download, toolchain_package, toolchain_product};
use crate::shell::ActionKind;
use crate::syntax::Stage;

/// Final stage names that say the image is for development.
const DEV_STAGE_NAMES: &[&str] = &[
    "dev",
    "development",
    "devcontainer",
    "debug",
    "test",
    "tests",
    "ci",
    "tools",
    "toolchain",
];

/// Why the stage's product is its toolchain, when it is: its base image is a toolchain product (a devcontainer,
/// a CI runner, a `-dev` image), its name says it is for development, or it installs a language toolchain of its
/// own (a package, a download or a folder copied from a toolchain image) and builds nothing with it, as CI
/// builders on a plain base image do.
/// What the stage's `CMD`/`ENTRYPOINT` runs is left to each rule.
pub(crate) fn toolchain_is_product(f: &Facts, stage: &Stage) -> Option<String> {
    if let Some(img) = f.base_image(stage) {
        let tag = img.tag.as_ref().map(|t| t.0.as_str());
        if let Some(why) = toolchain_product(&img.name, tag) {
            return Some(why.to_string());
        }
    }
    if let Some(name) = stage
        .name
        .as_deref()
        .filter(|n| DEV_STAGE_NAMES.contains(&n.to_ascii_lowercase().as_str()))
    {
        return Some(format!("a stage named `{name}`"));
    }
    let what = installed_toolchain(f, stage)?;
    (!builds(f, stage))
        .then(|| format!("it installs a {what} toolchain for its users and builds nothing with it"))
}

/// The stage and the stages it builds on: what ends up in its image.
fn lineage<'a>(f: &Facts<'a>, stage: &'a Stage) -> impl Iterator<Item = usize> + 'a {
    std::iter::once(stage)
        .chain(f.ancestors(stage))
        .flat_map(|s| s.instructions.clone())
}

/// The language toolchain the stage installs itself, if any: a system package that is one (`golang-go`,
/// `openjdk-17-jdk`), a download of a distribution (`https://go.dev/dl/...`), or a toolchain's folder copied from
/// an image or stage (`COPY --from=golang:1.22 /usr/local/go /usr/local/go`).
fn installed_toolchain(f: &Facts, stage: &Stage) -> Option<&'static str> {
    for i in lineage(f, stage) {
        let step = &f.steps[i];
        for a in step.actions.iter().filter(|a| !a.conditional) {
            let found = match &a.kind {
                ActionKind::SystemInstall {
                    packages,
                    local: false,
                    ..
                } => packages.iter().find_map(|p| toolchain_package(p)),
                ActionKind::Download { urls, .. } => {
                    urls.iter().find_map(|u| toolchain_download(u))
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        if let Some(c) = &step.copy {
            let found = if c.from.is_some() {
                c.sources.iter().find_map(|s| toolchain_dir(&s.value))
            } else if c.remote {
                c.sources.iter().find_map(|s| toolchain_download(&s.value))
            } else {
                None
            };
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// Whether the stage builds or installs a project itself (a compile step, or dependencies from manifests): build
/// tools next to that are there for the build.
fn builds(f: &Facts, stage: &Stage) -> bool {
    lineage(f, stage).any(|i| {
        f.steps[i].actions.iter().any(|a| {
            matches!(
                a.kind,
                ActionKind::Build { .. } | ActionKind::DependencyInstall { .. }
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    fn why(src: &str) -> Option<String> {
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        toolchain_is_product(&f, doc.stages().last().unwrap())
    }

    #[test]
    fn ci_builders_that_install_their_toolchain() {
        for src in [
            // kubernetes/release's k8s-ci-builder, in short.
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential git \\\n && curl -fsSL https://dl.google.com/go/${GO_TARBALL} --output ${GO_TARBALL} && tar xzf ${GO_TARBALL} -C /usr/local\nENTRYPOINT [\"wrapper.sh\"]\n",
            "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y gcc make golang-go openjdk-17-jdk\nENTRYPOINT [\"/ci/run.sh\"]\n",
            "FROM debian:bookworm\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\nRUN apt-get update && apt-get install -y build-essential\nENTRYPOINT [\"/runner.sh\"]\n",
            "FROM debian:bookworm\nRUN apt-get install -y build-essential && curl https://sh.rustup.rs -sSf | sh -s -- -y\nENTRYPOINT [\"/runner.sh\"]\n",
            "FROM debian:bookworm AS base\nRUN apt-get install -y golang-go\nFROM base\nRUN apt-get install -y gcc\nENTRYPOINT [\"/runner.sh\"]\n",
        ] {
            assert!(why(src).is_some(), "{src}");
        }
        assert_eq!(
            why("FROM alpine\nRUN apk add go gcc musl-dev\nENTRYPOINT [\"/ci.sh\"]\n").as_deref(),
            Some("it installs a Go toolchain for its users and builds nothing with it")
        );
    }

    #[test]
    fn apps_that_build_in_place_or_install_no_toolchain() {
        for src in [
            // The toolchain builds the app in the final stage: its build tools are for that build.
            "FROM debian:bookworm\nRUN apt-get install -y golang-go gcc\nCOPY . /src\nRUN cd /src && go build -o /app\nCMD [\"/app\"]\n",
            "FROM debian:bookworm\nRUN apt-get install -y golang-go\nCOPY . /src\nRUN cd /src && make\nCMD [\"/src/app\"]\n",
            "FROM python:3.12-slim\nRUN apt-get install -y gcc openjdk-17-jdk\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
            // Build tools only, or a runtime.
            "FROM python:3.12-slim\nRUN apt-get install -y gcc libpq-dev\nCMD [\"python\", \"app.py\"]\n",
            "FROM debian:bookworm\nRUN apt-get install -y build-essential openjdk-17-jre-headless\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
            "FROM debian:bookworm\nCOPY --from=build /out/app /usr/local/bin/app\nRUN apt-get install -y gcc\nCMD [\"app\"]\n",
            // A Go download in a stage that is not the final one's lineage.
            "FROM debian AS tools\nRUN curl -fsSLO https://go.dev/dl/go1.22.5.linux-amd64.tar.gz\nFROM debian\nRUN apt-get install -y gcc\nCMD [\"/app\"]\n",
        ] {
            assert_eq!(why(src), None, "{src}");
        }
    }

    #[test]
    fn images_and_stage_names() {
        assert!(
            why("FROM mcr.microsoft.com/devcontainers/base:bookworm\nCMD [\"bash\"]\n").is_some()
        );
        assert_eq!(
            why("FROM python:3.12-slim AS Test\nRUN apt-get install -y gcc\nCMD [\"pytest\"]\n")
                .as_deref(),
            Some("a stage named `Test`")
        );
        assert_eq!(
            why("FROM python:3.12-slim AS app\nCMD [\"python\"]\n"),
            None
        );
    }
}
