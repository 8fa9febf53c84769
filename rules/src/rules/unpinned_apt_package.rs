//! `unpinned-apt-package`: `apt-get install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `apt-get install` (or `apt install`) of packages without a version (`curl` rather than `curl=7.88.1-10+deb12u5`).
    ///
    /// ## Why is this bad?
    /// Without a version, apt installs whatever the mirror has on the day of the build: the same Dockerfile
    /// builds a different image next month.
    ///
    /// As hadolint counts it, a package is pinned when it names a version (`curl=7.88.1-10`), a release
    /// (`curl/bookworm-backports`) or is a file (`./x.deb`).
    /// Packages given by a variable (`$PACKAGES`), or read by `xargs`, are not checked.
    /// Unlike hadolint, `apt install` is checked as well.
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Off by default
    /// Debian and Ubuntu mirrors keep only the current version of each package in a release: a pinned version
    /// disappears with the next security update and the build then fails, so most Dockerfiles pin the base image
    /// (`debian:bookworm-20240701`) instead.
    /// On the shared corpus of public Dockerfiles this rule would report 661 installs in 385 files, nearly all of them the
    /// usual unpinned `apt-get install -y --no-install-recommends ...` of official images.
    /// Turn it on with `dflint check --extend-select DL3008`, or `extend-select = ["unpinned-apt-package"]` in
    /// `.dflint.toml`, when you keep a snapshot mirror (`snapshot.debian.org`) that keeps old versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is the one the mirror serves today (`apt-cache policy curl` in the image),
    /// which dflint does not look up.
    ///
    /// ## References
    /// - [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - hadolint's [`DL3008`](https://github.com/hadolint/hadolint/wiki/DL3008)
    pub struct UnpinnedAptPackage {
        code: "DF303",
        name: "unpinned-apt-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3008")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnpinnedAptPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "apt package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if !matches!(p.manager, Manager::AptGet | Manager::Apt) || p.sub() != Some("install") {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            !(w.dynamic || v.contains('=') || v.contains('/') || v.ends_with(".deb"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedAptPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN apt-get install -y curl git=1:2.39\n",
                    &["curl"],
                ),
                (
                    "FROM a\nRUN apt-get -y install -t bookworm-backports git\n",
                    &["git"],
                ),
                ("FROM a\nRUN sudo apt-get install -y a b c d\n", &["a"]),
                ("FROM a\nRUN apt install -y curl\n", &["curl"]),
                (
                    "FROM a\nRUN if true; then apt-get install -y x; fi\n",
                    &["x"],
                ),
                ("FROM a\nONBUILD RUN apt-get install -y x\n", &["x"]),
                (
                    "FROM a\nRUN [\"sh\", \"-c\", \"apt-get install -y x\"]\n",
                    &["x"],
                ),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM a\nRUN apt-get install -y a b c d\n"),
            ["apt packages `a`, `b`, `c` and 1 more have no pinned version"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get install -y curl=7.88.1-10 git=1:2.39\n",
                "FROM a\nRUN apt-get install -y curl/bookworm-backports ./local.deb /tmp/x.deb\n",
                "FROM a\nRUN apt-get install -y curl=${CURL_VERSION} $EXTRA\n",
                "FROM a\nRUN xargs apt-get install -y < packages.txt\n",
                "FROM a\nRUN apt-get update && apt-get remove -y curl\n",
                "FROM a\nRUN echo apt-get install curl\n",
            ],
        );
    }
}
