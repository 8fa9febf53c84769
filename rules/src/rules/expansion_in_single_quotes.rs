//! `expansion-in-single-quotes`: ShellCheck's SC2016, `'$x'` that the author may have meant to expand.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::shellcheck_findings::report;
use crate::shell::ShellCode;

declare_rule! {
    /// Reports a single-quoted string holding `$name`, `${`, `$(` or a backtick in a `RUN` (ShellCheck's SC2016).
    ///
    /// ## Why is this bad?
    /// Nothing expands inside single quotes: `echo 'export PATH=$HOME/bin:$PATH' >> ~/.profile` writes the text as
    /// is, which may be what was meant, and `curl -H 'Authorization: $TOKEN'` sends the word `$TOKEN`, which is
    /// not.
    ///
    /// Not reported, as in ShellCheck: the arguments of commands whose own language uses `$` (`awk`, `perl`,
    /// `jq`, `sh -c` and other shells, `trap`, `ssh`, `eval`, `sudo`, `docker` ...), and prompt variables
    /// (`PS1='$x'`).
    ///
    /// Off by default: on the shared corpus its hits are mostly text written on purpose (`sed` programs, scripts
    /// echoed into files); select it (or `SC2016`) to have ShellCheck's check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -H 'Authorization: Bearer $TOKEN' https://example.com
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -H "Authorization: Bearer $TOKEN" https://example.com
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether the text was meant literally only the author knows.
    ///
    /// ## References
    /// - ShellCheck's [`SC2016`](https://www.shellcheck.net/wiki/SC2016)
    pub struct ExpansionInSingleQuotes {
        code: "DF705",
        name: "expansion-in-single-quotes",
        category: Shell,
        severity: Info,
        fix: None,
        peers: [Peer::ShellCheck("SC2016")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for ExpansionInSingleQuotes {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report(ctx, ShellCode::Sc2016, out, |_, _| {
            "expressions do not expand in single quotes; use double quotes to expand them"
                .to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ExpansionInSingleQuotes::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN echo 'a $x'\n", &["'a $x'"]),
                ("FROM a\nRUN echo '${y}' 'z'\n", &["'${y}'"]),
                ("FROM a\nRUN sed -i 's/$v/w/' f\n", &["'s/$v/w/'"]),
                ("FROM a\nRUN x='$(date)'\n", &["'$(date)'"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN awk '{print $1}' f\n",
                "FROM a\nRUN sh -c 'echo $x'\n",
                "FROM a\nRUN find . -exec sh -c 'echo $1' _ {} \\;\n",
                "FROM a\nRUN echo 'costs $' 'a$'\n",
                "FROM a\nRUN echo \"$x\"\n",
                "FROM a\nRUN PS1='$x'\n",
            ],
        );
    }
}
