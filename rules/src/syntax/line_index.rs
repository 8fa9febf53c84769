//! Line starts of a text, for turning byte offsets into lines and columns (and back).

/// Line starts of a text. Lines end at `\n`; a `\r` before it belongs to the line's ending.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Updates the index for `start..old_end` replaced by `inserted`, touching only the line starts
    /// after `start` (no rescan of the text).
    pub fn apply_edit(&mut self, start: usize, old_end: usize, inserted: &str) {
        let delta = inserted.len() as isize - (old_end as isize - start as isize);
        // A line start `s` follows a `\n` at `s - 1`: those inside the replaced bytes go away.
        let lo = self.starts.partition_point(|&s| s <= start);
        let hi = self.starts.partition_point(|&s| s <= old_end);
        for s in &mut self.starts[hi..] {
            *s = (*s as isize + delta) as usize;
        }
        let new = inserted
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| start + i + 1);
        self.starts.splice(lo..hi, new);
        self.len = (self.len as isize + delta) as usize;
    }

    /// Number of lines (a final line without a newline counts; an empty last line after `\n` counts too).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset (offsets past the end map to the last line).
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset.min(self.len)) {
            Ok(l) => l,
            Err(l) => l - 1,
        }
    }

    /// 0-based line and byte column of an offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let line = self.line(offset);
        (line, offset - self.starts[line])
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of a line without its line ending.
    pub fn line_range(&self, line: usize, text: &str) -> std::ops::Range<usize> {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Offset of a 0-based line and byte column, clamped to the line.
    pub fn offset(&self, line: usize, byte_col: usize) -> usize {
        if line >= self.starts.len() {
            return self.len;
        }
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        (self.starts[line] + byte_col).min(next)
    }

    /// Column in UTF-16 code units of an offset (for LSP clients that count that way).
    pub fn utf16_col(&self, text: &str, offset: usize) -> usize {
        let (line, _) = self.line_col(offset);
        let start = self.starts[line];
        let offset = floor_char_boundary(text, offset.min(text.len()));
        text[start..offset].chars().map(char::len_utf16).sum()
    }

    /// Column in Unicode scalar values of an offset.
    pub fn char_col(&self, text: &str, offset: usize) -> usize {
        let (line, _) = self.line_col(offset);
        let start = self.starts[line];
        let offset = floor_char_boundary(text, offset.min(text.len()));
        text[start..offset].chars().count()
    }

    /// Offset of a line and UTF-16 column, clamped to the line's end.
    pub fn offset_utf16(&self, text: &str, line: usize, col: usize) -> usize {
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(line, text);
        let mut units = 0;
        for (i, c) in text[range.clone()].char_indices() {
            if units >= col {
                return range.start + i;
            }
            units += c.len_utf16();
        }
        range.end
    }
}

/// The largest char boundary not after `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\r\ncd\nλx";
        let li = LineIndex::new(t);
        assert_eq!(li.line_count(), 3);
        assert_eq!(li.line_col(5), (1, 1));
        assert_eq!(li.line_range(0, t), 0..2);
        assert_eq!(li.offset(2, 2), 9);
        assert_eq!(li.utf16_col(t, 9), 1);
        assert_eq!(li.offset_utf16(t, 2, 1), 9);
        assert_eq!(li.char_col(t, t.len()), 2);
    }

    #[test]
    fn edits_update_the_index_like_a_rescan() {
        let text = "a\nbc\r\n\nd\nlast";
        for start in 0..=text.len() {
            for end in start..=text.len() {
                for ins in ["", "x", "\n", "p\nq\r\n", "\n\n"] {
                    let mut li = LineIndex::new(text);
                    li.apply_edit(start, end, ins);
                    let mut edited = text.to_string();
                    edited.replace_range(start..end, ins);
                    assert_eq!(li, LineIndex::new(&edited), "{start}..{end} <- {ins:?}");
                }
            }
        }
    }
}
