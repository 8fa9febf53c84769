//! Document sync that cannot be applied: the server must never go on with a text that silently differs from the
//! editor's. A `didChange` with a lone UTF-16 surrogate, a version beyond 2³¹−1, a version older than the last, or a
//! range that ends before it starts (or lies past the end) marks the document out of sync: the user is told
//! (`window/showMessage` and one diagnostic), requests on it fail, its ranged changes are ignored, and a change
//! that gives the whole text brings it back.
mod lsp_support;

use lsp_support::{pos, range, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/dflint-lsp-sync/Dockerfile";
const TEXT: &str = "FROM alpine:3.20\nrun echo hi\n";

fn lost_track(diags: &[Value]) -> bool {
    diags.len() == 1
        && diags[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("lost track"))
}

async fn open(c: &mut Client) {
    c.initialize().await;
    c.open(URI, TEXT).await;
    let diags = c.diagnostics(URI, 1).await;
    assert!(diags.iter().any(|d| d["code"] == "DF501"), "{diags:?}");
}

/// Waits for the diagnostic that says the document is out of sync, and the message to the user.
async fn expect_lost_track(c: &mut Client, why: &str) {
    let published = c
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == URI && lost_track(p["diagnostics"].as_array().unwrap())
        })
        .await;
    assert!(published.is_some(), "{why}: no out-of-sync diagnostic");
    let shown = c
        .notification("window/showMessage", |p| {
            p["type"] == 1
                && p["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("out of sync"))
        })
        .await;
    assert!(shown.is_some(), "{why}: the user is not told");
    let hover = c
        .request_raw(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos(1, 1)}),
        )
        .await;
    assert_eq!(hover["error"]["code"], -32803, "{why}: {hover}");
}

/// A ranged change is ignored while out of sync; the whole text brings the document back.
async fn expect_resync(c: &mut Client, version: i64) {
    c.change(
        URI,
        version,
        json!([{"range": range(1, 0, 1, 3), "text": "RUN"}]),
    )
    .await;
    c.change(
        URI,
        version + 1,
        json!([{"text": "FROM alpine:3.20\nrun echo again\n"}]),
    )
    .await;
    let diags = c.diagnostics(URI, version + 1).await;
    assert!(diags.iter().any(|d| d["code"] == "DF501"), "{diags:?}");
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos(1, 1)}),
        )
        .await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("RUN"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_surrogate_in_a_change() {
    let mut c = Client::in_process();
    open(&mut c).await;
    // serde_json would write the surrogate as a character; the client's bytes are what matter here.
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":1,"character":4}},"end":{{"line":1,"character":4}}}},"text":"\ud83d"}}]}}}}"#
    );
    c.send_raw(&lsp_support::frame(body.as_bytes())).await;
    expect_lost_track(&mut c, "lone surrogate").await;
    expect_resync(&mut c, 3).await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_beyond_i32() {
    let mut c = Client::in_process();
    open(&mut c).await;
    c.change(
        URI,
        2_147_483_648,
        json!([{"range": range(1, 0, 1, 3), "text": "RUN"}]),
    )
    .await;
    expect_lost_track(&mut c, "version 2^31").await;
    expect_resync(&mut c, 3).await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_older_than_the_last() {
    let mut c = Client::in_process();
    open(&mut c).await;
    c.change(URI, 5, json!([{"range": range(1, 4, 1, 4), "text": "x"}]))
        .await;
    c.diagnostics(URI, 5).await;
    c.change(URI, 4, json!([{"range": range(1, 4, 1, 4), "text": "y"}]))
        .await;
    expect_lost_track(&mut c, "older version").await;
    expect_resync(&mut c, 6).await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_not_meant_for_this_text() {
    for (why, bad) in [
        ("a reversed range", range(1, 3, 1, 0)),
        ("a range past the end", range(9, 0, 9, 0)),
    ] {
        let mut c = Client::in_process();
        open(&mut c).await;
        c.change(URI, 2, json!([{"range": bad, "text": "x"}])).await;
        expect_lost_track(&mut c, why).await;
        expect_resync(&mut c, 3).await;
        c.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_that_cannot_be_read() {
    let mut c = Client::in_process();
    c.initialize().await;
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{URI}","languageId":"dockerfile","version":1,"text":"FROM a\n\udc00"}}}}}}"#
    );
    c.send_raw(&lsp_support::frame(body.as_bytes())).await;
    expect_lost_track(&mut c, "open with a lone surrogate").await;
    expect_resync(&mut c, 2).await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_change_to_a_document_that_is_not_open_opens_nothing() {
    let mut c = Client::in_process();
    open(&mut c).await;
    let other = "file:///tmp/dflint-lsp-sync/other/Dockerfile";
    c.change(other, 2_147_483_648, json!([{"text": "FROM a\n"}]))
        .await;
    let r = c
        .request_raw(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": other}}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32602, "not open, not out of sync: {r}");
    c.shutdown().await;
}
