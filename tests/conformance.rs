//! Conformance with Docker: dflint must read every corpus Dockerfile exactly as BuildKit's own parser does.
//!
//! The oracle is `tests/oracle/buildkit_dump.py`, which runs BuildKit's Go parser (the `dockerfile`
//! package from PyPI) and prints the same JSON lines as `dflint dump`.
//! For a file BuildKit accepts, dflint's reading must be identical; for a file it rejects, dflint must
//! reject it too.
//! Known differences live in `EXCEPTIONS`; an exception that stops differing fails the test, so the
//! list only ever shrinks.
//!
//! Environment: `DFLINT_SKIP_CORPUS=1` skips the test when `../shared` is absent;
//! `DFLINT_PYTHON` picks the interpreter (default `python3`);
//! `DFLINT_CONFORMANCE_VERBOSE=1` prints every difference, excepted ones included.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Files where dflint and the oracle are known to differ: (path suffix, why).
/// Entries starting with `dflint:` are dflint's to fix, and the parser owner removes them as they are fixed.
/// Entries starting with `oracle:` are where the Python wrapper misreports BuildKit, checked against
/// BuildKit's own golden `result` file beside the Dockerfile.
const EXCEPTIONS: &[(&str, &str)] = &[(
    "moby__buildkit/frontend__dockerfile__parser__testfiles__json__Dockerfile",
    "oracle: the wrapper passes strings through C and cuts `\\u0000` and what follows it; \
     BuildKit's golden result has `\\x00`, as dflint does",
)];

/// Files per process: keeps command lines short and both sides busy.
const BATCH: usize = 256;

const CORPUS_FOLDERS: &[&str] = &["public", "parser-edge"];

#[test]
fn dflint_reads_the_corpus_as_buildkit_does() {
    let Some(corpus) = corpus_dir() else {
        return;
    };
    let python = python();
    let files = corpus_files(&corpus);
    assert!(
        files.len() > 100,
        "found only {} Dockerfiles under {}",
        files.len(),
        corpus.display()
    );

    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/buildkit_dump.py");
    let (ours, theirs) = std::thread::scope(|s| {
        let ours =
            s.spawn(|| run_batches(&corpus, &files, env!("CARGO_BIN_EXE_dflint"), &["dump"]));
        let theirs = s.spawn(|| {
            run_batches(
                &corpus,
                &files,
                &python,
                &[oracle.to_str().expect("UTF-8 path")],
            )
        });
        (ours.join().unwrap(), theirs.join().unwrap())
    });

    let mut differences: BTreeMap<&str, String> = BTreeMap::new();
    let (mut accepted, mut rejected) = (0, 0);
    for ((file, ours), theirs) in files.iter().zip(&ours).zip(&theirs) {
        assert_eq!(
            ours["file"].as_str(),
            Some(file.as_str()),
            "dflint dump output out of order"
        );
        assert_eq!(
            theirs["file"].as_str(),
            Some(file.as_str()),
            "oracle output out of order"
        );
        if theirs["ok"] == true {
            accepted += 1;
        } else if theirs.get("oracle_failure").is_none() {
            rejected += 1;
        }
        if let Some(d) = diagnose(ours, theirs) {
            differences.insert(file, d);
        }
    }

    let agree = files.len() - differences.len();
    say(&format!(
        "conformance: {agree} of {} files agree with BuildKit ({accepted} accepted by BuildKit, {rejected} rejected)",
        files.len()
    ));

    let mut problems = Vec::new();
    let mut excepted = 0;
    for (file, diff) in &differences {
        match exception_for(file) {
            Some(_) => {
                excepted += 1;
                if std::env::var_os("DFLINT_CONFORMANCE_VERBOSE").is_some() {
                    say(&format!("excepted: {file}\n    {diff}"));
                }
            }
            None => problems.push(format!("{file}\n    {diff}")),
        }
    }
    for (suffix, reason) in EXCEPTIONS {
        let matched: Vec<&String> = files.iter().filter(|f| f.ends_with(suffix)).collect();
        if matched.is_empty() {
            problems.push(format!(
                "exception `{suffix}` ({reason}) matches no corpus file: remove it"
            ));
        }
        for f in matched {
            if !differences.contains_key(f.as_str()) {
                problems.push(format!(
                    "{f} now agrees with BuildKit: remove its exception `{suffix}` ({reason})"
                ));
            }
        }
    }
    say(&format!(
        "conformance: {excepted} known difference(s) listed in EXCEPTIONS"
    ));
    assert!(
        problems.is_empty(),
        "{} conformance problem(s) (set DFLINT_CONFORMANCE_VERBOSE=1 to see excepted ones too):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Writes to the real stderr, which the test harness does not capture, so the figures show in every run.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// What differs between dflint's reading and BuildKit's, or `None` when they agree.
fn diagnose(ours: &Value, theirs: &Value) -> Option<String> {
    if theirs.get("oracle_failure").is_some() {
        return Some(format!(
            "the oracle could not read the file: {}",
            theirs["error"]
        ));
    }
    match (theirs["ok"] == true, ours["ok"] == true) {
        (false, false) => None,
        (false, true) => Some(format!(
            "BuildKit rejects it ({}); dflint accepts it",
            theirs["error"]
        )),
        (true, false) => Some(format!(
            "BuildKit accepts it; dflint rejects it ({})",
            ours["error"]
        )),
        (true, true) => {
            let (a, b) = (array(ours), array(theirs));
            if a == b {
                return None;
            }
            if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
                return Some(format!(
                    "instruction {i} differs:\n    BuildKit: {}\n    dflint:   {}",
                    short(&b[i]),
                    short(&a[i])
                ));
            }
            Some(format!(
                "BuildKit reads {} instructions, dflint {}; first extra: {}",
                b.len(),
                a.len(),
                short(if a.len() > b.len() {
                    &a[b.len()]
                } else {
                    &b[a.len()]
                })
            ))
        }
    }
}

fn array(v: &Value) -> &[Value] {
    v["instructions"].as_array().map_or(&[], |a| a.as_slice())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn exception_for(file: &str) -> Option<&'static (&'static str, &'static str)> {
    EXCEPTIONS.iter().find(|(suffix, _)| file.ends_with(suffix))
}

/// Runs `program args... <files>` in batches from the corpus folder; one JSON value per file.
fn run_batches(corpus: &Path, files: &[String], program: &str, args: &[&str]) -> Vec<Value> {
    let mut out = Vec::with_capacity(files.len());
    for batch in files.chunks(BATCH) {
        let result = Command::new(program)
            .args(args)
            .args(batch)
            .current_dir(corpus)
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

/// `<repo>/../shared/corpus`, or `None` (skip) when it is absent and `DFLINT_SKIP_CORPUS=1`.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DFLINT_SKIP_CORPUS").as_deref() == Ok("1") {
        say(&format!(
            "conformance: SKIPPED, no corpus at {} (DFLINT_SKIP_CORPUS=1)",
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

/// Every Dockerfile under the corpus folders (not the `result` golden files), relative, sorted.
fn corpus_files(corpus: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for folder in CORPUS_FOLDERS {
        let root = corpus.join(folder);
        assert!(root.is_dir(), "missing corpus folder {}", root.display());
        collect(&root, &mut files);
    }
    let mut rel: Vec<String> = files
        .iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().ends_with("result"))
        .map(|p| {
            p.strip_prefix(corpus)
                .unwrap()
                .to_str()
                .expect("corpus paths are UTF-8")
                .replace('\\', "/")
        })
        .collect();
    rel.sort();
    rel
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The Python interpreter, checked to have the `dockerfile` package.
fn python() -> String {
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
