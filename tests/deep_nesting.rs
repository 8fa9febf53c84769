//! No input takes dflint down: deep nesting and long chains of every construct the analysis walks (shell lists,
//! compound commands, substitutions, expansions, heredocs, exec-form JSON, long instructions, stage chains) go
//! through the core lint and fix and the editor features in a thread with a 256 KiB stack, through `dflint check`,
//! and through `dflint server` over stdio. Each gives findings or a clean result; past the nesting bound the file
//! gets one `too-deeply-nested` and the rest of it is still linted.
mod deep_support;
mod lsp_support;

use std::process::{Command, Stdio};

use deep_support::{make, too_deep, CONSTRUCTS};
use dflint::lsp::encoding::{Converter, Encoding};
use dflint::lsp::ide::{
    completion, format, hover, links, names::Names, navigate, outline, semantic,
};
use dflint_rules::engine::{fix, lint, FixMode, Settings};
use dflint_rules::syntax::Document;
use lsp_support::{pos, range, Client};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// Far below the 2 MiB of a spawned thread and the 8 MiB of a main thread: only analysis that is iterative or bounded
/// fits.
const SMALL_STACK: usize = 256 * 1024;

/// The codes the core reports on `text`, found in a thread with a small stack, after running the fixer and every
/// editor feature there too (a stack overflow aborts the whole test binary, so surviving is the first assertion).
fn analyse_on_small_stack(text: String) -> Vec<&'static str> {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let settings = Settings::default();
            let doc = Document::parse(&text);
            let diags = lint(&doc, &settings, None);
            let fixed = fix(&text, &settings, None, FixMode::Unsafe);
            assert!(!fixed.text.is_empty());
            let names = Names::build(&doc);
            semantic::tokens(&doc, &names, Encoding::Utf16, None);
            format::format(
                &doc,
                &format::Options {
                    indent: "    ".into(),
                },
                None,
            );
            links::document_links(&doc);
            outline::folding_ranges(&doc);
            let conv = Converter::new(Encoding::Utf16, &doc);
            outline::document_symbols(&doc, &conv);
            // Inside the construct, and at its end.
            for offset in [text.len() / 2, text.len() - 2] {
                hover::hover(&doc, &names, &diags, offset);
                completion::complete(&completion::Request {
                    doc: &doc,
                    names: &names,
                    conv: &conv,
                    offset,
                    snippets: true,
                });
                navigate::definition(&names, offset);
                navigate::references(&names, offset, true);
            }
            diags.iter().map(|d| d.code).collect()
        })
        .expect("a thread starts")
        .join()
        .expect("the analysis does not panic")
}

/// What every run must show: the file's last line was linted, and `too-deeply-nested` as expected.
fn check_codes(name: &str, n: usize, codes: &[impl AsRef<str>]) -> Result<(), String> {
    let has = |c: &str| codes.iter().any(|x| x.as_ref() == c);
    if !has("DF505") {
        return Err(format!(
            "{name} x{n}: the instruction after it was not linted"
        ));
    }
    let deep = codes.iter().filter(|c| c.as_ref() == "DF903").count();
    if deep > 1 {
        return Err(format!("{name} x{n}: too-deeply-nested {deep} times"));
    }
    match too_deep(name, n) {
        Some(want) if want != (deep == 1) => Err(format!(
            "{name} x{n}: too-deeply-nested {}expected",
            if want { "" } else { "not " }
        )),
        _ => Ok(()),
    }
}

fn construct() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(CONSTRUCTS)
}

proptest! {
    #![proptest_config(Config { cases: 32, failure_persistence: None, ..Config::default() })]

    #[test]
    fn the_core_survives_on_a_small_stack(name in construct(), n in 1usize..1200) {
        let codes = analyse_on_small_stack(make(name, n));
        check_codes(name, n, &codes).map_err(TestCaseError::fail)?;
    }
}

