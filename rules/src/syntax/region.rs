//! Line reparsing: after an edit, parse only the logical lines it touches and splice them into
//! the model, when that provably gives what a whole-file parse would.
//!
//! A Dockerfile is read line by line. Between two logical lines (outside continuations and
//! heredoc bodies, past the parser directives) the parser carries only the escape character, so
//! the lines from an instruction's first line onwards parse the same alone as in the file, as long
//! as the escape character is set the same way. The region to reparse runs from the first line of
//! the instruction that holds (or precedes) the edit to the end of the instruction (or line) that
//! holds its end. It is parsed behind a header that sets the escape character and ends the
//! directives, and followed by a sentinel instruction: when the sentinel comes out as an
//! instruction of its own right at the region's end, nothing in the region runs on (no open
//! continuation, no pending heredoc), so the rest of the file parses as it did before the edit.
//! tree-sitter's error recovery is not bound to lines, so neither the file nor the region may
//! contain errors it recovered from; BuildKit's own complaints about an instruction are fine.
use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::Parser;

use super::line_index::LineIndex;
use super::lower::{lower, stages, Lowered};
use super::model::{Kind, Shift};

/// How `Document::apply_edit` reparsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reparsed {
    /// Only these bytes of the new text (whole logical lines) were parsed again.
    Lines(Range<usize>),
    /// The whole file, with tree-sitter reusing the unchanged nodes of the old tree.
    File,
    /// The whole file from scratch (text with NUL bytes).
    Fresh,
}

const SENTINEL: &str = "FROM dflint-sync\n";

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(super::document::new_parser());
}

/// The old text's bytes `start..end` to reparse, and the instructions they hold.
pub(crate) struct Region {
    start: usize,
    end: usize,
    /// Old instruction indices replaced by the region's.
    instructions: Range<usize>,
    old_len: usize,
    edit_start: usize,
    edit_old_end: usize,
}

impl Region {
    /// The region for an edit of `edit_start..edit_old_end` in the old text, or `None` when the
    /// edit may reach the directives, or the file has errors outside its instructions or errors
    /// tree-sitter recovered from (its recovery is not bound to lines).
    pub fn of(
        model: &Lowered,
        li: &LineIndex,
        old_len: usize,
        edit_start: usize,
        edit_old_end: usize,
    ) -> Option<Region> {
        if model.has_global_errors || model.has_tree_errors {
            return None;
        }
        let ins = &model.instructions;
        // Edits up to the first keyword may add or remove parser directives.
        if ins
            .first()
            .is_none_or(|first| edit_start <= first.range.start)
        {
            return None;
        }
        let line_start = |i: usize| li.line_start(ins[i].start_line);
        // The instruction holding or preceding the edit's start, and the one for its end
        // (instructions are in file order, so their first lines are sorted).
        let first = ins
            .partition_point(|i| li.line_start(i.start_line) <= edit_start)
            .checked_sub(1)?;
        let last = ins
            .partition_point(|i| li.line_start(i.start_line) <= edit_old_end)
            .saturating_sub(1)
            .max(first);
        let end_line = li.line(edit_old_end).max(ins[last].end_line);
        let end = li.line_start(end_line + 1).min(old_len);
        let after = (last + 1..ins.len())
            .find(|&i| line_start(i) >= end)
            .unwrap_or(ins.len());
        Some(Region {
            start: line_start(first),
            end,
            instructions: first..after,
            old_len,
            edit_start,
            edit_old_end,
        })
    }

