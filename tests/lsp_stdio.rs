//! The built binary as an editor starts it: `dflint server` over stdio. Stdout must carry nothing but framed
//! JSON-RPC (the client below fails on anything else); logs go to stderr; `exit` ends the process with status 0.
//!
//! `DFLINT_SERVER_CMD` (a command line) runs another build of the server instead of `dflint server`.
mod lsp_support;

use std::process::Stdio;

use lsp_support::{pos, range, Client};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_over_stdio() {
    let mut child = lsp_support::server_command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut c = Client::over(stdout, stdin, None);

    let init = c.initialize().await;
    assert_eq!(init["serverInfo"]["name"], "dflint");
    let uri = "file:///tmp/dflint-lsp-stdio/Dockerfile";
    c.open(uri, "FROM alpine:3.20\nrun echo hi\n").await;
    let diags = c.diagnostics(uri, 1).await;
    assert!(diags.iter().any(|d| d["code"] == "DF501"), "{diags:?}");
    c.change(uri, 2, json!([{"range": range(1, 0, 1, 3), "text": "RUN"}]))
        .await;
    assert!(c
        .diagnostics(uri, 2)
        .await
        .iter()
        .all(|d| d["code"] != "DF501"));
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": pos(1, 1)}),
        )
        .await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("RUN"));
    // A malformed message: an error answer, a line on stderr, and the server goes on.
    c.send_raw(&lsp_support::frame(b"{broken")).await;
    let shutdown = c.request_raw("shutdown", Value::Null).await;
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    assert!(
        c.orphans.iter().any(|r| r["error"]["code"] == -32700),
        "{:?}",
        c.orphans
    );
    c.notify("exit", Value::Null).await;
    let status = tokio::time::timeout(lsp_support::TIMEOUT, child.wait())
        .await
        .expect("exits")
        .unwrap();
    assert!(status.success(), "{status}");
    let mut log = String::new();
    stderr.read_to_string(&mut log).await.unwrap();
    assert!(log.contains("parse error"), "logs go to stderr: {log:?}");
}
