//! Incoming bytes, made safe for tower-lsp-server: its reader ends the session at the first message it cannot
//! decode (tokio-util's `FramedRead` stops after a decoder error), and it drops a notification whose parameters do
//! not decode without a word. This reader frames the input itself and passes on well-formed messages only:
//!
//! - A message that is not valid JSON-RPC (bad JSON, bad UTF-8, an object that is not a request, notification or
//!   response) becomes a request to `dflint/invalidMessage`, which answers with the JSON-RPC error that was due
//!   (-32700 parse error, -32600 invalid request) and keeps the session going. So does a request whose method starts
//!   with `$/` (-32601 method not found: tower-lsp-server would leave it unanswered).
//! - Framing errors (a header block without `Content-Length`, a length that is not a number, negative, zero, too
//!   large or off by some bytes, a header not ended by a blank line, garbage between messages) do not cost the
//!   messages that follow: the frame of a body is where its JSON value ends when the length does not fit, and the
//!   reader resynchronises on the next header. A body that is a complete JSON value is passed on; nothing waits for
//!   bytes that a wrong length promised once the input has stalled.
//! - A `didOpen` or `didChange` whose parameters cannot be applied (a lone UTF-16 surrogate in the text, a version
//!   beyond 2³¹−1, a malformed range) becomes a `dflint/unappliedChange` notification, so that the server marks the
//!   document out of sync instead of silently keeping a text that differs from the editor's.
//!
//! The errors answer with `"id": null`, but tower-lsp-server refuses two pending requests with one id, so each
//! replacement gets an id of its own, which [`Rewritten`] turns back into `null` on the way out.
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tower_lsp_server::ls_types::{DidChangeTextDocumentParams, DidOpenTextDocumentParams};

pub const INVALID_MESSAGE: &str = "dflint/invalidMessage";
pub const UNAPPLIED_CHANGE: &str = "dflint/unappliedChange";

/// A body longer than this is refused (and skipped up to the next header) rather than buffered.
const MAX_BODY: usize = 256 * 1024 * 1024;
/// A header block longer than this is garbage.
const MAX_HEADER: usize = 8 * 1024;
/// The capacity the input and output buffers keep between messages.
const KEPT_CAPACITY: usize = 256 * 1024;
/// The longest header field name kept in the input while looking for the next header.
const LONGEST_NAME: usize = 16;

/// What `dflint/invalidMessage` receives.
#[derive(Debug, Deserialize)]
pub struct Invalid {
    pub code: i64,
    pub message: String,
}

/// What `dflint/unappliedChange` receives: the document (when its URI could be read) and why.
#[derive(Debug, Deserialize)]
pub struct Unapplied {
    pub uri: Option<String>,
    pub reason: String,
    /// It was the document's `didOpen`.
    #[serde(default)]
    pub open: bool,
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
    eof: bool,
    /// Whether the input was drained as stalled since the last bytes arrived.
    stall_seen: bool,
}

/// How far the JSON value at the start of some bytes goes.
#[derive(Debug, PartialEq, Eq)]
enum Extent {
    /// It ends here (after leading whitespace and the value).
    Complete(usize),
    /// The bytes end inside it.
    Incomplete,
    /// They do not start with a JSON value.
    Invalid,
}

fn json_extent(bytes: &[u8]) -> Extent {
    let mut values =
        serde_json::Deserializer::from_slice(bytes).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => Extent::Complete(values.byte_offset()),
        Some(Err(e)) if e.is_eof() => Extent::Incomplete,
        Some(Err(_)) => Extent::Invalid,
        None => Extent::Incomplete,
    }
}

/// Whether `bytes` start with a header field this reader knows (case-insensitive).
fn starts_header(bytes: &[u8]) -> bool {
    [&b"content-length"[..], b"content-type"]
        .iter()
        .any(|name| bytes.len() >= name.len() && bytes[..name.len()].eq_ignore_ascii_case(name))
}

