//! The one fixer: `--fix`, the editor's quick fixes and "fix all" all end here.
//!
//! Each round lints, applies the fixes that do not overlap an earlier accepted one, and reparses; it stops at a
//! fixed point or after `MAX_ROUNDS`. A fix whose result has syntax errors the input did not have is refused.
//! `lint` checks each fix alone against the contract; the fixer checks the fixes of a round together (two moves
//! that are each fine can together put a read above its write): when the combined text fails, the fixes are applied
//! one at a time, each checked on the text the ones before it left, and a fix that fails is refused and its finding
//! says what to do by hand.
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::context::BuildContext;
use super::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use super::lint::lint;
use super::settings::{resolve_rule, Settings};
use crate::build::contract::{self, Change};
use crate::syntax::{floor_char_boundary, Document};

/// Rounds of lint-and-fix before the fixer gives up on reaching a fixed point.
pub const MAX_ROUNDS: usize = 10;

/// Which fixes the fixer applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Only `safe` fixes (`--fix`, "fix all").
    Safe,
    /// `safe` and `unsafe` fixes (`--fix --unsafe-fixes`).
    Unsafe,
}

impl FixMode {
    pub fn allows(self, applicability: Applicability) -> bool {
        match self {
            FixMode::Safe => applicability == Applicability::Safe,
            FixMode::Unsafe => applicability >= Applicability::Unsafe,
        }
    }
}

/// One fix the fixer applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: &'static str,
    pub name: &'static str,
    pub title: String,
}

/// What the fixer did to a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing applied).
    pub text: String,
    /// In the order applied.
    pub applied: Vec<AppliedFix>,
    /// The diagnostics of the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// Rules that still produced fixes when the fixer stopped without a fixed point.
    pub non_converged: Vec<&'static str>,
    /// Why fixes were refused (they would have added syntax errors), when some were.
    pub refused: Option<String>,
    /// Files the applied fixes create next to the Dockerfile (path relative to the build context, content).
    pub created_files: Vec<(String, String)>,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
}

/// Applies non-overlapping edits to a text. Edits are applied by start offset; one that overlaps an earlier one is
/// skipped. Offsets are clamped to the text and to character boundaries.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in sorted {
        let start = floor_char_boundary(text, e.range.start);
        let end = floor_char_boundary(text, e.range.end.max(start));
        if start < pos {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str(&e.content);
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Applies one fix (an editor's quick fix for one diagnostic).
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    apply_edits(text, &fix.edits)
}

/// Whether two edits touch the same bytes. Two insertions at one point conflict (their order would matter),
/// and so does an insertion inside or at either end of a replaced range: whether it meant to add to the replaced
/// text (a command appended to a `RUN` that another fix moves) or to stay beside it cannot be told.
/// Replacements that merely touch do not conflict.
fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return b.start <= a.start && a.start <= b.end;
    }
    if b.is_empty() {
        return a.start <= b.start && b.start <= a.end;
    }
    a.start < b.end && b.start < a.end
}

/// Counts of syntax error messages, to tell errors a fix added from the ones the input had.
fn error_counts(doc: &Document) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for e in doc.syntax_errors() {
        *m.entry(e.message).or_insert(0) += 1;
    }
    m
}

fn adds_errors(baseline: &HashMap<String, usize>, doc: &Document) -> Option<String> {
    error_counts(doc)
        .into_iter()
        .find(|(msg, n)| baseline.get(msg).copied().unwrap_or(0) < *n)
        .map(|(msg, _)| msg)
}

/// Lints and fixes `text` to a fixed point. See the module docs.
pub fn fix(
    text: &str,
    settings: &Settings,
    ctx: Option<&dyn BuildContext>,
    mode: FixMode,
) -> FixOutcome {
    let check = |before: &Document, after: &Document, fixes: &[&Diagnostic]| {
        contract_check(before, after, ctx, fixes)
    };
    fix_with_files(
        text,
        mode,
        &|doc, created| {
            if created.is_empty() {
                return lint(doc, settings, ctx);
            }
            // Later rounds see the files earlier fixes created, so a rule that asked for one stops asking.
            let overlay = WithCreatedFiles {
                base: ctx,
                files: created,
            };
            lint(doc, settings, Some(&overlay))
        },
        Some(&check),
    )
}

