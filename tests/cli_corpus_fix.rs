//! The fixer over the whole public corpus (`../shared/corpus/public`), as `dflint check --fix --unsafe-fixes`
//! runs it (every rule selected): for every file, linting does not panic, fixing reaches a fixed point and a second
//! fix changes nothing, the fixed file still parses with BuildKit's own parser (when the original did), and the
//! fixed file has no finding the original did not have.
//!
//! Environment: `DFLINT_SKIP_CORPUS=1` skips the test when `../shared` is absent; `DFLINT_PYTHON` picks the
//! interpreter with the `dockerfile` package (default `python3`).
mod oracle;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use dflint::check::{fix_guarded, map_ordered};
use dflint::context::find_context;
use dflint::fs::SourceFile;
use dflint_rules::engine::{
    fix, lint, BuildContext, Diagnostic, FixMode, Settings, WithCreatedFiles,
};
use dflint_rules::syntax::Document;
use oracle::{buildkit, corpus_dir, python, say};

/// What one corpus file gave.
struct FileReport {
    rel: String,
    original: String,
    fixed: String,
    problems: Vec<String>,
}

#[test]
fn fixing_the_corpus_is_safe_and_idempotent() {
    let Some(corpus) = corpus_dir("../shared/corpus/public", "corpus fix") else {
        return;
    };
    let python = python();
    let files = oracle::files_under(&corpus);
    assert!(
        files.len() > 1000,
        "only {} files under {}",
        files.len(),
        corpus.display()
    );
    let settings = Settings {
        select: Some(vec!["ALL".to_string()]),
        unsafe_fixes: true,
        ..Settings::default()
    };

    let reports = map_ordered(&files, |path| check_file(&corpus, path, &settings));
    let mut problems: Vec<String> = Vec::new();
    let mut changed: Vec<&FileReport> = Vec::new();
    let mut skipped = 0;
    for report in &reports {
        match report {
            Err(_) => skipped += 1,
            Ok(r) => {
                problems.extend(r.problems.iter().map(|p| format!("{}: {p}", r.rel)));
                if r.fixed != r.original {
                    changed.push(r);
                }
            }
        }
    }

    // BuildKit's verdict on the original and the fixed text of every changed file, in one Python process.
    let scratch = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, r) in changed.iter().enumerate() {
        for (kind, text) in [("original", &r.original), ("fixed", &r.fixed)] {
            let path = scratch.path().join(format!("{i:05}.{kind}"));
            std::fs::write(&path, text).unwrap();
            paths.push(path.to_str().unwrap().to_string());
        }
    }
    let verdicts = buildkit(&python, scratch.path(), &paths);
    for (i, r) in changed.iter().enumerate() {
        let (original, fixed) = (&verdicts[2 * i], &verdicts[2 * i + 1]);
        if original["ok"] == true && fixed["ok"] != true {
            problems.push(format!(
                "{}: BuildKit parses the original but not the fixed file: {}",
                r.rel, fixed["error"]
            ));
        }
    }
    say(&format!(
        "corpus fix: {} files, {} changed by --fix --unsafe-fixes, {} not UTF-8 (skipped), {} problem(s)",
        files.len(),
        changed.len(),
        skipped,
        problems.len()
    ));
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn check_file(corpus: &Path, path: &Path, settings: &Settings) -> Result<FileReport, ()> {
    let rel = path.strip_prefix(corpus).unwrap().display().to_string();
    let source = SourceFile::from_bytes(path, std::fs::read(path).unwrap()).map_err(|_| ())?;
    let text = source.text;
    // The build context as `dflint check` finds it (for most corpus files, none: what they copy is not stored).
    let found = find_context(path, &Document::parse(&text), None, None).context;
    let ctx = found.as_ref().map(|c| c as &dyn BuildContext);
    let mut problems = Vec::new();
    let run = catch_unwind(AssertUnwindSafe(|| {
        let before = lint(&Document::parse(&text), settings, ctx);
        let guarded = fix_guarded(&text, settings, ctx, FixMode::Unsafe);
        (before, guarded.outcome)
    }));
    let (before, outcome) = match run {
        Ok(result) => result,
        Err(panic) => {
            problems.push(format!("panicked: {}", panic_message(&panic)));
            return Ok(FileReport {
                rel,
                original: text.clone(),
                fixed: text,
                problems,
            });
        }
    };
    if !outcome.non_converged.is_empty() {
        problems.push(format!(
            "no fixed point: {:?} still fix",
            outcome.non_converged
        ));
    }
    // The second run sees the files the first one created (`--fix` writes them).
    let after = WithCreatedFiles {
        base: ctx,
        files: &outcome.created_files,
    };
    // Without a context and with nothing created, the second run has no context either (as `dflint check`).
    let after =
        (ctx.is_some() || !outcome.created_files.is_empty()).then_some(&after as &dyn BuildContext);
    match catch_unwind(AssertUnwindSafe(|| {
        fix(&outcome.text, settings, after, FixMode::Unsafe)
    })) {
        Ok(again) if again.changed() || again.text != outcome.text => problems.push(format!(
            "not idempotent: a second fix applied {:?}",
            again.applied.iter().map(|a| a.name).collect::<Vec<_>>()
        )),
        Ok(_) => {}
        Err(panic) => problems.push(format!("second fix panicked: {}", panic_message(&panic))),
    }
    let new = new_findings(&before, &outcome.remaining);
    if !new.is_empty() {
        problems.push(format!("the fix added findings: {new:?}"));
    }
    if Document::parse(&outcome.text).syntax_errors().len()
        > Document::parse(&text).syntax_errors().len()
    {
        problems.push("the fix added syntax errors".to_string());
    }
    Ok(FileReport {
        rel,
        original: text,
        fixed: outcome.text,
        problems,
    })
}

/// `(code, message)` pairs of `after` beyond their count in `before`.
fn new_findings(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<(String, String)> {
    // Counted by code, not message: messages quote the source, which fixes rewrite (`apt update` becomes
    // `apt-get update` in the message of the finding that was there before).
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in before {
        *counts.entry(d.code).or_default() += 1;
    }
    let mut new = Vec::new();
    for d in after {
        match counts.get_mut(d.code) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push((d.code.to_string(), d.message.clone())),
        }
    }
    new
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_string())
}
