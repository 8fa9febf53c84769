//! Completion from the text around the cursor (the model of a half-typed line is not to be trusted): instruction
//! snippets, flags per instruction, `--mount` keys and values, stage names, variables in scope, parser directives.
use std::ops::Range;

use dflint_rules::syntax::{Document, Kind};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, TextEdit,
};

use super::names::{Key, Names, Role};
use crate::lsp::encoding::Converter;
use crate::lsp::reference::{self, AUTOMATIC_ARGS, DIRECTIVES, INSTRUCTIONS, MOUNT_KEYS};

pub struct Request<'a> {
    pub doc: &'a Document,
    pub names: &'a Names,
    pub conv: &'a Converter<'a>,
    pub offset: usize,
    pub snippets: bool,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn markdown(value: String) -> Option<Documentation> {
    Some(Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }))
}

impl Request<'_> {
    fn item(
        &self,
        label: &str,
        kind: CompletionItemKind,
        replace: Range<usize>,
        insert: String,
        snippet: bool,
    ) -> CompletionItem {
        let snippet = snippet && self.snippets;
        let insert = if snippet || !insert.contains('$') {
            insert
        } else {
            plain(&insert)
        };
        CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: self.conv.range(replace),
                new_text: insert,
            })),
            insert_text_format: Some(if snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            ..CompletionItem::default()
        }
    }

    /// The instruction index the cursor is in, or the number of instructions that start before it.
    fn instruction_index(&self) -> usize {
        match self.doc.instruction_at(self.offset) {
            Some((i, _)) => i,
            None => self
                .doc
                .instructions()
                .partition_point(|i| i.range.start < self.offset),
        }
    }
}

/// Snippet text without placeholders (`${1:image}` → `image`), for clients without snippet support.
fn plain(snippet: &str) -> String {
    let mut out = String::new();
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek() == Some(&'{') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                chars.next();
            }
            if chars.peek() == Some(&':') {
                chars.next();
            }
            continue;
        }
        if c == '}' {
            continue;
        }
        out.push(c);
    }
    out
}

pub fn complete(req: &Request) -> Vec<CompletionItem> {
    let text = req.doc.text();
    let offset = dflint_rules::syntax::floor_char_boundary(text, req.offset);
    let li = req.doc.line_index();
    let line = li.line(offset);
    let line_start = li.line_start(line);
    let before = &text[line_start..offset];
    let bytes = text.as_bytes();

    // `$NAME` / `${NAME`: variables in scope.
    let mut name_start = offset;
    while name_start > line_start && is_name_byte(bytes[name_start - 1]) {
        name_start -= 1;
    }
    let dollar = if name_start > 0 && bytes[name_start - 1] == b'$' {
        Some(name_start - 1)
    } else if name_start > 1 && bytes[name_start - 1] == b'{' && bytes[name_start - 2] == b'$' {
        Some(name_start - 2)
    } else {
        None
    };
    if dollar.is_some() {
        return variables(req, name_start..offset);
    }

    if in_heredoc_body(req.doc, offset) {
        return Vec::new();
    }
    let word_start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(line_start, |i| line_start + i + 1);
    let word = &text[word_start..offset];

    if before.trim_start().starts_with('#') {
        return directives(req, line, line_start..offset);
    }
    let continued = is_continuation_line(req.doc, line);
    let first_word = before.split_whitespace().next().unwrap_or("");
    let at_instruction_start = !continued && before[..word_start - line_start].trim().is_empty();
    let after_onbuild = !continued
        && first_word.eq_ignore_ascii_case("ONBUILD")
        && before[..word_start - line_start].split_whitespace().count() == 1;
    if (at_instruction_start || after_onbuild) && word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return keywords(req, word_start..offset, after_onbuild);
    }

    let kind = current_kind(req, line, first_word);
    if word.starts_with('-') {
        return flags(req, kind, word, word_start);
    }
    if kind == Kind::Healthcheck
        && before[..word_start - line_start]
            .split_whitespace()
            .all(|w| w.starts_with('-') || w.eq_ignore_ascii_case("HEALTHCHECK"))
    {
        return ["CMD", "NONE"]
            .iter()
            .map(|k| {
                req.item(
                    k,
                    CompletionItemKind::KEYWORD,
                    word_start..offset,
                    format!("{k} "),
                    false,
                )
            })
            .collect();
    }
    if kind == Kind::From {
        let words: Vec<&str> = before[..word_start - line_start]
            .split_whitespace()
            .filter(|w| !w.starts_with('-'))
            .collect();
        if words.len() == 1 {
            return stages(req, word_start..offset, true);
        }
        if words.len() == 2 {
            return vec![req.item(
                "AS",
                CompletionItemKind::KEYWORD,
                word_start..offset,
                "AS ${1:name}".into(),
                true,
            )];
        }
    }
    Vec::new()
}

