//! The cheap contract check of moves and drops against the whole comparison, over the shared corpus (skipped when
//! it is absent): on every fix of the rules that move or drop instructions, and on a move or drop made up for every
//! instruction of every file (to the top of its stage, one line up, to the end of its stage, or dropped), the cheap
//! check never accepts what the whole comparison refuses.
use std::path::PathBuf;

use dflint_rules::engine::{
    all_rules, lint_with, resolve_rule, Change, Edit, FixCheck, FixChecker, Settings,
};
use dflint_rules::syntax::Document;

mod support;

fn corpus_files() -> Vec<PathBuf> {
    support::corpus()
        .map(|root| support::files(&root))
        .unwrap_or_default()
}

/// An instruction's lines: from the start of its first line to after its last line break.
fn lines_of(doc: &Document, i: usize) -> std::ops::Range<usize> {
    let text = doc.text();
    let ins = &doc.instructions()[i];
    let start = text[..ins.full_range.start]
        .rfind('\n')
        .map_or(0, |k| k + 1);
    let last = ins
        .full_range
        .end
        .saturating_sub(1)
        .max(ins.full_range.start);
    let end = text[last..].find('\n').map_or(text.len(), |k| last + k + 1);
    start..end
}

/// The edits that move the lines of instruction `i` to the start of the lines of instruction `to` (`None`: after
/// the last line of the text), as a rule's fix would.
fn move_edits(doc: &Document, i: usize, to: Option<usize>) -> Vec<Edit> {
    let text = doc.text();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut from = lines_of(doc, i);
    let mut moved = text[from.clone()].to_string();
    if !moved.ends_with('\n') {
        moved.push_str(newline);
        // The last line without a break: the break before it goes, so the text still ends without one.
        let before = text[..from.start].trim_end_matches(['\n', '\r']).len();
        from.start = before;
    }
    let at = match to {
        Some(t) => lines_of(doc, t).start,
        None => text.len(),
    };
    if at >= text.len() && !text.ends_with('\n') {
        let body = moved.trim_end_matches(['\n', '\r']).to_string();
        return vec![
            Edit::delete(from),
            Edit::insert(at, format!("{newline}{body}")),
        ];
    }
    vec![Edit::delete(from), Edit::insert(at, moved)]
}

fn drop_edits(doc: &Document, i: usize) -> Vec<Edit> {
    let text = doc.text();
    let mut range = lines_of(doc, i);
    if range.end >= text.len() && !text.ends_with('\n') {
        range.start = text[..range.start].trim_end_matches(['\n', '\r']).len();
    }
    vec![Edit::delete(range)]
}

#[derive(Default)]
struct Counts {
    fixes: usize,
    full_ok: usize,
    cheap_ok: usize,
    rule_fixes: usize,
    rule_full_ok: usize,
    rule_cheap_ok: usize,
}

#[test]
fn the_cheap_check_of_moves_and_drops_agrees_with_the_whole_comparison() {
    let files = corpus_files();
    if files.is_empty() {
        eprintln!("corpus not found: skipped");
        return;
    }
    let reordering: Vec<&str> = all_rules()
        .iter()
        .filter(|r| {
            r.changes
                .iter()
                .any(|c| matches!(c, Change::Move | Change::Drop))
        })
        .map(|r| r.code)
        .collect();
    assert!(reordering.contains(&"DF403"), "{reordering:?}");
    let settings = Settings::select(reordering.iter().copied());
    let results = support::map_on_all_cores(&files, |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        let doc = Document::parse_bytes(&bytes);
        let checker = FixChecker::new(&doc, None);
        let mut counts = Counts::default();
        let mut failures = Vec::new();
        let mut judge = |what: String, edits: &[Edit], changes: &[Change], rule: bool| {
            let (cheap, full) = checker.verdicts(edits, changes);
            counts.fixes += 1;
            counts.full_ok += full.is_ok() as usize;
            counts.cheap_ok += cheap as usize;
            if rule {
                counts.rule_fixes += 1;
                counts.rule_full_ok += full.is_ok() as usize;
                counts.rule_cheap_ok += cheap as usize;
            }
            if cheap && full.is_err() {
                failures.push(format!(
                    "{name}: {what}: accepted cheaply, refused by the whole comparison: {}",
                    full.unwrap_err()
                ));
            }
        };
        for d in lint_with(&doc, &settings, None, FixCheck::Later) {
            let (Some(fix), Some(rule)) = (&d.fix, resolve_rule(d.code)) else {
                continue;
            };
            judge(
                format!("{} `{}`", d.name, fix.title),
                &fix.edits,
                rule.changes,
                true,
            );
        }
        // One made-up change per instruction, in turn: to the top of its stage, one line up, to the end of its
        // stage, dropped (all four for every instruction would take minutes in a debug build).
        let mut turn = 0usize;
        for stage in doc.stages() {
            let body: Vec<usize> = (stage.instructions.start + 1..stage.instructions.end).collect();
            let next_from = doc
                .stages()
                .get(stage.index + 1)
                .map(|s| s.instructions.start);
            for (k, &i) in body.iter().enumerate() {
                turn += 1;
                let (what, edits, change) = match turn % 4 {
                    0 if k > 1 => (
                        "to the top",
                        move_edits(&doc, i, Some(body[0])),
                        Change::Move,
                    ),
                    1 if k > 0 => ("up", move_edits(&doc, i, Some(body[k - 1])), Change::Move),
                    2 if k + 1 < body.len() => {
                        ("to the end", move_edits(&doc, i, next_from), Change::Move)
                    }
                    _ => ("dropped", drop_edits(&doc, i), Change::Drop),
                };
                judge(format!("line {} {what}", i + 1), &edits, &[change], false);
            }
        }
        (counts, failures)
    });
    let mut total = Counts::default();
    let mut failures = Vec::new();
    for (c, f) in results {
        total.fixes += c.fixes;
        total.full_ok += c.full_ok;
        total.cheap_ok += c.cheap_ok;
        total.rule_fixes += c.rule_fixes;
        total.rule_full_ok += c.rule_full_ok;
        total.rule_cheap_ok += c.rule_cheap_ok;
        failures.extend(f);
    }
    eprintln!(
        "{} files: {} fixes of the rules ({} kept the contract, {} shown so cheaply); {} made-up moves and drops ({} kept it, {} shown so cheaply)",
        files.len(),
        total.rule_fixes,
        total.rule_full_ok,
        total.rule_cheap_ok,
        total.fixes - total.rule_fixes,
        total.full_ok - total.rule_full_ok,
        total.cheap_ok - total.rule_cheap_ok,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The cheap check is what makes the rules' fixes fast: it must tell for nearly all of those that keep it.
    assert!(
        total.rule_cheap_ok * 10 >= total.rule_full_ok * 9,
        "the cheap check showed only {} of {} fixes of the rules",
        total.rule_cheap_ok,
        total.rule_full_ok
    );
}
