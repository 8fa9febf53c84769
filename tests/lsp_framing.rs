//! The transport of `dflint server` over real stdio: each framing error the base protocol allows a client to make
//! costs at most the broken message (whose JSON body is still read and answered when it is complete), never the
//! messages after it, and never a hang; the exit status follows LSP's rule (`exit` after `shutdown` is 0, without
//! it 1); a `$/` request the server does not know gets MethodNotFound, a `$/` notification nothing.
//!
//! `DFLINT_SERVER_CMD` (a command line) runs another build of the server instead of `dflint server`.
mod lsp_support;

use std::process::{ExitStatus, Stdio};

use lsp_support::Client;
use serde_json::{json, Value};
use tokio::process::Child;

const URI: &str = "file:///tmp/dflint-lsp-framing/Dockerfile";

fn spawn() -> (Child, Client) {
    let mut child = lsp_support::server_command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, Client::over(stdout, stdin, None))
}

async fn status(child: &mut Child) -> ExitStatus {
    tokio::time::timeout(lsp_support::TIMEOUT, child.wait())
        .await
        .expect("the server exits")
        .unwrap()
}

/// A request the server answers with a result once the document is open.
fn symbols(id: i64) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
                               "params": {"textDocument": {"uri": URI}}}),
    )
    .unwrap()
}

fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
    let mut out = header.as_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// The ways a client can get the framing of a message wrong, each as the bytes of that message.
fn broken_frames(id: i64) -> Vec<(&'static str, Vec<u8>)> {
    let body = symbols(id);
    let n = body.len();
    vec![
        (
            "no Content-Length",
            with_header(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
                &body,
            ),
        ),
        (
            "negative Content-Length",
            with_header("Content-Length: -12\r\n\r\n", &body),
        ),
        (
            "zero Content-Length",
            with_header("Content-Length: 0\r\n\r\n", &body),
        ),
        (
            "Content-Length not a number",
            with_header("Content-Length: twelve\r\n\r\n", &body),
        ),
        (
            "Content-Length beyond any integer",
            with_header("Content-Length: 99999999999999999999999\r\n\r\n", &body),
        ),
        (
            "huge Content-Length",
            with_header("Content-Length: 4294967296\r\n\r\n", &body),
        ),
        (
            "Content-Length of 100 MB for a small body",
            with_header("Content-Length: 100000000\r\n\r\n", &body),
        ),
        (
            "Content-Length one short",
            with_header(&format!("Content-Length: {}\r\n\r\n", n - 1), &body),
        ),
        (
            "Content-Length one over",
            with_header(&format!("Content-Length: {}\r\n\r\n", n + 1), &body),
        ),
        (
            "Content-Length far short",
            with_header("Content-Length: 7\r\n\r\n", &body),
        ),
        (
            "no blank line after the header",
            with_header(&format!("Content-Length: {n}\r\n"), &body),
        ),
        (
            "garbage before the header",
            with_header(
                &format!("garbage\r\n\r\nContent-Length: {n}\r\n\r\n"),
                &body,
            ),
        ),
    ]
}

