//! `unused-suppression`: a `# dflint ignore=` entry that suppressed nothing.
use crate::engine::{
    apply_edits, declare_rule, Context, Diagnostic, DiagnosticTag, Edit, Fix, Rule,
};
use crate::syntax::Document;

declare_rule! {
    /// Reports a rule in a `# dflint ignore=` or `# dflint ignore-file=` comment that suppressed nothing.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it silenced: after the instruction is fixed or moved, the comment stays and would hide the next real finding.
    /// A misspelt rule in a suppression suppresses nothing at all.
    ///
    /// A suppression is reported when it names an unknown rule, or an enabled rule that reported nothing there.
    /// Suppressions of rules disabled in the settings are left alone (another configuration may enable them), and so are hadolint's `# hadolint ignore=` and BuildKit's `# check=skip=`, whose rules dflint may not have.
    ///
    /// Line suppressions apply to the instruction right below their run of comment lines, on all of its lines; `ignore-file` applies to the whole file.
    /// Rules are named by code (`DF302`), name (`untagged-image`), or a peer's code (`DL3006`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dflint ignore=untagged-image
    /// RUN apk add --no-cache curl
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # dflint ignore=untagged-image
    /// FROM alpine
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the rule from the comment, or the whole comment line when nothing else in it is used.
    /// Comments do not reach the build, so the fix is safe, with one exception it avoids: BuildKit reads
    /// `# escape=` and `# syntax=` as parser directives only above every other comment, so when removing the comment
    /// would turn one below it into a directive (changing how the file is read), there is no fix.
    ///
    /// ## References
    /// - [ruff's `RUF100`](https://docs.astral.sh/ruff/rules/unused-noqa/), the same idea for Python
    pub struct UnusedSuppression {
        code: "DF902",
        name: "unused-suppression",
        category: Meta,
        severity: Warning,
        fix: Always,
        peers: [],
        options: [],
        phase: AfterSuppression,
    }
}

/// Whether removing a comment at the top changes the parser directives: BuildKit reads `# escape=` or `# syntax=` as
/// a directive only above every other comment, so deleting the comment above one turns it on.
fn promotes_directive(ctx: &Context, removal: &[Edit]) -> bool {
    let doc = ctx.doc();
    let first = doc
        .instructions()
        .first()
        .map_or(doc.text().len(), |i| i.range.start);
    if removal.iter().all(|e| e.range.start > first) {
        return false;
    }
    let after = Document::parse(&apply_edits(doc.text(), removal));
    let read = |d: &Document| -> Vec<(String, String)> {
        d.directives()
            .iter()
            .map(|d| (d.name.clone(), d.value.clone()))
            .collect()
    };
    read(doc) != read(&after)
}

