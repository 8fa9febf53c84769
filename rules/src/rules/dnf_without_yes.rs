//! `dnf-without-yes`: a dnf transaction that would stop at its confirmation prompt.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_rpm_without_yes;
use crate::shell::Manager;

declare_rule! {
    /// Reports `dnf install` (and the other transactions: `upgrade`, `remove`, `group install` ...) without `-y`.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before every transaction that changes anything.
    /// A build has no terminal: the question reads the end of its input, dnf prints "Operation aborted" and the
    /// build fails.
    ///
    /// Answered: `-y`, `--assumeyes`, `--setopt=assumeyes=1`, a command fed by `yes |`.
    /// `dnf5` and `tdnf` are read too.
    /// hadolint reads only `install`, `groupinstall` and `localinstall`; the other transactions ask as well.
    /// Unlike hadolint, `microdnf` is not reported: it never asks (its `-y` is accepted for compatibility and
    /// does nothing).
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install httpd && dnf clean all
    /// ```
    /// ```dockerfile fixed
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `-y` after the subcommand.
    /// Safe: where dnf would have found nothing to do, `-y` changes nothing; otherwise it would have asked and
    /// the build failed.
    ///
    /// ## References
    /// - [dnf(8): `--assumeyes`](https://dnf.readthedocs.io/en/latest/command_ref.html)
    /// - hadolint's [`DL3038`](https://github.com/hadolint/hadolint/wiki/DL3038)
    pub struct DnfWithoutYes {
        code: "DF133",
        name: "dnf-without-yes",
        category: Correctness,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3038")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for DnfWithoutYes {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_rpm_without_yes(ctx, out, Manager::Dnf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &DnfWithoutYes::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN dnf install httpd\n", &["install"]),
                (
                    "FROM a\nRUN dnf --setopt=install_weak_deps=False upgrade\n",
                    &["upgrade"],
                ),
                (
                    "FROM a\nRUN dnf5 group install 'Development Tools'\n",
                    &["group"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN dnf install -y httpd && dnf -y remove x\n",
                "FROM a\nRUN dnf --assumeyes install httpd\n",
                "FROM a\nRUN microdnf install httpd\n",
                "FROM a\nRUN yes | dnf install httpd\n",
                "FROM a\nRUN dnf clean all && dnf makecache\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a\nRUN dnf install httpd && dnf clean all\n",
                "FROM a\nRUN dnf install -y httpd && dnf clean all\n",
            )],
        );
    }
}
