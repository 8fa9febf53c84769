//! `echo-escape-sequence`: ShellCheck's SC2028, `echo 'a\nb'` whose output depends on the shell.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports an `echo` argument holding a backslash escape such as `\n` or `\t` (ShellCheck's SC2028).
    ///
    /// ## Why is this bad?
    /// Whether `echo` expands escapes depends on the shell: dash's `echo` (Debian's `/bin/sh`) does, bash's does
    /// not without `-e`.
    /// The same `RUN` writes different files on different base images, or after a `SHELL` change.
    /// `printf` behaves the same everywhere.
    ///
    /// Off by default: on the shared corpus its hits are docker-library's `echo '\tAllowOverride All'` lines, which
    /// run under Debian's dash and give the tab intended; select it (or `SC2028`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN echo 'a\nb' > /etc/list
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN printf 'a\nb\n' > /etc/list
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `printf` reads `%` in its format too, and which output was intended depends on the shell the author
    /// tested with.
    ///
    /// ## References
    /// - ShellCheck's [`SC2028`](https://www.shellcheck.net/wiki/SC2028)
    pub struct EchoEscapeSequence {
        code: "DF706",
        name: "echo-escape-sequence",
        category: Shell,
        severity: Info,
        fix: None,
        peers: [Peer::ShellCheck("SC2028")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for EchoEscapeSequence {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2028, out, |_, _| {
            "`echo` may not expand escape sequences (it depends on the shell); use `printf`"
                .to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &EchoEscapeSequence::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN echo 'a\\nb' > f\n", &["'a\\nb'"]),
                ("FROM a\nRUN echo \"x\\ty\"\n", &["\"x\\ty\""]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN printf 'a\\nb'\n",
                "FROM a\nRUN echo 'c:\\windows'\n",
                "FROM a\nRUN echo -e 'a\\nb'\n",
                "FROM a\nRUN echo \"a\\$b\"\n",
            ],
        );
    }
}
