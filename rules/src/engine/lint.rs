//! `lint`: run the enabled rules on a document, withhold the fixes of the rules that ask for it while the file has
//! syntax errors, apply suppressions, report unused ones, and run the after-fix check on every fix (at once, or later
//! through a [`FixChecker`] for a caller that offers fixes one at a time).
use super::check_directive::{self, CheckScope};
use super::context::{Analysis, BuildContext, Context};
use super::diagnostic::Severity;
use super::diagnostic::{Diagnostic, Edit};
use super::fixer::apply_edits;
use super::options::RuleOptions;
use super::rule::Change;
use super::rule::{Phase, RuleMeta};
use super::settings::{all_rules, Settings};
use super::suppression::{Suppressions, UnusedSuppression};
use crate::build::contract::{self, Snapshot};
use crate::build::facts::Facts;
use crate::build::reorder::{self, Layout};
use crate::syntax::Document;

/// When `lint` runs the after-fix check on the fixes the rules propose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixCheck {
    /// Before `lint` returns: a fix the contract refuses is gone and its finding says what to do by hand (`check`,
    /// `--fix`, `--diff`, "fix all").
    Now,
    /// Never in `lint`: the fixes come back unchecked, and the caller passes each fix it offers through a
    /// [`FixChecker`] first (the language server, which offers fixes one code action at a time and would otherwise
    /// parse and model the whole file again for every finding after every keystroke).
    Later,
}

/// All diagnostics of the enabled rules on `doc`, sorted by range, then code; every fix checked.
pub fn lint(
    doc: &Document,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
) -> Vec<Diagnostic> {
    lint_with(doc, settings, ctx, FixCheck::Now)
}

/// [`lint`], with the after-fix check now or left to the caller.
pub fn lint_with(
    doc: &Document,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
    check: FixCheck,
) -> Vec<Diagnostic> {
    let enabled = settings.enabled_rules();
    let options: Vec<_> = enabled.iter().map(|r| settings.options_for(r)).collect();
    let checks = check_directive::directives(doc);
    let experimental = experimental_requests(&enabled, &checks);
    let analysis = analysis_for(
        enabled
            .iter()
            .copied()
            .chain(experimental.iter().map(|(r, _)| *r)),
    );
    let original = std::cell::OnceCell::new();
    let layout = std::cell::OnceCell::new();
    let shared = Shared {
        analysis: &analysis,
        original: &original,
        layout: &layout,
        check,
    };
    let mut out = Vec::new();
    for (rule, options) in enabled.iter().zip(&options) {
        if rule.phase == Phase::Normal {
            run(rule, doc, settings, ctx, options, &[], &shared, &mut out);
        }
    }
    let experimental_options: Vec<_> = experimental
        .iter()
        .map(|(r, _)| settings.options_for(r))
        .collect();
    for ((rule, scopes), options) in experimental.iter().zip(&experimental_options) {
        let mut found = Vec::new();
        run(rule, doc, settings, ctx, options, &[], &shared, &mut found);
        within(doc, scopes, &mut found);
        out.extend(found);
    }

    if !settings.disable_suppressions {
        let suppressions = Suppressions::collect(doc);
        let used = suppressions.apply(doc, &mut out);
        let unused = suppressions.unused(&used, settings);
        let mut late = Vec::new();
        for (rule, options) in enabled.iter().zip(&options) {
            if rule.phase == Phase::AfterSuppression {
                run(
                    rule, doc, settings, ctx, options, &unused, &shared, &mut late,
                );
            }
        }
        suppressions.apply(doc, &mut late);
        out.extend(late);
    }
    // `error=true` (at the top of the file only, as BuildKit reads it) fails the build on any BuildKit check.
    if checks
        .iter()
        .any(|(scope, o, _)| *scope == CheckScope::File && o.error)
    {
        for d in &mut out {
            let buildkit = all_rules()
                .iter()
                .any(|r| r.code == d.code && r.buildkit_names().next().is_some());
            if buildkit {
                d.severity = Severity::Error;
            }
        }
    }
    sort(&mut out);
    out
}