/// How many bytes come before a header name that is still arriving at the end of `bytes` (all of them when
/// their last line cannot be the start of one): a broken body taken on a stall must not take the next header.
fn before_partial_header(bytes: &[u8]) -> usize {
    let line = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |nl| nl + 1);
    let tail = &bytes[line..];
    let partial = !tail.is_empty()
        && [&b"content-length"[..], b"content-type"]
            .iter()
            .any(|name| {
                let n = tail.len().min(name.len());
                name[..n].eq_ignore_ascii_case(&tail[..n])
            });
    if partial {
        line
    } else {
        bytes.len()
    }
}

/// Where the next known header field starts in `bytes`.
fn next_header(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find(|&i| matches!(bytes[i], b'c' | b'C') && starts_header(&bytes[i..]))
}

/// Whether a header line is `Name: value` (a token name, a printable value).
fn is_field(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && colon <= 64
        && line[..colon]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && line[colon + 1..]
            .iter()
            .all(|b| (b' '..=b'~').contains(b) || *b == b'\t')
}

/// A parsed header block: its claimed body length (when it gave a usable one) and where the body starts.
struct Header {
    length: Option<usize>,
    /// Why the length is not usable, when it is not.
    problem: Option<String>,
    body_start: usize,
}

/// Reads the header block at the start of `input` (which starts with a known field); `None` until it is complete.
fn read_header(input: &[u8]) -> Option<Header> {
    let mut pos = 0;
    let mut length: Option<Result<usize, String>> = None;
    loop {
        let nl = input[pos..].iter().position(|&b| b == b'\n')?;
        let raw = &input[pos..pos + nl];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            pos += nl + 1;
            break;
        }
        if !is_field(line) {
            // No blank line: the body starts on this line.
            break;
        }
        let (name, value) = line.split_at(line.iter().position(|&b| b == b':').expect("a field"));
        if name.eq_ignore_ascii_case(b"content-length") {
            let value = String::from_utf8_lossy(&value[1..]).trim().to_string();
            length = Some(match value.parse::<u64>() {
                Ok(n) if n > MAX_BODY as u64 => Err(format!("Content-Length {n} is too large")),
                Ok(n) => Ok(n as usize),
                Err(_) => Err(format!("Content-Length {value:?} is not a length")),
            });
        }
        pos += nl + 1;
    }
    let (length, problem) = match length {
        Some(Ok(n)) => (Some(n), None),
        Some(Err(why)) => (None, Some(why)),
        None => (None, Some("no Content-Length header".to_string())),
    };
    Some(Header {
        length,
        problem,
        body_start: pos,
    })
}

/// What to do with a body.
enum Verdict {
    Pass,
    /// Answer with this error code and message, to this id.
    Invalid(i64, String, Value),
    /// A document change that cannot be applied: the document, why, and whether it was its `didOpen`.
    Unapplied(Option<String>, String, bool),
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
            eof: false,
            stall_seen: false,
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

    fn push_body(&mut self, body: &[u8]) {
        match check(body) {
            Verdict::Pass => self.push_frame(body),
            Verdict::Invalid(code, message, id) => self.push_invalid(code, &message, id),
            Verdict::Unapplied(uri, reason, open) => {
                let note = json!({"jsonrpc": "2.0", "method": UNAPPLIED_CHANGE, "params": {"uri": uri, "reason": reason, "open": open}});
                let body = serde_json::to_vec(&note).expect("a JSON value serializes");
                self.push_frame(&body);
            }
        }
    }

    /// Drops `n` bytes of garbage from the input and says so once.
    fn drop_garbage(&mut self, n: usize) {
        let garbage = String::from_utf8_lossy(&self.input[..n.min(40)]).into_owned();
        self.input.drain(..n);
        self.push_invalid(
            -32700,
            &format!("{n} bytes outside any message skipped: {garbage:?}"),
            Value::Null,
        );
    }

