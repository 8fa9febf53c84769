//! `shell-syntax-error`: a RUN script the shell's grammar cannot read (ShellCheck's parse errors, SC1072 ...).
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports a `RUN` script that does not parse as a POSIX or bash script (ShellCheck's parse errors, SC1072).
    ///
    /// ShellCheck gives SC1072 with every parse error, often with SC1088 or SC1065; all three name this rule.
    ///
    /// ## Why is this bad?
    /// The shell refuses the script and the build fails at this `RUN`, or a stray quote or parenthesis makes it
    /// run something else than written.
    ///
    /// Stages whose `SHELL` is not a POSIX shell are not read: on real Dockerfiles most of hadolint's SC1072,
    /// SC1088 and SC1065 come from PowerShell scripts in Windows images, which hadolint gives ShellCheck when the
    /// `SHELL` is `powershell` rather than `pwsh`.
    /// The position is where tree-sitter-bash's grammar stops reading, which may differ from ShellCheck's.
    ///
    /// Off by default: on the shared corpus its hits are template text (`%%PACKAGES%%`) and heredoc forms that
    /// tree-sitter-bash reads wrongly (`5<<A cat 6<<B`); select it (or `SC1072`) to have it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN if [ -f /etc/x ]; then echo yes
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN if [ -f /etc/x ]; then echo yes; fi
    /// ```
    ///
    /// ## Fix safety
    /// No fix: what the script should say is not known.
    ///
    /// ## References
    /// - ShellCheck's [`SC1072`](https://www.shellcheck.net/wiki/SC1072), [`SC1088`](https://www.shellcheck.net/wiki/SC1088),
    ///   [`SC1065`](https://www.shellcheck.net/wiki/SC1065)
    pub struct ShellSyntaxError {
        code: "DF710",
        name: "shell-syntax-error",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [
            Peer::ShellCheck("SC1072"),
            Peer::ShellCheck("SC1088"),
            Peer::ShellCheck("SC1065"),
        ],
        options: [],
        default_enabled: false,
    }
}

impl Rule for ShellSyntaxError {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc1072, out, |_, _| {
            "the shell cannot parse this script here; fix the syntax".to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ShellSyntaxError::META;

    #[test]
    fn invalid() {
        let d = spec::diagnostics(R, "FROM a\nRUN if true; then echo yes\n");
        assert_eq!(d.len(), 1);
        let d = spec::diagnostics(R, "FROM a\nRUN echo (x\n");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN if true; then echo yes; fi\n",
                "FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN if ((Get-Item x).Length -ne 1) {exit 1}\n",
            ],
        );
    }
}
