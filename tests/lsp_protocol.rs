//! The language server over real JSON-RPC: negotiation, document sync, push and pull diagnostics, settings, and
//! bad input (malformed messages, unknown methods, wild positions, huge, binary and many documents).
mod lsp_support;

use std::time::Duration;

use lsp_support::{capabilities, pos, range, Client};
use serde_json::{json, Value};

const SAMPLE: &str =
    "# syntax=docker/dockerfile:1\nFROM alpine:latest AS build\nrun echo hi\nFROM build\n";

fn codes(diags: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_negotiates_encoding_and_diagnostic_mode() {
    let mut c = Client::in_process();
    let r = c
        .initialize_with(capabilities(&["utf-16", "utf-8"], false), Value::Null)
        .await;
    let caps = &r["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert!(
        caps.get("diagnosticProvider").is_none(),
        "push when the client cannot pull"
    );
    for cap in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "codeActionProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
        "renameProvider",
        "foldingRangeProvider",
        "semanticTokensProvider",
        "linkedEditingRangeProvider",
        "documentLinkProvider",
    ] {
        assert!(
            caps.get(cap).is_some_and(|v| !v.is_null()),
            "{cap} missing in {caps}"
        );
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["semanticTokensProvider"]["range"], true);
    assert_eq!(r["serverInfo"]["name"], "dflint");
    c.shutdown().await;

    let mut c = Client::in_process();
    let r = c
        .initialize_with(capabilities(&["utf-32"], true), Value::Null)
        .await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        r["capabilities"]["diagnosticProvider"]["identifier"],
        "dflint"
    );
    c.shutdown().await;

    // The client can pull but asked for push.
    let mut c = Client::in_process();
    let r = c
        .initialize_with(capabilities(&[], true), json!({"diagnosticMode": "push"}))
        .await;
    assert!(r["capabilities"].get("diagnosticProvider").is_none());
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_diagnostics_carry_version_code_link_and_fix() {
    let mut c = Client::in_process();
    c.initialize().await;
    let uri = "file:///tmp/dflint-lsp-test/push/Dockerfile";
    c.open(uri, SAMPLE).await;
    let n = c
        .notification("textDocument/publishDiagnostics", |p| p["uri"] == uri)
        .await
        .expect("diagnostics on open");
    assert_eq!(n["params"]["version"], 1);
    let diags = n["params"]["diagnostics"].as_array().unwrap().clone();
    assert_eq!(codes(&diags), ["DF301", "DF501"], "{diags:?}");
    let casing = diags.iter().find(|d| d["code"] == "DF501").unwrap();
    assert_eq!(casing["source"], "dflint");
    assert_eq!(casing["range"], range(2, 0, 2, 3));
    // No link while the package metadata names no public home for the rule pages.
    assert!(casing.get("codeDescription").is_none(), "{casing}");
    assert_eq!(casing["data"]["version"], 1);
    assert_eq!(casing["data"]["fix"]["applicability"], "safe");
    assert_eq!(casing["data"]["fix"]["edits"][0]["newText"], "RUN");

    // An incremental edit fixes it: the next publish is for version 2 and no longer has it.
    c.change(uri, 2, json!([{"range": range(2, 0, 2, 3), "text": "RUN"}]))
        .await;
    let diags = c.diagnostics(uri, 2).await;
    assert_eq!(codes(&diags), ["DF301"]);
    // Closing clears them.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    )
    .await;
    let cleared = c
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["diagnostics"] == json!([])
        })
        .await;
    assert!(cleared.is_some());
    c.shutdown().await;
}

