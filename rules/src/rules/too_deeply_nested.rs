//! `too-deeply-nested`: a shell script nested past the depth the analysis follows, reported once per file.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};
use crate::optimizer::facts::Facts;

declare_rule! {
    /// Reports a `RUN`, `CMD` or `ENTRYPOINT` script nested too deeply for dflint to analyse.
    ///
    /// ## Why is this bad?
    /// dflint reads the commands of a script to check them: package installs, downloads, cleanups.
    /// It follows compound commands, substitutions and expansions (`( )`, `{ }`, `if`, loops, `case`, functions,
    /// `$( )`, `$(( ))`, `${ }`) up to 256 levels inside each other, and heredocs run by a shell (`sh <<EOF`) up to
    /// 4 levels inside each other.
    /// Past that, the text is almost certainly generated, and the commands inside it are not checked: other rules
    /// may miss problems there.
    /// The rest of the file is checked as usual; this is reported once, at the first place the analysis stopped.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN sh <<L1
    /// sh <<L2
    /// sh <<L3
    /// sh <<L4
    /// sh <<L5
    /// apk add --no-cache curl
    /// L5
    /// L4
    /// L3
    /// L2
    /// L1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN <<EOF
    /// apk add --no-cache curl
    /// EOF
    /// ```
    ///
    /// ## References
    /// - [Shell Command Language: compound commands](https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_09_04)
    pub struct TooDeeplyNested {
        code: "DF903",
        name: "too-deeply-nested",
        category: Meta,
        severity: Warning,
        fix: None,
        peers: [],
        options: [],
    }
}

impl Rule for TooDeeplyNested {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let mut deep = f
            .steps
            .iter()
            .filter_map(|s| s.script.as_ref()?.too_deep.clone());
        let Some(first) = deep.next() else { return };
        let more = deep.count();
        let mut message =
            "too deeply nested to analyse: the commands nested inside are not checked".to_string();
        if more > 0 {
            message.push_str(&format!(
                " (nor in {more} later instruction{})",
                if more == 1 { "" } else { "s" }
            ));
        }
        out.push(ctx.diagnostic(first, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::spec;

    const R: &crate::engine::RuleMeta = &TooDeeplyNested::META;

    fn nested(open: &str, middle: &str, close: &str, n: usize) -> String {
        format!("{}{middle}{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn invalid() {
        let deep = format!("FROM a\nRUN {}\n", nested("( ", "true", " )", 300));
        spec::invalid(R, &[(deep.as_str(), &["("])]);
        // Reported where the analysis stopped: the first level past the bound.
        let d = crate::engine::lint(
            &crate::syntax::Document::parse(&deep),
            &crate::engine::Settings::default(),
            None,
        );
        let d = d.iter().find(|d| d.code == "DF903").unwrap();
        assert_eq!(
            d.range.start,
            "FROM a\nRUN ".len() + 2 * crate::shell::MAX_NESTING
        );
        let twice = format!(
            "FROM a\nRUN echo {}\nCMD {}\n",
            nested("$(echo ", "x", ")", 300),
            nested("{ ", "true;", " };", 300)
        );
        let m = spec::messages(R, &twice);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].ends_with("(nor in 1 later instruction)"), "{m:?}");
    }

    #[test]
    fn valid() {
        let chain = format!("FROM a\nRUN {}true\n", "true && ".repeat(5000));
        let at_bound = format!(
            "FROM a\nRUN {}\n",
            nested("( ", "true", " )", crate::shell::MAX_NESTING)
        );
        spec::valid(
            R,
            &[
                "FROM a\nRUN if true; then (echo $(date)); fi\n",
                &chain,
                &at_bound,
                "FROM a\nRUN sh <<A\nsh <<B\nsh <<C\nsh <<D\ntrue\nD\nC\nB\nA\n",
            ],
        );
    }
}
