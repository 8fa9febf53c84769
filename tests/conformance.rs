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
mod oracle;

use std::collections::BTreeMap;
use std::path::Path;

use oracle::{buildkit, corpus_dir, python, run_batches, say};
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

const CORPUS_FOLDERS: &[&str] = &["public", "parser-edge"];

#[test]
fn dflint_reads_the_corpus_as_buildkit_does() {
    let Some(corpus) = corpus_dir("../shared/corpus", "conformance") else {
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

    let (ours, theirs) = std::thread::scope(|s| {
        let ours =
            s.spawn(|| run_batches(&corpus, &files, env!("CARGO_BIN_EXE_dflint"), &["dump"]));
        let theirs = s.spawn(|| buildkit(&python, &corpus, &files));
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

/// Every Dockerfile under the corpus folders (not the `result` golden files), relative, sorted.
fn corpus_files(corpus: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for folder in CORPUS_FOLDERS {
        let root = corpus.join(folder);
        assert!(root.is_dir(), "missing corpus folder {}", root.display());
        files.extend(oracle::files_under(&root));
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
