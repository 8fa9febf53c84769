//! Byte offsets to 1-based line and column (in Unicode characters), as shown to people and written in reports.

/// A 1-based line and column; the column counts Unicode scalar values, not bytes or UTF-16 units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of one text, so each lookup is a binary search.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    /// Position of a byte offset. Offsets past the end clamp to the end, and offsets inside a
    /// multi-byte character round down to its start, so a bad range from a rule never panics here.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The 0-based line's text without its line ending (`\n` or `\r\n`).
    pub fn line_text(&self, line0: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line0) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line0 + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        line.strip_suffix('\r').unwrap_or(line)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Largest char boundary `<= offset` (clamped to the text's length).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let index = LineIndex::new("FROM a\nRUN é x\n");
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(6), LineCol { line: 1, column: 7 });
        assert_eq!(index.line_col(7), LineCol { line: 2, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(index.line_col(14), LineCol { line: 2, column: 7 });
        assert_eq!(index.line_col(16), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn bad_offsets_clamp() {
        let index = LineIndex::new("é");
        assert_eq!(index.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(99), LineCol { line: 1, column: 2 });
    }

    #[test]
    fn line_text_drops_crlf() {
        let index = LineIndex::new("a\r\nb\nc");
        assert_eq!(index.line_text(0), "a");
        assert_eq!(index.line_text(1), "b");
        assert_eq!(index.line_text(2), "c");
        assert_eq!(index.line_text(3), "");
        assert_eq!(index.line_count(), 3);
    }
}