/// The shared analysis for a lint running `rules`: with ShellCheck's findings in the RUN scripts when one of them
/// reads them. The rules with a ShellCheck code do, and only they (a rule that read them without one would still
/// get them, at the cost of a second parse of each script, and fail the tests).
fn analysis_for<'a>(mut rules: impl Iterator<Item = &'static RuleMeta>) -> Analysis<'a> {
    Analysis::reading(rules.any(|rule| {
        rule.peers
            .iter()
            .any(|p| matches!(p, super::rule::Peer::ShellCheck(_)))
    }))
}

/// The experimental BuildKit checks that a `check` directive asks for (`experimental=<name>|all`) and the settings
/// do not enable, each with where it was asked for (the file, or the instruction below the comment).
fn experimental_requests(
    enabled: &[&'static RuleMeta],
    checks: &[(
        CheckScope,
        check_directive::CheckOptions,
        std::ops::Range<usize>,
    )],
) -> Vec<(&'static RuleMeta, Vec<CheckScope>)> {
    let mut out = Vec::new();
    for rule in all_rules() {
        // The registry's few experimental rules first: the test against every enabled rule is the costly one.
        if rule.phase != Phase::Normal
            || !check_directive::is_experimental(rule)
            || enabled.iter().any(|r| r.code == rule.code)
        {
            continue;
        }
        let scopes: Vec<CheckScope> = checks
            .iter()
            .filter(|(_, o, _)| check_directive::enables(o, rule))
            .map(|(s, _, _)| s.clone())
            .collect();
        if !scopes.is_empty() {
            out.push((rule, scopes));
        }
    }
    out
}

/// Keeps the findings that lie where their check was asked for.
fn within(doc: &Document, scopes: &[CheckScope], found: &mut Vec<Diagnostic>) {
    let li = doc.line_index();
    found.retain(|d| {
        let line = li.line(d.range.start);
        scopes.iter().any(|s| match s {
            CheckScope::File => true,
            CheckScope::Lines(a, b) => *a <= line && line <= *b,
        })
    });
}

#[allow(clippy::too_many_arguments)]
fn run<'a>(
    rule: &'static RuleMeta,
    doc: &'a Document,
    settings: &Settings,
    ctx: Option<&'a dyn BuildContext>,
    options: &'a RuleOptions,
    unused: &'a [UnusedSuppression],
    shared: &Shared<'a, 'a>,
    out: &mut Vec<Diagnostic>,
) {
    let context = Context::new(
        doc,
        rule,
        settings.severity_of(rule),
        options,
        ctx,
        shared.analysis,
    )
    .with_unused(unused);
    let first = out.len();
    rule.rule.check(&context, out);
    if rule.withhold_fixes_on_syntax_errors && doc.has_syntax_errors() {
        withhold_fixes(&mut out[first..]);
    }
    if shared.check == FixCheck::Now {
        keep_contract(rule, doc, ctx, shared, &mut out[first..]);
    }
}

/// What the rules of one lint share: the analysis of the document and the contract's reading of it, each built on
/// first use (a lint whose rules ask nothing of the model and propose no fix builds neither).
struct Shared<'s, 'a> {
    analysis: &'s Analysis<'a>,
    original: &'s std::cell::OnceCell<Snapshot>,
    /// Where each instruction's lines are, for the cheap check of moves and drops.
    layout: &'s std::cell::OnceCell<Layout<'a>>,
    check: FixCheck,
}

/// The after-fix check of fixes that [`lint_with`] left unchecked ([`FixCheck::Later`]), on the document they were
/// computed on. The analysis of the original document is built once per checker, on the first fix that needs it.
pub struct FixChecker<'a> {
    doc: &'a Document,
    ctx: Option<&'a dyn BuildContext>,
    analysis: Analysis<'a>,
    original: std::cell::OnceCell<Snapshot>,
    layout: std::cell::OnceCell<Layout<'a>>,
}

