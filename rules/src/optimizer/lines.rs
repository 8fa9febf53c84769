//! Line-level edits the optimizer's fixes are made of: an instruction's block (its lines and the comments above
//! it), removing it without leaving a stray blank line, and the text to insert it elsewhere.
use crate::engine::Edit;
use crate::syntax::{query, Document, Span};

/// An instruction's lines, with the whole-line comments directly above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    pub range: Span,
    /// The block's text, ending with a line break.
    pub text: String,
}

/// The start of the line holding `offset`; a byte order mark stays out of the first line, so no block moves it.
fn line_start(doc: &Document, offset: usize) -> usize {
    let li = doc.line_index();
    let start = li.line_start(li.line(offset));
    if start == 0 && doc.text().starts_with('\u{feff}') {
        return '\u{feff}'.len_utf8();
    }
    start
}

/// The line break that ends just before `at` (`\r\n` or `\n`), as a range; empty when there is none.
fn break_before(text: &str, at: usize) -> Span {
    let before = &text.as_bytes()[..at];
    match before {
        [.., b'\r', b'\n'] => at - 2..at,
        [.., b'\n'] => at - 1..at,
        _ => at..at,
    }
}

/// A deletion that reaches the end of a text without a final line break takes the break before it too, so the new
/// last line has none either (and a CRLF break goes whole, never leaving a lone `\r`).
fn keep_missing_final_break(text: &str, mut range: Span) -> Span {
    if range.end >= text.len() && !text.ends_with('\n') && range.start > 0 {
        range.start = break_before(text, range.start).start;
    }
    range
}

