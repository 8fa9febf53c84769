//! An open document: the editor's text as a rope (updated by incremental sync) and the parsed `Document`
//! (updated with `apply_edit`, which reparses incrementally). Both always hold the same text.
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
    pub version: i32,
}

impl Buffer {
    pub fn new(text: &str, version: i32) -> Buffer {
        Buffer {
            rope: Rope::from_str(text),
            doc: Arc::new(Document::parse(text)),
            version,
        }
    }

    pub fn doc(&self) -> &Arc<Document> {
        &self.doc
    }

    /// Applies one `didChange` event: a ranged edit, or the whole text when it has no range.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, encoding: Encoding) {
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            self.doc = Arc::new(Document::parse(&change.text));
            return;
        };
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding).max(start);
        self.edit(start..end, &change.text);
    }

    /// Replaces the bytes `range` (on character boundaries) with `text`.
    fn edit(&mut self, range: Range<usize>, text: &str) {
        let (cs, ce) = (
            self.rope.byte_to_char(range.start),
            self.rope.byte_to_char(range.end),
        );
        self.rope.remove(cs..ce);
        self.rope.insert(cs, text);
        match Arc::get_mut(&mut self.doc) {
            Some(doc) => doc.apply_edit(range, text),
            None => {
                let mut doc = (*self.doc).clone();
                doc.apply_edit(range, text);
                self.doc = Arc::new(doc);
            }
        }
        debug_assert_eq!(self.rope.len_bytes(), self.doc.text().len());
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
        b.apply(&change(2, 0, 2, 3, "RUN"), Encoding::Utf16);
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳\nRUN echo hi\n");
        // After the whale (2 UTF-16 units at column 5): append text to line 1.
        b.apply(&change(1, 7, 1, 7, "!"), Encoding::Utf16);
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳!\nRUN echo hi\n");
        // The same place in UTF-8 is byte column 13.
        b.apply(&change(1, 13, 1, 14, "?"), Encoding::Utf8);
        assert_eq!(b.doc().text(), "FROM alpine\r\n# 주석 🐳?\nRUN echo hi\n");
        // Past the end of line 0 clamps before its CRLF; past the end of the text appends.
        b.apply(&change(0, 99, 0, 99, ":3"), Encoding::Utf16);
        b.apply(&change(40, 0, 40, 0, "USER x\n"), Encoding::Utf16);
        assert_eq!(
            b.doc().text(),
            "FROM alpine:3\r\n# 주석 🐳?\nRUN echo hi\nUSER x\n"
        );
        assert_eq!(b.doc().instructions().len(), 3);
    }

    #[test]
    fn a_shared_document_is_copied_not_mutated() {
        let mut b = Buffer::new("FROM a\n", 1);
        let snapshot = b.doc().clone();
        b.apply(&change(0, 5, 0, 6, "b"), Encoding::Utf16);
        assert_eq!(snapshot.text(), "FROM a\n");
        assert_eq!(b.doc().text(), "FROM b\n");
    }
}
