//! `--fix` on a file with syntax errors: fixes may change the file only away from the lines those errors are on.
//!
//! The engine's fixer already refuses a result with new syntax errors; this guard adds that the text around an
//! existing error stays as written, since a fix there acts on a reading of the line that Docker does not share.
//! When the fixed text touches an error's lines, the rules whose fixes do so are left out and the fixer runs again.
use std::collections::BTreeSet;

use dflint_rules::engine::{fix, lint, BuildContext, FixMode, FixOutcome, Settings};
use dflint_rules::syntax::Document;
use similar::{DiffOp, TextDiff};

/// The fixer's outcome, and the rules whose fixes were left out because they touched lines with syntax errors.
pub struct Guarded {
    pub outcome: FixOutcome,
    pub skipped: Vec<&'static str>,
}

/// [`fix`] with the guard. Without syntax errors in `text` this is exactly one fixer run.
pub fn fix_guarded(
    text: &str,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
    mode: FixMode,
) -> Guarded {
    let doc = Document::parse(text);
    let regions = error_lines(&doc);
    let mut outcome = fix(text, settings, ctx, mode);
    if regions.is_empty() || !outcome.changed() {
        return Guarded {
            outcome,
            skipped: Vec::new(),
        };
    }
    let mut skipped: BTreeSet<&'static str> = BTreeSet::new();
    while touches(text, &outcome.text, &regions) {
        let applied: BTreeSet<&'static str> = outcome.applied.iter().map(|a| a.code).collect();
        // Each applied rule alone: the ones whose fixes reach an error's lines on their own are the culprits.
        let culprits: Vec<&'static str> = applied
            .iter()
            .copied()
            .filter(|code| {
                let alone = Settings {
                    select: Some(vec![code.to_string()]),
                    extend_select: Vec::new(),
                    ..settings.clone()
                };
                touches(text, &fix(text, &alone, ctx, mode).text, &regions)
            })
            .collect();
        // Fixes that touch the errors only together: leave them all out rather than guess.
        skipped.extend(if culprits.is_empty() {
            applied.into_iter().collect()
        } else {
            culprits
        });
        let without = Settings {
            ignore: settings
                .ignore
                .iter()
                .cloned()
                .chain(skipped.iter().map(|c| c.to_string()))
                .collect(),
            ..settings.clone()
        };
        outcome = fix(text, &without, ctx, mode);
    }
    // The diagnostics of the skipped rules still belong in the report.
    outcome.remaining = lint(&Document::parse(&outcome.text), settings, ctx);
    Guarded {
        outcome,
        skipped: skipped.into_iter().collect(),
    }
}

/// 0-based first and last line of each syntax error.
fn error_lines(doc: &Document) -> Vec<(usize, usize)> {
    let li = doc.line_index();
    doc.syntax_errors()
        .iter()
        .map(|e| {
            let first = li.line(e.range.start);
            let last = li.line(e.range.end.saturating_sub(1).max(e.range.start));
            (first, last.max(first))
        })
        .collect()
}

/// Whether `new` differs from `old` on a line of a region, or inserts lines inside a region.
fn touches(old: &str, new: &str, regions: &[(usize, usize)]) -> bool {
    if old == new {
        return false;
    }
    TextDiff::from_lines(old, new).ops().iter().any(|op| {
        let changed = match *op {
            DiffOp::Equal { .. } => return false,
            DiffOp::Insert { old_index, .. } => old_index..old_index,
            DiffOp::Delete {
                old_index, old_len, ..
            }
            | DiffOp::Replace {
                old_index, old_len, ..
            } => old_index..old_index + old_len,
        };
        regions.iter().any(|&(first, last)| {
            if changed.is_empty() {
                first < changed.start && changed.start <= last
            } else {
                changed.start <= last && changed.end > first
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_on_error_lines_touch() {
        let old = "a\nb\nc\nd\n";
        assert!(touches(old, "a\nB\nc\nd\n", &[(1, 1)]));
        assert!(!touches(old, "A\nb\nc\nd\n", &[(1, 1)]));
        assert!(!touches(old, "a\nb\nc\nD\n", &[(1, 2)]));
        assert!(touches(old, "a\nb\nx\nc\nd\n", &[(1, 2)]));
        assert!(!touches(old, "a\nx\nb\nc\nd\n", &[(1, 2)]));
        assert!(touches(old, "a\nc\nd\n", &[(1, 1)]));
        assert!(!touches(old, old, &[(0, 3)]));
    }
}
