//! A parsed Dockerfile: its text, its tree (kept for incremental reparsing) and its typed model.
use std::ops::Range;

use tree_sitter::{InputEdit, Parser, Point, Tree};

use super::buildkit::{self, BkInstruction};
use super::line_index::LineIndex;
use super::lower::{lower, Lowered, Reuse};
use super::model::*;
use super::region::Region;
pub use super::region::Reparsed;

/// A parsed Dockerfile. Parsing never fails: broken input gives a tree plus `syntax_errors`.
pub struct Document {
    text: String,
    /// The tree of the last whole-file parse, with every later edit applied to it (`tree_stale`
    /// then says it has not been reparsed since), so a whole-file reparse can reuse it; `None` for a text over
    /// [`KEEP_TREE_BYTES`].
    tree: Option<Tree>,
    tree_stale: bool,
    /// The text holds a NUL byte (so edits reparse it afresh); kept so an edit scans only what it inserts.
    has_nul: bool,
    line_index: LineIndex,
    model: Lowered,
    /// Errors found before parsing (invalid UTF-8), kept across edits until the text is replaced.
    encoding_errors: Vec<SyntaxError>,
    /// The stages of each lower-cased name, in order: built when first asked, dropped by every edit. Rules look
    /// stages up by name for every FROM and `--from`; a scan of all stages each time is quadratic in their number.
    stage_names: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
}

/// The largest text whose tree is kept once the model is built. A tree costs about 36 bytes per byte of text, more
/// than the model; all it buys is reuse in a whole-file reparse (most edits take the line path, which needs no
/// tree), and tree-sitter re-lexes much of a file there anyway. Past this size a whole-file reparse starts afresh, so
/// a large document costs its model and its text, not its tree as well.
#[cfg(not(test))]
const KEEP_TREE_BYTES: usize = 1 << 20;
/// Small in the unit tests, so that their documents take both paths.
#[cfg(test)]
const KEEP_TREE_BYTES: usize = 256;

fn kept(tree: Tree, text: &str) -> Option<Tree> {
    (text.len() <= KEEP_TREE_BYTES).then_some(tree)
}

pub(crate) fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&super::language())
        .expect("the generated grammar matches the tree-sitter version it is built with");
    parser
}