fn in_heredoc_body(doc: &Document, offset: usize) -> bool {
    doc.instructions()
        .iter()
        .flat_map(|i| i.heredocs.iter())
        .any(|h| {
            h.body_range.start <= offset
                && offset <= h.body_range.end.max(h.end_range.end)
                && !h.body_range.is_empty()
        })
}

/// Whether a line continues the instruction above it (after an escaped line end).
fn is_continuation_line(doc: &Document, line: usize) -> bool {
    doc.instructions().iter().any(|i| {
        i.start_line < line
            && doc
                .line_index()
                .line(i.range.end.saturating_sub(1).max(i.range.start))
                >= line
    })
}

/// The instruction kind the cursor's line belongs to.
fn current_kind(req: &Request, line: usize, first_word: &str) -> Kind {
    let doc = req.doc;
    if let Some(ins) = doc
        .instructions()
        .iter()
        .find(|i| i.start_line <= line && line <= i.end_line)
    {
        let ins = match &ins.onbuild {
            Some(inner) => inner,
            None => ins,
        };
        return ins.kind;
    }
    Kind::from_keyword(first_word)
}

fn keywords(req: &Request, replace: Range<usize>, after_onbuild: bool) -> Vec<CompletionItem> {
    INSTRUCTIONS
        .iter()
        .filter(|d| {
            !after_onbuild || !matches!(d.kind, Kind::From | Kind::Onbuild | Kind::Maintainer)
        })
        .map(|d| {
            let mut item = req.item(
                d.kind.keyword(),
                CompletionItemKind::KEYWORD,
                replace.clone(),
                d.snippet.to_string(),
                true,
            );
            item.detail = Some(d.syntax.lines().next().unwrap_or("").to_string());
            item.documentation = markdown(d.markdown());
            item.deprecated = Some(d.kind == Kind::Maintainer).filter(|b| *b);
            item
        })
        .collect()
}

fn directives(req: &Request, line: usize, replace: Range<usize>) -> Vec<CompletionItem> {
    let doc = req.doc;
    // Directives are read only above the first comment, blank line or instruction.
    let li = doc.line_index();
    let directive_lines = doc
        .directives()
        .iter()
        .map(|d| li.line(d.range.start))
        .collect::<Vec<_>>();
    if !(0..line).all(|l| directive_lines.contains(&l)) {
        return Vec::new();
    }
    DIRECTIVES
        .iter()
        .filter(|d| {
            !doc.directives()
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(d.name) && li.line(e.range.start) != line)
        })
        .map(|d| {
            let mut item = req.item(
                d.name,
                CompletionItemKind::PROPERTY,
                replace.clone(),
                d.snippet.to_string(),
                true,
            );
            item.filter_text = Some(format!("# {}", d.name));
            item.documentation = markdown(d.doc.to_string());
            item
        })
        .collect()
}

