//! An open document: the editor's text as a rope (updated by incremental sync) and the parsed `Document`
//! (updated with `apply_edit`, which reparses incrementally).
//!
//! The rope follows every change at once; the document catches up when someone needs it (`flush`), with the
//! changes since its last update merged into one edit. A burst of keystrokes costs one reparse, not one each.
use std::ops::Range;
use std::sync::Arc;

use dflint_rules::syntax::Document;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use super::encoding::Encoding;

pub struct Buffer {
    rope: Rope,
    /// Shared with the diagnostics worker and requests; copied on write only while someone still reads it.
    doc: Arc<Document>,
    /// Changes not yet in `doc`: its bytes `start..old_end` are now the rope's `start..new_end`.
    pending: Option<Pending>,
    /// Whether `doc` holds a parse of the text (it is empty before the first flush and after `evict`).
    parsed: bool,
    pub version: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pending {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Buffer {
    /// A buffer whose document is parsed at the first `flush`.
    pub fn new(text: &str, version: i32) -> Buffer {
        Buffer {
            rope: Rope::from_str(text),
            doc: Arc::new(Document::parse("")),
            pending: Some(Pending {
                start: 0,
                old_end: 0,
                new_end: text.len(),
            }),
            parsed: false,
            version,
        }
    }

    pub fn is_parsed(&self) -> bool {
        self.parsed
    }

    /// Drops the parsed document (the rope stays); the next `flush` parses the text again.
    pub fn evict(&mut self) {
        if !self.parsed {
            return;
        }
        self.doc = Arc::new(Document::parse(""));
        self.pending = Some(Pending {
            start: 0,
            old_end: 0,
            new_end: self.rope.len_bytes(),
        });
        self.parsed = false;
    }

    /// The bytes of text the next `flush` reparses (0 when the document is up to date).
    pub fn stale_bytes(&self) -> usize {
        self.pending.map_or(0, |p| p.new_end - p.start)
    }

    /// The length of the text in bytes.
    pub fn text_len(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Brings the document up to date with the rope: one incremental reparse for all changes since the last.
    /// Returns whether the document was not parsed before.
    pub fn flush(&mut self) -> bool {
        let newly = !self.parsed;
        self.parsed = true;
        let Some(p) = self.pending.take() else {
            return newly;
        };
        if newly {
            // Nothing parsed yet: a fresh parse of the whole text (in pieces when it is large), which takes the
            // text over.
            let text = self.rope.to_string();
            let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Document::parse_string(text)
            }));
            self.doc = Arc::new(parsed.unwrap_or_else(|_| Document::parse("")));
            return newly;
        }
        let text: String = self.rope.byte_slice(p.start..p.new_end).into();
        let mut doc = match Arc::try_unwrap(std::mem::replace(
            &mut self.doc,
            Arc::new(Document::parse("")),
        )) {
            Ok(doc) => doc,
            Err(shared) => (*shared).clone(),
        };
        // The syntax layer never fails by design; should it panic anyway, parse afresh rather than lose the server.
        let edited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            doc.apply_edit(p.start..p.old_end, &text);
            doc
        }));
        self.doc = Arc::new(match edited {
            Ok(doc) => doc,
            Err(_) => {
                let full = self.rope.to_string();
                std::panic::catch_unwind(|| Document::parse(&full))
                    .unwrap_or_else(|_| Document::parse(""))
            }
        });
        newly
    }

    /// The parsed document; call `flush` first.
    pub fn doc(&self) -> &Arc<Document> {
        debug_assert!(self.pending.is_none(), "a stale document");
        &self.doc
    }

    /// Applies one `didChange` event: a ranged edit, or the whole text when it has no range. A range that cannot
    /// be meant for this text (its end before its start, a line past the end) is refused and nothing changes: the
    /// text would no longer be the editor's.
    pub fn apply(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        encoding: Encoding,
    ) -> Result<(), String> {
        let (start, end) = match change.range {
            Some(range) => {
                if (range.end.line, range.end.character) < (range.start.line, range.start.character)
                {
                    return Err(format!(
                        "a change whose range ends ({}:{}) before it starts ({}:{})",
                        range.end.line,
                        range.end.character,
                        range.start.line,
                        range.start.character
                    ));
                }
                // One line past the last is where some clients append; further is another text.
                let lines = self.rope.len_lines();
                if range.end.line as usize > lines {
                    return Err(format!(
                        "a change at line {} of a text of {lines} lines",
                        range.end.line
                    ));
                }
                let start = self.offset(range.start, encoding);
                (start, self.offset(range.end, encoding).max(start))
            }
            None => (0, self.rope.len_bytes()),
        };
        self.edit(start..end, &change.text);
        Ok(())
    }

    /// Replaces the bytes `range` (on character boundaries) of the rope with `text`.
    fn edit(&mut self, range: Range<usize>, text: &str) {
        let (cs, ce) = (
            self.rope.byte_to_char(range.start),
            self.rope.byte_to_char(range.end),
        );
        self.rope.remove(cs..ce);
        self.rope.insert(cs, text);
        let after = |end: usize| (end + text.len()) - range.len();
        self.pending = Some(match self.pending {
            None => Pending {
                start: range.start,
                old_end: range.end,
                new_end: range.start + text.len(),
            },
            // The rope past `max(range.end, p.new_end)` still equals the document past the matching offset.
            Some(p) => {
                let hi = range.end.max(p.new_end);
                Pending {
                    start: p.start.min(range.start),
                    old_end: p.old_end + (hi - p.new_end),
                    new_end: after(hi),
                }
            }
        });
    }

    /// The byte offset of a position in the current text, clamped like [`super::encoding::Converter::offset`].
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        // Ropey (built without CR or Unicode line breaks) counts lines as the syntax layer does: at `\n`.
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let slice = self.rope.line(line);
        let mut content_chars = slice.len_chars();
        for c in ['\n', '\r'] {
            if content_chars > 0 && slice.char(content_chars - 1) == c {
                content_chars -= 1;
            }
        }
        let col = position.character as usize;
        let chars = match encoding {
            Encoding::Utf8 => {
                let content_bytes = slice.char_to_byte(content_chars);
                slice.byte_to_char(col.min(content_bytes))
            }
            Encoding::Utf16 => {
                let units = slice.char_to_utf16_cu(content_chars);
                slice.utf16_cu_to_char(col.min(units))
            }
        };
        self.rope.line_to_byte(line) + slice.char_to_byte(chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Range as LspRange;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(LspRange::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_edits_keep_rope_and_document_in_step() {
        let mut b = Buffer::new("FROM alpine\r\n# 주석 🐳\nrun echo hi\n", 1);
        b.flush();
        b.apply(&change(2, 0, 2, 3, "RUN"), Encoding::Utf16)
            .unwrap();
        b.flush();
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳\nRUN echo hi\n");
        // After the whale (2 UTF-16 units at column 5): append text to line 1.
        b.apply(&change(1, 7, 1, 7, "!"), Encoding::Utf16).unwrap();
        b.flush();
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳!\nRUN echo hi\n");
        // The same place in UTF-8 is byte column 13.
        b.apply(&change(1, 13, 1, 14, "?"), Encoding::Utf8).unwrap();
        b.flush();
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳?\nRUN echo hi\n");
        // Past the end of line 0 clamps before its CRLF; one line past the end of the text appends.
        b.apply(&change(0, 99, 0, 99, ":3"), Encoding::Utf16)
            .unwrap();
        b.apply(&change(4, 0, 4, 0, "USER x\n"), Encoding::Utf16)
            .unwrap();
        // A range that ends before it starts, or far past the end, is refused and changes nothing.
        assert!(b.apply(&change(1, 2, 1, 1, "?"), Encoding::Utf16).is_err());
        assert!(b
            .apply(&change(40, 0, 40, 0, "?"), Encoding::Utf16)
            .is_err());
        b.flush();
        assert_eq!(
            b.doc().text(),
            "FROM alpine:3\r\n# 주석 🐳?\nRUN echo hi\nUSER x\n"
        );
        assert_eq!(b.doc().instructions().len(), 3);
    }

    #[test]
    fn a_shared_document_is_copied_not_mutated() {
        let mut b = Buffer::new("FROM a\n", 1);
        assert!(b.flush());
        assert!(!b.flush());
        let snapshot = b.doc().clone();
        b.apply(&change(0, 5, 0, 6, "b"), Encoding::Utf16).unwrap();
        b.flush();
        assert_eq!(snapshot.text(), "FROM a\n");
        assert_eq!(b.doc().text(), "FROM b\n");
        b.evict();
        b.apply(&change(0, 0, 0, 4, "from"), Encoding::Utf16)
            .unwrap();
        assert!(b.flush(), "parsed again after eviction");
        assert_eq!(b.doc().text(), "from b\n");
        assert_eq!(b.doc().instructions().len(), 1);
    }

    /// Random edits applied one by one, flushed at random points, give the text a fresh parse gives.
    #[test]
    fn merged_edits_match_the_rope() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let pieces = ["RUN ", "a", "\n", "🐳", "주", " \\\n", "FROM x AS y\n", ""];
        let mut b = Buffer::new("FROM alpine\nRUN true\n", 1);
        for round in 0..400 {
            let text: String = b.rope.to_string();
            let chars: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let s = chars[next(chars.len())];
            let e = chars[next(chars.len())];
            let (s, e) = (s.min(e), s.max(e));
            b.edit(s..e, pieces[next(pieces.len())]);
            if next(3) == 0 || round == 399 {
                b.flush();
                assert_eq!(b.doc().text(), b.rope.to_string());
                let fresh = Document::parse(b.doc().text());
                assert_eq!(
                    b.doc().instructions(),
                    fresh.instructions(),
                    "round {round}"
                );
            }
        }
    }
}
