//! `yum-without-yes`: a yum transaction that would stop at its confirmation prompt.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_rpm_without_yes;
use crate::shell::Manager;

declare_rule! {
    /// Reports `yum install` (and the other transactions: `update`, `remove`, `groupinstall` ...) without `-y`.
    ///
    /// ## Why is this bad?
    /// yum asks "Is this ok [y/N]" before every transaction that changes anything.
    /// A build has no terminal: the question reads the end of its input, yum exits with "Exiting on user
    /// command" and the build fails.
    ///
    /// Answered: `-y`, `--assumeyes`, `--setopt=assumeyes=1`, a command fed by `yes |`.
    /// hadolint reads only `install`, `groupinstall` and `localinstall`; the other transactions ask as well.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd && yum clean all
    /// ```
    /// ```dockerfile fixed
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-y` after the subcommand.
    /// Safe: where yum would have found nothing to do, `-y` changes nothing; otherwise it would have asked and
    /// the build failed.
    ///
    /// ## References
    /// - [yum(8)](https://man7.org/linux/man-pages/man8/yum.8.html)
    /// - hadolint's [`DL3030`](https://github.com/hadolint/hadolint/wiki/DL3030)
    pub struct YumWithoutYes {
        code: "DF131",
        name: "yum-without-yes",
        category: Correctness,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3030")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for YumWithoutYes {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_rpm_without_yes(ctx, out, Manager::Yum);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &YumWithoutYes::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN yum install httpd\n", &["install"]),
                ("FROM a\nRUN yum --enablerepo epel update\n", &["update"]),
                (
                    "FROM a\nRUN yum groupinstall 'Development Tools'\n",
                    &["groupinstall"],
                ),
                (
                    "FROM a\nRUN sudo yum module install nodejs:20\n",
                    &["module"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN yum install -y httpd && yum -y remove x\n",
                "FROM a\nRUN yum --assumeyes install httpd\n",
                "FROM a\nRUN yum --setopt=assumeyes=1 install httpd\n",
                "FROM a\nRUN yes | yum install httpd\n",
                "FROM a\nRUN yum clean all && yum makecache\n",
                "FROM a\nRUN dnf install httpd\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a\nRUN yum install httpd && yum clean all\n",
                "FROM a\nRUN yum install -y httpd && yum clean all\n",
            )],
        );
    }
}
