//! Table-driven rule specs: `invalid` cases (what fires, on which text), `valid` cases, `fix` cases.
use crate::engine::{fix, lint, Diagnostic, FixMode, RuleMeta, Settings};
use crate::syntax::Document;

/// The diagnostics of one rule alone on `src`.
pub(crate) fn diagnostics(rule: &RuleMeta, src: &str) -> Vec<Diagnostic> {
    lint(&Document::parse(src), &Settings::select([rule.code]), None)
}

/// Each case: a source and the text under each diagnostic of the rule, in order.
#[track_caller]
pub(crate) fn invalid(rule: &RuleMeta, cases: &[(&str, &[&str])]) {
    for (src, expected) in cases {
        let diags = diagnostics(rule, src);
        let got: Vec<&str> = diags.iter().map(|d| &src[d.range.clone()]).collect();
        assert_eq!(
            &got, expected,
            "{}: spans of diagnostics on {src:?}: {diags:#?}",
            rule.name
        );
        for d in &diags {
            assert_eq!((d.code, d.name), (rule.code, rule.name));
            assert!(!d.message.is_empty());
        }
    }
}

#[track_caller]
pub(crate) fn valid(rule: &RuleMeta, cases: &[&str]) {
    for src in cases {
        let diags = diagnostics(rule, src);
        assert!(
            diags.is_empty(),
            "{}: expected no diagnostic on {src:?}, got {diags:#?}",
            rule.name
        );
    }
}

/// Each case: a source and the fixer's output with only this rule selected, in `mode`.
/// The output must be a fixed point: fixing it again changes nothing.
#[track_caller]
pub(crate) fn fixes(rule: &RuleMeta, mode: FixMode, cases: &[(&str, &str)]) {
    let settings = Settings::select([rule.code]);
    for (src, expected) in cases {
        let out = fix(src, &settings, None, mode);
        assert_eq!(&out.text, expected, "{}: fix of {src:?}", rule.name);
        assert!(
            out.refused.is_none(),
            "{}: refused: {:?}",
            rule.name,
            out.refused
        );
        assert!(
            out.non_converged.is_empty(),
            "{}: did not converge",
            rule.name
        );
        let again = fix(&out.text, &settings, None, mode);
        assert!(
            again.applied.is_empty(),
            "{}: second run applied {:?}",
            rule.name,
            again.applied
        );
    }
}

/// Messages of the rule's diagnostics on `src`, for checking wording.
pub(crate) fn messages(rule: &RuleMeta, src: &str) -> Vec<String> {
    diagnostics(rule, src)
        .into_iter()
        .map(|d| d.message)
        .collect()
}
