//! A JSON-RPC client for the language server tests: real framed messages over an in-memory duplex to
//! `dflint::lsp::serve`, or over the pipes of a spawned `dflint server`. It answers the server's requests
//! (`workspace/configuration` with the settings it was given) and keeps notifications for the test to inspect.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// How long a test waits for a message before it calls the server hung. A bound on a hang, not a speed figure: a
/// passing test never waits for it, and speed is measured by the benchmarks. In a debug build on 2 cores at load 7,
/// a whole server session on a 1,200-stage chain (`deep_nesting`) takes 2.4 s and the whole 5 MB test
/// (`lsp_protocol`) 8 s; at three times that load a 20 s wait ran out.
pub const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Client {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    incoming: UnboundedReceiver<Value>,
    next_id: i64,
    /// Notifications received and not yet taken, in order.
    pub notifications: Vec<Value>,
    /// Requests the server sent us, in order.
    pub server_requests: Vec<Value>,
    /// Responses with a null id (to messages the server could not read).
    pub orphans: Vec<Value>,
    /// What `workspace/configuration` answers for section `dflint`.
    pub settings: Value,
    pub server: Option<tokio::task::JoinHandle<()>>,
}

/// Frames one message.
/// `dflint server` as built for the tests, or the command line in `DFLINT_SERVER_CMD` (another build of the server).
pub fn server_command() -> tokio::process::Command {
    match std::env::var("DFLINT_SERVER_CMD") {
        Ok(cmd) => {
            let mut words = cmd.split_whitespace();
            let mut c = tokio::process::Command::new(words.next().expect("a command"));
            c.args(words);
            c
        }
        Err(_) => {
            let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_dflint"));
            c.arg("server");
            c
        }
    }
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

async fn read_messages<R: AsyncRead + Unpin>(
    reader: R,
    tx: tokio::sync::mpsc::UnboundedSender<Value>,
) {
    let mut reader = BufReader::new(reader);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        if tx.send(value).is_err() {
            return;
        }
    }
}

