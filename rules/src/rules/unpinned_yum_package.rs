//! `unpinned-yum-package`: `yum install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::{report_unpinned, unpinned_rpm};
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `yum install` of packages without a version (`httpd` rather than `httpd-2.4.6-99.el7`), and `yum module install` of modules without a stream (`nodejs` rather than `nodejs:20`).
    ///
    /// ## Why is this bad?
    /// Without a version, yum installs whatever the repository has on the day of the build: the same Dockerfile
    /// builds a different image next month.
    ///
    /// As hadolint reads it, a package is pinned when what follows its first `-` reads as a version (parts of
    /// letters, digits and `.~^_:+`, one starting with a digit: `httpd-2.4.6`, `nginx-1:1.20.1-10.el7`) or
    /// it is an `.rpm` file or URL.
    /// That reading is hadolint's heuristic: a name such as `java-1.8.0-openjdk` counts as pinned.
    /// Unlike hadolint, an `.rpm` whose name has no `-` (`https://x/e.rpm`) counts as pinned, and option values
    /// (`--enablerepo epel`) are no packages.
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    /// Packages given by a variable (`$PACKAGES`) are not checked; hadolint reports them unless an `ENV` or
    /// `ARG` sets the variable.
    ///
    /// ## Off by default
    /// Distribution repositories drop old versions (CentOS and RHEL keep only some, EPEL only the newest): a
    /// pinned version disappears and the build then fails.
    /// Most Dockerfiles pin the release through the base image (`rockylinux:9.3`) instead.
    /// On the shared corpus of public Dockerfiles this rule would report 15 installs in 11 files (`tar`, `which`, `openssh-clients` in the Maven images).
    /// Turn it on with `dflint check --extend-select DL3033`, or `extend-select = ["unpinned-yum-package"]` in
    /// `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6-99.el7.centos.1 && yum clean all
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is the one the repository serves today (`yum list httpd` in the image), which
    /// dflint does not look up.
    ///
    /// ## References
    /// - hadolint's [`DL3033`](https://github.com/hadolint/hadolint/wiki/DL3033)
    pub struct UnpinnedYumPackage {
        code: "DF308",
        name: "unpinned-yum-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3033")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnpinnedYumPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "yum package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Yum {
        return Vec::new();
    }
    unpinned_rpm(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedYumPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN yum install -y httpd-2.4.6 python3-devel\n",
                    &["python3-devel"],
                ),
                ("FROM a\nRUN yum -y --enablerepo epel install jq\n", &["jq"]),
                ("FROM a\nRUN yum module install -y nodejs\n", &["nodejs"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN yum install -y httpd-2.4.6-99.el7 nginx-1:1.20.1 java-1.8.0-openjdk\n",
                "FROM a\nRUN yum install -y https://x/epel-release-latest-7.noarch.rpm ./x.rpm\n",
                "FROM a\nRUN yum module install -y nodejs:20\n",
                "FROM a\nRUN yum groupinstall -y 'Development Tools'\n",
                "FROM a\nRUN yum install -y $PACKAGES\n",
                "FROM a\nRUN dnf install -y httpd\n",
            ],
        );
    }
}