/// Whether a response answers the broken request: documentSymbol's result for the open document.
fn answered(response: &Value) -> bool {
    response.get("error").is_none() && response["result"].as_array().is_some_and(|a| !a.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_framing_error_costs_nothing_after_it() {
    for (what, bytes) in broken_frames(100) {
        // Alone: the client waits for the answer to the broken message before it sends anything else.
        let (mut child, mut c) = spawn();
        c.initialize().await;
        c.open(URI, "FROM alpine:3.20 AS build\nRUN make\n").await;
        c.send_raw(&bytes).await;
        let response = c.response(100).await;
        assert!(answered(&response), "{what}: {response}");
        let shutdown = c.request_raw("shutdown", Value::Null).await;
        assert!(shutdown.get("error").is_none(), "{what}: {shutdown}");
        c.notify("exit", Value::Null).await;
        assert_eq!(status(&mut child).await.code(), Some(0), "{what}");

        // Followed at once by more messages in the same write: they are read as they were sent.
        let (mut child, mut c) = spawn();
        c.initialize().await;
        c.open(URI, "FROM alpine:3.20 AS build\nRUN make\n").await;
        let mut burst = bytes.clone();
        burst.extend(lsp_support::frame(&symbols(101)));
        burst.extend(lsp_support::frame(
            br#"{"jsonrpc":"2.0","id":102,"method":"shutdown"}"#,
        ));
        c.send_raw(&burst).await;
        let got = c.responses(&[100, 101, 102]).await;
        assert!(answered(&got[0]), "{what}, in a burst: {}", got[0]);
        assert!(answered(&got[1]), "{what}, then a request: {}", got[1]);
        assert!(got[2].get("error").is_none(), "{what}: {}", got[2]);
        c.notify("exit", Value::Null).await;
        assert_eq!(status(&mut child).await.code(), Some(0), "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_is_answered_with_a_parse_error() {
    let (mut child, mut c) = spawn();
    c.initialize().await;
    // The right length around a body that is not JSON, then one with a wrong length that is not JSON either,
    // then a length too short for a body that breaks off: each is answered without waiting for more input.
    c.send_raw(&lsp_support::frame(b"{not json")).await;
    assert_eq!(c.orphan().await["error"]["code"], -32700);
    c.send_raw(b"Content-Length: 3\r\n\r\nnot json at all\r\n")
        .await;
    assert_eq!(c.orphan().await["error"]["code"], -32700);
    c.send_raw(b"Content-Length: 5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":7,\"method\"")
        .await;
    assert_eq!(c.orphan().await["error"]["code"], -32700);
    let shutdown = c.request_raw("shutdown", Value::Null).await;
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    assert!(
        c.orphans
            .iter()
            .filter(|r| r["error"]["code"] == -32700)
            .count()
            >= 2,
        "{:?}",
        c.orphans
    );
    c.notify("exit", Value::Null).await;
    assert_eq!(status(&mut child).await.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_status_follows_the_protocol() {
    // `exit` after `shutdown`: 0.
    let (mut child, mut c) = spawn();
    c.initialize().await;
    c.request("shutdown", Value::Null).await;
    c.notify("exit", Value::Null).await;
    assert_eq!(status(&mut child).await.code(), Some(0));

    // `exit` without `shutdown`: 1, initialized or not.
    let (mut child, mut c) = spawn();
    c.initialize().await;
    c.notify("exit", Value::Null).await;
    assert_eq!(status(&mut child).await.code(), Some(1));
    let (mut child, mut c) = spawn();
    c.notify("exit", Value::Null).await;
    assert_eq!(status(&mut child).await.code(), Some(1));

    // The client goes away (its end of the pipe closes) without `shutdown`: 1.
    let (mut child, mut c) = spawn();
    c.initialize().await;
    drop(c);
    assert_eq!(status(&mut child).await.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dollar_requests_get_method_not_found() {
    let (mut child, mut c) = spawn();
    c.initialize().await;
    let response = c.request_raw("$/dflint/unknown", json!({})).await;
    assert_eq!(response["error"]["code"], -32601, "{response}");
    // A `$/` notification, known or not, gets no answer; the next request is the next answer.
    c.notify("$/dflint/unknown", json!({})).await;
    c.notify("$/cancelRequest", json!({"id": 999})).await;
    c.notify("$/setTrace", json!({"value": "off"})).await;
    let shutdown = c.request_raw("shutdown", Value::Null).await;
    assert!(shutdown.get("error").is_none(), "{shutdown}");
    assert!(c.orphans.is_empty(), "{:?}", c.orphans);
    c.notify("exit", Value::Null).await;
    assert_eq!(status(&mut child).await.code(), Some(0));
}