    /// Reparses the region in the new `text` and splices it into `model`; returns the bytes
    /// reparsed, or `None` (with `model` untouched) when the region does not stand alone.
    pub fn reparse(
        &self,
        model: &mut Lowered,
        text: &str,
        li: &LineIndex,
        old_lines: usize,
    ) -> Option<Range<usize>> {
        let delta = text.len() as isize - self.old_len as isize;
        let new_end = (self.end as isize + delta) as usize;
        let inserted_end = (self.edit_old_end as isize + delta) as usize;
        if self.start > self.edit_start || new_end < inserted_end || new_end > text.len() {
            return None;
        }
        let at_eof = self.end >= self.old_len;
        let header = if model.escape == '`' {
            "# escape=`\n\n"
        } else {
            "\n"
        };
        let body = &text[self.start..new_end];
        let mut input = String::with_capacity(header.len() + body.len() + SENTINEL.len());
        input.push_str(header);
        input.push_str(body);
        if !at_eof {
            input.push_str(SENTINEL);
        }
        let tree = PARSER.with(|p| p.borrow_mut().parse(&input, None))?;
        let base = self.start as isize - header.len() as isize;
        let line_of = |o: usize| li.line((o as isize + base).max(0) as usize);
        let mut part = lower(tree.root_node(), &input, &line_of, None);
        if part.has_global_errors || part.has_tree_errors || part.escape != model.escape {
            return None;
        }
        let body_end = header.len() + body.len();
        if !at_eof {
            // The sentinel must be an instruction of its own, starting right at the region's end.
            let sentinel = part.instructions.last()?;
            let want = body_end..body_end + SENTINEL.len() - 1;
            // (on its own line too: a lone continuation line before it would have run on into it)
            if sentinel.kind != Kind::From
                || sentinel.start_line != li.line(new_end)
                || sentinel.range != want
                || sentinel.full_range != want
                || !part.instr_errors.last().is_some_and(Vec::is_empty)
            {
                return None;
            }
            part.instructions.pop();
            part.instr_errors.pop();
        }
        if part.comments.iter().any(|c| c.range.end > body_end) {
            return None;
        }
        // Every instruction of the file gone: the file-level error of a fresh parse applies.
        if part.instructions.is_empty() && self.instructions.len() == model.instructions.len() {
            return None;
        }

        // Splice: the region's instructions and comments in, later ones moved.
        let line_delta = li.line_count() as isize - old_lines as isize;
        part.instructions.shift(base, 0);
        for e in &mut part.instr_errors {
            e.shift(base, 0);
        }
        part.comments.shift(base, 0);
        let tail = self.instructions.end;
        // Without a FROM among the old or the new instructions the stages stay as they are, only
        // renumbered past the region (rebuilding them clones every stage's names).
        let from_touched = model.instructions[self.instructions.clone()]
            .iter()
            .chain(&part.instructions)
            .any(|i| i.kind == Kind::From);
        let count_delta = part.instructions.len() as isize - self.instructions.len() as isize;
        for i in &mut model.instructions[tail..] {
            i.shift(delta, line_delta);
        }
        for e in &mut model.instr_errors[tail..] {
            e.shift(delta, line_delta);
        }
        model
            .instructions
            .splice(self.instructions.clone(), part.instructions);
        model
            .instr_errors
            .splice(self.instructions.clone(), part.instr_errors);
        let c0 = model
            .comments
            .partition_point(|c| c.range.start < self.start);
        let c1 = model.comments.partition_point(|c| c.range.start < self.end);
        for c in &mut model.comments[c1..] {
            c.shift(delta, line_delta);
        }
        model.comments.splice(c0..c1, part.comments);
        if from_touched {
            model.stages = stages(&model.instructions);
        } else {
            let moved = |i: &mut usize| *i = (*i as isize + count_delta) as usize;
            for stage in &mut model.stages {
                if stage.from >= tail {
                    moved(&mut stage.from);
                    moved(&mut stage.instructions.start);
                    stage.name_range.shift(delta, 0);
                }
                if stage.instructions.end >= tail {
                    moved(&mut stage.instructions.end);
                }
            }
        }
        model.errors = model.instr_errors.iter().flatten().cloned().collect();
        model.errors.sort_by_key(|e| (e.range.start, e.range.end));
        model.errors.dedup();
        Some(self.start..new_end)
    }
}
