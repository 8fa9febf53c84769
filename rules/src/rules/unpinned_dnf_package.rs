//! `unpinned-dnf-package`: `dnf install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::{report_unpinned, unpinned_rpm};
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `dnf install` (and `microdnf install`) of packages without a version (`httpd` rather than `httpd-2.4.57`), and `dnf module install` of modules without a stream (`nodejs` rather than `nodejs:20`).
    ///
    /// ## Why is this bad?
    /// Without a version, dnf installs whatever the repository has on the day of the build: the same Dockerfile
    /// builds a different image next month.
    ///
    /// As hadolint reads it, a package is pinned when what follows its first `-` reads as a version (parts of
    /// letters, digits and `.~^_:+`, one starting with a digit: `httpd-2.4.57`, `nginx-1:1.24.0-1.el9`) or
    /// it is an `.rpm` file or URL.
    /// `dnf5` and `tdnf` (same command line) are read too, unlike in hadolint.
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    /// Packages given by a variable (`$PACKAGES`) are not checked; hadolint reports them unless an `ENV` or
    /// `ARG` sets the variable.
    ///
    /// ## Off by default
    /// Distribution repositories drop old versions (Fedora and EPEL keep only the newest): a pinned version
    /// disappears and the build then fails.
    /// Most Dockerfiles pin the release through the base image (`fedora:40`) instead.
    /// On the shared corpus of public Dockerfiles this rule would report 41 installs in 35 files (`findutils`, `tar`, `make` in the JDK images).
    /// Turn it on with `dflint check --extend-select DL3041`, or `extend-select = ["unpinned-dnf-package"]` in
    /// `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is the one the repository serves today (`dnf list httpd` in the image), which
    /// dflint does not look up.
    ///
    /// ## References
    /// - hadolint's [`DL3041`](https://github.com/hadolint/hadolint/wiki/DL3041)
    pub struct UnpinnedDnfPackage {
        code: "DF310",
        name: "unpinned-dnf-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3041")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnpinnedDnfPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "dnf package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if !matches!(p.manager, Manager::Dnf | Manager::Microdnf) {
        return Vec::new();
    }
    unpinned_rpm(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedDnfPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN dnf install -y httpd-2.4.57 python3-pip\n",
                    &["python3-pip"],
                ),
                ("FROM a\nRUN microdnf install --nodocs -y jq\n", &["jq"]),
                (
                    "FROM a\nRUN dnf5 install -y --setopt=install_weak_deps=False git\n",
                    &["git"],
                ),
                ("FROM a\nRUN dnf module install -y nodejs\n", &["nodejs"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN dnf install -y httpd-2.4.57-5.fc40 nginx-1:1.24.0\n",
                "FROM a\nRUN dnf install -y https://x/epel-release-latest-9.noarch.rpm\n",
                "FROM a\nRUN dnf module install -y nodejs:20\n",
                "FROM a\nRUN dnf group install -y 'Development Tools'\n",
                "FROM a\nRUN yum install -y httpd\n",
            ],
        );
    }
}