/// Absolute (line, start, length) of semantic tokens.
fn absolute(data: &Value) -> Vec<(u64, u64, u64)> {
    let data: Vec<u64> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0, 0);
    data.chunks(5)
        .map(|t| {
            line += t[0];
            col = if t[0] == 0 { col + t[1] } else { t[1] };
            (line, col, t[2])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_ascii_ranges_in_utf16_and_utf8() {
    let text = "# 한국어 주석 🐳\nFROM alpine:3.20\nARG V=1\nLABEL note=\"🐳 고래\" v=$V\nWORKDIR 🐳/고래\n";
    for utf8 in [false, true] {
        let mut c = Client::in_process();
        let offered = if utf8 {
            vec!["utf-8", "utf-16"]
        } else {
            vec!["utf-16"]
        };
        let r = c
            .initialize_with(capabilities(&offered, false), Value::Null)
            .await;
        assert_eq!(
            r["capabilities"]["positionEncoding"],
            if utf8 { "utf-8" } else { "utf-16" }
        );
        let uri = "file:///tmp/dflint-lsp-test/utf/Dockerfile";
        c.open(uri, text).await;
        let diags = c.diagnostics(uri, 1).await;
        // `🐳/고래` is 5 UTF-16 units, 11 bytes.
        let relative = diags
            .iter()
            .find(|d| d["code"] == "DF103")
            .expect("relative WORKDIR");
        assert_eq!(
            relative["range"],
            if utf8 {
                range(4, 8, 4, 19)
            } else {
                range(4, 8, 4, 13)
            }
        );
        // Hover on `V` in `v=$V`, after the emoji and the Hangul of the label value.
        let col = if utf8 { 28 } else { 22 };
        let h = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": pos(3, col)}),
            )
            .await;
        assert_eq!(h["range"], range(3, col, 3, col + 1), "{h}");
        assert!(
            h["contents"]["value"].as_str().unwrap().contains("= `1`"),
            "{h}"
        );
        // The string token `"🐳 고래"`: 7 UTF-16 units, 13 bytes.
        let t = c
            .request(
                "textDocument/semanticTokens/range",
                json!({"textDocument": {"uri": uri}, "range": range(3, 0, 3, 40)}),
            )
            .await;
        let tokens = absolute(&t["data"]);
        assert!(
            tokens.contains(&(3, 11, if utf8 { 13 } else { 7 })),
            "{tokens:?}"
        );
        assert!(
            tokens.iter().all(|t| t.0 == 3),
            "only the requested line: {tokens:?}"
        );
        // An incremental edit with positions after non-ASCII text replaces exactly the path.
        let end = if utf8 { 19 } else { 13 };
        c.change(
            uri,
            2,
            json!([{"range": range(4, 8, 4, end), "text": "/app"}]),
        )
        .await;
        let diags = c.diagnostics(uri, 2).await;
        assert!(diags.iter().all(|d| d["code"] != "DF103"), "{diags:?}");
        let t = c
            .request(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        assert!(absolute(&t["data"]).contains(&(4, 8, 4)), "WORKDIR /app");
        c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_diagnostics_with_result_ids() {
    let mut c = Client::in_process();
    c.initialize_with(capabilities(&["utf-16"], true), Value::Null)
        .await;
    let uri = "file:///tmp/dflint-lsp-test/pull/Dockerfile";
    c.open(uri, SAMPLE).await;
    let r = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(r["kind"], "full");
    assert_eq!(codes(r["items"].as_array().unwrap()), ["DF301", "DF501"]);
    let id = r["resultId"].as_str().unwrap().to_string();
    let again = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": id}),
        )
        .await;
    assert_eq!(again["kind"], "unchanged");
    c.change(uri, 2, json!([{"range": range(2, 0, 2, 3), "text": "RUN"}]))
        .await;
    let after = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": id}),
        )
        .await;
    assert_eq!(after["kind"], "full");
    assert_eq!(codes(after["items"].as_array().unwrap()), ["DF301"]);
    // Nothing is pushed in pull mode.
    let pushed = c
        .notification_within(
            "textDocument/publishDiagnostics",
            |_| true,
            Duration::from_millis(200),
        )
        .await;
    assert!(pushed.is_none());
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_ends_with_the_last_version() {
    let mut c = Client::in_process();
    c.initialize().await;
    let uri = "file:///tmp/dflint-lsp-test/burst/Dockerfile";
    let mut text = String::from("FROM alpine:3.20\n");
    for i in 0..100 {
        text.push_str(&format!("RUN echo {i}\n"));
    }
    c.open(uri, &text).await;
    c.diagnostics(uri, 1).await;
    // Toggle the case of one keyword 49 times, ending lower case.
    for v in 2..=50 {
        let new = if v % 2 == 0 { "run" } else { "RUN" };
        c.change(uri, v, json!([{"range": range(1, 0, 1, 3), "text": new}]))
            .await;
    }
    let last = c.diagnostics(uri, 50).await;
    assert_eq!(
        codes(&last),
        ["DF501"],
        "the lower-case `run` of version 50"
    );
    // Every publish is for a newer version than the one before it.
    let versions: Vec<i64> = c
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics")
        .map(|n| n["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(versions.len() < 50, "coalesced: {versions:?}");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_from_options_configuration_and_config_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, SAMPLE).unwrap();
    let uri = format!("file://{}", file.display());

    // initializationOptions: ignore latest-tag (the client's workspace/configuration answer is null).
    let mut c = Client::in_process();
    c.initialize_with(
        capabilities(&["utf-16"], false),
        json!({"ignore": ["latest-tag"]}),
    )
    .await;
    c.open(&uri, SAMPLE).await;
    assert_eq!(codes(&c.diagnostics(&uri, 1).await), ["DF501"]);
    // A .dflint.toml next to the Dockerfile, announced as a watched-file change: its ignore and the editor's add up.
    std::fs::write(dir.path().join(".dflint.toml"), "ignore = [\"DF501\"]\n").unwrap();
    let changed = format!("file://{}/.dflint.toml", dir.path().display());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": changed, "type": 1}]}),
    )
    .await;
    assert!(c.diagnostics_with_codes(&uri, &[]).await.is_some());
    // didChangeConfiguration with settings: the editor's `select` wins over the file's default.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dflint": {"select": ["DF3"]}}}),
    )
    .await;
    assert!(c.diagnostics_with_codes(&uri, &["DF301"]).await.is_some());
    // A broken config file is shown to the user, and linting goes on with the editor's settings.
    std::fs::write(dir.path().join(".dflint.toml"), "ignore = 3\n").unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": []}))
        .await;
    let shown = c
        .notification("window/showMessage", |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.contains(".dflint.toml"))
        })
        .await;
    assert!(shown.is_some());
    c.shutdown().await;

    // workspace/configuration answered by the client.
    let mut c = Client::in_process();
    c.settings = json!({"ignore": ["DF301", "DF501"]});
    c.initialize().await;
    let requested = c
        .notification_within("never", |_| false, Duration::from_millis(300))
        .await;
    assert!(requested.is_none());
    assert!(c
        .server_requests
        .iter()
        .any(|r| r["method"] == "workspace/configuration"
            && r["params"]["items"][0]["section"] == "dflint"));
    assert!(c
        .server_requests
        .iter()
        .any(|r| r["method"] == "client/registerCapability"
            && r["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"));
    let uri2 = "file:///tmp/dflint-lsp-test/conf/Dockerfile";
    c.open(uri2, SAMPLE).await;
    assert!(c.diagnostics(uri2, 1).await.is_empty());
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_errors_and_the_server_keeps_serving() {
    let mut c = Client::in_process();
    c.initialize().await;
    // Malformed JSON and a frame that is not JSON-RPC: parse errors with a null id.
    c.send_raw(&lsp_support::frame(
        b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ",
    ))
    .await;
    c.send_raw(&lsp_support::frame(b"{not json")).await;
    // Unknown method: method not found.
    let r = c.request_raw("dflint/noSuchMethod", json!({})).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Invalid params.
    let r = c
        .request_raw("textDocument/hover", json!({"textDocument": 3}))
        .await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A document that is not open.
    let r = c
        .request_raw(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///nope"}, "position": pos(0, 0)}),
        )
        .await;
    assert!(r.get("error").is_some(), "{r}");
    // Positions past the end of a line and of the document.
    let uri = "file:///tmp/dflint-lsp-test/bad/Dockerfile";
    c.open(uri, SAMPLE).await;
    for p in [pos(1, 999), pos(999, 0), pos(u32::MAX, u32::MAX)] {
        let r = c
            .request_raw(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": p}),
            )
            .await;
        assert!(r.get("error").is_none(), "{r}");
        let r = c
            .request_raw(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": p}),
            )
            .await;
        assert!(r.get("error").is_none(), "{r}");
    }
    // An edit one line past the end, or past the end of the last line, appends (further is another text:
    // `tests/lsp_sync.rs`).
    let lines = SAMPLE.lines().count() as u32;
    c.change(
        uri,
        2,
        json!([{"range": range(lines, 0, lines, 5), "text": "USER x\n"}]),
    )
    .await;
    // Binary content.
    let binary: String = (0u8..=255)
        .map(|b| b as char)
        .cycle()
        .take(10_000)
        .collect();
    c.open("file:///tmp/dflint-lsp-test/bad/binary", &binary)
        .await;
    c.diagnostics("file:///tmp/dflint-lsp-test/bad/binary", 1)
        .await;
    // The server still answers, and saw the appended line.
    let symbols = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let names: Vec<&str> = symbols[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["USER"], "{symbols}");
    // The malformed messages got their parse errors.
    let parse_errors = c
        .orphans
        .iter()
        .filter(|r| r["error"]["code"] == -32700)
        .count();
    assert_eq!(parse_errors, 2, "{:?}", c.orphans);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_megabyte_file_and_a_thousand_documents() {
    let mut c = Client::in_process();
    c.initialize().await;
    // 5 MB: a few thousand instructions and a lot of commentary between them.
    let mut big = String::from("FROM alpine:3.20\n");
    let mut i = 0;
    while big.len() < 5 * 1024 * 1024 {
        if i % 20 == 0 {
            big.push_str(&format!("RUN echo line {i}\n"));
        } else {
            big.push_str(&format!(
                "# {i}: some commentary to make the file large, as generated files can be\n"
            ));
        }
        i += 1;
    }
    let uri = "file:///tmp/dflint-lsp-test/big/Dockerfile";
    c.open(uri, &big).await;
    let diags = c.diagnostics(uri, 1).await;
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
    let r = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(40_001, 1)}),
        )
        .await;
    assert!(r["contents"]["value"].as_str().unwrap().contains("RUN"));
    c.change(uri, 2, json!([{"range": range(1, 0, 1, 3), "text": "run"}]))
        .await;
    assert_eq!(codes(&c.diagnostics(uri, 2).await), ["DF501"]);

    for k in 0..1000 {
        c.open(
            &format!("file:///tmp/dflint-lsp-test/many/{k}/Dockerfile"),
            "from alpine:3.20\nRUN true\n",
        )
        .await;
    }
    for k in [0, 500, 999] {
        let u = format!("file:///tmp/dflint-lsp-test/many/{k}/Dockerfile");
        assert_eq!(codes(&c.diagnostics(&u, 1).await), ["DF501"]);
    }
    // Only a few parses are kept: an edit to a document opened long ago parses it again, with the edit.
    let early = "file:///tmp/dflint-lsp-test/many/3/Dockerfile";
    c.change(
        early,
        2,
        json!([{"range": range(0, 0, 0, 4), "text": "FROM"}]),
    )
    .await;
    assert!(c.diagnostics(early, 2).await.is_empty());
    let r = c
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///tmp/dflint-lsp-test/many/777/Dockerfile"}}),
        )
        .await;
    assert_eq!(r[0]["name"], "stage 0");
    c.shutdown().await;
}