impl Rule for UnusedSuppression {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for u in ctx.unused_suppressions() {
            let message = if u.known {
                format!("unused suppression of `{}`", u.token)
            } else {
                format!("unknown rule `{}` in suppression", u.token)
            };
            let title = if u.whole_comment {
                "Remove the suppression comment".to_string()
            } else {
                format!("Remove `{}` from the suppression", u.token)
            };
            let d = ctx
                .diagnostic(u.range.clone(), message)
                .with_tag(DiagnosticTag::Unnecessary);
            if promotes_directive(ctx, &u.removal) {
                out.push(Diagnostic {
                    message: format!("{}; removing the comment would make a comment below it a parser directive, so edit it by hand", d.message),
                    ..d
                });
                continue;
            }
            out.push(d.with_fix(Fix::safe(title, u.removal.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{fix, lint, FixMode, Settings};
    use crate::syntax::Document;

    /// Codes and spans of the diagnostics with the default rule set.
    fn report(src: &str) -> Vec<(&'static str, String)> {
        lint(&Document::parse(src), &Settings::default(), None)
            .into_iter()
            .map(|d| (d.code, src[d.range].to_string()))
            .collect()
    }

    fn fixed(src: &str) -> String {
        fix(src, &Settings::default(), None, FixMode::Safe).text
    }

    #[test]
    fn invalid() {
        assert_eq!(
            report("FROM a:1\n# dflint ignore=DF302\nRUN b\n"),
            [("DF902", "DF302".to_string())]
        );
        assert_eq!(
            report("# dflint ignore=DF302,latest-tag\nFROM a\n"),
            [("DF902", "latest-tag".to_string())]
        );
        assert_eq!(
            report("# dflint ignore=nope\nFROM a:1\n"),
            [("DF902", "nope".to_string())]
        );
        // Separated from the instruction by a blank line: it covers nothing.
        assert_eq!(
            report("# dflint ignore=DF302\n\nFROM a\n"),
            [("DF902", "DF302".to_string()), ("DF302", "a".to_string())]
        );
        assert_eq!(
            report("FROM a:1\n# dflint ignore-file=DF301\n"),
            [("DF902", "DF301".to_string())]
        );
    }

    #[test]
    fn no_fix_that_turns_a_comment_into_a_directive() {
        let src = "# dflint ignore=DF301\n# escape=`\nFROM a:1\n";
        assert_eq!(fixed(src), src);
        let d = lint(&Document::parse(src), &Settings::default(), None);
        assert!(
            d[0].fix.is_none() && d[0].message.contains("parser directive"),
            "{d:?}"
        );
        // A directive above it stays one either way.
        assert_eq!(
            fixed("# escape=`\n# dflint ignore=DF301\nFROM a:1\n"),
            "# escape=`\nFROM a:1\n"
        );
    }

    #[test]
    fn valid() {
        for src in [
            "# dflint ignore=DF302\nFROM a\n",
            "# dflint ignore=untagged-image\nFROM a\n",
            "# dflint ignore=DL3006\nFROM a\n",
            "# hadolint ignore=DL3006,DL9999\nFROM a:1\n",
            "# check=skip=FromAsCasing\nFROM a:1\n",
            "FROM a\n# dflint ignore-file=DF302\n",
            "# a note\n# dflint: ignore=DF302 the base is pinned elsewhere\nFROM a\n",
            // The finding is on a later line of the instruction below.
            "FROM a:1\n# dflint ignore=DF504\nRUN a \\\n\n  x\n",
        ] {
            let r = report(src);
            let unused: Vec<_> = r.iter().filter(|(c, _)| *c == "DF902").collect();
            assert!(unused.is_empty(), "{src:?}: {r:?}");
        }
        // A rule disabled in the settings: its suppression may serve another configuration.
        let settings = Settings {
            ignore: vec!["DF302".into()],
            ..Settings::default()
        };
        let d = lint(
            &Document::parse("FROM a:1\n# dflint ignore=DF302\nRUN b\n"),
            &settings,
            None,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn fixes() {
        assert_eq!(
            fixed("FROM a:1\n# dflint ignore=DF302\nRUN b\n"),
            "FROM a:1\nRUN b\n"
        );
        assert_eq!(
            fixed("# dflint ignore=DF302, latest-tag, nope\nFROM a\n"),
            "# dflint ignore=DF302\nFROM a\n"
        );
        assert_eq!(
            fixed("# dflint ignore=latest-tag,DF302 reason\nFROM a\n"),
            "# dflint ignore=DF302 reason\nFROM a\n"
        );
        assert_eq!(
            fixed("FROM a:1\r\n# dflint ignore=DF302,DF301\r\nRUN b\r\n"),
            "FROM a:1\r\nRUN b\r\n"
        );
        assert_eq!(
            fixed("\u{feff}# dflint ignore=DF301\nFROM a:1\n"),
            "\u{feff}FROM a:1\n"
        );
        // The suppression itself can be suppressed for the file.
        let src =
            "# dflint ignore-file=unused-suppression\nFROM a:1\n# dflint ignore=DF302\nRUN b\n";
        assert_eq!(fixed(src), src);
    }
}