impl<'a> FixChecker<'a> {
    /// `ctx` must be the build context the lint was given.
    pub fn new(doc: &'a Document, ctx: Option<&'a dyn BuildContext>) -> FixChecker<'a> {
        FixChecker {
            doc,
            ctx,
            analysis: Analysis::default(),
            original: std::cell::OnceCell::new(),
            layout: std::cell::OnceCell::new(),
        }
    }

    fn shared(&self) -> Shared<'_, 'a> {
        Shared {
            analysis: &self.analysis,
            original: &self.original,
            layout: &self.layout,
            check: FixCheck::Now,
        }
    }

    /// For tests of the contract: on a fix of this document that may change `changes`, whether the cheap check of
    /// moves and drops accepts it, and the verdict of the whole comparison (which the cheap check must not contradict).
    #[doc(hidden)]
    pub fn verdicts(&self, edits: &[Edit], changes: &[Change]) -> (bool, Result<(), String>) {
        let shared = self.shared();
        let fixed = apply_edits(self.doc.text(), edits);
        let cheap = cheap_check(self.doc, self.ctx, &shared, &fixed, changes);
        let (_, before) = original(self.doc, self.ctx, &shared);
        (cheap, compare_whole(before, &fixed, self.ctx, changes))
    }

    /// Checks the fix of `d` as `lint` would have: a fix the contract refuses is removed and the message says what
    /// to do by hand. A diagnostic of a rule that is not in the registry loses its fix (nothing says what it may
    /// change).
    pub fn check(&self, d: &mut Diagnostic) {
        match super::settings::resolve_rule(d.code) {
            Some(rule) => self.check_as(rule, d),
            None => {
                d.fix = None;
            }
        }
    }

    fn check_as(&self, rule: &'static RuleMeta, d: &mut Diagnostic) {
        keep_contract(
            rule,
            self.doc,
            self.ctx,
            &self.shared(),
            std::slice::from_mut(d),
        );
    }
}

/// The after-fix check: every fix is applied, the result parsed and modelled again and compared with the original
/// (image config, instructions, dependencies); a fix that changes more than its rule declares is dropped and its
/// finding says what to do by hand. A fix that only moves or drops whole instructions is first read against the
/// original's model ([`reorder`]), and one shared by several findings is checked once.
fn keep_contract<'a>(
    rule: &'static RuleMeta,
    doc: &'a Document,
    ctx: Option<&'a dyn BuildContext>,
    shared: &Shared<'_, 'a>,
    out: &mut [Diagnostic],
) {
    let mut checked: Vec<(Vec<Edit>, Result<(), String>)> = Vec::new();
    for d in out.iter_mut() {
        let Some(fix) = &d.fix else { continue };
        if fix.edits.is_empty() {
            continue;
        }
        let verdict = match checked.iter().find(|(edits, _)| *edits == fix.edits) {
            Some((_, verdict)) => verdict.clone(),
            None => {
                let verdict = check_fix(rule, doc, ctx, shared, &fix.edits);
                checked.push((fix.edits.clone(), verdict.clone()));
                verdict
            }
        };
        if let Err(why) = verdict {
            d.fix = None;
            d.message
                .push_str(&format!(" (no fix: {why}; change it by hand)"));
        }
    }
}

fn check_fix<'a>(
    rule: &'static RuleMeta,
    doc: &'a Document,
    ctx: Option<&'a dyn BuildContext>,
    shared: &Shared<'_, 'a>,
    edits: &[Edit],
) -> Result<(), String> {
    if let Some(verdict) = quick_check(rule, doc, edits) {
        return verdict;
    }
    let fixed = apply_edits(doc.text(), edits);
    if cheap_check(doc, ctx, shared, &fixed, rule.changes) {
        // Every fix of the crate's own tests (the rules' specs among them) proves the cheap check again.
        #[cfg(test)]
        assert_eq!(
            compare_whole(original(doc, ctx, shared).1, &fixed, ctx, rule.changes),
            Ok(()),
            "the cheap check accepted a fix of {} the whole comparison refuses:\n{fixed}",
            rule.name
        );
        return Ok(());
    }
    let (_, before) = original(doc, ctx, shared);
    compare_whole(before, &fixed, ctx, rule.changes)
}

