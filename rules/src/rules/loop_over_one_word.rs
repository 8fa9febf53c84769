//! `loop-over-one-word`: ShellCheck's SC2043, a `for` loop over one constant word.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports a `for` loop whose list is one constant word (ShellCheck's SC2043).
    ///
    /// ## Why is this bad?
    /// `for f in "a b c"` and `for f in one` run once: a quoted list, or a forgotten glob or variable, is the usual
    /// cause.
    /// A loop kept for one item on purpose (a list that once held more keys) reads like one of those mistakes.
    ///
    /// Off by default: on the shared corpus its hits are one-key lists kept as loops on purpose (nodejs' GPG keys);
    /// select it (or `SC2043`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN for pkg in "curl wget"; do apt-get install -y "$pkg"; done
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN for pkg in curl wget; do apt-get install -y "$pkg"; done
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether the word was meant as one item or a list only the author knows.
    ///
    /// ## References
    /// - ShellCheck's [`SC2043`](https://www.shellcheck.net/wiki/SC2043)
    pub struct LoopOverOneWord {
        code: "DF708",
        name: "loop-over-one-word",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [Peer::ShellCheck("SC2043")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for LoopOverOneWord {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2043, out, |_, _| {
            "this loop runs only once: bad quoting, or a missing glob or expansion?".to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &LoopOverOneWord::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN for k in \"a b\"; do echo \"$k\"; done\n",
                    &["\"a b\""],
                ),
                (
                    "FROM a\nRUN for k in \\\n  ABC; do echo \"$k\"; done\n",
                    &["ABC"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN for k in a b; do :; done\n",
                "FROM a\nRUN for k in *.txt; do :; done\n",
                "FROM a\nRUN for k in $LIST; do :; done\n",
                "FROM a\nRUN for k in {1..3}; do :; done\n",
            ],
        );
    }
}
