//! `lint`: run the enabled rules on a document, apply suppressions, report unused ones.
use super::context::{BuildContext, Context};
use super::diagnostic::Diagnostic;
use super::rule::{Phase, RuleMeta};
use super::settings::Settings;
use super::suppression::{Suppressions, UnusedSuppression};
use crate::syntax::Document;

/// All diagnostics of the enabled rules on `doc`, sorted by range, then code.
pub fn lint(
    doc: &Document,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
) -> Vec<Diagnostic> {
    let enabled = settings.enabled_rules();
    let mut out = Vec::new();
    for rule in enabled.iter().filter(|r| r.phase == Phase::Normal) {
        run(rule, doc, settings, ctx, &[], &mut out);
    }
    if !settings.disable_suppressions {
        let suppressions = Suppressions::collect(doc);
        let used = suppressions.apply(doc, &mut out);
        let unused = suppressions.unused(&used, settings);
        let mut late = Vec::new();
        for rule in enabled
            .iter()
            .filter(|r| r.phase == Phase::AfterSuppression)
        {
            run(rule, doc, settings, ctx, &unused, &mut late);
        }
        suppressions.apply(doc, &mut late);
        out.extend(late);
    }
    sort(&mut out);
    out
}

fn run(
    rule: &'static RuleMeta,
    doc: &Document,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
    unused: &[UnusedSuppression],
    out: &mut Vec<Diagnostic>,
) {
    let options = settings.options_for(rule);
    let context =
        Context::new(doc, rule, settings.severity_of(rule), &options, ctx).with_unused(unused);
    rule.rule.check(&context, out);
}

/// By range, then code: the order every consumer shows.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
}
