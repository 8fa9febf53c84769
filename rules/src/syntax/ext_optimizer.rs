//! What the optimizer reads beyond the typed model, computed from the model and the source text only:
//! an instruction's logical text with the source offset of every byte, its flags and arguments read as BuildKit
//! splits them (with source ranges), and exec-form arrays with the range of each element.
use std::ops::Range;

use super::model::{Instruction, Span};
use super::words::unquote;

/// A logical (continuation-free) text and, for each of its bytes, the source bytes it came from.
///
/// The map is kept as runs, not one entry per byte: a long script is a few verbatim runs between continuations, so
/// the map costs a few words per continuation instead of sixteen bytes per byte of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapped {
    pub text: String,
    /// In text order, each starting where the previous one ends; the last runs to the end of the text.
    runs: Vec<Run>,
    /// The source offset just after the text.
    end: usize,
}

/// Bytes of a [`Mapped`] text from logical offset `at` on (up to the next run): a verbatim copy of the source from
/// `source` on, or, when not `verbatim`, bytes that all come from `source..source_end` (one decoded escape
/// sequence, or nothing at all for an inserted line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    at: usize,
    source: usize,
    source_end: usize,
    verbatim: bool,
}

impl Mapped {
    /// A text that is a verbatim copy of the source starting at `start`.
    pub fn verbatim(text: &str, start: usize) -> Mapped {
        let mut b = MappedBuilder::default();
        b.verbatim(text, start);
        b.finish(start + text.len())
    }

    /// The run holding logical byte `at` (which must be inside the text).
    fn run(&self, at: usize) -> &Run {
        let i = self.runs.partition_point(|r| r.at <= at);
        &self.runs[i - 1]
    }

    /// The source bytes of logical byte `at`, when it is inside the text.
    fn span(&self, at: usize) -> Option<(usize, usize)> {
        if at >= self.text.len() {
            return None;
        }
        let r = self.run(at);
        Some(if r.verbatim {
            let o = r.source + (at - r.at);
            (o, o + 1)
        } else {
            (r.source, r.source_end)
        })
    }

    /// The source offset of logical offset `at` (the end maps to the source end).
    pub fn source(&self, at: usize) -> usize {
        self.span(at).map_or(self.end, |s| s.0)
    }

    /// The source range of a logical range: from its first byte to just after its last.
    pub fn source_range(&self, r: Range<usize>) -> Span {
        let start = self.source(r.start);
        if r.end <= r.start {
            return start..start;
        }
        let end = self.span(r.end - 1).map_or(self.end, |s| s.1);
        start..end.max(start)
    }

    /// The logical offset of a source offset, when that byte is part of the text.
    pub fn logical(&self, source: usize) -> Option<usize> {
        self.runs.iter().enumerate().find_map(|(i, r)| {
            let len = self.runs.get(i + 1).map_or(self.text.len(), |n| n.at) - r.at;
            if r.verbatim {
                (r.source <= source && source < r.source + len).then(|| r.at + (source - r.source))
            } else {
                (r.source == source).then_some(r.at)
            }
        })
    }

    /// A sub-text, still mapped.
    pub fn slice(&self, r: Range<usize>) -> Mapped {
        let end = self.source(r.end);
        let mut b = MappedBuilder::default();
        b.mapped(self, r);
        b.finish(end)
    }

    /// [`Mapped::slice`] from `from` to the end, reusing this text's buffers: what an instruction's arguments keep
    /// after its flags, read for every instruction of every lint.
    pub fn into_tail(mut self, from: usize) -> Mapped {
        if from >= self.text.len() {
            self.text.clear();
            self.runs.clear();
            return self;
        }
        // The runs stay merged as the builder merges them: only the first one is cut.
        let first = self.runs.partition_point(|x| x.at <= from) - 1;
        self.runs.drain(..first);
        for r in &mut self.runs {
            if r.at < from {
                if r.verbatim {
                    r.source += from - r.at;
                }
                r.at = from;
            }
            r.at -= from;
        }
        self.text.drain(..from);
        self
    }
}