impl Client {
    /// A server in this process, over an in-memory duplex.
    pub fn in_process() -> Client {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_side);
        let server = tokio::spawn(dflint::lsp::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client_side);
        Client::over(client_read, client_write, Some(server))
    }

    pub fn over<R, W>(reader: R, writer: W, server: Option<tokio::task::JoinHandle<()>>) -> Client
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (tx, rx) = unbounded_channel();
        tokio::spawn(read_messages(reader, tx));
        Client {
            writer: Box::new(writer),
            incoming: rx,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            orphans: Vec::new(),
            settings: Value::Null,
            server,
        }
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("server reads");
        self.writer.flush().await.expect("server reads");
    }

    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        self.send_raw(&frame(&body)).await;
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Sends a request without waiting; returns its id.
    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        id
    }

    /// The next message from the server, answering its requests on the way; `None` on timeout or EOF.
    async fn next(&mut self, timeout: Duration) -> Option<Value> {
        let message = tokio::time::timeout(timeout, self.incoming.recv())
            .await
            .ok()??;
        if message.get("method").is_some() && message.get("id").is_some() {
            let result = match message["method"].as_str() {
                Some("workspace/configuration") => {
                    let n = message["params"]["items"].as_array().map_or(1, Vec::len);
                    Value::Array(vec![self.settings.clone(); n])
                }
                _ => Value::Null,
            };
            let reply = json!({"jsonrpc": "2.0", "id": message["id"].clone(), "result": result});
            self.server_requests.push(message.clone());
            // The server may be gone already (after `exit`).
            let body = serde_json::to_vec(&reply).unwrap();
            let _ = self.writer.write_all(&frame(&body)).await;
            let _ = self.writer.flush().await;
        }
        Some(message)
    }

    /// The response to request `id` (the whole message: `result` or `error`).
    pub async fn response(&mut self, id: i64) -> Value {
        loop {
            let message = self
                .next(TIMEOUT)
                .await
                .unwrap_or_else(|| panic!("no response to request {id}"));
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            if message.get("method").is_some() && message.get("id").is_none() {
                self.notifications.push(message);
            } else if message.get("method").is_none() && message["id"].is_null() {
                self.orphans.push(message);
            }
        }
    }

    /// The next response with a null id (to a message the server could not read), kept or new.
    pub async fn orphan(&mut self) -> Value {
        if !self.orphans.is_empty() {
            return self.orphans.remove(0);
        }
        loop {
            let message = self.next(TIMEOUT).await.expect("an answer with a null id");
            if message.get("method").is_none() && message["id"].is_null() {
                return message;
            }
            if message.get("method").is_some() && message.get("id").is_none() {
                self.notifications.push(message);
            }
        }
    }

    /// The responses to requests `ids`, in the order of `ids` (they may arrive in any order).
    pub async fn responses(&mut self, ids: &[i64]) -> Vec<Value> {
        let mut got: Vec<Option<Value>> = vec![None; ids.len()];
        while got.iter().any(Option::is_none) {
            let message = self
                .next(TIMEOUT)
                .await
                .unwrap_or_else(|| panic!("no response to requests {ids:?}: {got:?}"));
            if message.get("method").is_none() {
                if let Some(i) = ids.iter().position(|id| message["id"] == json!(id)) {
                    got[i] = Some(message);
                } else if message["id"].is_null() {
                    self.orphans.push(message);
                }
            } else if message.get("id").is_none() {
                self.notifications.push(message);
            }
        }
        got.into_iter().flatten().collect()
    }

    /// Sends a request and returns its result, panicking on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    /// The first notification (kept or new) matching `method` and `pred`, removed from the kept ones.
    pub async fn notification(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        self.notification_within(method, pred, TIMEOUT).await
    }

    pub async fn notification_within(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method && pred(&n["params"]))
        {
            return Some(self.notifications.remove(i));
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let message = self.next(left).await?;
            if message.get("id").is_some() {
                continue;
            }
            if message["method"] == method && pred(&message["params"]) {
                return Some(message);
            }
            self.notifications.push(message);
        }
    }

    /// The diagnostics published for `uri` at `version` (or later).
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let n = self
            .notification("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri && p["version"].as_i64().is_some_and(|v| v >= version)
            })
            .await
            .unwrap_or_else(|| panic!("no diagnostics for {uri} v{version}"));
        n["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for a publish for `uri` whose codes (sorted) are `codes`.
    pub async fn diagnostics_with_codes(
        &mut self,
        uri: &str,
        codes: &[&str],
    ) -> Option<Vec<Value>> {
        let want: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        let n = self
            .notification("textDocument/publishDiagnostics", |p| {
                let mut got: Vec<String> = p["diagnostics"]
                    .as_array()
                    .map(|d| {
                        d.iter()
                            .map(|d| d["code"].as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                got.sort();
                p["uri"] == uri && got == want
            })
            .await?;
        n["params"]["diagnostics"].as_array().cloned()
    }

    /// `initialize` + `initialized` with the given client capabilities and initialization options.
    pub async fn initialize_with(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options}),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// Push diagnostics, UTF-16, snippets: a typical editor without pull support.
    pub async fn initialize(&mut self) -> Value {
        self.initialize_with(capabilities(&["utf-16"], false), Value::Null)
            .await
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn shutdown(mut self) {
        let _ = self.request_raw("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        // Keep reading (and answering) until the server has ended.
        if let Some(mut server) = self.server.take() {
            let deadline = tokio::time::Instant::now() + TIMEOUT;
            loop {
                tokio::select! {
                    done = &mut server => { done.expect("server task"); break; }
                    _ = tokio::time::sleep_until(deadline) => panic!("the server did not exit"),
                    _ = self.next(Duration::from_millis(50)) => {}
                }
            }
        }
    }
}

/// Client capabilities like an editor's: the given position encodings, pull diagnostics or not.
pub fn capabilities(encodings: &[&str], pull: bool) -> Value {
    let mut text_document = json!({
        "synchronization": {"didSave": true},
        "completion": {"completionItem": {"snippetSupport": true}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"versionSupport": true, "tagSupport": {"valueSet": [1, 2]}, "codeDescriptionSupport": true, "dataSupport": true},
        "codeAction": {"isPreferredSupport": true, "dataSupport": true, "resolveSupport": {"properties": ["edit"]},
                       "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}},
        "rename": {"prepareSupport": true},
        "semanticTokens": {"requests": {"full": true, "range": true}, "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]}
    });
    if pull {
        text_document["diagnostic"] = json!({"dynamicRegistration": false});
    }
    json!({
        "general": {"positionEncodings": encodings},
        "textDocument": text_document,
        "workspace": {"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true},
                      "didChangeWatchedFiles": {"dynamicRegistration": true}, "diagnostics": {"refreshSupport": true},
                      "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}
    })
}

pub fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

pub fn range(l0: u32, c0: u32, l1: u32, c1: u32) -> Value {
    json!({"start": pos(l0, c0), "end": pos(l1, c1)})
}

/// The line/character of the first `needle` in `text` (+ `delta` characters), in UTF-16 units.
pub fn locate(text: &str, needle: &str, delta: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        + delta;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let col: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    pos(line as u32, col as u32)
}

/// Applies LSP text edits (UTF-16 positions) to a text, as an editor would.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start = text[start..]
                .find('\n')
                .map_or(text.len(), |i| start + i + 1);
        }
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= col || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut sorted: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    sorted.sort_by_key(|(s, e, _)| (*s, *e));
    let mut out = String::new();
    let mut at = 0;
    for (s, e, t) in sorted {
        assert!(s >= at, "overlapping edits");
        out.push_str(&text[at..s]);
        out.push_str(&t);
        at = e;
    }
    out.push_str(&text[at..]);
    out
}
