//! `zypper-without-non-interactive`: a zypper command that would stop at its confirmation prompt.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::{report_prompts, AddOption};
use crate::shell::{Manager, PackageCommand};

declare_rule! {
    /// Reports `zypper install` (and `remove`, `update`, `patch`, `dist-upgrade`, `source-install`) without `--non-interactive` (`-n`) or `-y`.
    ///
    /// ## Why is this bad?
    /// zypper asks "Continue? [y/n/v/...? shows all options] (y)" before it changes anything.
    /// A build has no terminal to answer it: run zypper non-interactively so that what it does does not depend
    /// on how it reads the end of its input.
    ///
    /// Answered: `--non-interactive` (`-n`), `--no-confirm` (`-y`), a command fed by `yes |`.
    /// hadolint does not read `update` and `dist-upgrade`, which ask as well.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install curl && zypper clean -a
    /// ```
    /// ```dockerfile fixed
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean -a
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean -a
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--non-interactive` after `zypper` (a global option, valid for every subcommand).
    /// Unsafe: it answers every prompt with its default, which is not always yes (a licence to accept, a
    /// conflict to resolve); check the build log.
    ///
    /// ## References
    /// - [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual)
    /// - hadolint's [`DL3034`](https://github.com/hadolint/hadolint/wiki/DL3034)
    pub struct ZypperWithoutNonInteractive {
        code: "DF132",
        name: "zypper-without-non-interactive",
        category: Correctness,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3034")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for ZypperWithoutNonInteractive {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_prompts(
            ctx,
            out,
            prompts,
            answered,
            message,
            AddOption::AfterProgramUnsafe("--non-interactive"),
        );
    }
}

fn prompts(p: &PackageCommand) -> bool {
    p.manager == Manager::Zypper
        && matches!(
            p.sub(),
            Some(
                "install"
                    | "in"
                    | "remove"
                    | "rm"
                    | "source-install"
                    | "si"
                    | "patch"
                    | "update"
                    | "up"
                    | "dist-upgrade"
                    | "dup"
            )
        )
}

fn answered(p: &PackageCommand) -> bool {
    p.has(&["--non-interactive", "--no-confirm"], &['n', 'y'])
}

fn message(p: &PackageCommand) -> String {
    format!(
        "`zypper {}` without `--non-interactive` or `-y` waits for an answer in a build",
        p.sub().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ZypperWithoutNonInteractive::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN zypper install curl\n", &["install"]),
                ("FROM a\nRUN zypper --root /x rm curl\n", &["rm"]),
                ("FROM a\nRUN zypper update\n", &["update"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN zypper --non-interactive install curl\n",
                "FROM a\nRUN zypper -n in curl && zypper in -y git && zypper in --no-confirm x\n",
                "FROM a\nRUN zypper refresh && zypper clean -a\n",
                "FROM a\nRUN yes | zypper install curl\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nRUN zypper install curl\n",
                "FROM a\nRUN zypper --non-interactive install curl\n",
            )],
        );
    }
}