/// Builds a [`Mapped`] piece by piece, merging the runs that continue one another.
#[derive(Default)]
pub(crate) struct MappedBuilder {
    text: String,
    runs: Vec<Run>,
}

impl MappedBuilder {
    fn push_run(&mut self, len: usize, source: usize, source_end: usize, verbatim: bool) {
        if len == 0 {
            return;
        }
        let at = self.text.len();
        // One byte from one byte is a verbatim byte, however it was given: the map has one spelling.
        let verbatim = verbatim || (len == 1 && source_end == source + 1);
        let continues = self.runs.last().is_some_and(|last| {
            last.verbatim == verbatim
                && if verbatim {
                    last.source + (at - last.at) == source
                } else {
                    (last.source, last.source_end) == (source, source_end)
                }
        });
        if !continues {
            self.runs.push(Run {
                at,
                source,
                source_end,
                verbatim,
            });
        }
    }

    /// Appends `piece`, a verbatim copy of the source from `source` on.
    pub(crate) fn verbatim(&mut self, piece: &str, source: usize) {
        self.push_run(piece.len(), source, source + piece.len(), true);
        self.text.push_str(piece);
    }

    /// Appends `piece`, every byte of which comes from the source range `source` (an escape sequence, or nothing).
    pub(crate) fn decoded(&mut self, piece: &str, source: Span) {
        self.push_run(piece.len(), source.start, source.end, false);
        self.text.push_str(piece);
    }

    /// Appends the bytes `r` of `m` with their map.
    pub(crate) fn mapped(&mut self, m: &Mapped, r: Range<usize>) {
        if r.start >= r.end {
            return;
        }
        let first = m.runs.partition_point(|x| x.at <= r.start) - 1;
        for (i, run) in m.runs.iter().enumerate().skip(first) {
            if run.at >= r.end {
                break;
            }
            let from = run.at.max(r.start);
            let to = m.runs.get(i + 1).map_or(m.text.len(), |n| n.at).min(r.end);
            let source = if run.verbatim {
                run.source + (from - run.at)
            } else {
                run.source
            };
            self.push_run(to - from, source, run.source_end, run.verbatim);
            self.text.push_str(&m.text[from..to]);
        }
    }

    /// The text so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn finish(self, end: usize) -> Mapped {
        // Kept for every instruction by the analysis, and most have one run: pushed one at a time, the runs would
        // keep room for four (128 bytes where 32 are used), and a text grown piece by piece keeps its slack.
        Mapped {
            text: super::exact_string(self.text),
            runs: super::exact(self.runs),
            end,
        }
    }
}

/// The logical text of `range`: the source with the continuations (escape, newline and skipped lines) removed.
pub fn mapped(text: &str, range: Span, continuations: &[Span]) -> Mapped {
    let mut b = MappedBuilder::default();
    b.text.reserve(range.len());
    let mut pos = range.start;
    for c in super::model::continuations_within(continuations, &range) {
        if c.start < pos {
            continue;
        }
        b.verbatim(&text[pos..c.start], pos);
        pos = c.end.min(range.end);
    }
    if pos < range.end {
        b.verbatim(&text[pos..range.end], pos);
    }
    b.finish(range.end)
}

/// One word of an instruction's arguments, split as BuildKit splits them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgWord {
    /// Source range (may span a line continuation).
    pub range: Span,
    /// As written, continuations removed.
    pub raw: String,
    /// Quotes removed, escapes resolved, variables not expanded.
    pub value: String,
}

/// A `--name[=value]` flag read from the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFlag {
    pub range: Span,
    /// Lower case.
    pub name: String,
    pub value: Option<String>,
    pub value_range: Option<Span>,
}

impl SourceFlag {
    /// The `key=value` parts of a comma-separated value (`type=cache,target=/x`).
    pub fn options(&self) -> Vec<(String, Option<String>)> {
        self.value
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_string())),
                None => (p.trim().to_ascii_lowercase(), None),
            })
            .collect()
    }
}

/// One element of a JSON string array, with its source range (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayElement {
    pub range: Span,
    pub value: String,
    /// The decoded value, mapped back to the source (for scripts inside `["sh", "-c", "..."]`).
    pub mapped: Mapped,
}

