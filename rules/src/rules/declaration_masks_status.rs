//! `declaration-masks-status`: ShellCheck's SC2155, `export x=$(cmd)` whose status is `export`'s.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports `export`, `local`, `readonly` or `declare` assigning a command substitution (ShellCheck's SC2155).
    ///
    /// ## Why is this bad?
    /// The status of `export V=$(cmd)` is `export`'s, which succeeds: when `cmd` fails, `set -e` and `&&` do not
    /// see it, and the build goes on with an empty `V`.
    /// Assign first, then export: `V=$(cmd) && export V`.
    ///
    /// On an unquoted `export V=$(cmd)` hadolint 2.15.1's ShellCheck reports only SC2046; the `shellcheck`
    /// program (0.9) and dflint report both.
    ///
    /// Off by default: on the shared corpus its 184 hits are almost all `export GNUPGHOME="$(mktemp -d)"`, whose
    /// failure nobody guards against; select it (or `SC2155`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN export ARCH=$(dpkg --print-architecture) && echo "$ARCH"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN ARCH="$(dpkg --print-architecture)" && export ARCH && echo "$ARCH"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: splitting the declaration changes where a failure stops the script, which the author should choose.
    ///
    /// ## References
    /// - ShellCheck's [`SC2155`](https://www.shellcheck.net/wiki/SC2155)
    pub struct DeclarationMasksStatus {
        code: "DF703",
        name: "declaration-masks-status",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [Peer::ShellCheck("SC2155")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for DeclarationMasksStatus {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2155, out, |_, name| {
            format!("declare and assign `{name}` separately: this status is the declaration's, not the command's")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &DeclarationMasksStatus::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN export A=$(x)\n", &["A"]),
                ("FROM a\nRUN export A=\"v-$(x)\" B=2\n", &["A"]),
                ("FROM a\nRUN readonly R=`x`\n", &["R"]),
                ("FROM a\nRUN f() { local L=$(x); }\n", &["L"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN A=$(x) && export A\n",
                "FROM a\nRUN export A=1 B=$C\n",
            ],
        );
    }
}
