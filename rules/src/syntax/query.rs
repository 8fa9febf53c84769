//! Questions rules ask of a parsed document, answered from the public model only (no tree-sitter here).
use std::ops::Range;

use super::document::Document;
use super::model::{Instruction, Stage};

/// The text's line ending: `"\r\n"` when its first line ends with one, else `"\n"`.
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The bytes of a 0-based line including its line ending (what deleting the line removes); a BOM stays out.
pub fn line_with_ending(doc: &Document, line: usize) -> Range<usize> {
    let li = doc.line_index();
    let mut start = li.line_start(line);
    if start == 0 && doc.text().starts_with('\u{feff}') {
        start = '\u{feff}'.len_utf8();
    }
    let end = if line + 1 < li.line_count() {
        li.line_start(line + 1)
    } else {
        doc.text().len()
    };
    start..end
}

/// The stage before `before` (a stage index) named `name`, compared case-insensitively as Docker does.
pub fn earlier_stage<'a>(doc: &'a Document, before: usize, name: &str) -> Option<&'a Stage> {
    let named = doc.stages_named(name);
    let k = named.partition_point(|&i| i < before);
    k.checked_sub(1).and_then(|k| doc.stages().get(named[k]))
}

/// Whether a stage's `FROM` names an earlier stage rather than an image.
pub fn from_is_stage_ref(doc: &Document, stage: &Stage) -> bool {
    let Some(image) = doc.instructions()[stage.from].image.as_ref() else {
        return false;
    };
    image.vars.is_empty() && earlier_stage(doc, stage.index, &image.text).is_some()
}

/// Indices (into `Document::comments`) of the comment lines directly above an instruction:
/// the unbroken run of whole-line comments that ends on the line before it.
pub fn comments_above(doc: &Document, index: usize) -> Vec<usize> {
    let instructions = doc.instructions();
    let Some(ins) = instructions.get(index) else {
        return Vec::new();
    };
    let li = doc.line_index();
    let comments = doc.comments();
    let prev_end_line = index
        .checked_sub(1)
        .map(|p| instructions[p].end_line as isize)
        .unwrap_or(-1);
    let mut out = Vec::new();
    let mut line = ins.start_line;
    while line > 0 && (line as isize - 1) > prev_end_line {
        line -= 1;
        let start = li.line_start(line);
        let found = comments
            .binary_search_by_key(&li.line(start), |c| li.line(c.range.start))
            .ok()
            .filter(|&i| {
                let before = &doc.text()[start..comments[i].range.start];
                before.trim_start_matches('\u{feff}').trim().is_empty()
            });
        match found {
            Some(i) => out.push(i),
            None => break,
        }
    }
    out.reverse();
    out
}

/// The instruction (top-level index) whose lines contain a 0-based line.
pub fn instruction_on_line(doc: &Document, line: usize) -> Option<(usize, &Instruction)> {
    doc.instructions()
        .iter()
        .enumerate()
        .find(|(_, i)| i.start_line <= line && line <= i.end_line)
}

/// Whether comment lines sit inside a byte range (in line continuations): rewriting the range would drop them.
pub fn has_comments_in(doc: &Document, range: Range<usize>) -> bool {
    doc.comments()
        .iter()
        .any(|c| range.start <= c.range.start && c.range.end <= range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings() {
        assert_eq!(line_ending("FROM a\r\nRUN b\n"), "\r\n");
        assert_eq!(line_ending("FROM a\nRUN b\r\n"), "\n");
        assert_eq!(line_ending("FROM a"), "\n");
    }

    #[test]
    fn comment_runs_above_instructions() {
        let doc = Document::parse("# a\nFROM x\n# b\n\n# c\n  # d\nRUN y\nRUN z\n");
        assert_eq!(comments_above(&doc, 0), [0]);
        assert_eq!(comments_above(&doc, 1), [2, 3]);
        assert!(comments_above(&doc, 2).is_empty());
    }

    #[test]
    fn stage_references() {
        let doc = Document::parse("FROM a AS Build\nFROM build\nFROM c AS x\nFROM x2\n");
        let stages = doc.stages();
        assert!(!from_is_stage_ref(&doc, &stages[0]));
        assert!(from_is_stage_ref(&doc, &stages[1]));
        assert!(!from_is_stage_ref(&doc, &stages[3]));
        assert_eq!(line_with_ending(&doc, 1), 16..27);
        let doc = Document::parse("\u{feff}# c\nFROM a\n");
        assert_eq!(line_with_ending(&doc, 0), 3..7);
    }

    #[test]
    fn comments_inside_instructions() {
        let doc = Document::parse("# a\nRUN x \\\n  # b\n  y\n");
        let run = &doc.instructions()[0];
        assert!(has_comments_in(&doc, run.range.clone()));
        let doc = Document::parse("# a\nRUN x \\\n  y\n");
        assert!(!has_comments_in(&doc, doc.instructions()[0].range.clone()));
    }
}
