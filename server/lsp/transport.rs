//! Incoming bytes, made safe for tower-lsp-server: its reader ends the session at the first message it cannot
//! decode (tokio-util's `FramedRead` stops after a decoder error). This reader frames the input itself and replaces
//! each message that is not valid JSON-RPC (bad JSON, bad UTF-8, a missing `Content-Length`, an object that is not a
//! request, notification or response) by a request to `dflint/invalidMessage`, which answers with the JSON-RPC error
//! that was due (-32700 parse error, -32600 invalid request) and keeps the session going.
//!
//! Those errors answer with `"id": null`, but tower-lsp-server refuses two pending requests with one id, so each
//! replacement gets an id of its own, which [`Rewritten`] turns back into `null` on the way out.
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub const INVALID_MESSAGE: &str = "dflint/invalidMessage";

/// Larger bodies are refused (and skipped) rather than buffered.
const MAX_BODY: usize = 256 * 1024 * 1024;
/// A header block longer than this is garbage.
const MAX_HEADER: usize = 8 * 1024;

/// What `dflint/invalidMessage` receives.
#[derive(Debug, Deserialize)]
pub struct Invalid {
    pub code: i64,
    pub message: String,
}

/// The prefix of the ids given to replacement requests.
const ID_PREFIX: &str = "dflint-invalid-message-";

pub struct Sanitized<R> {
    inner: R,
    replaced: u64,
    input: Vec<u8>,
    output: Vec<u8>,
    out_pos: usize,
    scratch: Vec<u8>,
    /// Bytes of an oversized body still to skip.
    skip: usize,
    eof: bool,
}

impl<R> Sanitized<R> {
    pub fn new(inner: R) -> Sanitized<R> {
        Sanitized {
            inner,
            replaced: 0,
            input: Vec::new(),
            output: Vec::new(),
            out_pos: 0,
            scratch: vec![0; 64 * 1024],
            skip: 0,
            eof: false,
        }
    }

    fn push_frame(&mut self, body: &[u8]) {
        self.output
            .extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        self.output.extend_from_slice(body);
    }

    fn push_invalid(&mut self, code: i64, message: &str, id: Value) {
        let id = if id.is_null() {
            self.replaced += 1;
            Value::String(format!("{ID_PREFIX}{}", self.replaced))
        } else {
            id
        };
        let request = json!({"jsonrpc": "2.0", "id": id, "method": INVALID_MESSAGE, "params": {"code": code, "message": message}});
        let body = serde_json::to_vec(&request).expect("a JSON value serializes");
        self.push_frame(&body);
    }

    /// Moves every complete message from `input` to `output`, replacing the invalid ones.
    fn drain(&mut self) {
        loop {
            if self.skip > 0 {
                let n = self.skip.min(self.input.len());
                self.input.drain(..n);
                self.skip -= n;
                if self.skip > 0 {
                    return;
                }
            }
            let Some((header_len, sep_len)) = find_header_end(&self.input) else {
                if self.input.len() > MAX_HEADER {
                    self.input.clear();
                    self.push_invalid(-32700, "unreadable message header", Value::Null);
                }
                return;
            };
            let header = String::from_utf8_lossy(&self.input[..header_len]).into_owned();
            let length = header.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            let body_start = header_len + sep_len;
            let Some(length) = length else {
                self.input.drain(..body_start);
                self.push_invalid(
                    -32700,
                    "message without a valid Content-Length header",
                    Value::Null,
                );
                continue;
            };
            if length > MAX_BODY {
                self.input.drain(..body_start);
                self.skip = length;
                self.push_invalid(-32600, "message too large", Value::Null);
                continue;
            }
            if self.input.len() < body_start + length {
                return;
            }
            let body: Vec<u8> = self
                .input
                .drain(..body_start + length)
                .skip(body_start)
                .collect();
            match check(&body) {
                Ok(()) => self.push_frame(&body),
                Err((code, message, id)) => self.push_invalid(code, &message, id),
            }
        }
    }
}

/// The end of the header block and the length of its blank-line separator.
fn find_header_end(input: &[u8]) -> Option<(usize, usize)> {
    let input = &input[..input.len().min(MAX_HEADER + 4)];
    let crlf = input
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let lf = input.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn valid_id(id: &Value) -> bool {
    id.is_null() || id.is_string() || id.as_i64().is_some()
}

/// Whether a body is a message tower-lsp-server can decode; else the error code, message and id to answer with.
fn check(body: &[u8]) -> Result<(), (i64, String, Value)> {
    let text = std::str::from_utf8(body)
        .map_err(|e| (-32700, format!("message is not UTF-8: {e}"), Value::Null))?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| (-32700, format!("parse error: {e}"), Value::Null))?;
    let invalid = |why: &str, id: Value| Err((-32600, format!("invalid request: {why}"), id));
    let Some(object) = value.as_object() else {
        return invalid("not a JSON object", Value::Null);
    };
    let id = object.get("id").cloned();
    let answer_id = id.clone().filter(valid_id).unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("`jsonrpc` must be \"2.0\"", answer_id);
    }
    if id.as_ref().is_some_and(|id| !valid_id(id)) {
        return invalid("`id` must be a number, a string or null", Value::Null);
    }
    match object.get("method") {
        Some(Value::String(_)) => {}
        Some(_) => return invalid("`method` must be a string", answer_id),
        None => {
            let error_ok = object.get("error").is_none_or(|e| {
                e.get("code").and_then(Value::as_i64).is_some()
                    && e.get("message").is_some_and(Value::is_string)
            });
            let has_outcome = object.contains_key("result") || object.contains_key("error");
            if id.is_none() || !has_outcome || !error_ok {
                return invalid(
                    "neither a request, a notification nor a response",
                    answer_id,
                );
            }
        }
    }
    Ok(())
}