impl Document {
    /// Parses bytes; invalid UTF-8 is replaced by U+FFFD and reported as a syntax error.
    pub fn parse_bytes(bytes: &[u8]) -> Document {
        match std::str::from_utf8(bytes) {
            Ok(s) => Document::parse(s),
            Err(e) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let at = e.valid_up_to();
                let mut doc = Document::parse(&text);
                // The valid prefix is unchanged, so U+FFFD (3 bytes) stands at `at` in the text.
                let end = (at + '\u{FFFD}'.len_utf8()).min(text.len());
                doc.encoding_errors.push(SyntaxError {
                    range: at..end,
                    message: format!("invalid UTF-8 at byte {at}: Dockerfiles must be UTF-8 text"),
                });
                doc
            }
        }
    }

    pub fn parse(text: &str) -> Document {
        let tree = parse_tree(text, None);
        Document::from_tree(text.to_string(), tree)
    }

    fn from_tree(text: String, tree: Tree) -> Document {
        let line_index = LineIndex::new(&text);
        let model = lower(tree.root_node(), &text, &|o| line_index.line(o), None);
        Document {
            has_nul: text.as_bytes().contains(&0),
            tree: kept(tree, &text),
            text,
            tree_stale: false,
            line_index,
            model,
            encoding_errors: Vec::new(),
            stage_names: std::sync::OnceLock::new(),
        }
    }

    /// Replaces `range` with `new_text` and reparses incrementally.
    ///
    /// Most edits are confined to a few logical lines: those lines alone are parsed again and
    /// spliced into the model, and the tree-sitter tree is only edited (it is reparsed, reusing
    /// its unchanged nodes, when a later edit needs the whole file). Edits among the parser
    /// directives, edits whose effect runs past the lines they touch (an opened heredoc, a new
    /// continuation at the end of the region, ...) and files with parse errors outside
    /// instructions or that tree-sitter recovered from take the whole-file path: tree-sitter's incremental reparse with the old tree.
    /// Either way the result equals a fresh parse of the new text.
    pub fn apply_edit(&mut self, range: Range<usize>, new_text: &str) -> Reparsed {
        self.stage_names = std::sync::OnceLock::new();
        let start = range.start.min(self.text.len());
        let old_end = range.end.clamp(start, self.text.len());
        let (start, old_end) = (
            super::line_index::floor_char_boundary(&self.text, start),
            super::line_index::floor_char_boundary(&self.text, old_end),
        );
        let start_position = self.point(start);
        let old_end_position = self.point(old_end);
        let old_len = self.text.len();
        let mut text = std::mem::take(&mut self.text);
        text.replace_range(start..old_end, new_text);
        let new_end = start + new_text.len();
        let mut li = self.line_index.clone();
        li.apply_edit(start, old_end, new_text);
        let (l, c) = li.line_col(new_end);
        let edit = InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: Point { row: l, column: c },
        };
        if let Some(tree) = self.tree.as_mut() {
            tree.edit(&edit);
        }
        // tree-sitter's incremental lexing can disagree with a fresh parse around NUL bytes
        // (binary junk in a Dockerfile): parse such text afresh.
        if new_text.as_bytes().contains(&0) || (self.has_nul && text.as_bytes().contains(&0)) {
            let encoding_errors = std::mem::take(&mut self.encoding_errors);
            *self = Document::from_tree(text.clone(), parse_tree(&text, None));
            self.encoding_errors = encoding_errors;
            return Reparsed::Fresh;
        }
        self.has_nul = false;
        let old_lines = self.line_index.line_count();
        let region = Region::of(&self.model, &self.line_index, old_len, start, old_end);
        if let Some(region) = region {
            if let Some(span) = region.reparse(&mut self.model, &text, &li, old_lines) {
                self.text = text;
                self.line_index = li;
                self.tree_stale = true;
                return Reparsed::Lines(span);
            }
        }
        let tree = parse_tree(&text, self.tree.as_ref());
        let line_of = |o| li.line(o);
        // A tree edited by earlier line reparses holds stale nodes, so its changed ranges say
        // nothing about this edit alone: rebuild the model from the new tree (as without an old tree).
        let model = match self.tree.as_ref().filter(|_| !self.tree_stale) {
            None => lower(tree.root_node(), &text, &line_of, None),
            Some(old_tree) => {
                // Instructions outside the edit and tree-sitter's changed ranges are taken over, shifted.
                let mut dirty = start..new_end;
                for r in old_tree.changed_ranges(&tree) {
                    dirty.start = dirty.start.min(r.start_byte);
                    dirty.end = dirty.end.max(r.end_byte);
                }
                // Edits among the parser directives may change the escape character: rebuild everything.
                let in_directives = self
                    .model
                    .instructions
                    .first()
                    .is_none_or(|i| start <= i.range.start);
                let old_escape = self.model.escape;
                let old_model = std::mem::replace(&mut self.model, Lowered::empty());
                let mut reuse = Reuse::new(
                    old_model,
                    dirty,
                    start,
                    old_end,
                    new_text.len() as isize - (old_end - start) as isize,
                    li.line_count() as isize - old_lines as isize,
                );
                let model = lower(
                    tree.root_node(),
                    &text,
                    &line_of,
                    (!in_directives).then_some(&mut reuse),
                );
                if model.escape != old_escape {
                    lower(tree.root_node(), &text, &line_of, None)
                } else {
                    model
                }
            }
        };
        self.tree = kept(tree, &text);
        self.text = text;
        self.tree_stale = false;
        self.line_index = li;
        self.model = model;
        Reparsed::File
    }

    fn point(&self, offset: usize) -> Point {
        let (row, column) = self.line_index.line_col(offset);
        Point { row, column }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }
    /// The escape character (`\` unless `# escape=` says otherwise).
    pub fn escape(&self) -> char {
        self.model.escape
    }
    pub fn directives(&self) -> &[Directive] {
        &self.model.directives
    }
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.model.directives.iter().find(|d| d.name == name)
    }
    pub fn comments(&self) -> &[Comment] {
        &self.model.comments
    }
    /// Top-level instructions in file order (an ONBUILD's inner instruction hangs off it).
    pub fn instructions(&self) -> &[Instruction] {
        &self.model.instructions
    }
    pub fn stages(&self) -> &[Stage] {
        &self.model.stages
    }
    /// Instructions before the first FROM (global ARGs).
    pub fn global_instructions(&self) -> &[Instruction] {
        let end = self
            .model
            .stages
            .first()
            .map_or(self.model.instructions.len(), |s| s.from);
        &self.model.instructions[..end]
    }
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.model.instructions[stage.instructions.clone()]
    }
    /// The stage an instruction index belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        // Stages are in file order and their instructions follow one another: a binary search, so that asking for
        // every instruction's stage stays linear in the file, however many stages it has.
        let stages = &self.model.stages;
        let i = stages.partition_point(|s| s.instructions.end <= instruction);
        stages
            .get(i)
            .filter(|s| s.instructions.contains(&instruction))
    }
    /// The indices of the stages named `name` (case-insensitive, as Docker compares them), in order.
    pub fn stages_named(&self, name: &str) -> &[usize] {
        let map = self.stage_names.get_or_init(|| {
            let mut map: std::collections::HashMap<String, Vec<usize>> = Default::default();
            for s in &self.model.stages {
                if let Some(n) = &s.name {
                    map.entry(n.to_ascii_lowercase()).or_default().push(s.index);
                }
            }
            map
        });
        map.get(&name.to_ascii_lowercase())
            .map_or(&[][..], Vec::as_slice)
    }
    /// Finds a stage by name (case-insensitive, as Docker does) or by index.
    pub fn stage_by_ref(&self, name: &str) -> Option<&Stage> {
        self.stages_named(name)
            .first()
            .and_then(|&i| self.model.stages.get(i))
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .and_then(|i| self.model.stages.get(i))
            })
    }
    pub fn syntax_errors(&self) -> Vec<SyntaxError> {
        let mut e = self.encoding_errors.clone();
        e.extend(self.model.errors.iter().cloned());
        e
    }
    pub fn has_syntax_errors(&self) -> bool {
        !self.encoding_errors.is_empty() || !self.model.errors.is_empty()
    }
    /// The instruction containing a byte offset.
    pub fn instruction_at(&self, offset: usize) -> Option<(usize, &Instruction)> {
        // Instructions are in file order and do not overlap: the first that ends at or after the offset is the
        // only one that can hold it (a binary search, so a request per instruction stays linear).
        let instructions = &self.model.instructions;
        let i = instructions.partition_point(|i| i.full_range.end < offset);
        instructions
            .get(i)
            .filter(|ins| ins.full_range.start <= offset)
            .map(|ins| (i, ins))
    }
    /// The tree as an S-expression (for tests and `dflint dump --tree`).
    pub fn sexp(&self) -> String {
        self.current_tree().root_node().to_sexp()
    }

    /// The tree of the current text (reparsed with the old tree when line reparses left it stale).
    fn current_tree(&self) -> Tree {
        match &self.tree {
            Some(tree) if !self.tree_stale => tree.clone(),
            old => parse_tree(&self.text, old.as_ref()),
        }
    }
    /// BuildKit's reading of one instruction (by index), or its parser's complaint.
    pub fn buildkit_instruction(&self, index: usize) -> Option<Result<BkInstruction, String>> {
        let ins = self.model.instructions.get(index)?;
        Some(buildkit::view(ins, &self.text, self.model.escape))
    }
    /// BuildKit's reading of the file: each instruction as its parser returns it, or its error.
    pub fn buildkit_view(&self) -> Result<Vec<BkInstruction>, String> {
        if let Some(e) = self.syntax_errors().first() {
            let (line, _) = self.line_index.line_col(e.range.start);
            return Err(format!("line {}: {}", line + 1, e.message));
        }
        self.model
            .instructions
            .iter()
            .map(|i| buildkit::view(i, &self.text, self.model.escape))
            .collect()
    }
}

