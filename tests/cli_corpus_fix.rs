//! The fixer over the whole public corpus (`../shared/corpus/public`), as `dflint check --fix --unsafe-fixes`
//! runs it (every rule selected): for every file, linting does not panic, fixing reaches a fixed point and a second
//! fix changes nothing, the fixed file still parses with BuildKit's own parser (when the original did), and the
//! fixed file has no finding the original did not have.
//!
//! Environment: `DFLINT_SKIP_CORPUS=1` skips the test when `../shared` is absent; `DFLINT_PYTHON` picks the
//! interpreter with the `dockerfile` package (default `python3`).
use std::collections::HashMap;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

use dflint::check::{fix_guarded, map_ordered};
use dflint::context::DiskBuildContext;
use dflint::fs::SourceFile;
use dflint_rules::engine::{
    fix, lint, BuildContext, Diagnostic, FixMode, Settings, WithCreatedFiles,
};
use dflint_rules::syntax::Document;
use serde_json::Value;

/// What one corpus file gave.
struct FileReport {
    rel: String,
    original: String,
    fixed: String,
    problems: Vec<String>,
}

#[test]
fn fixing_the_corpus_is_safe_and_idempotent() {
    let Some(corpus) = corpus_dir() else {
        return;
    };
    let python = python();
    let files = corpus_files(&corpus);
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
    let verdicts = buildkit(&python, &paths);
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
    let ctx = DiskBuildContext::for_dockerfile(path, None);
    let ctx = Some(&ctx as &dyn BuildContext);
    let mut problems = Vec::new();
    let text = source.text;
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
    match catch_unwind(AssertUnwindSafe(|| {
        fix(&outcome.text, settings, Some(&after), FixMode::Unsafe)
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
    let mut counts: HashMap<(&str, &str), usize> = HashMap::new();
    for d in before {
        *counts.entry((d.code, d.message.as_str())).or_default() += 1;
    }
    let mut new = Vec::new();
    for d in after {
        match counts.get_mut(&(d.code, d.message.as_str())) {
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

/// One JSON value per path, from `tests/oracle/buildkit_dump.py`.
fn buildkit(python: &str, paths: &[String]) -> Vec<Value> {
    if paths.is_empty() {
        return Vec::new();
    }
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/buildkit_dump.py");
    let mut all = Vec::with_capacity(paths.len());
    // Batches keep the command line short.
    for batch in paths.chunks(500) {
        let output = Command::new(python)
            .arg(&oracle)
            .args(batch)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
        assert!(
            output.status.success(),
            "the BuildKit oracle failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        let values: Vec<Value> = stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            values.len(),
            batch.len(),
            "one line per file from the oracle"
        );
        for (value, path) in values.iter().zip(batch) {
            assert_eq!(
                value["file"].as_str(),
                Some(path.as_str()),
                "oracle output out of order"
            );
        }
        all.extend(values);
    }
    all
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// `<repo>/../shared/corpus/public`, or `None` (skip) when it is absent and `DFLINT_SKIP_CORPUS=1`.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DFLINT_SKIP_CORPUS").as_deref() == Ok("1") {
        say(&format!(
            "corpus fix: SKIPPED, no corpus at {} (DFLINT_SKIP_CORPUS=1)",
            dir.display()
        ));
        return None;
    }
    panic!(
        "the corpus is missing: expected {} (the shared folder beside the repository); \
         set DFLINT_SKIP_CORPUS=1 to skip corpus tests",
        dir.display()
    );
}

fn corpus_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// The Python interpreter, checked to have the `dockerfile` package.
fn python() -> String {
    let python = std::env::var("DFLINT_PYTHON").unwrap_or_else(|_| "python3".to_string());
    match Command::new(&python).args(["-c", "import dockerfile"]).output() {
        Ok(o) if o.status.success() => python,
        Ok(o) => panic!(
            "`{python}` lacks the `dockerfile` package (BuildKit's parser): run scripts/install-test-deps\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("cannot run `{python}` ({e}); run scripts/install-test-deps"),
    }
}
