//! `negation-skips-errexit`: ShellCheck's SC2251, `! cmd` as a statement, which `set -e` never stops on.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports `! command` used as a statement of its own under `set -e` (ShellCheck's SC2251).
    ///
    /// ## Why is this bad?
    /// `errexit` ignores the status of a negated command: in `set -e; ! grep -q bad log; make`, a `bad` line in the
    /// log does not stop the script, which is what the `!` was written for.
    /// Write `grep -q bad log && exit 1`, or make the negation the `RUN`'s last command.
    ///
    /// Reported when `errexit` is on: the script runs `set -e` (or `set -eux` ...), or the stage's `SHELL` has
    /// `-e` (which hadolint does not see: it gives ShellCheck only the shell's name).
    /// Not reported: a negation in a condition, in `&&`/`||`, or as the last command of the script or a subshell,
    /// whose status is read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN set -e; ! grep -q bad /etc/os-release; echo checked
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN set -e; if grep -q bad /etc/os-release; then exit 1; fi; echo checked
    /// ```
    ///
    /// ## Fix safety
    /// No fix: making the check effective can make a `RUN` that passed fail.
    ///
    /// ## References
    /// - ShellCheck's [`SC2251`](https://www.shellcheck.net/wiki/SC2251)
    pub struct NegationSkipsErrexit {
        code: "DF707",
        name: "negation-skips-errexit",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [Peer::ShellCheck("SC2251")],
        options: [],
    }
}

impl Rule for NegationSkipsErrexit {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2251, out, |_, _| {
            "this `!` is not on a condition and skips `set -e`: use `&& exit 1`, or check `$?`"
                .to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &NegationSkipsErrexit::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN set -eux; ! grep x f; make\n", &["!"]),
                (
                    "FROM a\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN ! grep x f; make\n",
                    &["!"],
                ),
                ("FROM a\nRUN set -e; { ! grep x f; }; make\n", &["!"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN ! grep x f; make\n",
                "FROM a\nRUN set -e; make; ! grep x f\n",
                "FROM a\nRUN set -e; if ! grep x f; then :; fi\n",
                "FROM a\nRUN set -e; ! grep x f && exit 1; make\n",
                "FROM a\nRUN set -e; ( ! grep x f ); make\n",
            ],
        );
    }
}