/// The contract of fixes applied together: `after` (the fixes of `fixes` applied to `before`) compared with
/// `before`, allowing what any of their rules declares. A finding of a rule the registry does not know allows
/// nothing.
fn contract_check(
    before: &Document,
    after: &Document,
    ctx: Option<&dyn BuildContext>,
    fixes: &[&Diagnostic],
) -> Result<(), String> {
    let mut changes: Vec<Change> = Vec::new();
    for d in fixes {
        for c in resolve_rule(d.code).map_or(&[][..], |r| r.changes) {
            if !changes.contains(c) {
                changes.push(*c);
            }
        }
    }
    contract::check_documents(before, after, ctx, &changes)
}

/// Checks fixes applied together: the text before, the text after, the findings whose fixes were applied.
type CombinedCheck<'a> = dyn Fn(&Document, &Document, &[&Diagnostic]) -> Result<(), String> + 'a;

/// A build context plus files that fixes created (and a caller has not written yet): what the context looks like
/// after `FixOutcome::created_files` are written.
pub struct WithCreatedFiles<'a> {
    pub base: Option<&'a dyn BuildContext>,
    /// (path relative to the context, content).
    pub files: &'a [(String, String)],
}

impl BuildContext for WithCreatedFiles<'_> {
    fn exists(&self, rel: &str) -> bool {
        let rel = rel.trim_start_matches("./");
        self.files.iter().any(|(p, _)| p == rel) || self.base.is_some_and(|b| b.exists(rel))
    }
    fn read(&self, rel: &str) -> Option<String> {
        let rel = rel.trim_start_matches("./");
        self.files
            .iter()
            .find(|(p, _)| p == rel)
            .map(|(_, c)| c.clone())
            .or_else(|| self.base.and_then(|b| b.read(rel)))
    }
    fn list(&self, rel_dir: &str) -> Vec<String> {
        let dir = rel_dir.trim_start_matches("./").trim_end_matches('/');
        let mut out = self.base.map(|b| b.list(rel_dir)).unwrap_or_default();
        for (p, _) in self.files {
            let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
            if parent == dir && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
        out
    }
    fn dockerignore(&self) -> Option<&super::DockerIgnore> {
        self.base.and_then(|b| b.dockerignore())
    }
}

/// The fixer's loop over any linter (the tests drive it with misbehaving rules).
#[cfg(test)]
pub(crate) fn fix_with(
    text: &str,
    mode: FixMode,
    lint: &dyn Fn(&Document) -> Vec<Diagnostic>,
) -> FixOutcome {
    fix_with_files(text, mode, &|doc, _| lint(doc), None)
}

/// The fixer's loop over any linter, with the contract check of the fixes a round applies together.
#[cfg(test)]
pub(crate) fn fix_with_check(
    text: &str,
    mode: FixMode,
    lint: &dyn Fn(&Document) -> Vec<Diagnostic>,
    check: &CombinedCheck,
) -> FixOutcome {
    fix_with_files(text, mode, &|doc, _| lint(doc), Some(check))
}

/// A linter that also sees the files fixes created so far (path, content).
type LintWithFiles<'a> = dyn Fn(&Document, &[(String, String)]) -> Vec<Diagnostic> + 'a;

