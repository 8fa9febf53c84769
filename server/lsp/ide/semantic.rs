//! Semantic tokens: keywords, flags, variables, strings, comments, operators, stage and image names.
//!
//! Each kind of token paints its bytes, finer tokens over coarser ones (a `$VAR` inside a string value), and the
//! painted runs of each line become the tokens: never overlapping, never spanning lines, whatever the input.
use std::ops::Range;

use dflint_rules::syntax::{Command, Document, Healthcheck, Instruction, Kind};
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend,
};

use super::names::{Key, Names, Role};
use crate::lsp::encoding::Encoding;
use crate::lsp::reference;

const KEYWORD: u8 = 0;
const PARAMETER: u8 = 1;
const VARIABLE: u8 = 2;
const STRING: u8 = 3;
const COMMENT: u8 = 4;
const OPERATOR: u8 = 5;
const NAMESPACE: u8 = 6;
const TYPE: u8 = 7;
const MACRO: u8 = 8;
const NUMBER: u8 = 9;
const PROPERTY: u8 = 10;

const DECLARATION: u8 = 1 << 0;
const READONLY: u8 = 1 << 1;
const DEPRECATED: u8 = 1 << 2;
const DEFAULT_LIBRARY: u8 = 1 << 3;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::KEYWORD,
            SemanticTokenType::PARAMETER,
            SemanticTokenType::VARIABLE,
            SemanticTokenType::STRING,
            SemanticTokenType::COMMENT,
            SemanticTokenType::OPERATOR,
            SemanticTokenType::NAMESPACE,
            SemanticTokenType::TYPE,
            SemanticTokenType::MACRO,
            SemanticTokenType::NUMBER,
            SemanticTokenType::PROPERTY,
        ],
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::READONLY,
            SemanticTokenModifier::DEPRECATED,
            SemanticTokenModifier::DEFAULT_LIBRARY,
        ],
    }
}

/// One painted byte: `0` is nothing, else `(type + 1) | modifiers << 8`.
struct Canvas {
    cells: Vec<u16>,
    offset: usize,
}

impl Canvas {
    fn paint(&mut self, range: Range<usize>, ty: u8, mods: u8) {
        let start = range.start.max(self.offset);
        let end = range.end.min(self.offset + self.cells.len());
        if start >= end {
            return;
        }
        let cell = (ty as u16 + 1) | (mods as u16) << 8;
        for c in &mut self.cells[start - self.offset..end - self.offset] {
            *c = cell;
        }
    }
}

/// Tokens of the lines `lines` (all lines when `None`), in the client's encoding.
pub fn tokens(
    doc: &Document,
    names: &Names,
    encoding: Encoding,
    lines: Option<Range<usize>>,
) -> Vec<SemanticToken> {
    let text = doc.text();
    let li = doc.line_index();
    let lines = lines.unwrap_or(0..li.line_count());
    let lines = lines.start.min(li.line_count())..lines.end.min(li.line_count());
    let bytes =
        li.line_start(lines.start)..li.line_start(lines.end).max(li.line_start(lines.start));
    let bytes = bytes.start..if lines.end >= li.line_count() {
        text.len()
    } else {
        bytes.end
    };
    let mut canvas = Canvas {
        cells: vec![0; bytes.len()],
        offset: bytes.start,
    };
    let overlaps =
        |r: &Range<usize>| r.start < bytes.end && r.end > bytes.start || r.start == bytes.start;
    for d in doc.directives().iter().filter(|d| overlaps(&d.range)) {
        canvas.paint(d.range.clone(), COMMENT, 0);
        canvas.paint(d.name_range.clone(), MACRO, 0);
        canvas.paint(d.value_range.clone(), STRING, 0);
    }
    for c in doc.comments().iter().filter(|c| overlaps(&c.range)) {
        canvas.paint(c.range.clone(), COMMENT, 0);
    }
    for ins in doc
        .instructions()
        .iter()
        .filter(|i| overlaps(&i.full_range))
    {
        instruction(&mut canvas, doc, ins);
    }
    let first = names
        .occurrences
        .partition_point(|o| o.range.end < bytes.start);
    for o in names.occurrences[first..]
        .iter()
        .take_while(|o| o.range.start < bytes.end)
    {
        let decl = if o.role == Role::Definition {
            DECLARATION
        } else {
            0
        };
        match &o.key {
            Key::Stage(_) => canvas.paint(o.range.clone(), NAMESPACE, decl),
            Key::Unresolved(..) if reference::automatic_arg(&o.name).is_some() => {
                canvas.paint(o.range.clone(), VARIABLE, DEFAULT_LIBRARY | READONLY)
            }
            _ => canvas.paint(o.range.clone(), VARIABLE, decl),
        }
    }
    encode(
        text,
        &canvas,
        li.line_start(lines.start),
        encoding,
        lines.start,
    )
}