/// An instruction's arguments as the optimizer reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub flags: Vec<SourceFlag>,
    /// The logical text after the flags, mapped to the source; shared with the script read from it (the analysis
    /// holds both for every RUN).
    pub rest: std::sync::Arc<Mapped>,
    /// The words of `rest` (shell-form and path arguments), split when first asked for: most instructions are
    /// read through their script or their JSON form instead.
    words: std::sync::OnceLock<Vec<ArgWord>>,
    escape: char,
    /// `rest` read as a JSON string array, when it is one.
    pub json: Option<Vec<ArrayElement>>,
}

impl Args {
    /// The words of `rest`, split as BuildKit splits them.
    pub fn words(&self) -> &[ArgWord] {
        self.words
            .get_or_init(|| split_words(&self.rest, self.escape))
    }

    pub fn flag(&self, name: &str) -> Option<&SourceFlag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Reads an instruction's flags and arguments from the source text (its first line through its last, heredoc
/// bodies excluded).
pub fn args(text: &str, ins: &Instruction, escape: char) -> Args {
    let m = mapped(text, ins.keyword.end..ins.range.end, &ins.continuations);
    let b = m.text.as_bytes();
    let mut pos = 0;
    let mut flags = Vec::new();
    loop {
        while pos < b.len() && is_space(b[pos]) {
            pos += 1;
        }
        if !(pos + 1 < b.len() && b[pos] == b'-' && b[pos + 1] == b'-') {
            break;
        }
        let start = pos;
        let end = word_end(b, pos, escape);
        let word = &m.text[start + 2..end];
        pos = end;
        if word.is_empty() {
            // A bare `--` ends the flags.
            break;
        }
        let (name, value, value_range) = match word.find('=') {
            Some(eq) => {
                let vstart = start + 2 + eq + 1;
                (
                    word[..eq].to_ascii_lowercase(),
                    Some(unquote(&word[eq + 1..], '\\')),
                    Some(m.source_range(vstart..end)),
                )
            }
            None => (word.to_ascii_lowercase(), None, None),
        };
        flags.push(SourceFlag {
            range: m.source_range(start..end),
            name,
            value,
            value_range,
        });
    }
    let rest = std::sync::Arc::new(m.into_tail(pos));
    let json = json_array(&rest);
    Args {
        flags,
        rest,
        words: std::sync::OnceLock::new(),
        escape,
        json,
    }
}

/// The end of a whitespace-delimited word starting at `pos`, honouring quotes and the escape character.
fn word_end(b: &[u8], mut pos: usize, escape: char) -> usize {
    let esc = escape as u8;
    let mut quote: Option<u8> = None;
    while pos < b.len() {
        let c = b[pos];
        match quote {
            Some(q) if c == q => quote = None,
            Some(q) if c == esc && q != b'\'' && pos + 1 < b.len() => pos += 1,
            Some(_) => {}
            None if is_space(c) => break,
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == esc && pos + 1 < b.len() => pos += 1,
            None => {}
        }
        pos += 1;
    }
    pos.min(b.len())
}

/// Splits a mapped text into words (BuildKit's `parseWords`), keeping each word's source range.
pub fn split_words(m: &Mapped, escape: char) -> Vec<ArgWord> {
    let b = m.text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        if is_space(b[pos]) {
            pos += 1;
            continue;
        }
        let end = word_end(b, pos, escape);
        let raw = m.text[pos..end].to_string();
        out.push(ArgWord {
            range: m.source_range(pos..end),
            value: unquote(&raw, escape),
            raw,
        });
        pos = end;
    }
    out
}

/// Reads `[ "a", "b" ]` (strict JSON, strings only), each element with its range and a source map of its value.
pub fn json_array(m: &Mapped) -> Option<Vec<ArrayElement>> {
    let b = m.text.as_bytes();
    let mut pos = 0;
    let skip = |pos: &mut usize| {
        while *pos < b.len() && is_space(b[*pos]) {
            *pos += 1;
        }
    };
    skip(&mut pos);
    if b.get(pos) != Some(&b'[') {
        return None;
    }
    pos += 1;
    let mut out = Vec::new();
    skip(&mut pos);
    if b.get(pos) == Some(&b']') {
        return Some(out);
    }
    loop {
        skip(&mut pos);
        let (mapped, end) = json_string(m, pos)?;
        out.push(ArrayElement {
            range: m.source_range(pos..end),
            value: mapped.text.clone(),
            mapped,
        });
        pos = end;
        skip(&mut pos);
        match b.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => return Some(out),
            _ => return None,
        }
    }
}

