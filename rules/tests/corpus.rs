//! Invariants of `lint` and `fix` over the shared corpus of real Dockerfiles (skipped when it is absent):
//! diagnostics lie on the text, the fixer converges, refuses nothing it should not, keeps CRLF and BOM, and a second
//! run changes nothing.
use std::path::{Path, PathBuf};

use dflint_rules::engine::{fix, lint, FixMode, Settings};
use dflint_rules::syntax::{Document, Kind};

mod support;

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut out: Vec<PathBuf> = ["public", "parser-edge"]
        .iter()
        .flat_map(|sub| support::files(&root.join(sub)))
        .filter(|p| p.file_name().is_some_and(|n| n != "result"))
        .collect();
    out.sort();
    out
}

#[test]
fn lint_and_fix_keep_their_promises_on_the_corpus() {
    let files = corpus_files();
    if files.is_empty() {
        eprintln!("corpus not found: skipped");
        return;
    }
    let settings = Settings::default();
    let results = support::map_on_all_cores(&files, |path| {
        let mut failures = Vec::new();
        let mut stats = (0usize, 0usize, 0usize);
        let bytes = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        let doc = Document::parse_bytes(&bytes);
        let text = doc.text();
        let diags = lint(&doc, &settings, None);
        stats.0 += diags.len();
        for d in &diags {
            let ok = d.range.start <= d.range.end
                && d.range.end <= text.len()
                && text.is_char_boundary(d.range.start)
                && text.is_char_boundary(d.range.end);
            if !ok {
                failures.push(format!(
                    "{name}: {} has a range off the text: {:?}",
                    d.name, d.range
                ));
            }
        }
        let out = fix(text, &settings, None, FixMode::Unsafe);
        stats.1 += out.applied.len();
        if let Some(r) = &out.refused {
            stats.2 += 1;
            failures.push(format!("{name}: refused: {r}"));
        }
        if !out.non_converged.is_empty() {
            failures.push(format!("{name}: did not converge: {:?}", out.non_converged));
        }
        if text.starts_with('\u{feff}') != out.text.starts_with('\u{feff}') {
            failures.push(format!("{name}: the BOM changed"));
        }
        let lone_lf = |t: &str| {
            t.match_indices('\n')
                .any(|(i, _)| i == 0 || t.as_bytes()[i - 1] != b'\r')
        };
        if text.contains("\r\n") && !lone_lf(text) && lone_lf(&out.text) {
            failures.push(format!(
                "{name}: the fix added LF line endings to a CRLF file"
            ));
        }
        let again = fix(&out.text, &settings, None, FixMode::Unsafe);
        if again.changed() {
            let titles: Vec<&str> = again.applied.iter().map(|a| a.name).collect();
            failures.push(format!("{name}: a second fix run still applied {titles:?}"));
        }
        (stats, failures)
    });
    let mut failures = Vec::new();
    let mut stats = (0usize, 0usize, 0usize);
    for ((diags, applied, refused), found) in results {
        stats.0 += diags;
        stats.1 += applied;
        stats.2 += refused;
        failures.extend(found);
    }
    eprintln!(
        "{} files, {} diagnostics, {} fixes applied, {} refusals",
        files.len(),
        stats.0,
        stats.1,
        stats.2
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The typed model's ARG declarations are BuildKit's words: one `name[=default]` each, whatever the default holds
/// (a default that starts with or contains `$` once read as a second, nameless declaration).
#[test]
fn arg_declarations_are_buildkits_words() {
    let files = corpus_files();
    let mut failures = Vec::new();
    let mut seen = 0;
    for path in &files {
        let doc = Document::parse_bytes(&std::fs::read(path).unwrap());
        for (i, ins) in doc.instructions().iter().enumerate() {
            if ins.kind != Kind::Arg {
                continue;
            }
            let Some(Ok(view)) = doc.buildkit_instruction(i) else {
                continue;
            };
            seen += 1;
            let ours: Vec<String> = ins
                .pairs
                .iter()
                .map(|p| match (&p.eq, &p.value) {
                    (Some(_), Some(v)) => format!("{}={}", p.key, v.raw),
                    (Some(_), None) => format!("{}=", p.key),
                    (None, _) => p.key.clone(),
                })
                .collect();
            if ours != view.value {
                failures.push(format!(
                    "{}:{}: ours {ours:?}, BuildKit's {:?}",
                    path.display(),
                    ins.start_line + 1,
                    view.value
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {seen} ARG instructions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
