//! `undefined-shell-variable`: ShellCheck's SC2154, a lowercase variable a RUN reads but nothing defines.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports a lowercase variable a `RUN` reads that neither the script nor the Dockerfile defines (SC2154).
    ///
    /// ## Why is this bad?
    /// An unset variable expands to nothing: `rm -rf /opt/$vesrion` removes `/opt`.
    /// Environment variables are by convention uppercase, so a lowercase one is most often a typo or a variable of
    /// another `RUN` (each `RUN` is a new shell).
    ///
    /// Defined: whatever the script assigns anywhere (`x=`, `read x`, `for x in`, `export x`), every `ARG` and `ENV`
    /// in force (build arguments are environment variables in `RUN`), and Docker's predefined proxy arguments
    /// (`http_proxy` ...).
    /// Not reported: all-uppercase names (they may come from the base image's environment), and expansions with a
    /// default (`${x:-y}`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ARG version=1.2
    /// RUN curl -fsSLO "https://example.com/app-${verison}.tgz"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ARG version=1.2
    /// RUN curl -fsSLO "https://example.com/app-${version}.tgz"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended name is not known.
    ///
    /// ## References
    /// - ShellCheck's [`SC2154`](https://www.shellcheck.net/wiki/SC2154)
    /// - [ARG and ENV scope](https://docs.docker.com/reference/dockerfile/#scope)
    pub struct UndefinedShellVariable {
        code: "DF709",
        name: "undefined-shell-variable",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [Peer::ShellCheck("SC2154")],
        options: [],
    }
}

impl Rule for UndefinedShellVariable {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2154, out, |l, _| {
            format!(
                "`{}` is referenced but not assigned (not by the script, nor by an ARG or ENV in force)",
                l.var.as_deref().unwrap_or("")
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UndefinedShellVariable::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN echo \"$foo\" $foo\n", &["$foo"]),
                ("FROM a\nARG name\nFROM b\nRUN echo ${name}\n", &["${name}"]),
                ("FROM a\nRUN echo $Mixed\n", &["$Mixed"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nARG name\nRUN echo \"$name\"\n",
                "FROM a\nENV home=/h\nRUN echo \"$home\"\n",
                "FROM a AS one\nENV home=/h\nFROM one\nRUN echo \"$home\"\n",
                "FROM a\nRUN echo \"$UPPER\"\n",
                "FROM a\nRUN echo \"$x\"; x=1\n",
                "FROM a\nRUN read -r line < f; echo \"$line\"\n",
                "FROM a\nRUN for i in a b; do echo \"$i\"; done\n",
                "FROM a\nRUN echo \"${x:-default}\"\n",
                "FROM a\nRUN echo \"$http_proxy\"\n",
            ],
        );
    }
}
