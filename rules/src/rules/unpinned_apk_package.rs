//! `unpinned-apk-package`: `apk add` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `apk add` of packages without a version (`curl` rather than `curl=8.5.0-r0` or `curl~8.5`).
    ///
    /// ## Why is this bad?
    /// Without a version, apk installs whatever the repository has on the day of the build: the same Dockerfile
    /// builds a different image next month.
    ///
    /// As hadolint counts it, a package is pinned when it has a version constraint (`=`, `~`, `>`, `<`) or is a
    /// file (`x.apk`).
    /// The name after `--virtual` (`-t`) and the repository after `--repository` (`-X`) are no packages.
    /// Packages given by a variable (`$PACKAGES`), or read by `xargs`, are not checked.
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Off by default
    /// Alpine's repositories keep only the current version of each package in a branch: a pinned `=1.2.3-r0`
    /// disappears with the next rebuild of the package and the build then fails.
    /// A `~` pin (`curl~8.5`) lasts longer but still breaks at the next minor release.
    /// Most Dockerfiles pin the Alpine branch through the base image (`alpine:3.20`) instead.
    /// On the shared corpus of public Dockerfiles this rule would report 391 installs in 222 files, nearly all the usual build dependencies of official images.
    /// Turn it on with `dflint check --extend-select DL3018`, or `extend-select = ["unpinned-apk-package"]` in
    /// `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is the one the repository serves today (`apk policy curl` in the image), which
    /// dflint does not look up.
    ///
    /// ## References
    /// - [apk-add(8)](https://man.archlinux.org/man/apk-add.8.en)
    /// - hadolint's [`DL3018`](https://github.com/hadolint/hadolint/wiki/DL3018)
    pub struct UnpinnedApkPackage {
        code: "DF304",
        name: "unpinned-apk-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3018")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnpinnedApkPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "apk package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Apk || p.sub() != Some("add") {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            !(w.dynamic || v.contains(['=', '~', '>', '<']) || v.ends_with(".apk"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedApkPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN apk add --no-cache curl git=2.45.2-r0\n",
                    &["curl"],
                ),
                (
                    "FROM a\nRUN apk add --virtual .build-deps gcc musl-dev\n",
                    &["gcc"],
                ),
                (
                    "FROM a\nRUN apk add -t .deps -X https://x/edge/testing foo\n",
                    &["foo"],
                ),
                ("FROM a\nRUN apk --no-cache add curl\n", &["curl"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apk add --no-cache curl=8.9.0-r0 git~2.45 'bash>5' ./local.apk\n",
                "FROM a\nRUN apk add --virtual .deps\n",
                "FROM a\nRUN apk add $PACKAGES\n",
                "FROM a\nRUN apk del curl\n",
            ],
        );
    }
}
