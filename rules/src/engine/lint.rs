//! `lint`: run the enabled rules on a document, withhold the fixes of the rules that ask for it while the file has
//! syntax errors, apply suppressions, report unused ones.
use super::context::{BuildContext, Context};
use super::diagnostic::Diagnostic;
use super::options::RuleOptions;
use super::rule::{Phase, RuleMeta};
use super::settings::Settings;
use super::suppression::{Suppressions, UnusedSuppression};
use crate::optimizer::facts::Facts;
use crate::syntax::Document;

/// All diagnostics of the enabled rules on `doc`, sorted by range, then code.
pub fn lint(
    doc: &Document,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
) -> Vec<Diagnostic> {
    let enabled = settings.enabled_rules();
    let options: Vec<_> = enabled.iter().map(|r| settings.options_for(r)).collect();
    let facts = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for (rule, options) in enabled.iter().zip(&options) {
        if rule.phase == Phase::Normal {
            run(rule, doc, settings, ctx, options, &[], &facts, &mut out);
        }
    }
    if !settings.disable_suppressions {
        let suppressions = Suppressions::collect(doc);
        let used = suppressions.apply(doc, &mut out);
        let unused = suppressions.unused(&used, settings);
        let mut late = Vec::new();
        for (rule, options) in enabled.iter().zip(&options) {
            if rule.phase == Phase::AfterSuppression {
                run(
                    rule, doc, settings, ctx, options, &unused, &facts, &mut late,
                );
            }
        }
        suppressions.apply(doc, &mut late);
        out.extend(late);
    }
    sort(&mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn run<'a>(
    rule: &'static RuleMeta,
    doc: &'a Document,
    settings: &Settings,
    ctx: Option<&'a dyn BuildContext>,
    options: &'a RuleOptions,
    unused: &'a [UnusedSuppression],
    facts: &'a std::cell::OnceCell<Facts<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    let context = Context::new(doc, rule, settings.severity_of(rule), options, ctx, facts)
        .with_unused(unused);
    let first = out.len();
    rule.rule.check(&context, out);
    if rule.withhold_fixes_on_syntax_errors && doc.has_syntax_errors() {
        withhold_fixes(&mut out[first..]);
    }
}

/// The findings keep their message, say why they have no fix, and lose their fix.
fn withhold_fixes(diags: &mut [Diagnostic]) {
    for d in diags {
        if d.fix.take().is_some() {
            d.message
                .push_str(" (no fix while the file has syntax errors)");
        }
    }
}

/// By range, then code: the order every consumer shows.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
}