/// The loop; `lint` also gets the files fixes created so far. A fix may only create files (no edits).
fn fix_with_files(
    text: &str,
    mode: FixMode,
    lint: &LintWithFiles,
    check: Option<&CombinedCheck>,
) -> FixOutcome {
    let mut doc = Document::parse(text);
    let baseline = error_counts(&doc);
    let mut applied = Vec::new();
    let mut created_files = Vec::new();
    let mut refused_notes: Vec<String> = Vec::new();
    // Fixes refused once (rule, title) are not offered again in later rounds.
    let mut refused_keys: HashSet<(&'static str, String)> = HashSet::new();
    // Fixes refused by the contract check of a round: why, for their findings' messages.
    let mut by_hand: HashMap<(&'static str, String), String> = HashMap::new();
    let mut seen_texts: HashSet<String> = HashSet::new();
    let mut non_converged: Vec<&'static str> = Vec::new();
    let mut diagnostics = lint(&doc, &created_files);
    for round in 0..=MAX_ROUNDS {
        let candidates: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                d.fix.as_ref().is_some_and(|f| {
                    mode.allows(f.applicability)
                        && (!f.edits.is_empty()
                            || f.create_files.iter().any(|(p, _)| {
                                !created_files.iter().any(|(c, _): &(String, String)| c == p)
                            }))
                        && !refused_keys.contains(&(d.code, f.title.clone()))
                })
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        if round == MAX_ROUNDS || !seen_texts.insert(doc.text().to_string()) {
            non_converged = candidates.iter().map(|d| d.name).collect();
            non_converged.sort_unstable();
            non_converged.dedup();
            break;
        }
        let mut accepted: Vec<&Diagnostic> = Vec::new();
        let mut taken: Vec<Range<usize>> = Vec::new();
        for d in candidates {
            let f = d.fix.as_ref().expect("filtered above");
            if f.edits
                .iter()
                .any(|e| taken.iter().any(|t| overlaps(&e.range, t)))
            {
                continue;
            }
            taken.extend(f.edits.iter().map(|e| e.range.clone()));
            accepted.push(d);
        }
        let edits: Vec<Edit> = accepted
            .iter()
            .flat_map(|d| {
                d.fix
                    .as_ref()
                    .expect("filtered above")
                    .edits
                    .iter()
                    .cloned()
            })
            .collect();
        let next = Document::parse(&apply_edits(doc.text(), &edits));
        let with_edits: Vec<&Diagnostic> = accepted
            .iter()
            .copied()
            .filter(|d| d.fix.as_ref().is_some_and(|f| !f.edits.is_empty()))
            .collect();
        let keeps_contract = |before: &Document, after: &Document, fixes: &[&Diagnostic]| {
            check.map_or(Ok(()), |c| c(before, after, fixes))
        };
        let together_ok = adds_errors(&baseline, &next).is_none()
            && (with_edits.len() < 2 || keeps_contract(&doc, &next, &with_edits).is_ok());
        if together_ok {
            for d in accepted {
                record(&mut applied, &mut created_files, d);
            }
            doc = next;
            diagnostics = lint(&doc, &created_files);
            continue;
        }
        // Together the fixes break the file or the contract: keep the ones that do not, one at a time, each checked
        // on the text the ones before it left (the first was checked alone on this text by `lint`).
        let mut current = doc.clone();
        let mut kept = Vec::new();
        for d in accepted {
            let f = d.fix.as_ref().expect("filtered above");
            let shifted = shift_edits(&f.edits, &kept);
            let trial = Document::parse(&apply_edits(current.text(), &shifted));
            let verdict = match adds_errors(&baseline, &trial) {
                Some(err) => Err(format!("would add the syntax error \"{err}\"")),
                None if kept.is_empty() || f.edits.is_empty() => Ok(()),
                None => keeps_contract(&current, &trial, &[d]).map_err(|why| {
                    by_hand.insert(
                        (d.code, f.title.clone()),
                        format!("with the fixes applied before it, {why}"),
                    );
                    format!("with the fixes applied before it, {why}")
                }),
            };
            match verdict {
                Ok(()) => {
                    current = trial;
                    kept.push(f.edits.clone());
                    record(&mut applied, &mut created_files, d);
                }
                Err(why) => {
                    refused_keys.insert((d.code, f.title.clone()));
                    refused_notes.push(format!("`{}` ({}): \"{}\" {why}", d.name, d.code, f.title));
                }
            }
        }
        doc = current;
        diagnostics = lint(&doc, &created_files);
    }
    // A fix the contract refused is no fix: its finding says what to do by hand.
    for d in &mut diagnostics {
        let Some(f) = &d.fix else { continue };
        if let Some(why) = by_hand.get(&(d.code, f.title.clone())) {
            d.message
                .push_str(&format!(" (no fix: {why}; change it by hand)"));
            d.fix = None;
        }
    }
    FixOutcome {
        text: doc.text().to_string(),
        applied,
        remaining: diagnostics,
        non_converged,
        refused: (!refused_notes.is_empty()).then(|| refused_notes.join("; ")),
        created_files,
    }
}

fn record(applied: &mut Vec<AppliedFix>, created: &mut Vec<(String, String)>, d: &Diagnostic) {
    let f = d
        .fix
        .as_ref()
        .expect("only diagnostics with fixes are recorded");
    applied.push(AppliedFix {
        code: d.code,
        name: d.name,
        title: f.title.clone(),
    });
    created.extend(f.create_files.iter().cloned());
}

/// Moves `edits` (offsets in the original text) to the text after `kept` (non-overlapping edit groups) applied.
fn shift_edits(edits: &[Edit], kept: &[Vec<Edit>]) -> Vec<Edit> {
    edits
        .iter()
        .map(|e| {
            let delta: isize = kept
                .iter()
                .flatten()
                .filter(|k| k.range.end <= e.range.start)
                .map(|k| k.content.len() as isize - k.range.len() as isize)
                .sum();
            let at = |o: usize| (o as isize + delta).max(0) as usize;
            Edit::replace(at(e.range.start)..at(e.range.end), e.content.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let t = "abcdef";
        let edits = [
            Edit::replace(4..5, "E"),
            Edit::insert(0, ">"),
            Edit::delete(1..3),
            Edit::replace(2..4, "no"),
        ];
        assert_eq!(apply_edits(t, &edits), ">adEf");
    }

    #[test]
    fn overlap_rules() {
        assert!(overlaps(&(1..3), &(2..4)));
        assert!(!overlaps(&(1..3), &(3..4)));
        assert!(overlaps(&(2..2), &(2..2)));
        assert!(overlaps(&(2..2), &(2..5)));
        assert!(overlaps(&(5..5), &(2..5)));
        assert!(!overlaps(&(6..6), &(2..5)));
        assert!(overlaps(&(3..3), &(2..5)));
    }

    use crate::engine::Severity;

    fn diag(name: &'static str, range: Range<usize>, fix: Fix) -> Diagnostic {
        Diagnostic {
            code: "DF000",
            name,
            severity: Severity::Warning,
            range,
            message: name.into(),
            fix: Some(fix),
            tags: Vec::new(),
        }
    }

    /// Upper-cases every `run` keyword, one fix per occurrence; two fixes always claim the same `run`.
    fn upper_runs(doc: &Document) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, _) in doc.text().match_indices("run") {
            let r = i..i + 3;
            out.push(diag(
                "first",
                r.clone(),
                Fix::safe("a", vec![Edit::replace(r.clone(), "RUN")]),
            ));
            out.push(diag(
                "second",
                r.clone(),
                Fix::safe("b", vec![Edit::replace(r, "RUN")]),
            ));
        }
        out
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let out = fix_with("FROM a\nrun b\nrun c\n", FixMode::Safe, &upper_runs);
        assert_eq!(out.text, "FROM a\nRUN b\nRUN c\n");
        let names: Vec<&str> = out.applied.iter().map(|a| a.name).collect();
        assert_eq!(names, ["first", "first"]);
        assert!(out.remaining.is_empty() && out.non_converged.is_empty() && out.refused.is_none());
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_refused_and_the_others_kept() {
        let lint = |doc: &Document| -> Vec<Diagnostic> {
            let t = doc.text();
            let mut out = Vec::new();
            if let Some(i) = t.find("ENV x=1") {
                let r = i..i + 7;
                out.push(diag(
                    "breaks",
                    r.clone(),
                    Fix::safe("break", vec![Edit::replace(r, "ENV x=1 y 2")]),
                ));
            }
            if let Some(i) = t.find("run") {
                let r = i..i + 3;
                out.push(diag(
                    "upper",
                    r.clone(),
                    Fix::safe("upper", vec![Edit::replace(r, "RUN")]),
                ));
            }
            out
        };
        let out = fix_with("FROM a\nENV x=1\nrun b\n", FixMode::Safe, &lint);
        assert_eq!(out.text, "FROM a\nENV x=1\nRUN b\n");
        assert_eq!(out.applied.len(), 1);
        let refused = out.refused.expect("the breaking fix is refused");
        assert!(refused.contains("`breaks`"), "{refused}");
        assert_eq!(out.remaining.len(), 1, "the refused diagnostic remains");
    }

    #[test]
    fn existing_syntax_errors_do_not_block_fixes() {
        let out = fix_with("FROM a\nENV x=1 y 2\nrun b\n", FixMode::Safe, &upper_runs);
        assert_eq!(out.text, "FROM a\nENV x=1 y 2\nRUN b\n");
        assert!(out.refused.is_none());
    }

    #[test]
    fn oscillating_fixes_are_reported_as_not_converging() {
        let flip = |doc: &Document| -> Vec<Diagnostic> {
            let t = doc.text();
            let (from, to) = if t.contains("RUN") {
                ("RUN", "run")
            } else {
                ("run", "RUN")
            };
            let i = t.find(from).unwrap();
            vec![diag(
                "flip",
                i..i + 3,
                Fix::safe("flip", vec![Edit::replace(i..i + 3, to)]),
            )]
        };
        let out = fix_with("FROM a\nrun b\n", FixMode::Safe, &flip);
        assert_eq!(out.non_converged, ["flip"]);
        assert!(out.applied.len() <= MAX_ROUNDS);
        let grow = |doc: &Document| -> Vec<Diagnostic> {
            let end = doc.text().len();
            vec![diag(
                "grow",
                end..end,
                Fix::safe("grow", vec![Edit::insert(end, "# more\n")]),
            )]
        };
        let out = fix_with("FROM a\n", FixMode::Safe, &grow);
        assert_eq!(out.non_converged, ["grow"]);
        assert_eq!(out.applied.len(), MAX_ROUNDS);
    }

    #[test]
    fn a_fix_may_only_create_a_file_and_is_applied_once() {
        let lint = |_: &Document, created: &[(String, String)]| -> Vec<Diagnostic> {
            if created.iter().any(|(p, _)| p == ".dockerignore") {
                return Vec::new();
            }
            let mut f = Fix::unsafe_("create", Vec::new());
            f.create_files
                .push((".dockerignore".into(), ".git\n".into()));
            vec![diag("create", 0..4, f)]
        };
        let out = fix_with_files("FROM a\n", FixMode::Unsafe, &lint, None);
        assert_eq!(out.text, "FROM a\n");
        assert_eq!(out.applied.len(), 1);
        assert!(out.non_converged.is_empty());
        assert_eq!(
            out.created_files,
            [(".dockerignore".to_string(), ".git\n".to_string())]
        );
        let ctx = WithCreatedFiles {
            base: None,
            files: &out.created_files,
        };
        assert!(ctx.exists("./.dockerignore"));
        assert_eq!(ctx.list(""), [".dockerignore"]);
    }

    #[test]
    fn the_mode_decides_which_fixes_apply() {
        let lint = |doc: &Document| -> Vec<Diagnostic> {
            doc.text()
                .find("run")
                .map(|i| {
                    let mut f = Fix::unsafe_("upper", vec![Edit::replace(i..i + 3, "RUN")]);
                    f.create_files
                        .push((".dockerignore".into(), ".git\n".into()));
                    diag("unsafe", i..i + 3, f)
                })
                .into_iter()
                .collect()
        };
        let safe = fix_with("FROM a\nrun b\n", FixMode::Safe, &lint);
        assert!(!safe.changed());
        assert_eq!(safe.remaining.len(), 1);
        let out = fix_with("FROM a\nrun b\n", FixMode::Unsafe, &lint);
        assert_eq!(out.text, "FROM a\nRUN b\n");
        assert_eq!(
            out.created_files,
            [(".dockerignore".to_string(), ".git\n".to_string())]
        );
    }

    /// Moves line `from` (1-based) of the text to before line `to`: one fix.
    fn move_line(doc: &Document, name: &'static str, from: usize, to: usize) -> Diagnostic {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(doc.text().match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line = starts[from - 1]..starts[from];
        let text = doc.text()[line.clone()].to_string();
        diag(
            name,
            line.clone(),
            Fix::safe(
                name,
                vec![Edit::delete(line), Edit::insert(starts[to - 1], text)],
            ),
        )
    }

    /// Two moves that are each fine alone, and together put the install above the repository file it reads.
    #[test]
    fn fixes_that_together_break_a_dependency_are_refused_and_the_rest_kept() {
        let src = "FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nLABEL a=1\nLABEL b=2\nLABEL c=3\nRUN yum install -y --enablerepo=internal tool\n";
        let lint = |doc: &Document| -> Vec<Diagnostic> {
            if doc.text() != src {
                return Vec::new();
            }
            // The copy down below `LABEL b`, the install up above it.
            vec![
                move_line(doc, "copy-down", 2, 5),
                move_line(doc, "run-up", 6, 4),
            ]
        };
        let check = |before: &Document, after: &Document, _: &[&Diagnostic]| {
            contract::check_documents(before, after, None, &[Change::Move])
        };
        // Each alone keeps the contract.
        let doc = Document::parse(src);
        for d in lint(&doc) {
            let after = Document::parse(&apply_fix(src, d.fix.as_ref().unwrap()));
            assert_eq!(check(&doc, &after, &[]), Ok(()), "{}", d.name);
        }
        let out = fix_with_check(src, FixMode::Safe, &lint, &check);
        assert_eq!(
            out.text,
            "FROM centos\nLABEL a=1\nLABEL b=2\nCOPY internal.repo /etc/yum.repos.d/\nLABEL c=3\nRUN yum install -y --enablerepo=internal tool\n",
            "the first move stays, the second is refused"
        );
        let names: Vec<&str> = out.applied.iter().map(|a| a.name).collect();
        assert_eq!(names, ["copy-down"]);
        let refused = out.refused.expect("the second move is refused");
        assert!(
            refused.contains("`run-up`") && refused.contains("depends on it"),
            "{refused}"
        );
        // Without the check both apply and the install lands above the repository file.
        let out = fix_with(src, FixMode::Safe, &lint);
        assert!(out.text.find("RUN yum").unwrap() < out.text.find("COPY internal").unwrap());
    }

    /// Through the registry: the real rules' declarations decide, and the refused fix's finding says why.
    #[test]
    fn a_refused_combined_fix_leaves_its_finding_without_a_fix() {
        let src = "FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nLABEL a=1\nLABEL b=2\nLABEL c=3\nRUN yum install -y --enablerepo=internal tool\n";
        let lint = |doc: &Document| -> Vec<Diagnostic> {
            let mut a = move_line(doc, "copy-down", 2, 5);
            let mut b = move_line(doc, "run-up", 6, 4);
            // Rules that declare moves.
            a.code = "DF402";
            b.code = "DF402";
            if doc.text() == src {
                vec![a, b]
            } else {
                vec![b]
            }
        };
        let check = |before: &Document, after: &Document, fixes: &[&Diagnostic]| {
            contract_check(before, after, None, fixes)
        };
        let out = fix_with_check(src, FixMode::Safe, &lint, &check);
        assert_eq!(out.applied.len(), 1);
        let d = &out.remaining[0];
        assert!(d.fix.is_none());
        assert!(
            d.message.contains(
                "(no fix: with the fixes applied before it, it would put `COPY internal.repo"
            ),
            "{}",
            d.message
        );
    }

    #[test]
    fn shifting_follows_kept_edits() {
        let kept = vec![vec![Edit::replace(0..1, "xyz")], vec![Edit::delete(5..7)]];
        let e = shift_edits(&[Edit::replace(8..9, "q")], &kept);
        assert_eq!(e[0].range, 8..9);
        let e = shift_edits(&[Edit::replace(2..3, "q")], &kept);
        assert_eq!(e[0].range, 4..5);
    }
}