    /// Moves every complete message from `input` to `output`, replacing the invalid ones. `stalled`: no more input
    /// is available right now, so a body shorter than its claimed length but complete as JSON is taken as it is.
    fn drain(&mut self, stalled: bool) {
        loop {
            // Blank lines between messages are harmless; anything else before a header is garbage.
            let blank = self
                .input
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.input.drain(..blank);
            if self.input.is_empty() {
                return;
            }
            let first_line = self.input.iter().position(|&b| b == b'\n');
            let field = match first_line {
                Some(nl) => {
                    let line = &self.input[..nl];
                    is_field(line.strip_suffix(b"\r").unwrap_or(line))
                }
                // A field still arriving: a name, perhaps its colon and value.
                None => {
                    self.input.len() <= MAX_HEADER
                        && is_field(&[&self.input[..], b":"].concat()[..])
                }
            };
            if first_line.is_none() && field && !starts_header(&self.input) {
                return;
            }
            if !starts_header(&self.input) && !field {
                match next_header(&self.input) {
                    Some(at) => self.drop_garbage(at),
                    None if self.input.len() > LONGEST_NAME => {
                        // Keep a tail that may be the start of a header split across reads.
                        let keep = self.input.len() - LONGEST_NAME;
                        self.drop_garbage(keep);
                    }
                    None => return,
                }
                continue;
            }
            let Some(header) = read_header(&self.input) else {
                if self.input.len() > MAX_HEADER {
                    self.drop_garbage(self.input.len().min(MAX_HEADER));
                    continue;
                }
                return;
            };
            if header.body_start == 0 {
                // A known field name with a value no header has (a control or non-ASCII byte): a garbage line.
                let line = first_line.map_or(self.input.len(), |nl| nl + 1);
                self.drop_garbage(line);
                continue;
            }
            let start = header.body_start;
            let available = &self.input[start..];
            let end = match header.length.filter(|&n| fits(available, n)) {
                // The usual case: the length is right.
                Some(n) => n,
                None => {
                    let waiting = header.length.is_some_and(|n| available.len() < n);
                    // Only a body whose last byte closes an object can be complete short of its length.
                    let closed =
                        available.iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b'}');
                    if waiting && !(stalled && closed) {
                        return;
                    }
                    match json_extent(available) {
                        Extent::Complete(m) => {
                            let why = header.problem.clone().unwrap_or_else(|| {
                                format!(
                                    "Content-Length {} for a body of {m} bytes",
                                    header.length.unwrap_or(0)
                                )
                            });
                            eprintln!("dflint server: framing error ({why}): the message is read up to the end of its JSON body");
                            m
                        }
                        Extent::Incomplete => {
                            if available.len() > MAX_BODY {
                                let n = start + available.len();
                                self.drop_garbage(n);
                                continue;
                            }
                            if waiting || !stalled {
                                return;
                            }
                            // A wrong or missing length, a body that does not end, and nothing more coming now:
                            // the body is broken; answer that rather than wait.
                            match next_header(available) {
                                Some(at) => header.length.unwrap_or(at).min(at),
                                None => match header.length {
                                    Some(n) => n,
                                    None => match before_partial_header(available) {
                                        0 => return,
                                        n => n,
                                    },
                                },
                            }
                        }
                        Extent::Invalid => {
                            // Not JSON: the message is what its length says, or up to the next header.
                            match (header.length, next_header(available)) {
                                (Some(n), Some(h)) if n <= h => n,
                                (_, Some(h)) => h,
                                // Never into a header name that is still arriving.
                                (Some(n), None) if available.len() >= n => {
                                    match n.min(before_partial_header(available)) {
                                        0 if !self.eof => return,
                                        0 => available.len(),
                                        n => n,
                                    }
                                }
                                (_, None) if stalled || self.eof => {
                                    match before_partial_header(available) {
                                        0 if !self.eof => return,
                                        n => n,
                                    }
                                }
                                (_, None) => return,
                            }
                        }
                    }
                }
            };
            let body: Vec<u8> = self.input.drain(..start + end).skip(start).collect();
            self.push_body(&body);
        }
    }
}

