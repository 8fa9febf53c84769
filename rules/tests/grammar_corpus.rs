//! The grammar's own corpus tests (`rules/grammar/test/corpus/*.txt`, in tree-sitter's test format),
//! run against the committed generated parser, so `cargo test` checks them without the tree-sitter
//! CLI.
//!
//! The format, as `tree-sitter test` reads it: a header (a line of `===`, the test's name, optional
//! attribute lines such as `:skip` or `:error`, a line of `===`), the input, a line of `---`, and
//! the expected tree as an S-expression (`;` starts a comment). The input runs up to the `---` line
//! minus one line ending. Field names are compared only when the expected tree has some.
use std::path::{Path, PathBuf};

use dflint_rules::syntax::language;
use tree_sitter::Parser;

struct Case {
    file: String,
    name: String,
    input: String,
    expected: String,
    skip: bool,
    expect_error: bool,
}

fn is_rule(line: &str, c: char) -> bool {
    let t = line.trim_end_matches(['\r', '\n']);
    t.len() >= 3 && t.chars().all(|x| x == c)
}

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut cases = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i], '=') {
            i += 1;
            continue;
        }
        // Header: name and attribute lines up to the closing `===`.
        let mut j = i + 1;
        let mut name = String::new();
        let (mut skip, mut expect_error) = (false, false);
        while j < lines.len() && !is_rule(lines[j], '=') {
            let l = lines[j].trim();
            match l {
                ":skip" => skip = true,
                ":error" => expect_error = true,
                _ if l.starts_with(':') => {}
                _ => {
                    if !name.is_empty() {
                        name.push(' ');
                    }
                    name.push_str(l);
                }
            }
            j += 1;
        }
        assert!(j < lines.len(), "{file}: header of {name:?} is not closed");
        // Input up to the `---` line.
        let body_start = j + 1;
        let mut k = body_start;
        while k < lines.len() && !is_rule(lines[k], '-') {
            k += 1;
        }
        assert!(k < lines.len(), "{file}: {name:?} has no `---` line");
        let mut input: String = lines[body_start..k].concat();
        if input.ends_with('\n') {
            input.pop();
            if input.ends_with('\r') {
                input.pop();
            }
        }
        // Expected tree up to the next header.
        let mut m = k + 1;
        while m < lines.len() && !is_rule(lines[m], '=') {
            m += 1;
        }
        let expected: String = lines[k + 1..m]
            .iter()
            .map(|l| match l.find(';') {
                Some(c) if l[..c].trim().is_empty() => "",
                _ => l,
            })
            .collect();
        cases.push(Case {
            file: file.to_string(),
            name,
            input,
            expected: normalize(&expected),
            skip,
            expect_error,
        });
        i = m;
    }
    cases
}

/// One space between tokens, none before `)`.
fn normalize(sexp: &str) -> String {
    sexp.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" )", ")")
}

/// Whether a token of an S-expression is a `name:` field label.
fn is_field_label(token: &str) -> bool {
    token.strip_suffix(':').is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Drops `name: ` field labels from an S-expression.
fn strip_fields(sexp: &str) -> String {
    sexp.split(' ')
        .filter(|t| !is_field_label(t))
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_fields(sexp: &str) -> bool {
    sexp.split(' ').any(is_field_label)
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/test/corpus")
}

fn all_cases() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("rules/grammar/test/corpus exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            parse_cases(&p.file_name().unwrap().to_string_lossy(), &text)
        })
        .collect()
}

#[test]
fn grammar_corpus_tests_pass() {
    let cases = all_cases();
    assert!(
        cases.len() >= 50,
        "expected the grammar's corpus tests, found {}",
        cases.len()
    );
    let mut parser = Parser::new();
    parser.set_language(&language()).unwrap();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in &cases {
        if case.skip {
            continue;
        }
        ran += 1;
        let tree = parser.parse(&case.input, None).unwrap();
        let root = tree.root_node();
        if case.expect_error {
            if !root.has_error() {
                failures.push(format!(
                    "{} / {}: expected an ERROR node, got {}",
                    case.file,
                    case.name,
                    root.to_sexp()
                ));
            }
            continue;
        }
        let actual = normalize(&root.to_sexp());
        let actual = if has_fields(&case.expected) {
            actual
        } else {
            strip_fields(&actual)
        };
        if actual != case.expected {
            failures.push(format!(
                "{} / {}:\n  expected: {}\n  actual:   {}",
                case.file, case.name, case.expected, actual
            ));
        }
    }
    eprintln!("grammar corpus: {ran} tests run, {} failed", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_runner_reads_tree_sitter_test_files() {
    let text = "==========\nfirst\n:error\n==========\nRUN x\n\n---\n\n; a comment\n(source_file\n  (a)\n )\n\n=====\nsecond\n=====\nFROM a\n---\n(source_file keyword: (keyword))\n";
    let cases = parse_cases("t.txt", text);
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "first");
    assert!(cases[0].expect_error && !cases[0].skip);
    assert_eq!(cases[0].input, "RUN x\n");
    assert_eq!(cases[0].expected, "(source_file (a))");
    assert_eq!(cases[1].input, "FROM a");
    assert!(has_fields(&cases[1].expected));
    assert_eq!(strip_fields(&cases[1].expected), "(source_file (keyword))");
}