/// `dflint check` on `text`: exit status 0 or 1 and the codes it reports.
fn check_cli(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("dflint runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let codes: Vec<String> = report
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    codes
}

proptest! {
    #![proptest_config(Config { cases: 10, failure_persistence: None, ..Config::default() })]

    #[test]
    fn dflint_check_survives(name in construct(), n in 1usize..1200) {
        let codes = check_cli(&make(name, n));
        check_codes(name, n, &codes).map_err(TestCaseError::fail)?;
    }
}

/// The sizes the issue names (and Go's JSON depth limit, and a stage chain) through the core on a small stack.
#[test]
fn the_sizes_of_the_report_survive_on_a_small_stack() {
    for (name, n) in [
        ("and-chain", 4_000),
        ("or-chain", 4_000),
        ("subshell", 3_000),
        ("if", 3_000),
        ("parameter", 8_000),
        ("command-substitution", 3_000),
        ("arithmetic", 3_000),
        ("heredoc-subshell", 3_000),
        ("cmd-shell", 3_000),
        ("exec-json-nested", 10_001),
        ("env-parameter", 8_000),
        ("stage-chain", 200),
    ] {
        let codes = analyse_on_small_stack(make(name, n));
        check_codes(name, n, &codes).unwrap();
    }
}

/// A 100,000-command `&&` chain: longer than a Dockerfile line may be (a syntax error), analysed all the same.
#[test]
fn a_hundred_thousand_commands_survive() {
    let text = make("and-chain", 100_000);
    let codes = analyse_on_small_stack(text.clone());
    check_codes("and-chain", 100_000, &codes).unwrap();
    assert!(codes.contains(&"DF901"), "{codes:?}");
    let codes = check_cli(&text);
    check_codes("and-chain", 100_000, &codes).unwrap();
}

/// The report's sizes through the binary.
#[test]
fn dflint_check_survives_the_sizes_of_the_report() {
    for (name, n) in [
        ("and-chain", 4_000),
        ("subshell", 3_000),
        ("parameter", 8_000),
        ("command-substitution", 3_000),
    ] {
        let codes = check_cli(&make(name, n));
        check_codes(name, n, &codes).unwrap();
    }
}

/// Every editor feature the server offers, on `uri`, at a position inside the construct.
async fn every_feature(c: &mut Client, uri: &str, middle: Value) {
    let doc = json!({"uri": uri});
    let at = json!({"textDocument": doc, "position": middle});
    for (method, params) in [
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": doc})),
        ("textDocument/foldingRange", json!({"textDocument": doc})),
        ("textDocument/documentLink", json!({"textDocument": doc})),
        (
            "textDocument/formatting",
            json!({"textDocument": doc, "options": {"tabSize": 4, "insertSpaces": true}}),
        ),
        ("textDocument/hover", at.clone()),
        ("textDocument/completion", at.clone()),
        ("textDocument/definition", at.clone()),
        ("textDocument/documentHighlight", at.clone()),
        (
            "textDocument/references",
            json!({"textDocument": doc, "position": middle, "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": pos(0, 0), "end": pos(3, 0)}, "context": {"diagnostics": []}}),
        ),
    ] {
        c.request(method, params).await;
    }
}

/// One `dflint server` session over stdio: every construct at a size drawn for it, opened, diagnosed and asked for
/// every feature, then (with `edit`) edited inside the construct and diagnosed again. The server's threads keep their
/// usual stacks; it survives because the analysis is iterative or bounded.
fn serve_all(sizes: &[(&'static str, usize)], edit: bool) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_dflint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut c = Client::over(stdout, stdin, None);
        c.initialize().await;
        for (i, &(name, n)) in sizes.iter().enumerate() {
            let uri = format!("file:///tmp/dflint-deep/{i}/Dockerfile");
            let text = make(name, n);
            c.open(&uri, &text).await;
            let codes: Vec<String> = c
                .diagnostics(&uri, 1)
                .await
                .iter()
                .map(|d| d["code"].as_str().unwrap_or_default().to_string())
                .collect();
            check_codes(name, n, &codes)?;
            let line = text.lines().nth(1).unwrap_or_default();
            let middle = (line.len() / 2) as u32;
            every_feature(&mut c, &uri, pos(1, middle)).await;
            if edit {
                // A space inside the construct: the line is parsed again, incrementally.
                c.change(
                    &uri,
                    2,
                    json!([{"range": range(1, middle, 1, middle), "text": " "}]),
                )
                .await;
                let codes: Vec<String> = c
                    .diagnostics(&uri, 2)
                    .await
                    .iter()
                    .map(|d| d["code"].as_str().unwrap_or_default().to_string())
                    .collect();
                if !codes.iter().any(|c| c == "DF505") {
                    return Err(format!("{name} x{n}: not linted after an edit: {codes:?}"));
                }
            }
        }
        c.shutdown().await;
        let status = tokio::time::timeout(lsp_support::TIMEOUT, child.wait())
            .await
            .expect("the server exits")
            .unwrap();
        assert!(status.success(), "{status:?}");
        Ok(())
    })
}

#[test]
fn the_server_survives_every_construct() {
    let mut runner = TestRunner::new(Config {
        cases: 2,
        failure_persistence: None,
        ..Config::default()
    });
    let sizes = proptest::collection::vec(1usize..1200, CONSTRUCTS.len());
    runner
        .run(&sizes, |sizes| {
            let drawn: Vec<(&str, usize)> = CONSTRUCTS.iter().copied().zip(sizes).collect();
            serve_all(&drawn, false).map_err(TestCaseError::fail)
        })
        .unwrap();
}

#[test]
fn the_server_survives_the_sizes_of_the_report() {
    serve_all(
        &[
            ("and-chain", 4_000),
            ("or-chain", 4_000),
            ("subshell", 3_000),
            ("if", 3_000),
            ("parameter", 8_000),
            ("command-substitution", 3_000),
            ("arithmetic", 3_000),
            ("exec-json-nested", 30_000),
        ],
        true,
    )
    .unwrap();
}