impl<R: AsyncRead + Unpin> AsyncRead for Sanitized<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.out_pos < this.output.len() {
                let n = buf.remaining().min(this.output.len() - this.out_pos);
                buf.put_slice(&this.output[this.out_pos..this.out_pos + n]);
                this.out_pos += n;
                if this.out_pos == this.output.len() {
                    this.output.clear();
                    this.out_pos = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            let mut read = ReadBuf::new(&mut this.scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let filled = read.filled().len();
                    if filled == 0 {
                        this.eof = true;
                    } else {
                        this.input.extend_from_slice(&this.scratch[..filled]);
                        this.drain();
                    }
                }
            }
        }
    }
}

/// Outgoing bytes, with the responses to replacement requests given back their `null` id.
pub struct Rewritten<W> {
    inner: W,
    pending: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
}

impl<W> Rewritten<W> {
    pub fn new(inner: W) -> Rewritten<W> {
        Rewritten {
            inner,
            pending: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
        }
    }

    /// Moves complete frames from `pending` to `out`, rewriting ids.
    fn extract(&mut self) {
        while let Some((header_len, sep)) = find_header_end(&self.pending) {
            let header = String::from_utf8_lossy(&self.pending[..header_len]).into_owned();
            let length = header.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            let start = header_len + sep;
            // The server writes well-formed frames; anything else passes through untouched.
            let Some(length) = length else {
                self.out.append(&mut self.pending);
                return;
            };
            if self.pending.len() < start + length {
                return;
            }
            let body = &self.pending[start..start + length];
            let marked = body
                .windows(ID_PREFIX.len())
                .any(|w| w == ID_PREFIX.as_bytes());
            let rewritten = marked
                .then(|| serde_json::from_slice::<Value>(body).ok())
                .flatten()
                .filter(|v| v["id"].as_str().is_some_and(|id| id.starts_with(ID_PREFIX)))
                .map(|mut v| {
                    v["id"] = Value::Null;
                    serde_json::to_vec(&v).expect("a JSON value serializes")
                });
            match rewritten {
                Some(body) => {
                    self.out.extend_from_slice(
                        format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes(),
                    );
                    self.out.extend_from_slice(&body);
                }
                None => self.out.extend_from_slice(&self.pending[..start + length]),
            }
            self.pending.drain(..start + length);
        }
    }
}

impl<W: AsyncWrite + Unpin> Rewritten<W> {
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.out_pos < self.out.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.out[self.out_pos..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.out_pos += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.out.clear();
        self.out_pos = 0;
        Poll::Ready(Ok(()))
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Rewritten<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.pending.extend_from_slice(buf);
        this.extract();
        // Written as far as the output takes it now; `poll_flush` finishes.
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn sanitize(input: &[u8]) -> String {
        let mut out = String::new();
        Sanitized::new(input)
            .read_to_string(&mut out)
            .await
            .unwrap();
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn valid_messages_pass_and_invalid_ones_are_replaced() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        assert_eq!(sanitize(frame(ok).as_bytes()).await, frame(ok));
        let out =
            sanitize(format!("{}{}{}", frame("{oops"), frame("[1]"), frame(ok)).as_bytes()).await;
        assert!(
            out.contains(INVALID_MESSAGE) && out.contains("-32700") && out.ends_with(ok),
            "{out}"
        );
        assert!(
            out.contains(&format!("{ID_PREFIX}1")) && out.contains(&format!("{ID_PREFIX}2")),
            "{out}"
        );
        let out = sanitize(frame(r#"{"jsonrpc":"2.0","id":7,"method":3}"#).as_bytes()).await;
        assert!(out.contains("\"id\":7") && out.contains("-32600"), "{out}");
        let out = sanitize(format!("X-Nothing: 1\r\n\r\n{}", frame(ok)).as_bytes()).await;
        assert!(
            out.contains("Content-Length header") && out.ends_with(ok),
            "{out}"
        );
        let mut bad_utf8 = b"Content-Length: 3\r\n\r\n".to_vec();
        bad_utf8.extend_from_slice(&[0xff, 0xfe, b'{']);
        assert!(sanitize(&bad_utf8).await.contains("not UTF-8"));
    }

    #[tokio::test]
    async fn replacement_ids_go_back_to_null() {
        use tokio::io::AsyncWriteExt;
        let mut out = Vec::new();
        let mut w = Rewritten::new(&mut out);
        let reply = format!(
            r#"{{"jsonrpc":"2.0","error":{{"code":-32700,"message":"x"}},"id":"{ID_PREFIX}3"}}"#
        );
        let other = r#"{"jsonrpc":"2.0","result":null,"id":"dflint-invalid-message"}"#;
        let bytes = format!("{}{}", frame(&reply), frame(other));
        // Written in two pieces that split a frame.
        w.write_all(&bytes.as_bytes()[..10]).await.unwrap();
        w.write_all(&bytes.as_bytes()[10..]).await.unwrap();
        w.flush().await.unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(r#""id":null"#), "{out}");
        assert!(out.ends_with(other), "{out}");
    }
}