/// The end of the line holding `offset`, after its line break (or the end of the text).
fn line_end(doc: &Document, offset: usize) -> usize {
    let text = doc.text();
    match text[offset.min(text.len())..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// The first byte of an instruction's block: the first comment line above it, else its own first line.
pub(crate) fn block_start(doc: &Document, index: usize) -> usize {
    let ins = &doc.instructions()[index];
    let above = query::comments_above(doc, index);
    match above.first() {
        Some(&c) => line_start(doc, doc.comments()[c].range.start),
        None => line_start(doc, ins.range.start),
    }
}

/// The start of an instruction's own first line (comments above it excluded).
pub(crate) fn own_start(doc: &Document, index: usize) -> usize {
    line_start(doc, doc.instructions()[index].range.start)
}

/// The block of an instruction; `with_comments` takes the comment lines above it along.
pub(crate) fn block(doc: &Document, index: usize, with_comments: bool, newline: &str) -> Block {
    let ins = &doc.instructions()[index];
    let start = if with_comments {
        block_start(doc, index)
    } else {
        own_start(doc, index)
    };
    let end = line_end(
        doc,
        ins.full_range
            .end
            .saturating_sub(1)
            .max(ins.full_range.start),
    );
    let mut text = doc.text()[start..end].to_string();
    if !text.ends_with('\n') {
        text.push_str(newline);
    }
    Block {
        range: start..end,
        text,
    }
}

fn is_blank_line(doc: &Document, start: usize) -> bool {
    let end = line_end(doc, start);
    start < doc.text().len() && doc.text()[start..end].trim().is_empty()
}

/// Deletes a block; when it stood alone between blank lines (or at the end of the file), one neighbouring blank
/// line goes too, so the removal leaves no double gap.
pub(crate) fn removal(doc: &Document, b: &Block) -> Edit {
    let text = doc.text();
    let mut start = b.range.start;
    let end = b.range.end;
    let next_blank_or_eof = end >= text.len() || is_blank_line(doc, end);
    if start > 0 && next_blank_or_eof {
        let prev = line_start(doc, start - 1);
        if is_blank_line(doc, prev) {
            start = prev;
        }
    }
    Edit::delete(keep_missing_final_break(text, start..end))
}

/// Sorted ranges with overlapping or touching ones joined.
fn merged(mut ranges: Vec<Span>) -> Vec<Span> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Span> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Removals of several blocks as non-overlapping edits (adjacent or overlapping deletions merged).
pub(crate) fn removals(doc: &Document, blocks: &[&Block]) -> Vec<Edit> {
    let mut out = merged(blocks.iter().map(|b| removal(doc, b).range).collect());
    // Merged removals can end up between two blank lines, or leave one at the end: take one blank line along.
    let text = doc.text();
    for r in &mut out {
        let next_blank_or_eof = r.end >= text.len() || is_blank_line(doc, r.end);
        let before = &text[..r.start];
        if next_blank_or_eof && r.start > 0 && before.ends_with('\n') {
            let prev = line_start(doc, r.start - 1);
            if prev < r.start && is_blank_line(doc, prev) {
                r.start = prev;
            }
        }
    }
    // A blank line or the final line break taken along can reach into the removal before it: join them until none
    // overlap; a removal that comes to reach the end takes the final break once (its start moved by the join).
    let mut kept_at = None;
    loop {
        let mut next = merged(out.clone());
        if let Some(last) = next.last_mut() {
            if kept_at != Some(last.start) {
                *last = keep_missing_final_break(text, last.clone());
                kept_at = Some(last.start);
            }
        }
        if next == out {
            return out.into_iter().map(Edit::delete).collect();
        }
        out = next;
    }
}

/// The offset just after an instruction's last line (its line break included).
pub(crate) fn after(doc: &Document, index: usize) -> usize {
    let ins = &doc.instructions()[index];
    line_end(
        doc,
        ins.full_range
            .end
            .saturating_sub(1)
            .max(ins.full_range.start),
    )
}

/// Text to insert at `at`: when `at` is the end of a text without a final line break, the break goes first.
pub(crate) fn insertion(doc: &Document, at: usize, text: &str, newline: &str) -> Edit {
    let t = doc.text();
    if at >= t.len() && !t.is_empty() && !t.ends_with('\n') {
        let body = text
            .strip_suffix(newline)
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        return Edit::insert(at, format!("{newline}{body}"));
    }
    Edit::insert(at, text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::apply_edits;

    fn remove(src: &str, index: usize) -> String {
        let doc = Document::parse(src);
        let b = block(&doc, index, true, "\n");
        apply_edits(src, &[removal(&doc, &b)])
    }

    #[test]
    fn blocks_take_comments_and_continuations() {
        let src = "FROM a\n# about b\nRUN b \\\n  c\nCMD d\n";
        let doc = Document::parse(src);
        let b = block(&doc, 1, true, "\n");
        assert_eq!(b.text, "# about b\nRUN b \\\n  c\n");
        assert_eq!(block(&doc, 1, false, "\n").text, "RUN b \\\n  c\n");
        assert_eq!(block(&doc, 2, true, "\n").text, "CMD d\n");
    }

    #[test]
    fn removal_leaves_no_double_gap() {
        assert_eq!(remove("FROM a\n\nCMD x\n\nRUN y\n", 1), "FROM a\n\nRUN y\n");
        // A missing final line break stays missing.
        assert_eq!(remove("FROM a\nCOPY . .\n\nCMD x", 2), "FROM a\nCOPY . .");
        assert_eq!(remove("FROM a\nCMD x\nRUN y\n", 1), "FROM a\nRUN y\n");
        assert_eq!(
            remove("FROM a\r\nCMD x\r\nRUN y\r\n", 1),
            "FROM a\r\nRUN y\r\n"
        );
        assert_eq!(remove("FROM a\nRUN y\nCMD x", 2), "FROM a\nRUN y");
        assert_eq!(remove("FROM a\r\nRUN y\r\nCMD x", 2), "FROM a\r\nRUN y");
        assert_eq!(remove("FROM a\r\n\r\nCMD x", 1), "FROM a");
    }

    #[test]
    fn blocks_leave_the_bom_in_place() {
        let src = "\u{feff}# base\nFROM a\nCMD x\n";
        let doc = Document::parse(src);
        let b = block(&doc, 0, true, "\n");
        assert_eq!(b.text, "# base\nFROM a\n");
        assert_eq!(apply_edits(src, &[removal(&doc, &b)]), "\u{feff}CMD x\n");
    }

    #[test]
    fn adjacent_removals_merge() {
        let src = "FROM a\nCOPY . .\nCMD x\nEXPOSE 1";
        let doc = Document::parse(src);
        let b1 = block(&doc, 2, true, "\n");
        let b2 = block(&doc, 3, true, "\n");
        let edits = removals(&doc, &[&b1, &b2]);
        assert_eq!(apply_edits(src, &edits), "FROM a\nCOPY . .");
        let tail = "FROM a\nCOPY x .\n\nEXPOSE 80\nCMD [\"y\"]";
        let tdoc = Document::parse(tail);
        let (t1, t2) = (block(&tdoc, 2, true, "\n"), block(&tdoc, 3, true, "\n"));
        assert_eq!(
            apply_edits(tail, &removals(&tdoc, &[&t1, &t2])),
            "FROM a\nCOPY x ."
        );
        let ins = insertion(&doc, src.len(), "RUN z\n", "\n");
        assert_eq!(
            apply_edits(src, &[ins]),
            "FROM a\nCOPY . .\nCMD x\nEXPOSE 1\nRUN z"
        );
    }

    #[test]
    fn heredocs_are_part_of_the_block() {
        let src = "FROM a\nRUN <<EOF\necho\nEOF\nCMD x\n";
        let doc = Document::parse(src);
        assert_eq!(block(&doc, 1, true, "\n").text, "RUN <<EOF\necho\nEOF\n");
    }
}
