//! `backtick-substitution`: ShellCheck's SC2006, legacy backticks in a RUN.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::shellcheck_findings::shellcheck_findings;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports a command substitution written with backticks in a `RUN` (ShellCheck's SC2006).
    ///
    /// ## Why is this bad?
    /// Backticks nest only with escapes and treat backslashes in their own way; `$(...)` nests and reads like the
    /// rest of the script.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN echo "built on `date`" > /built
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:bookworm-slim
    /// RUN echo "built on $(date)" > /built
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN echo "built on $(date)" > /built
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix rewrites `` `cmd` `` as `$(cmd)` only when the command holds no backslash (the one place the
    /// two forms read text differently) and does not start with `(` (which would make `$((` arithmetic); the
    /// shell runs the same command.
    ///
    /// ## References
    /// - ShellCheck's [`SC2006`](https://www.shellcheck.net/wiki/SC2006)
    pub struct BacktickSubstitution {
        code: "DF704",
        name: "backtick-substitution",
        category: Shell,
        severity: Style,
        fix: Sometimes,
        peers: [Peer::ShellCheck("SC2006")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for BacktickSubstitution {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for l in shellcheck_findings(ctx, ShellCode::Sc2006) {
            let text = ctx.slice(l.range.clone());
            let mut d = ctx.diagnostic(l.range.clone(), "use `$(...)` instead of legacy backticks");
            let inner = text
                .strip_prefix('`')
                .and_then(|t| t.strip_suffix('`'))
                .filter(|i| !i.contains(['\\', '`', '\n', '\r']) && !i.starts_with('('));
            if let Some(inner) = inner {
                d = d.with_fix(Fix::safe(
                    "Use `$(...)`",
                    vec![Edit::replace(l.range.clone(), format!("$({inner})"))],
                ));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &BacktickSubstitution::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN echo `date`\n", &["`date`"]),
                ("FROM a\nRUN echo \"v=`cat v`\"\n", &["`cat v`"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &["FROM a\nRUN echo $(date)\n", "FROM a\nRUN echo '`date`'\n"],
        );
    }

    #[test]
    fn fixes() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nRUN echo `date`\n", "FROM a\nRUN echo $(date)\n"),
                (
                    "FROM a\nRUN echo \"`echo \\$x`\"\n",
                    "FROM a\nRUN echo \"`echo \\$x`\"\n",
                ),
            ],
        );
    }
}
