//! Byte offsets to LSP positions and back, in the encoding negotiated at `initialize` (the only place they meet).
use std::ops::Range;

use dflint_rules::syntax::{floor_char_boundary, Document, LineIndex};
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

/// How a client counts columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// The protocol's default, which every client supports.
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion at all), else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offers_utf8 = offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8));
        if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    /// The length of `s` in this encoding's units.
    pub fn len(self, s: &str) -> u32 {
        match self {
            Encoding::Utf8 => s.len() as u32,
            Encoding::Utf16 => s.chars().map(|c| c.len_utf16() as u32).sum(),
        }
    }
}

/// Converts between byte offsets in one document's text and positions in one encoding.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub encoding: Encoding,
    text: &'a str,
    index: &'a LineIndex,
}

impl<'a> Converter<'a> {
    pub fn new(encoding: Encoding, doc: &'a Document) -> Converter<'a> {
        Converter {
            encoding,
            text: doc.text(),
            index: doc.line_index(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let offset = floor_char_boundary(self.text, offset);
        let (line, byte_col) = self.index.line_col(offset);
        let character = match self.encoding {
            Encoding::Utf8 => byte_col,
            Encoding::Utf16 => self.index.utf16_col(self.text, offset),
        };
        lsp::Position::new(line as u32, character as u32)
    }

    pub fn range(&self, range: Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of a position. Positions past the end of a line clamp to the line's end, lines past the
    /// end of the text to the text's end, and a column inside a character to that character's start.
    pub fn offset(&self, position: lsp::Position) -> usize {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let col = position.character as usize;
        match self.encoding {
            Encoding::Utf8 => {
                let range = self.index.line_range(line, self.text);
                floor_char_boundary(self.text, (range.start + col).min(range.end))
            }
            Encoding::Utf16 => self.index.offset_utf16(self.text, line, col),
        }
    }

    pub fn byte_range(&self, range: lsp::Range) -> Range<usize> {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_and_emoji_columns() {
        let doc = Document::parse("# 한국어 주석\nLABEL x=\"🐳\" y=1\n");
        let text = doc.text();
        let y = text.find("y=").unwrap();
        let c16 = Converter::new(Encoding::Utf16, &doc);
        let c8 = Converter::new(Encoding::Utf8, &doc);
        // `LABEL x="` is 9 units, the whale is 2 UTF-16 units or 4 bytes, then `" `.
        assert_eq!(c16.position(y), lsp::Position::new(1, 13));
        assert_eq!(c8.position(y), lsp::Position::new(1, 15));
        assert_eq!(c16.offset(lsp::Position::new(1, 13)), y);
        assert_eq!(c8.offset(lsp::Position::new(1, 15)), y);
        // Past the end of a line, and past the end of the text.
        assert_eq!(
            c16.offset(lsp::Position::new(0, 99)),
            text.find('\n').unwrap()
        );
        assert_eq!(c16.offset(lsp::Position::new(9, 0)), text.len());
        // Inside the whale's bytes: floored to its start.
        let whale = text.find('🐳').unwrap();
        assert_eq!(c8.offset(lsp::Position::new(1, 11)), whale);
    }

    #[test]
    fn negotiation_prefers_utf8() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