/// A JSON string at `pos`: its decoded value mapped to the source, and the logical offset after its closing quote.
fn json_string(m: &Mapped, pos: usize) -> Option<(Mapped, usize)> {
    let s = &m.text;
    let b = s.as_bytes();
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut value = MappedBuilder::default();
    let mut i = pos + 1;
    loop {
        let c = *b.get(i)?;
        let (ch, len) = match c {
            b'"' => return Some((value.finish(m.source(i)), i + 1)),
            b'\\' => match *b.get(i + 1)? {
                b'"' => ('"', 2),
                b'\\' => ('\\', 2),
                b'/' => ('/', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                b'n' => ('\n', 2),
                b'r' => ('\r', 2),
                b't' => ('\t', 2),
                b'u' => {
                    let code = u32::from_str_radix(s.get(i + 2..i + 6)?, 16).ok()?;
                    (char::from_u32(code).unwrap_or('\u{fffd}'), 6)
                }
                _ => return None,
            },
            c if c < 0x20 => return None,
            _ => {
                let ch = s[i..].chars().next()?;
                value.mapped(m, i..i + ch.len_utf8());
                i += ch.len_utf8();
                continue;
            }
        };
        value.decoded(ch.encode_utf8(&mut [0; 4]), m.source_range(i..i + len));
        i += len;
    }
}

/// The arguments of a `COPY`/`ADD`: sources and destination (heredoc sources are left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyArgs {
    pub sources: Vec<ArgWord>,
    pub dest: ArgWord,
    /// Sources given as heredocs (`COPY <<EOF /x`).
    pub heredoc_sources: usize,
    pub json: bool,
}