/// The analysis of the original document and the contract's reading of it, built on first use.
fn original<'s, 'a>(
    doc: &'a Document,
    ctx: Option<&'a dyn BuildContext>,
    shared: &'s Shared<'_, 'a>,
) -> (&'s Facts<'a>, &'s Snapshot) {
    let f = shared.analysis.facts(doc, ctx);
    let before = shared
        .original
        .get_or_init(|| Snapshot::with(doc, f.model()));
    (f, before)
}

/// Whether a fix that may move or drop instructions only does so in a way the original's model shows keeps the
/// contract (`false`: it cannot tell).
fn cheap_check<'a>(
    doc: &'a Document,
    ctx: Option<&'a dyn BuildContext>,
    shared: &Shared<'_, 'a>,
    fixed: &str,
    changes: &[Change],
) -> bool {
    if !reorder::applies(changes) {
        return false;
    }
    let (f, before) = original(doc, ctx, shared);
    let layout = shared.layout.get_or_init(|| Layout::of(doc));
    reorder::keeps(layout, f.model(), before, fixed, changes)
}

/// The fixed text parsed, modelled and compared with the original.
fn compare_whole(
    before: &Snapshot,
    fixed: &str,
    ctx: Option<&dyn BuildContext>,
    changes: &[Change],
) -> Result<(), String> {
    let fixed = Document::parse(fixed);
    let f = Facts::of(&fixed, ctx);
    contract::compare(before, &Snapshot::with(&fixed, f.model()), changes)
}

