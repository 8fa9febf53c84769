//! `unpinned-zypper-package`: `zypper install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `zypper install` of packages without a version (`curl` rather than `curl=8.6.0` or `'curl>=8'`).
    ///
    /// ## Why is this bad?
    /// Without a version, zypper installs whatever the repository has on the day of the build: the same
    /// Dockerfile builds a different image next month.
    ///
    /// As hadolint counts it, a package is pinned when it has a version constraint (`=`, `<`, `>`) or is an
    /// `.rpm` file or URL.
    /// The values of options (`--from repo`, `-t pattern`) are no packages.
    /// Packages given by a variable (`$PACKAGES`) are not checked.
    ///
    /// ## Off by default
    /// openSUSE's repositories keep only the current version of each package (Tumbleweed changes daily): a pinned
    /// version disappears and the build then fails.
    /// Most Dockerfiles pin the release through the base image (`opensuse/leap:15.6`) instead.
    /// On the shared corpus of public Dockerfiles this rule would report none: zypper is rare in public Dockerfiles.
    /// Turn it on with `dflint check --extend-select DL3037`, or `extend-select = ["unpinned-zypper-package"]`
    /// in `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean -a
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean -a
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is the one the repository serves today (`zypper info curl` in the image), which
    /// dflint does not look up.
    ///
    /// ## References
    /// - hadolint's [`DL3037`](https://github.com/hadolint/hadolint/wiki/DL3037)
    pub struct UnpinnedZypperPackage {
        code: "DF309",
        name: "unpinned-zypper-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3037")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnpinnedZypperPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "zypper package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Zypper || !matches!(p.sub(), Some("install" | "in")) {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            !(w.dynamic || v.contains(['=', '<', '>']) || v.ends_with(".rpm"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedZypperPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN zypper -n install curl git=2.43\n", &["curl"]),
                (
                    "FROM a\nRUN zypper --non-interactive in -t pattern devel_basis\n",
                    &["devel_basis"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN zypper -n install curl=8.6.0 'git>=2.40' ./x.rpm\n",
                "FROM a\nRUN zypper -n install $PACKAGES\n",
                "FROM a\nRUN zypper -n remove curl\n",
            ],
        );
    }
}
