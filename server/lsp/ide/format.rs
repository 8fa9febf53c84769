//! Formatting: instruction keywords in upper case, instructions at the start of their line, continuation lines
//! indented by one level. Only line-leading whitespace and keyword case ever change, and a continuation line is
//! re-indented only where its leading whitespace is not part of a value: never inside quotes, never where the
//! escaped line end joins two halves of a word, never in a heredoc body.
use std::ops::Range;

use dflint_rules::engine::Edit;
use dflint_rules::syntax::{Document, Healthcheck, Instruction, Kind};

pub struct Options {
    pub indent: String,
}

/// The edits that format the lines `lines` (all lines when `None`).
pub fn format(doc: &Document, options: &Options, lines: Option<Range<usize>>) -> Vec<Edit> {
    let mut edits = Vec::new();
    // The lines that hold a comment, sorted: looked up per line, in time logarithmic in their number.
    let li = doc.line_index();
    let mut comment_lines: Vec<usize> = doc
        .comments()
        .iter()
        .map(|c| li.line(c.range.start))
        .collect();
    comment_lines.sort_unstable();
    for ins in doc.instructions() {
        instruction(doc, ins, options, &comment_lines, &mut edits);
    }
    if let Some(lines) = lines {
        let li = doc.line_index();
        edits.retain(|e| lines.contains(&li.line(e.range.start)));
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

fn upper(doc: &Document, range: &Range<usize>, edits: &mut Vec<Edit>) {
    let Some(text) = doc.text().get(range.clone()) else {
        return;
    };
    let up = text.to_ascii_uppercase();
    if up != text && !text.is_empty() {
        edits.push(Edit::replace(range.clone(), up));
    }
}

fn keywords(doc: &Document, ins: &Instruction, edits: &mut Vec<Edit>) {
    if ins.kind == Kind::Unknown {
        return;
    }
    upper(doc, &ins.keyword, edits);
    if let Some(r) = &ins.as_keyword {
        upper(doc, r, edits);
    }
    match ins.healthcheck.as_deref() {
        Some(Healthcheck::Cmd { keyword, .. }) => upper(doc, keyword, edits),
        Some(Healthcheck::None(r)) => upper(doc, r, edits),
        None => {}
    }
    if let Some(inner) = &ins.onbuild {
        keywords(doc, inner, edits);
    }
}

fn instruction(
    doc: &Document,
    ins: &Instruction,
    options: &Options,
    comment_lines: &[usize],
    edits: &mut Vec<Edit>,
) {
    if ins.kind == Kind::Unknown {
        return;
    }
    let text = doc.text();
    let li = doc.line_index();
    let first = li.line_start(ins.start_line);
    if first < ins.keyword.start
        && text[first..ins.keyword.start]
            .chars()
            .all(|c| c == ' ' || c == '\t')
    {
        edits.push(Edit::delete(first..ins.keyword.start));
    }
    keywords(doc, ins, edits);
    let last_line = li.line(ins.range.end.saturating_sub(1).max(ins.range.start));
    if last_line <= ins.start_line {
        return;
    }
    let heredoc_lines: Vec<Range<usize>> = ins
        .heredocs
        .iter()
        .map(|h| h.body_range.start..h.end_range.end.max(h.body_range.end))
        .collect();
    let breaks = line_breaks(
        text,
        ins.range.clone(),
        li.line(ins.range.start),
        doc.escape(),
    );
    for line in ins.start_line + 1..=last_line {
        let start = li.line_start(line);
        if heredoc_lines
            .iter()
            .any(|h| h.start <= start && start < h.end)
        {
            continue;
        }
        let content = li.line_range(line, text);
        let lead_end = start + text[content.clone()].len()
            - text[content.clone()].trim_start_matches([' ', '\t']).len();
        if lead_end == content.end {
            continue; // blank: left alone
        }
        let Ok(at) = breaks.binary_search_by_key(&line, |b| b.line) else {
            continue;
        };
        let state = &breaks[at];
        let comment = comment_lines.binary_search(&line).is_ok();
        let word_boundary = state.space_before_escape || lead_end > start;
        if !comment && (state.in_quotes || !word_boundary) {
            continue;
        }
        if text[start..lead_end] != *options.indent {
            edits.push(Edit::replace(start..lead_end, options.indent.clone()));
        }
    }
}

/// The state of the instruction's text at the start of a continued line.
struct Break {
    line: usize,
    in_quotes: bool,
    /// Whitespace before the escape that ends the line above.
    space_before_escape: bool,
}

/// The state at each line start inside `range`, which starts on line `first_line` (in line order).
fn line_breaks(text: &str, range: Range<usize>, first_line: usize, escape: char) -> Vec<Break> {
    let s = &text[range.clone()];
    let mut out = Vec::new();
    let (mut single, mut double) = (false, false);
    let mut line = first_line;
    let mut chars = s.char_indices().peekable();
    let mut prev_space = false;
    let mut line_start = true;
    let mut comment_line = false;
    while let Some((i, c)) = chars.next() {
        if line_start {
            comment_line = s[i..].trim_start_matches([' ', '\t']).starts_with('#');
            line_start = false;
        }
        if c == '\n' {
            line += 1;
            out.push(Break {
                line,
                in_quotes: single || double,
                space_before_escape: prev_space,
            });
            line_start = true;
            continue;
        }
        if comment_line {
            continue;
        }
        if c == escape && !single {
            // An escape before the line end continues the line; elsewhere it escapes the next character.
            let rest = &s[i + c.len_utf8()..];
            // Stops at the first character that is not whitespace: a long line with many escapes stays linear.
            let line_end = rest
                .chars()
                .take_while(|&c| c != '\n')
                .all(char::is_whitespace);
            if line_end {
                let before = s[..i].chars().next_back();
                prev_space = before.is_some_and(|b| b == ' ' || b == '\t');
                while chars.peek().is_some_and(|(_, n)| *n != '\n') {
                    chars.next();
                }
                continue;
            }
            chars.next();
            continue;
        }
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::engine::apply_edits;

    fn fmt(text: &str) -> String {
        let doc = Document::parse(text);
        let edits = format(
            &doc,
            &Options {
                indent: "    ".into(),
            },
            None,
        );
        apply_edits(text, &edits)
    }

    #[test]
    fn keywords_and_continuations() {
        assert_eq!(
            fmt("from alpine as build\n  run apk add \\\n  curl \\\n\t\t&& true\nonbuild run x\nhealthcheck cmd true\n"),
            "FROM alpine AS build\nRUN apk add \\\n    curl \\\n    && true\nONBUILD RUN x\nHEALTHCHECK CMD true\n"
        );
    }

    #[test]
    fn values_are_never_touched() {
        // Inside quotes, a word split by the escape, and heredoc bodies keep their whitespace.
        let text = "RUN echo \"a \\\n  b\" && x\\\ny\nENV A=x\\\ny\nRUN <<EOF\n  indented\nEOF\n";
        assert_eq!(fmt(text), text);
        // Formatting twice changes nothing more.
        let once = fmt("run a \\\n b \\\n # note\n c\n");
        assert_eq!(once, "RUN a \\\n    b \\\n    # note\n    c\n");
        assert_eq!(fmt(&once), once);
    }
}