fn instruction(canvas: &mut Canvas, doc: &Document, ins: &Instruction) {
    let deprecated = if ins.kind == Kind::Maintainer {
        DEPRECATED
    } else {
        0
    };
    canvas.paint(ins.keyword.clone(), KEYWORD, deprecated);
    for f in &ins.flags {
        if let Some(v) = &f.value_range {
            canvas.paint(v.clone(), STRING, 0);
        }
        canvas.paint(f.range.start..f.name_range.end, PARAMETER, 0);
    }
    if let Some(a) = &ins.as_keyword {
        canvas.paint(a.clone(), KEYWORD, 0);
    }
    if let Some(image) = &ins.image {
        canvas.paint(image.range.clone(), TYPE, 0);
        if let Some((_, r)) = &image.tag {
            canvas.paint(r.clone(), STRING, 0);
        }
        if let Some((_, r)) = &image.digest {
            canvas.paint(r.clone(), STRING, 0);
        }
    }
    for p in &ins.pairs {
        let (ty, mods) = match ins.kind {
            Kind::Label => (PROPERTY, 0),
            _ => (VARIABLE, DECLARATION),
        };
        if let Some(v) = &p.value {
            canvas.paint(v.range.clone(), STRING, 0);
        }
        canvas.paint(p.key_range.clone(), ty, mods);
        if let Some(eq) = p.eq {
            canvas.paint(eq..eq + 1, OPERATOR, 0);
        }
    }
    let number = ins.kind == Kind::Expose;
    for w in &ins.words {
        canvas.paint(w.range.clone(), if number { NUMBER } else { STRING }, 0);
    }
    let command = match ins.healthcheck.as_deref() {
        Some(Healthcheck::Cmd { keyword, command }) => {
            canvas.paint(keyword.clone(), KEYWORD, 0);
            command.as_ref()
        }
        Some(Healthcheck::None(r)) => {
            canvas.paint(r.clone(), KEYWORD, 0);
            None
        }
        None => ins.command.as_ref(),
    };
    let exec = command.and_then(|c| match c {
        Command::Exec(e) => Some(e),
        Command::Shell(_) => None,
    });
    for e in exec.into_iter().chain(ins.exec_form.as_deref()) {
        for el in &e.elements {
            canvas.paint(el.range.clone(), STRING, 0);
        }
    }
    for h in &ins.heredocs {
        canvas.paint(h.marker_range.clone(), OPERATOR, 0);
        canvas.paint(h.end_range.clone(), OPERATOR, 0);
    }
    let escape_len = doc.escape().len_utf8();
    for c in &ins.continuations {
        canvas.paint(c.start..c.start + escape_len, OPERATOR, 0);
    }
    if let Some(inner) = &ins.onbuild {
        instruction(canvas, doc, inner);
    }
}

fn encode(
    text: &str,
    canvas: &Canvas,
    first_line_start: usize,
    encoding: Encoding,
    first_line: usize,
) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    let mut line = first_line as u32;
    let mut col = 0u32;
    let mut run: Option<(u32, u32, u16)> = None; // (start col, length, cell)
    let slice = &text[first_line_start..canvas.offset + canvas.cells.len()];
    let mut emit = |run: &mut Option<(u32, u32, u16)>, line: u32, out: &mut Vec<SemanticToken>| {
        if let Some((start, length, cell)) = run.take() {
            let delta_line = line - prev_line;
            let delta_start = if delta_line == 0 {
                start - prev_col
            } else {
                start
            };
            out.push(SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: (cell & 0xff) as u32 - 1,
                token_modifiers_bitset: (cell >> 8) as u32,
            });
            prev_line = line;
            prev_col = start;
        }
    };
    for (i, ch) in slice.char_indices() {
        let at = first_line_start + i;
        if ch == '\n' {
            emit(&mut run, line, &mut out);
            line += 1;
            col = 0;
            continue;
        }
        let cell = if ch == '\r' {
            0
        } else {
            canvas.cells[at - canvas.offset]
        };
        let units = match encoding {
            Encoding::Utf8 => ch.len_utf8() as u32,
            Encoding::Utf16 => ch.len_utf16() as u32,
        };
        match &mut run {
            Some((_, length, c)) if *c == cell => *length += units,
            _ => {
                emit(&mut run, line, &mut out);
                if cell != 0 {
                    run = Some((col, units, cell));
                }
            }
        }
        col += units;
    }
    emit(&mut run, line, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absolute(tokens: &[SemanticToken]) -> Vec<(u32, u32, u32, u32)> {
        let (mut line, mut col) = (0, 0);
        tokens
            .iter()
            .map(|t| {
                line += t.delta_line;
                col = if t.delta_line == 0 {
                    col + t.delta_start
                } else {
                    t.delta_start
                };
                (line, col, t.length, t.token_type)
            })
            .collect()
    }

    #[test]
    fn tokens_do_not_overlap_and_follow_the_encoding() {
        let doc = Document::parse("# 🐳 whale\nFROM alpine AS b\nLABEL x=\"🐳$V\"\n");
        let names = Names::build(&doc);
        let t16 = absolute(&tokens(&doc, &names, Encoding::Utf16, None));
        // The comment: `# ` + whale (2 units) + ` whale` = 10 units.
        assert_eq!(t16[0], (0, 0, 10, COMMENT as u32));
        let var = t16
            .iter()
            .find(|t| t.3 == VARIABLE as u32 && t.0 == 2)
            .unwrap();
        assert_eq!((var.1, var.2), (12, 1));
        let t8 = absolute(&tokens(&doc, &names, Encoding::Utf8, None));
        let var = t8
            .iter()
            .find(|t| t.3 == VARIABLE as u32 && t.0 == 2)
            .unwrap();
        assert_eq!((var.1, var.2), (14, 1));
        for w in t16.windows(2) {
            assert!(w[0].0 < w[1].0 || w[0].1 + w[0].2 <= w[1].1, "{w:?}");
        }
        let only_line_1 = absolute(&tokens(&doc, &names, Encoding::Utf16, Some(1..2)));
        assert!(only_line_1.iter().all(|t| t.0 == 1), "{only_line_1:?}");
        assert_eq!(only_line_1[0], (1, 0, 4, KEYWORD as u32));
    }
}