/// The contract of a fix that rewrites one instruction, read on that instruction alone (`None`: the whole document
/// must be compared).
fn quick_check(rule: &RuleMeta, doc: &Document, edits: &[Edit]) -> Option<Result<(), String>> {
    if contract::structural(rule.changes) {
        return None;
    }
    let i = contract::holding_instruction(doc, edits.iter().map(|e| e.range.clone()))?;
    let range = doc.instructions()[i].full_range.clone();
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| {
            Edit::replace(
                e.range.start - range.start..e.range.end - range.start,
                e.content.clone(),
            )
        })
        .collect();
    let fixed = apply_edits(&doc.text()[range], &shifted);
    contract::single_instruction(doc, i, &fixed, rule.changes)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{declare_rule, Edit, Fix, Rule};
    use crate::syntax::Kind;

    declare_rule! {
        /// Moves the last RUN to the top of its stage, whatever it reads: a deliberately wrong fix.
        pub struct HoistLastRun {
            code: "DF999",
            name: "hoist-last-run",
            category: Meta,
            severity: Warning,
            fix: Always,
            peers: [],
            options: [],
            changes: [Move],
        }
    }

    impl Rule for HoistLastRun {
        fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
            let doc = ctx.doc();
            let stage = &doc.stages()[0];
            let Some(last) = stage
                .instructions
                .clone()
                .rev()
                .find(|&i| doc.instructions()[i].kind == Kind::Run)
            else {
                return;
            };
            let ins = &doc.instructions()[last];
            let line = ctx.slice(ins.range.start..ins.range.end + 1).to_string();
            let top = doc.instructions()[stage.from].range.end + 1;
            let fix = Fix::safe(
                "Hoist",
                vec![
                    Edit::insert(top, line),
                    Edit::delete(ins.range.start..ins.range.end + 1),
                ],
            );
            out.push(ctx.diagnostic(ins.range.clone(), "hoist me").with_fix(fix));
        }
    }

    /// Runs one rule on `src` as `lint` does, with the after-fix check `check` says: the findings, and whether the
    /// contract read the original.
    fn run_with(meta: &'static RuleMeta, src: &str, check: FixCheck) -> (Vec<Diagnostic>, bool) {
        let doc = Document::parse(src);
        let settings = Settings::default();
        let (analysis, original) = (analysis_for([meta].into_iter()), std::cell::OnceCell::new());
        let layout = std::cell::OnceCell::new();
        let shared = Shared {
            analysis: &analysis,
            original: &original,
            layout: &layout,
            check,
        };
        let options = RuleOptions::new();
        let mut out = Vec::new();
        run(
            meta,
            &doc,
            &settings,
            None,
            &options,
            &[],
            &shared,
            &mut out,
        );
        (out, original.get().is_some())
    }

    /// Runs one rule on `src` with the after-fix check: its findings.
    fn run_one(meta: &'static RuleMeta, src: &str) -> Vec<Diagnostic> {
        run_with(meta, src, FixCheck::Now).0
    }

    fn hoisted(src: &str) -> Diagnostic {
        run_one(&HoistLastRun::META, src)
            .pop()
            .expect("one finding")
    }

    #[test]
    fn the_after_fix_check_drops_a_fix_that_breaks_a_dependency() {
        // The fix moves the install above the repository it needs.
        let d = hoisted("FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nRUN yum install -y --enablerepo=internal tool\n");
        assert!(d.fix.is_none(), "the fix reorders dependent instructions");
        assert!(
            d.message
                .starts_with("hoist me (no fix: it would put `COPY internal.repo"),
            "{}",
            d.message
        );
        assert!(d.message.ends_with("change it by hand)"), "{}", d.message);
        // The same fix past instructions the install does not depend on stays.
        let d = hoisted("FROM centos\nCOPY app.py /app/\nLABEL a=b\nRUN yum install -y tool\n");
        assert!(d.fix.is_some(), "{}", d.message);
    }

    #[test]
    fn the_after_fix_check_sees_a_mount_below_the_workdir() {
        // The bind mount's target is relative: above the WORKDIR it lands elsewhere and the copy finds nothing.
        let d = hoisted("FROM debian\nWORKDIR /src\nRUN --mount=type=bind,target=ctx cp /src/ctx/app.conf /etc/app.conf\n");
        assert!(d.fix.is_none(), "{}", d.message);
        assert!(
            d.message.contains("(no fix: it would put `WORKDIR /src`"),
            "{}",
            d.message
        );
        let d = hoisted("FROM debian\nWORKDIR /src\nRUN --mount=type=bind,target=/src/ctx cp /src/ctx/app.conf /etc/app.conf\n");
        assert!(d.fix.is_some(), "an absolute target: {}", d.message);
    }

    declare_rule! {
        /// Drops the first RUN of the first stage, whatever it writes: a deliberately wrong fix.
        pub struct DropFirstRun {
            code: "DF998",
            name: "drop-first-run",
            category: Meta,
            severity: Warning,
            fix: Always,
            peers: [],
            options: [],
            changes: [Drop],
        }
    }

    impl Rule for DropFirstRun {
        fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
            let doc = ctx.doc();
            let Some(first) = doc.stages()[0]
                .instructions
                .clone()
                .find(|&i| doc.instructions()[i].kind == Kind::Run)
            else {
                return;
            };
            let ins = &doc.instructions()[first];
            let fix = Fix::safe(
                "Drop",
                vec![Edit::delete(ins.range.start..ins.range.end + 1)],
            );
            out.push(ctx.diagnostic(ins.range.clone(), "drop me").with_fix(fix));
        }
    }

    #[test]
    fn the_after_fix_check_keeps_what_a_later_stage_reads() {
        let dropped = |src: &str| {
            run_one(&DropFirstRun::META, src)
                .pop()
                .expect("one finding")
        };
        let d = dropped("FROM golang AS build\nRUN go build -o /out/app\nFROM debian\nCOPY --from=build /out/app /usr/local/bin/app\n");
        assert!(d.fix.is_none());
        assert!(
            d.message.contains(
                "(no fix: it would drop `RUN go build -o /out/app`, whose files `COPY --from=build"
            ),
            "{}",
            d.message
        );
        let d = dropped("FROM debian AS build\nRUN --mount=type=cache,target=/root/.cache echo x > /out/x\nFROM debian\nRUN --mount=type=bind,from=build,source=/out,target=/mnt cp /mnt/x /x\n");
        assert!(
            d.message
                .contains("whose files `RUN --mount=type=bind,from=build"),
            "{}",
            d.message
        );
        let d = dropped("FROM debian AS build\nRUN echo x > /out/unused\nRUN echo y > /out/x\nFROM debian\nCOPY --from=build /out/x /x\n");
        assert!(d.fix.is_some(), "nothing reads it: {}", d.message);
    }

    #[test]
    fn a_deferred_check_is_the_same_check() {
        let src = "FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nRUN yum install -y --enablerepo=internal tool\n";
        let (out, read_original) = run_with(&HoistLastRun::META, src, FixCheck::Later);
        assert!(out[0].fix.is_some(), "left unchecked");
        assert!(!read_original, "the contract read nothing yet");
        let doc = Document::parse(src);
        let checker = FixChecker::new(&doc, None);
        let mut d = out[0].clone();
        checker.check_as(&HoistLastRun::META, &mut d);
        assert_eq!(
            d,
            hoisted(src),
            "the same verdict and message as a check in lint"
        );
        assert!(d.fix.is_none());
        // A rule the registry does not know declares nothing: its fix is not offered.
        let mut d = out[0].clone();
        checker.check(&mut d);
        assert!(d.fix.is_none());
    }

    #[test]
    fn a_lint_without_fixes_or_moves_builds_no_model() {
        // The 500-line shape the language server is measured on: installs, but no copy they could move above.
        let mut src = String::from("FROM debian AS a\nWORKDIR /src\n");
        for i in 0..20 {
            src.push_str(&format!("RUN apt-get update && apt-get install -y --no-install-recommends curl-{i} && rm -rf /var/lib/apt/lists/*\nRUN echo {i}\n"));
        }
        src.push_str("FROM debian\nCOPY --from=a /src /app\nCMD [\"/app/run\"]\n");
        let doc = Document::parse(&src);
        let settings = Settings::default();
        let enabled = settings.enabled_rules();
        let analysis = analysis_for(enabled.iter().copied());
        let original = std::cell::OnceCell::new();
        let layout = std::cell::OnceCell::new();
        let shared = Shared {
            analysis: &analysis,
            original: &original,
            layout: &layout,
            check: FixCheck::Now,
        };
        let mut out = Vec::new();
        let options: Vec<_> = enabled.iter().map(|r| settings.options_for(r)).collect();
        for (rule, options) in enabled.iter().zip(&options) {
            run(rule, &doc, &settings, None, options, &[], &shared, &mut out);
        }
        assert!(out.iter().all(|d| d.fix.is_none()), "{out:?}");
        assert!(!analysis
            .facts
            .get()
            .expect("the shell rules read the RUNs")
            .has_model());
        assert!(original.get().is_none());
    }

    #[test]
    fn the_after_fix_check_holds_rules_to_what_they_declare() {
        // A move from a rule that declares none.
        static UNDECLARED: RuleMeta = RuleMeta {
            changes: &[],
            ..HoistLastRun::META
        };
        let out = run_one(&UNDECLARED, "FROM a\nCOPY app.py /app/\nRUN apk add x\n");
        assert!(out[0].fix.is_none());
        assert!(
            out[0].message.contains("(no fix: it would"),
            "{}",
            out[0].message
        );
    }
}
