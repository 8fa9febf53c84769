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

/// Texts larger than this (and than [`KEEP_TREE_BYTES`]) are parsed in pieces ([`Document::parse_in_pieces`]).
const PIECES_FROM: usize = 1 << 20;

/// The size of the pieces of a text parsed in pieces: at least 256 KiB, at most 16 pieces (each piece costs a
/// pass over the model built so far: its stages and errors are rebuilt).
fn piece_bytes(len: usize) -> usize {
    (256 << 10).max(len / 16)
}

/// The start of the first line at or after `at` (the end of the text if there is none).
fn line_start_after(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    match text
        .as_bytes()
        .get(at - 1..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
    {
        Some(i) => at + i,
        None => text.len(),
    }
}

/// Where to end a piece at or after `at`: before a line that starts with an instruction keyword after a line that
/// does not continue, so that the piece most likely ends between instructions (else the next piece cannot take the
/// line path, and the text is parsed whole). `None` when none of the next 256 lines does: most likely one long
/// instruction (a heredoc, continuation lines), which pieces would not split.
fn cut_after(text: &str, at: usize) -> Option<usize> {
    let mut cut = line_start_after(text, at);
    for _ in 0..256 {
        if cut >= text.len() {
            return Some(text.len());
        }
        let before = text[..cut].trim_end_matches(['\n', '\r']);
        let word = text[cut..]
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if !before.ends_with(['\\', '`']) && Kind::from_keyword(word) != Kind::Unknown {
            return Some(cut);
        }
        cut = line_start_after(text, cut + 1);
    }
    None
}

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
        Document::parse_string(text.to_string())
    }

    /// [`Document::parse`], of a text the document takes over.
    pub fn parse_string(text: String) -> Document {
        if text.len() > KEEP_TREE_BYTES.max(PIECES_FROM) {
            let piece = piece_bytes(text.len());
            return Document::parse_in_pieces(text, piece);
        }
        let tree = parse_tree(&text, None);
        Document::from_tree(text, tree)
    }

    /// A fresh parse built piece by piece: the first piece parsed, then each next one appended as an edit, which
    /// the line path reparses together with the last instruction before it. Only a piece's tree exists at a time,
    /// where a whole-file parse holds a tree of about 36 bytes per byte of text while it builds the model. When an
    /// append cannot take the line path (a file with errors tree-sitter recovered from, a heredoc or continuation
    /// that runs on across pieces), the whole text is parsed at once instead. The result is a fresh parse either
    /// way: the line path equals one (`tests/incremental_lines.rs`), and `tests/parse_pieces.rs` checks this
    /// function on the corpus.
    #[doc(hidden)]
    pub fn parse_in_pieces(text: String, piece: usize) -> Document {
        Document::pieces(text, piece).0
    }

    /// [`Document::parse_in_pieces`], and whether every piece took the line path.
    fn pieces(text: String, piece: usize) -> (Document, bool) {
        let whole = |text: String| {
            let tree = parse_tree(&text, None);
            (Document::from_tree(text, tree), false)
        };
        let piece = piece.max(1);
        if text.as_bytes().contains(&0) {
            return whole(text);
        }
        // The first piece holds the directives and the start of an instruction: an edit before that may change them.
        let mut cut = 0;
        let mut doc = loop {
            cut = match cut_after(&text, cut + piece) {
                Some(c) if c < text.len() => c,
                _ => return whole(text),
            };
            let (doc, _) = whole(text[..cut].to_string());
            if doc
                .instructions()
                .first()
                .is_some_and(|i| i.range.start < cut)
            {
                break doc;
            }
        };
        let mut previous = 0;
        while cut < text.len() {
            let Some(next) = cut_after(&text, cut + piece) else {
                return whole(text);
            };
            match doc.apply_edit(cut..cut, &text[cut..next]) {
                // Not from within the piece before: an instruction runs on over pieces, and would be read again for
                // every piece.
                Reparsed::Lines(span) if span.start >= previous => {}
                _ => return whole(text),
            }
            previous = cut;
            cut = next;
        }
        // As after a whole-file parse of this size, no tree: the first piece's (edited since) is not worth keeping.
        if doc.text.len() > KEEP_TREE_BYTES {
            doc.tree = None;
            doc.tree_stale = false;
        }
        (doc, true)
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

/// A copy of the state as it is (text, model, line index; the tree shared, as tree-sitter shares it between copies):
/// no parse. The language server copies a document that a lint still reads before it applies the next edit, so a
/// copy must not cost a parse of the whole text (nor, for a text over [`KEEP_TREE_BYTES`], a tree of it).
impl Clone for Document {
    fn clone(&self) -> Self {
        Document {
            text: self.text.clone(),
            tree: self.tree.clone(),
            tree_stale: self.tree_stale,
            has_nul: self.has_nul,
            line_index: self.line_index.clone(),
            model: self.model.clone(),
            encoding_errors: self.encoding_errors.clone(),
            stage_names: std::sync::OnceLock::new(),
        }
    }
}

impl Document {
    /// The document built again from its text and tree: the line index and the typed model rebuilt (what a copy
    /// cost before copies were plain; kept for the parse benchmark's model rebuild).
    #[doc(hidden)]
    pub fn rebuilt(&self) -> Document {
        let mut doc = Document::from_tree(self.text.clone(), self.current_tree());
        doc.encoding_errors = self.encoding_errors.clone();
        doc
    }
}

thread_local! {
    /// A parser kept per thread: making one and dropping it costs about as much as parsing a two-line file, and the
    /// after-fix check parses one small document per rewritten instruction.
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser());
}

