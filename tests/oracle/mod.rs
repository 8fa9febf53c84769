//! Shared by the corpus tests (`conformance`, `cli_corpus_fix`, `parse_robustness`, `incremental_lines`): the
//! shared corpus and its files, and for those that ask BuildKit's own parser, the Python interpreter with the
//! `dockerfile` package and `buildkit_dump.py` (beside this file) run over many files.
//!
//! Environment: `DFLINT_SKIP_CORPUS=1` skips a corpus test when `../shared` is absent; `DFLINT_PYTHON` picks the
//! interpreter with the `dockerfile` package (default `python3`).
#![allow(dead_code)]
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Files per process: keeps command lines short.
const BATCH: usize = 256;

/// Writes to the real stderr, which the test harness does not capture, so the figures show in every run.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// `<repo>/<rel>` (a folder of the shared corpus), or `None` (skip) when it is absent and `DFLINT_SKIP_CORPUS=1`.
/// `test` names the test in the skip message.
pub fn corpus_dir(rel: &str, test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DFLINT_SKIP_CORPUS").as_deref() == Ok("1") {
        say(&format!(
            "{test}: SKIPPED, no corpus at {} (DFLINT_SKIP_CORPUS=1)",
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

/// Every file under `dir`, recursively, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
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
pub fn python() -> String {
    let python = std::env::var("DFLINT_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let probe = Command::new(&python)
        .args(["-c", "import dockerfile"])
        .output();
    match probe {
        Ok(o) if o.status.success() => python,
        Ok(o) => panic!(
            "`{python}` lacks the `dockerfile` package (BuildKit's parser, the oracle of this test): \
             run scripts/install-test-deps\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!(
            "cannot run `{python}` ({e}); this test needs Python with the `dockerfile` package: \
             run scripts/install-test-deps"
        ),
    }
}

/// BuildKit's reading of each file, from `buildkit_dump.py` run by `python` in `dir` (`files` are relative to
/// it, or absolute): one JSON value per file, in order.
pub fn buildkit(python: &str, dir: &Path, files: &[String]) -> Vec<Value> {
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/buildkit_dump.py");
    let values = run_batches(dir, files, python, &[oracle.to_str().expect("UTF-8 path")]);
    for (value, file) in values.iter().zip(files) {
        assert_eq!(
            value["file"].as_str(),
            Some(file.as_str()),
            "oracle output out of order"
        );
    }
    values
}

/// Runs `program args... <files>` in batches from `dir`; one JSON value per file.
pub fn run_batches(dir: &Path, files: &[String], program: &str, args: &[&str]) -> Vec<Value> {
    let mut out = Vec::with_capacity(files.len());
    for batch in files.chunks(BATCH) {
        let result = Command::new(program)
            .args(args)
            .args(batch)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            result.status.success(),
            "{program} {args:?} failed ({}):\n{}",
            result.status,
            String::from_utf8_lossy(&result.stderr)
        );
        let stdout = String::from_utf8(result.stdout).expect("JSON lines are UTF-8");
        let before = out.len();
        for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
            out.push(serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("{program} printed a line that is not JSON ({e}): {line}")
            }));
        }
        assert_eq!(
            out.len() - before,
            batch.len(),
            "{program} printed {} lines for {} files",
            out.len() - before,
            batch.len()
        );
    }
    out
}