/// Every request at every position of awkward documents: no internal error (a panic would give one), and the
/// server answers to the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_at_every_position() {
    let documents = [
        "# syntax=docker/dockerfile:1\r\n# check=skip=all\r\nARG V=1\r\nFROM alpine:${V AS b\r\nRUN --mount=type=cache,from=b,target=/x echo \"unterminated \\\r\n  # comment inside\r\n  && echo '$V' ${V:-x} \\\r\n\r\nCOPY --from= <<EOF /x\r\n한국어 $V 🐳\r\nEOF\r\nFROBNICATE x\r\nHEALTHCHECK --interval= CMD\r\nONBUILD run echo $\r\nLABEL a=\"🐳\" \\\r\n",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\nRUN powershell -Command `\n    Write-Host $env:PATH\nENV A=1 B=$A C=${B}\nFROM w\nCMD [\"a\", \"b\nSHELL [\"pwsh\"\n",
        "FROM\nFROM \nFROM a AS\nARG\nENV\nCOPY\nRUN <<\nRUN <<-'X'\n\tbody\n",
    ];
    let mut c = Client::in_process();
    c.initialize().await;
    for (k, text) in documents.iter().enumerate() {
        let uri = format!("file:///tmp/dflint-lsp-test/positions/{k}/Dockerfile");
        c.open(&uri, text).await;
        c.diagnostics(&uri, 1).await;
        let td = json!({"uri": uri});
        let lines: Vec<&str> = text.split('\n').collect();
        for (l, line) in lines.iter().enumerate() {
            let width = line.encode_utf16().count() as u32 + 2;
            for col in 0..width {
                let at = json!({"textDocument": td, "position": pos(l as u32, col)});
                for method in [
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/definition",
                    "textDocument/documentHighlight",
                    "textDocument/prepareRename",
                    "textDocument/linkedEditingRange",
                ] {
                    let r = c.request_raw(method, at.clone()).await;
                    assert!(
                        r.get("error").is_none() || r["error"]["code"] == -32600,
                        "{method} at {l}:{col} of document {k}: {r}"
                    );
                }
                let mut refs = at.clone();
                refs["context"] = json!({"includeDeclaration": true});
                let r = c.request_raw("textDocument/references", refs).await;
                assert!(r.get("error").is_none(), "references at {l}:{col}: {r}");
                let mut rename = at.clone();
                rename["newName"] = json!("renamed");
                let r = c.request_raw("textDocument/rename", rename).await;
                assert!(
                    r.get("error").is_none() || r["error"]["code"] == -32600,
                    "rename at {l}:{col}: {r}"
                );
            }
            let line_range = range(l as u32, 0, l as u32 + 1, 0);
            for (method, extra) in [
                ("textDocument/semanticTokens/range", json!({})),
                (
                    "textDocument/codeAction",
                    json!({"context": {"diagnostics": []}}),
                ),
                (
                    "textDocument/rangeFormatting",
                    json!({"options": {"tabSize": 4, "insertSpaces": true}}),
                ),
            ] {
                let mut params = json!({"textDocument": td, "range": line_range});
                for (k, v) in extra.as_object().unwrap() {
                    params[k] = v.clone();
                }
                let r = c.request_raw(method, params).await;
                assert!(r.get("error").is_none(), "{method} on line {l}: {r}");
            }
        }
        for method in [
            "textDocument/documentSymbol",
            "textDocument/foldingRange",
            "textDocument/semanticTokens/full",
            "textDocument/documentLink",
        ] {
            let r = c.request_raw(method, json!({"textDocument": td})).await;
            assert!(r.get("error").is_none(), "{method}: {r}");
        }
        let r = c
            .request_raw(
                "textDocument/formatting",
                json!({"textDocument": td, "options": {"tabSize": 2, "insertSpaces": false}}),
            )
            .await;
        assert!(r.get("error").is_none(), "formatting: {r}");
    }
    c.shutdown().await;
}