/// Sources and destination of a `COPY`/`ADD`, read from the source text.
pub fn copy_args(args: &Args) -> Option<CopyArgs> {
    let (mut words, json): (Vec<ArgWord>, bool) = match &args.json {
        Some(elements) => (
            elements
                .iter()
                .map(|e| ArgWord {
                    range: e.range.clone(),
                    raw: e.value.clone(),
                    value: e.value.clone(),
                })
                .collect(),
            true,
        ),
        None => (args.words().to_vec(), false),
    };
    if words.len() < 2 {
        return None;
    }
    let dest = words.pop()?;
    let before = words.len();
    if !json {
        words.retain(|w| !w.raw.starts_with("<<"));
    }
    Some(CopyArgs {
        heredoc_sources: before - words.len(),
        sources: words,
        dest,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    #[test]
    fn a_tail_is_the_slice_to_the_end() {
        let src = "FROM a\nRUN --mount=type=cache,target=/x \\\n  # note\n  apt-get \\\n install -y \\\n\n  curl\n";
        let doc = Document::parse(src);
        let ins = &doc.instructions()[1];
        let m = mapped(src, ins.keyword.end..ins.range.end, &ins.continuations);
        for from in 0..=m.text.len() + 1 {
            assert_eq!(
                m.clone().into_tail(from),
                m.slice(from.min(m.text.len())..m.text.len()),
                "from {from}"
            );
        }
    }

    #[test]
    fn flags_and_words_from_the_source() {
        let src = "FROM a\nCOPY --from=build --chown=1:1 \\\n  /a \"b c\" /dest/\n";
        let doc = Document::parse(src);
        let a = args(src, &doc.instructions()[1], '\\');
        let names: Vec<&str> = a.flags.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["from", "chown"]);
        assert_eq!(a.flag("from").unwrap().value.as_deref(), Some("build"));
        let vr = a.flag("from").unwrap().value_range.clone().unwrap();
        assert_eq!(&src[vr], "build");
        let c = copy_args(&a).unwrap();
        assert_eq!(c.sources.len(), 2);
        assert_eq!(&src[c.sources[1].range.clone()], "\"b c\"");
        assert_eq!(c.sources[1].value, "b c");
        assert_eq!(c.dest.value, "/dest/");
    }

    #[test]
    fn mount_flags_and_shell_text() {
        let src =
            "FROM a\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n    && npm run build\n";
        let doc = Document::parse(src);
        let a = args(src, &doc.instructions()[1], '\\');
        assert_eq!(
            a.flags[0].options(),
            [
                ("type".to_string(), Some("cache".to_string())),
                ("target".to_string(), Some("/root/.npm".to_string()))
            ]
        );
        assert_eq!(a.rest.text.trim_start(), "npm ci     && npm run build");
        let at = a.rest.text.find("&&").unwrap();
        assert_eq!(&src[a.rest.source_range(at..at + 2)], "&&");
    }

    #[test]
    fn json_elements_map_escapes_back() {
        let src = "FROM a\nCMD [\"sh\", \"-c\", \"echo \\\"hi\\\" \\u0041\"]\n";
        let doc = Document::parse(src);
        let a = args(src, &doc.instructions()[1], '\\');
        let j = a.json.unwrap();
        assert_eq!(j[2].value, "echo \"hi\" A");
        let m = &j[2].mapped;
        let at = m.text.find("hi").unwrap();
        assert_eq!(&src[m.source_range(at..at + 2)], "hi");
        assert_eq!(&src[m.source_range(at - 1..at)], "\\\"");
        assert!(json_array(&Mapped::verbatim("['a']", 0)).is_none());
        assert!(json_array(&Mapped::verbatim("[\"a\",]", 0)).is_none());
    }

    /// The map kept as runs reads every byte as a map of one entry per byte would.
    #[test]
    fn runs_map_each_byte_as_bytes_would() {
        let src = "FROM a\nCMD [\"sh\", \"-c\", \"a\\u00e9\\n b \\\\ \u{e9}c\"] \\\n  \\\n  # gone\n  tail\n";
        let doc = Document::parse(src);
        let ins = &doc.instructions()[1];
        let a = args(src, ins, '\\');
        let script = &a.json.as_ref().unwrap()[2].mapped;
        // The reference: each byte's source, built the way the map used to be.
        let mut reference = Vec::new();
        let inner = &src[a.json.as_ref().unwrap()[2].range.clone()];
        let base = a.json.as_ref().unwrap()[2].range.start + 1;
        let mut i = 1;
        let b = inner.as_bytes();
        while i < b.len() - 1 {
            let (len, out) = match (b[i], b.get(i + 1)) {
                (b'\\', Some(b'u')) => (6, 2),
                (b'\\', _) => (2, 1),
                _ => (1, 1),
            };
            for _ in 0..out {
                reference.push(if len == 1 {
                    (base + i - 1, base + i)
                } else {
                    (base + i - 1, base + i - 1 + len)
                });
            }
            i += len;
        }
        assert_eq!(script.text, "a\u{e9}\n b \\ \u{e9}c");
        assert_eq!(reference.len(), script.text.len());
        for (at, &(s, e)) in reference.iter().enumerate() {
            assert_eq!(script.source(at), s, "byte {at}");
            assert_eq!(script.source_range(at..at + 1), s..e, "byte {at}");
            if script.text.is_char_boundary(at) {
                let sub = script.slice(at..script.text.len());
                assert_eq!(sub.source(0), s, "slice from {at}");
                assert_eq!(sub.source(sub.text.len()), script.source(script.text.len()));
            }
        }
        assert_eq!(script.logical(reference[3].0), Some(3));
        // Across continuations: the logical text skips them, the map does not.
        let rest = &a.rest;
        let t = rest.text.find("tail").unwrap();
        assert_eq!(&src[rest.source_range(t..t + 4)], "tail");
        assert_eq!(rest.logical(src.find("tail").unwrap()), Some(t));
        assert_eq!(rest.source(rest.text.len()), ins.range.end);
        assert_eq!(
            rest.slice(t..t + 4),
            Mapped::verbatim("tail", src.find("tail").unwrap())
        );
    }
}
