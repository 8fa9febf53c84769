//! `syntax-error`: every parse error of the document, as a diagnostic.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};

declare_rule! {
    /// Reports text that Docker cannot read as a Dockerfile.
    ///
    /// ## Why is this bad?
    /// `docker build` stops at the first syntax error, before any instruction runs.
    /// dflint reads past it, so the other rules still check the parts that parsed, but the file will not build until it is fixed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV PATH=/opt/bin:$PATH HOME /root
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV PATH=/opt/bin:$PATH HOME=/root
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub struct SyntaxError {
        code: "DF901",
        name: "syntax-error",
        category: Meta,
        severity: Error,
        fix: None,
        peers: [],
        options: [],
    }
}

impl Rule for SyntaxError {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for e in ctx.doc().syntax_errors() {
            out.push(ctx.diagnostic(e.range, e.message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::spec;

    const R: &crate::engine::RuleMeta = &SyntaxError::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nENV x=1 y 2\n", &["y 2"]),
                ("", &[""]),
                ("FROM a\nRUN <<EOF\necho\n", &["<<EOF"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &["FROM a\nENV x=1 y=2\n", "FROM a\nRUN <<EOF\necho\nEOF\n"],
        );
    }

    #[test]
    fn messages_come_from_the_parser() {
        let m = spec::messages(R, "");
        assert!(m[0].contains("no instructions"), "{m:?}");
    }
}