fn flags(req: &Request, kind: Kind, word: &str, word_start: usize) -> Vec<CompletionItem> {
    let offset = word_start + word.len();
    if let Some((name, value)) = word.strip_prefix("--").and_then(|w| w.split_once('=')) {
        let value_start = word_start + 2 + name.len() + 1;
        let name = name.to_ascii_lowercase();
        if name == "mount" && kind == Kind::Run {
            return mount(req, value, value_start);
        }
        if name == "from" && matches!(kind, Kind::Copy | Kind::Add) {
            return stages(req, value_start..offset, false);
        }
        let Some(doc) = reference::flag_doc(kind, &name) else {
            return Vec::new();
        };
        return doc
            .values
            .iter()
            .map(|v| {
                req.item(
                    v,
                    CompletionItemKind::VALUE,
                    value_start..offset,
                    v.to_string(),
                    false,
                )
            })
            .collect();
    }
    let present: Vec<String> = req
        .doc
        .instruction_at(req.offset)
        .map(|(_, i)| {
            i.flags
                .iter()
                .map(|f| f.name.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    reference::flags(kind)
        .iter()
        .filter(|f| {
            !present.contains(&f.name.to_string())
                || matches!(f.name, "mount" | "exclude" | "device")
        })
        .map(|f| {
            let insert = match f.value {
                Some(_) if !f.values.is_empty() => format!(
                    "--{}=${{1|{}|}}",
                    f.name,
                    f.values.join(",").replace('$', "\\$")
                ),
                Some(v) => format!(
                    "--{}=${{1:{}}}",
                    f.name,
                    v.trim_matches(|c| c == '<' || c == '>')
                ),
                None => format!("--{}", f.name),
            };
            let mut item = req.item(
                &format!("--{}", f.name),
                CompletionItemKind::PROPERTY,
                word_start..offset,
                insert,
                true,
            );
            item.detail = f.value.map(|v| format!("--{}={v}", f.name));
            item.documentation = markdown(f.doc.to_string());
            item
        })
        .collect()
}

fn mount(req: &Request, value: &str, value_start: usize) -> Vec<CompletionItem> {
    let offset = value_start + value.len();
    let part_start = value.rfind(',').map_or(0, |i| i + 1);
    let part = &value[part_start..];
    if let Some((key, v)) = part.split_once('=') {
        let start = value_start + part_start + key.len() + 1;
        if key.eq_ignore_ascii_case("from") {
            return stages(req, start..offset, false);
        }
        let _typed = v;
        return MOUNT_KEYS
            .iter()
            .filter(|k| k.name.eq_ignore_ascii_case(key))
            .flat_map(|k| k.values.iter())
            .map(|v| {
                req.item(
                    v,
                    CompletionItemKind::VALUE,
                    start..offset,
                    v.to_string(),
                    false,
                )
            })
            .collect();
    }
    let present: Vec<&str> = value
        .split(',')
        .filter_map(|p| p.split('=').next())
        .collect();
    MOUNT_KEYS
        .iter()
        .filter(|k| !present[..present.len().saturating_sub(1)].contains(&k.name))
        .map(|k| {
            let insert = if k.has_value {
                format!("{}=", k.name)
            } else {
                k.name.to_string()
            };
            let mut item = req.item(
                k.name,
                CompletionItemKind::PROPERTY,
                value_start + part_start..offset,
                insert,
                false,
            );
            item.documentation = markdown(k.doc.to_string());
            item
        })
        .collect()
}

/// Named stages: for `FROM`, those defined above the line (where Docker looks); for `--from`, any other stage.
fn stages(req: &Request, replace: Range<usize>, only_earlier: bool) -> Vec<CompletionItem> {
    let doc = req.doc;
    let li = doc.line_index();
    let line_start = li.line_start(li.line(req.offset));
    let from_of = |s: &dflint_rules::syntax::Stage| &doc.instructions()[s.from];
    let current = doc
        .stages()
        .iter()
        .rposition(|s| from_of(s).range.start < line_start);
    doc.stages()
        .iter()
        .filter(|s| {
            if only_earlier {
                from_of(s).range.end <= line_start
            } else {
                Some(s.index) != current
            }
        })
        .filter_map(|s| {
            let name = s.name.as_ref()?;
            let mut item = req.item(
                name,
                CompletionItemKind::MODULE,
                replace.clone(),
                name.clone(),
                false,
            );
            item.detail = Some(format!("stage {}: FROM {}", s.index, s.base));
            Some(item)
        })
        .collect()
}

fn variables(req: &Request, replace: Range<usize>) -> Vec<CompletionItem> {
    let doc = req.doc;
    let index = req.instruction_index();
    let in_from = doc
        .instructions()
        .get(index)
        .is_some_and(|i| i.kind == Kind::From && i.range.start < req.offset);
    let at = if in_from {
        Some(index)
    } else {
        doc.instruction_at(req.offset)
            .map(|(i, _)| i)
            .or(Some(index))
    };
    let mut items: Vec<CompletionItem> = req
        .names
        .visible_variables(doc, at)
        .into_iter()
        .map(|o| {
            let ins = &doc.instructions()[o.instruction];
            let value = super::hover::declared_value(ins, &o.name);
            let mut item = req.item(
                &o.name,
                CompletionItemKind::VARIABLE,
                replace.clone(),
                o.name.clone(),
                false,
            );
            let scope = match o.key {
                Key::Global(_) if doc.stage_of(o.instruction).is_none() => "global ARG",
                Key::Global(_) => "ARG (global, redeclared)",
                _ if ins.kind == Kind::Env => "ENV",
                _ => "ARG",
            };
            item.detail = Some(match value {
                Some(v) => format!("{scope} = {v}"),
                None => scope.to_string(),
            });
            debug_assert_eq!(o.role, Role::Definition);
            item
        })
        .collect();
    // Automatic platform arguments are in scope in FROM lines and in the global part.
    let global = in_from || doc.stage_of(index).is_none();
    if global {
        for (name, doc_text) in AUTOMATIC_ARGS {
            if !items.iter().any(|i| i.label == *name) {
                let mut item = req.item(
                    name,
                    CompletionItemKind::CONSTANT,
                    replace.clone(),
                    name.to_string(),
                    false,
                );
                item.detail = Some(format!("automatic: {doc_text}"));
                items.push(item);
            }
        }
    }
    items
}
