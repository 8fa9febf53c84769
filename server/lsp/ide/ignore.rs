//! The edit of the "Ignore in this file" code action: `# dflint ignore-file=<rule>` after the parser directives,
//! merged into such a comment when there is one. (The engine's `suppression_fix` gives the per-instruction one.)
use std::ops::Range;

use dflint_rules::engine::{self, Edit};
use dflint_rules::syntax::{query, Document};

/// A `# dflint ignore=` (or `ignore-file=`) comment: where its list of codes ends and what it holds.
struct Suppression {
    list_end: usize,
    codes: Vec<String>,
}

fn parse(text: &str, range: Range<usize>, file: bool) -> Option<Suppression> {
    let body = text[range.clone()]
        .trim_start()
        .strip_prefix('#')?
        .trim_start();
    let rest = body.strip_prefix("dflint")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let word = if file { "ignore-file" } else { "ignore" };
    let rest = rest.strip_prefix(word)?.trim_start().strip_prefix('=')?;
    let list_start = range.end - rest.len();
    let is_token = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut codes = Vec::new();
    let mut end = list_start;
    let mut s = &text[list_start..range.end];
    loop {
        let trimmed = s.trim_start_matches([' ', '\t']);
        let token_len = trimmed
            .find(|c: char| !is_token(c))
            .unwrap_or(trimmed.len());
        if token_len == 0 {
            break;
        }
        let token_start = range.end - trimmed.len();
        codes.push(trimmed[..token_len].to_string());
        end = token_start + token_len;
        let after = trimmed[token_len..].trim_start_matches([' ', '\t']);
        match after.strip_prefix(',') {
            Some(next) => s = next,
            None => break,
        }
    }
    (!codes.is_empty()).then_some(Suppression {
        list_end: end,
        codes,
    })
}

/// Whether a suppression token (a code, name, prefix or category) covers the rule `code`.
fn covers(token: &str, code: &str) -> bool {
    token.eq_ignore_ascii_case(code)
        || engine::resolve_selector(token).is_some_and(|rules| rules.iter().any(|r| r.code == code))
}

/// Suppresses the rule `code` (written as `name`) in the whole file; `None` when it is already.
pub fn ignore_file(doc: &Document, code: &str, name: &str) -> Option<Edit> {
    let text = doc.text();
    for c in doc.comments() {
        if let Some(s) = parse(text, c.range.clone(), true) {
            if s.codes.iter().any(|t| covers(t, code)) {
                return None;
            }
            return Some(Edit::insert(s.list_end, format!(",{name}")));
        }
    }
    let li = doc.line_index();
    let newline = query::line_ending(text);
    // After the parser directives, which must stay first.
    let at = doc
        .directives()
        .iter()
        .map(|d| li.line(d.range.start) + 1)
        .max()
        .map_or(0, |line| li.line_start(line));
    let mut insert = format!("# dflint ignore-file={name}{newline}");
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        insert = format!("{newline}{insert}");
    }
    Some(Edit::insert(at, insert))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::engine::apply_edits;

    fn apply(text: &str, edit: Option<Edit>) -> String {
        apply_edits(text, &[edit.expect("an edit")])
    }

    #[test]
    fn file_suppressions_go_after_directives() {
        let text = "# syntax=docker/dockerfile:1\r\n# escape=\\\r\nFROM a\r\n";
        let doc = Document::parse(text);
        assert_eq!(
            apply(text, ignore_file(&doc, "DF301", "latest-tag")),
            "# syntax=docker/dockerfile:1\r\n# escape=\\\r\n# dflint ignore-file=latest-tag\r\nFROM a\r\n"
        );
        let text = "FROM a\n# dflint: ignore-file=DF1 reason\n";
        let doc = Document::parse(text);
        assert_eq!(
            apply(text, ignore_file(&doc, "DF301", "latest-tag")),
            "FROM a\n# dflint: ignore-file=DF1,latest-tag reason\n"
        );
        // DF1 is a prefix that covers DF101.
        assert!(ignore_file(&doc, "DF101", "unknown-instruction").is_none());
    }
}