fn parse_tree(text: &str, old: Option<&Tree>) -> Tree {
    let parse = |parser: &mut Parser| {
        parser
            .parse(text, old)
            .expect("tree-sitter returns a tree when no timeout or cancellation flag is set")
    };
    PARSER.with(|p| match p.try_borrow_mut() {
        Ok(mut parser) => parse(&mut parser),
        // Only a parse inside a parse would find it taken: that one gets its own parser.
        Err(_) => parse(&mut new_parser()),
    })
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

    /// A text parsed in pieces reads as a whole-file parse; pieces that cannot take the line path (a heredoc that
    /// runs on across them) give a whole-file parse instead.
    #[test]
    fn pieces_read_as_a_whole_file_parse() {
        let mut text = String::from("# escape=`\nARG V=1\nFROM alpine AS base\n");
        for i in 0..30 {
            text.push_str(&format!(
                "RUN echo {i} `\n    && true\n# c{i}\nCOPY <<EOF /f{i}\nx\nEOF\nFROM base AS s{i}\n"
            ));
        }
        let whole = Document::from_tree(text.clone(), parse_tree(&text, None));
        for piece in [1, 7, 40, 300] {
            let (doc, lines) = Document::pieces(text.clone(), piece);
            assert!(lines, "piece {piece}");
            assert_eq!(doc.instructions(), whole.instructions());
            assert_eq!(doc.stages(), whole.stages());
            assert_eq!(doc.comments(), whole.comments());
            assert_eq!(doc.directives(), whole.directives());
            assert_eq!(doc.escape(), whole.escape());
            assert_eq!(doc.line_index(), whole.line_index());
            assert!(doc.tree.is_none());
            same_as_fresh(&doc);
        }
        // A heredoc body longer than the pieces: read whole.
        let long = format!("FROM a\nRUN <<EOF\n{}EOF\nRUN b\n", "RUN x\n".repeat(100));
        let (doc, lines) = Document::pieces(long.clone(), 20);
        assert!(!lines);
        same_as_fresh(&doc);
        // A heredoc left open at the end (which tree-sitter recovers from), longer than the pieces: the same.
        let open = format!(
            "FROM a\n{}RUN <<EOF\n{}",
            "RUN b\n".repeat(20),
            "RUN x\n".repeat(20)
        );
        let (doc, lines) = Document::pieces(open.clone(), 10);
        assert!(!lines);
        same_as_fresh(&doc);
        // No instruction starts within 256 lines of a cut: one long instruction, read whole at once.
        let long = format!("FROM a\nRUN <<EOF\n{}EOF\nRUN b\n", "echo x\n".repeat(300));
        assert_eq!(cut_after(&long, 20), None);
        let (doc, lines) = Document::pieces(long.clone(), 20);
        assert!(!lines);
        same_as_fresh(&doc);
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
