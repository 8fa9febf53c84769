//! `unquoted-command-substitution`: ShellCheck's SC2046, an unquoted `$(...)` in a RUN command's words.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports an unquoted command substitution in a `RUN` command's words (ShellCheck's SC2046).
    ///
    /// ## Why is this bad?
    /// The output of an unquoted `$(...)` is split on blanks and globbed: `cd $(dirname $f)` breaks on a path with
    /// a space, and an output holding `*` expands to file names.
    ///
    /// Not reported: substitutions in assignments, `[[ ]]`, `case` and `for ... in` lists, where the shell does not
    /// split them; the values of `export`/`local` only under a POSIX `sh` (dash splits them, bash does not).
    ///
    /// Off by default: on the shared corpus its 138 hits are mostly `make -j$(nproc)` and substitutions that print
    /// options on purpose (`$(test ... && echo '--with-lto')`); select it (or `SC2046`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN mkdir -p $(dirname /opt/app/bin/run)
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN mkdir -p "$(dirname /opt/app/bin/run)"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: many substitutions are meant to give several words (`apt-get install $(cat packages.txt)`).
    ///
    /// ## References
    /// - ShellCheck's [`SC2046`](https://www.shellcheck.net/wiki/SC2046)
    pub struct UnquotedCommandSubstitution {
        code: "DF702",
        name: "unquoted-command-substitution",
        category: Shell,
        severity: Warning,
        fix: None,
        peers: [Peer::ShellCheck("SC2046")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UnquotedCommandSubstitution {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2046, out, |_, _| {
            "quote this command substitution to prevent word splitting".to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnquotedCommandSubstitution::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN cd $(dirname x)\n", &["$(dirname x)"]),
                ("FROM a\nRUN echo `date`\n", &["`date`"]),
                ("FROM a\nRUN make -j$(nproc)\n", &["$(nproc)"]),
                ("FROM a\nRUN export V=$(cat v)\n", &["$(cat v)"]),
                ("FROM a\nRUN x=\"$(echo $(uname))\"\n", &["$(uname)"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN cd \"$(dirname x)\"\n",
                "FROM a\nRUN v=$(cat v)\n",
                "FROM a\nRUN for f in $(ls); do :; done\n",
                "FROM a\nRUN [[ $(uname) = Linux ]]\n",
                "FROM a\nSHELL [\"bash\", \"-c\"]\nRUN export V=$(cat v)\n",
            ],
        );
    }
}
