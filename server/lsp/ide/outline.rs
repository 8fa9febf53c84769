//! The outline: document symbols grouped by stage, and folding ranges for stages, multi-line instructions,
//! heredocs and comment blocks.
use dflint_rules::syntax::{Document, Instruction, Kind};
use tower_lsp_server::ls_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use crate::lsp::encoding::Converter;

fn kind_of(ins: &Instruction) -> SymbolKind {
    match ins.kind {
        Kind::Arg | Kind::Env => SymbolKind::VARIABLE,
        Kind::Label => SymbolKind::PROPERTY,
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => SymbolKind::FUNCTION,
        Kind::Copy | Kind::Add => SymbolKind::FILE,
        Kind::Expose => SymbolKind::NUMBER,
        Kind::Healthcheck | Kind::Onbuild | Kind::Stopsignal => SymbolKind::EVENT,
        Kind::From => SymbolKind::MODULE,
        _ => SymbolKind::KEY,
    }
}

/// A one-line description: the instruction's logical line, shortened.
fn detail(ins: &Instruction, text: &str) -> String {
    let logical = ins.logical(text);
    let rest = logical
        .get(ins.keyword_text(text).len()..)
        .unwrap_or("")
        .trim();
    let mut d: String = rest.chars().take(60).collect();
    if rest.chars().count() > 60 {
        d.push('…');
    }
    d
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn symbol(
    conv: &Converter,
    name: String,
    detail: String,
    kind: SymbolKind,
    full: std::ops::Range<usize>,
    sel: std::ops::Range<usize>,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "(unnamed)".into()
        } else {
            name
        },
        detail: (!detail.is_empty()).then_some(detail),
        kind,
        tags: None,
        deprecated: None,
        range: conv.range(full),
        selection_range: conv.range(sel),
        children,
    }
}

fn instruction_symbols(conv: &Converter, text: &str, ins: &Instruction) -> Vec<DocumentSymbol> {
    if matches!(ins.kind, Kind::Arg | Kind::Env) && !ins.pairs.is_empty() {
        return ins
            .pairs
            .iter()
            .map(|p| {
                let value = p.value.as_ref().map(|v| v.raw.clone()).unwrap_or_default();
                let detail = format!("{} {value}", ins.kind.keyword());
                symbol(
                    conv,
                    p.key.clone(),
                    detail,
                    SymbolKind::VARIABLE,
                    ins.full_range.clone(),
                    p.key_range.clone(),
                    None,
                )
            })
            .collect();
    }
    let name = if ins.kind == Kind::Unknown {
        ins.keyword_text(text).to_string()
    } else {
        ins.kind.keyword().to_string()
    };
    vec![symbol(
        conv,
        name,
        detail(ins, text),
        kind_of(ins),
        ins.full_range.clone(),
        ins.keyword.clone(),
        None,
    )]
}

/// Global ARGs first, then one symbol per stage with its instructions as children.
pub fn document_symbols(doc: &Document, conv: &Converter) -> Vec<DocumentSymbol> {
    let mut out: Vec<DocumentSymbol> = doc
        .global_instructions()
        .iter()
        .flat_map(|i| instruction_symbols(conv, doc.text(), i))
        .collect();
    for stage in doc.stages() {
        let instructions = doc.stage_instructions(stage);
        let from = &instructions[0];
        let start = from.full_range.start;
        let end = instructions
            .last()
            .map_or(from.full_range.end, |i| i.full_range.end);
        let name = match &stage.name {
            Some(n) => n.clone(),
            None => format!("stage {}", stage.index),
        };
        let sel = stage.name_range.clone().unwrap_or(from.keyword.clone());
        let children = instructions[1..]
            .iter()
            .flat_map(|i| instruction_symbols(conv, doc.text(), i))
            .collect();
        out.push(symbol(
            conv,
            name,
            format!("FROM {}", stage.base),
            SymbolKind::MODULE,
            start..end,
            sel,
            Some(children),
        ));
    }
    out
}

fn fold(start: usize, end: usize, kind: Option<FoldingRangeKind>) -> Option<FoldingRange> {
    (end > start).then_some(FoldingRange {
        start_line: start as u32,
        start_character: None,
        end_line: end as u32,
        end_character: None,
        kind,
        collapsed_text: None,
    })
}

/// Stages, multi-line instructions, heredoc bodies and runs of two or more comment lines.
pub fn folding_ranges(doc: &Document) -> Vec<FoldingRange> {
    let mut out = Vec::new();
    let li = doc.line_index();
    for stage in doc.stages() {
        let ins = doc.stage_instructions(stage);
        let end = ins.last().map_or(0, |i| i.end_line);
        out.extend(fold(ins[0].start_line, end, Some(FoldingRangeKind::Region)));
    }
    for ins in doc.instructions() {
        let last_line = li.line(ins.range.end.saturating_sub(1).max(ins.range.start));
        out.extend(fold(ins.start_line, last_line, None));
        for h in &ins.heredocs {
            let marker = li.line(h.marker_range.start);
            let end = if h.end_range.is_empty() {
                li.line(h.body_range.end.saturating_sub(1))
            } else {
                li.line(h.end_range.start)
            };
            out.extend(fold(marker, end, None));
        }
    }
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: Option<(usize, usize)>, out: &mut Vec<FoldingRange>| {
        if let Some((a, b)) = run {
            out.extend(fold(a, b, Some(FoldingRangeKind::Comment)));
        }
    };
    for c in doc.comments() {
        let line = li.line(c.range.start);
        run = match run {
            Some((a, b)) if b + 1 == line => Some((a, line)),
            other => {
                flush(other, &mut out);
                Some((line, line))
            }
        };
    }
    flush(run, &mut out);
    out.sort_by_key(|r| (r.start_line, std::cmp::Reverse(r.end_line)));
    out.dedup_by(|a, b| a.start_line == b.start_line && a.end_line == b.end_line);
    out
}