impl Clone for Document {
    fn clone(&self) -> Self {
        let mut doc = Document::from_tree(self.text.clone(), self.current_tree());
        doc.encoding_errors = self.encoding_errors.clone();
        doc
    }
}

fn parse_tree(text: &str, old: Option<&Tree>) -> Tree {
    let mut parser = new_parser();
    parser
        .parse(text, old)
        .expect("tree-sitter returns a tree when no timeout or cancellation flag is set")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_fresh(doc: &Document) {
        let fresh = Document::parse(doc.text());
        assert_eq!(doc.instructions(), fresh.instructions());
        assert_eq!(doc.syntax_errors(), fresh.syntax_errors());
        assert_eq!(doc.comments(), fresh.comments());
        assert_eq!(doc.stages(), fresh.stages());
        assert_eq!(doc.escape(), fresh.escape());
        assert_eq!(doc.sexp(), fresh.sexp());
    }

    /// A document over [`KEEP_TREE_BYTES`] keeps no tree; its edits, on either path, still read as a fresh parse.
    #[test]
    fn a_document_without_its_tree_edits_as_a_fresh_parse() {
        let mut text = String::from("# syntax=docker/dockerfile:1\nFROM alpine AS base\n");
        for i in 0..40 {
            text.push_str(&format!("RUN echo {i} \\\n    && true\nENV K{i}=v{i}\n"));
        }
        let mut doc = Document::parse(&text);
        assert!(doc.tree.is_none());
        let small = Document::parse("FROM a\n");
        assert!(small.tree.is_some());
        let at = text.find("echo 7").unwrap();
        // The line path, then the whole-file path (a directive), then an edit that opens a heredoc.
        assert!(matches!(
            doc.apply_edit(at..at + 4, "printf"),
            Reparsed::Lines(_)
        ));
        same_as_fresh(&doc);
        assert!(matches!(
            doc.apply_edit(2..8, "escape=`\n# s"),
            Reparsed::File
        ));
        same_as_fresh(&doc);
        let at = doc.text().find("ENV K9").unwrap();
        doc.apply_edit(at..at, "RUN <<EOF\n");
        same_as_fresh(&doc);
        assert!(doc.tree.is_none());
        let copy = doc.clone();
        assert_eq!(copy.instructions(), doc.instructions());
        assert_eq!(
            doc.instruction_at(at).map(|(i, _)| i),
            Document::parse(doc.text())
                .instructions()
                .iter()
                .position(|i| i.full_range.start <= at && at <= i.full_range.end)
        );
    }
}