/// Whether the claimed length `n` frames the body: `n` bytes have arrived, and they are one JSON value (with
/// whitespace after it), or what follows them starts like the next message.
fn fits(available: &[u8], n: usize) -> bool {
    if n == 0 || available.len() < n {
        return false;
    }
    let json = match json_extent(&available[..n]) {
        Extent::Complete(m) => available[m..n].iter().all(u8::is_ascii_whitespace),
        _ => false,
    };
    json || {
        let rest = &available[n..];
        let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        rest.is_empty() || starts_header(rest)
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

/// Replaces the `\uXXXX` escapes of lone UTF-16 surrogates in JSON text by `\ufffd`; `None` when there are none.
fn without_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let hex = |at: usize| -> Option<u16> {
        let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
        u16::from_str_radix(digits, 16).ok()
    };
    let escape_at = |at: usize| -> Option<u16> {
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| hex(at + 2))
            .flatten()
    };
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut found = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(i) else {
            // Any other escape: skip the escaped character, so `\\u` is not read as an escape.
            i += 2;
            continue;
        };
        let lone = match unit {
            0xD800..=0xDBFF => match escape_at(i + 6) {
                Some(0xDC00..=0xDFFF) => {
                    i += 12;
                    continue;
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            out.push_str(&text[last..i]);
            out.push_str("\\ufffd");
            last = i + 6;
            found = true;
        }
        i += 6;
    }
    found.then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// Why the parameters of a document notification cannot be applied, if they cannot.
fn unapplicable(method: &str, params: &Value) -> Option<String> {
    let error = match method {
        "textDocument/didOpen" => DidOpenTextDocumentParams::deserialize(params).err(),
        "textDocument/didChange" => DidChangeTextDocumentParams::deserialize(params).err(),
        _ => return None,
    }?;
    Some(format!("{method} with invalid parameters: {error}"))
}

fn uri_of(params: &Value) -> Option<String> {
    params["textDocument"]["uri"].as_str().map(String::from)
}

/// Whether a body is a message tower-lsp-server can decode and handle, or what to do instead.
fn check(body: &[u8]) -> Verdict {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            return Verdict::Invalid(-32700, format!("message is not UTF-8: {e}"), Value::Null)
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            // JSON's grammar allows `\ud800` alone, but it is no text: such a change cannot be applied.
            let repaired =
                without_lone_surrogates(text).and_then(|t| serde_json::from_str::<Value>(&t).ok());
            let Some(value) = repaired else {
                return Verdict::Invalid(-32700, format!("parse error: {e}"), Value::Null);
            };
            let method = value["method"].as_str().unwrap_or_default();
            if method == "textDocument/didOpen" || method == "textDocument/didChange" {
                return Verdict::Unapplied(
                    uri_of(&value["params"]),
                    format!("{method} with a lone UTF-16 surrogate in its text"),
                    method == "textDocument/didOpen",
                );
            }
            let id = value
                .get("id")
                .cloned()
                .filter(valid_id)
                .unwrap_or(Value::Null);
            return Verdict::Invalid(
                -32602,
                "invalid params: a lone UTF-16 surrogate in a string".into(),
                id,
            );
        }
    };
    let invalid =
        |why: &str, id: Value| Verdict::Invalid(-32600, format!("invalid request: {why}"), id);
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
        Some(Value::String(method)) => {
            if method.starts_with("$/") && id.is_some() {
                // Protocol-implementation requests the server does not know get an answer all the same.
                return Verdict::Invalid(-32601, format!("method not found: {method}"), answer_id);
            }
            if id.is_none() {
                if let Some(reason) = unapplicable(method, &value["params"]) {
                    let open = method == "textDocument/didOpen";
                    return Verdict::Unapplied(uri_of(&value["params"]), reason, open);
                }
            }
        }
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
    Verdict::Pass
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
                    // One large message (opening a big file) must not keep its size in buffers for good.
                    this.output.shrink_to(KEPT_CAPACITY);
                    if this.input.len() <= KEPT_CAPACITY {
                        this.input.shrink_to(KEPT_CAPACITY);
                    }
                }
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                if !this.stall_seen {
                    this.stall_seen = true;
                    this.drain(true);
                    continue;
                }
                return Poll::Ready(Ok(()));
            }
            let mut read = ReadBuf::new(&mut this.scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => {
                    // Nothing more for now: what a wrong length promised may never come.
                    if this.stall_seen || this.input.is_empty() {
                        return Poll::Pending;
                    }
                    this.stall_seen = true;
                    this.drain(true);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let filled = read.filled().len();
                    this.stall_seen = false;
                    if filled == 0 {
                        this.eof = true;
                    } else {
                        this.input.extend_from_slice(&this.scratch[..filled]);
                        this.drain(false);
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
        self.out.shrink_to(KEPT_CAPACITY);
        if self.pending.len() <= KEPT_CAPACITY {
            self.pending.shrink_to(KEPT_CAPACITY);
        }
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
        // A header block without Content-Length: the JSON body that follows is the message.
        let out = sanitize(format!("X-Nothing: 1\r\n\r\n{ok}{}", frame(ok)).as_bytes()).await;
        assert_eq!(out, frame(ok).repeat(2));
        let mut bad_utf8 = b"Content-Length: 3\r\n\r\n".to_vec();
        bad_utf8.extend_from_slice(&[0xff, 0xfe, b'{']);
        assert!(sanitize(&bad_utf8).await.contains("not UTF-8"));
    }

    #[test]
    fn lone_surrogates_are_found_and_pairs_and_escaped_backslashes_are_not() {
        assert_eq!(
            without_lone_surrogates(r#"{"a":"x\ud800y","b":"\udc00"}"#).as_deref(),
            Some(r#"{"a":"x\ufffdy","b":"\ufffd"}"#)
        );
        assert_eq!(
            without_lone_surrogates(r#"{"a":"\ud83d\udc33 \u00e9"}"#),
            None
        );
        // `\\ud800` is a backslash, then the letters `ud800`.
        assert_eq!(without_lone_surrogates(r#"{"a":"\\ud800"}"#), None);
    }

    #[test]
    fn json_values_end_where_they_end() {
        assert_eq!(
            json_extent(br#" {"a":[1,"}"]} Content-Length"#),
            Extent::Complete(14)
        );
        assert_eq!(json_extent(br#"{"a":[1,"#), Extent::Incomplete);
        assert_eq!(json_extent(b"Content-Length: 3"), Extent::Invalid);
        assert!(
            fits(br#"{"a":1}"#, 7)
                && fits(b"{oops\r\n", 5)
                && !fits(br#"{"a":1}Content-Length: 2"#, 8)
        );
    }

    /// Whatever garbage comes first (pieces of headers and JSON at random), the valid message after it gets
    /// through whole, and the reader ends.
    #[tokio::test]
    async fn any_garbage_is_followed_by_a_resynchronisation() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let pieces: [&[u8]; 12] = [
            b"Content-Length: ",
            b"3",
            b"-1",
            b"99999999999",
            b"\r\n",
            b"\r\n\r\n",
            b"{",
            b"}",
            b"\"",
            b"Content-Type: x",
            br#"{"jsonrpc":"2.0","method":"x"}"#,
            b"\xff",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..300 {
            let mut input = Vec::new();
            for _ in 0..next(12) {
                input.extend_from_slice(pieces[next(pieces.len())]);
            }
            // A message is known to end where a blank line or the end of a JSON value is; garbage that leaves
            // a header or a string open is closed by what a real client sends next: a line end.
            input.extend_from_slice(b"\"}\r\n\r\n");
            input.extend_from_slice(frame(ok).as_bytes());
            let out = sanitize(&input).await;
            assert!(
                out.ends_with(ok),
                "round {round}: {:?} gave {out:?}",
                String::from_utf8_lossy(&input)
            );
            // The same bytes in small pieces, the input stalling after each.
            let mut out = String::new();
            let chunked = Chunked {
                data: input.clone(),
                pos: 0,
                size: 1 + next(40),
                stall: false,
            };
            Sanitized::new(chunked)
                .read_to_string(&mut out)
                .await
                .unwrap();
            assert!(
                out.ends_with(ok),
                "round {round} in pieces: {:?} gave {out:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }

    /// A reader that gives `size` bytes at a time and has nothing between two pieces.
    struct Chunked {
        data: Vec<u8>,
        pos: usize,
        size: usize,
        stall: bool,
    }

    impl AsyncRead for Chunked {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            if self.stall {
                self.stall = false;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let end = (self.pos + self.size).min(self.data.len());
            let n = (end - self.pos).min(buf.remaining());
            buf.put_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            self.stall = true;
            Poll::Ready(Ok(()))
        }
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
