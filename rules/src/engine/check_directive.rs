//! BuildKit's `check` directive, read as BuildKit reads it: `# check=skip=A,B;error=true;experimental=C` as a parser
//! directive at the top of the file (for the whole file), and the same comment among those directly above an
//! instruction (for that instruction only; BuildKit merges it into the file's settings there).
//!
//! `skip` names checks (or `all`) that do not run; it never stops an experimental check, which runs only when
//! `experimental` names it (or says `all`); `error=true` (top of the file only) makes every finding of a BuildKit check
//! fail the build. Names are BuildKit's, case-sensitive; they reach dflint's rules through their BuildKit peers.
use std::ops::Range;

use super::rule::{Peer, RuleMeta};
use crate::syntax::{query, Document};

/// BuildKit's checks that run only when the `check` directive asks for them.
pub const EXPERIMENTAL_CHECKS: &[&str] = &["InvalidDefinitionDescription"];

/// One `check` directive's options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CheckOptions {
    pub skip_all: bool,
    pub skip: Vec<String>,
    pub experimental_all: bool,
    pub experimental: Vec<String>,
    pub error: bool,
}

/// A list of names, as BuildKit splits it: on `,`, each trimmed.
fn names(v: &str) -> Vec<String> {
    v.split(',').map(|n| n.trim().to_string()).collect()
}

/// Reads a directive value as BuildKit's `ParseLintOptions` does; `Err` holds BuildKit's message.
pub(crate) fn parse(value: &str) -> Result<CheckOptions, String> {
    let value = value.trim();
    let mut out = CheckOptions::default();
    if value.is_empty() {
        return Ok(out);
    }
    // At most three parts: a third `;` stays inside the last value.
    for part in value.splitn(3, ';') {
        let Some((key, v)) = part.split_once('=') else {
            return Err(format!("invalid check option \"{part}\""));
        };
        match key.trim() {
            "skip" => {
                let v = v.trim();
                if v == "all" {
                    out.skip_all = true;
                } else {
                    out.skip = names(v);
                }
            }
            "experimental" => {
                let v = v.trim();
                if v == "all" {
                    out.experimental_all = true;
                } else {
                    out.experimental = names(v);
                }
            }
            "error" => {
                out.error = match v.trim() {
                    "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
                    "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
                    other => {
                        return Err(format!(
                            "failed to parse check option \"{part}\": strconv.ParseBool: parsing \"{other}\": invalid syntax"
                        ))
                    }
                }
            }
            other => return Err(format!("invalid check option \"{other}\"")),
        }
    }
    Ok(out)
}

/// The value of a comment that is a `check` directive (`check = skip=A` after the `#`), cut at its first space as
/// BuildKit cuts the ones above instructions.
fn comment_value(text: &str) -> Option<&str> {
    let name_end = text
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_alphanumeric() && (*i > 0 || c.is_ascii_alphabetic())))
        .map_or(text.len(), |(i, _)| i);
    if name_end == 0 || !text[..name_end].eq_ignore_ascii_case("check") {
        return None;
    }
    let rest = text[name_end..].trim_start().strip_prefix('=')?.trim();
    if rest.is_empty() {
        return None;
    }
    Some(rest.split(' ').next().unwrap_or(rest))
}

/// Where a `check` directive applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CheckScope {
    File,
    /// 0-based first and last line of one instruction.
    Lines(usize, usize),
}

/// Every valid `check` directive of the document: the one at the top, then the first one above each instruction.
/// The range is the directive's value (for the top one) or the comment (for the others).
pub(crate) fn directives(doc: &Document) -> Vec<(CheckScope, CheckOptions, Range<usize>)> {
    let mut out = Vec::new();
    if let Some(d) = doc.directive("check") {
        if let Ok(o) = parse(&d.value) {
            out.push((CheckScope::File, o, d.value_range.clone()));
        }
    }
    for (i, ins) in doc.instructions().iter().enumerate() {
        for c in query::comments_above(doc, i) {
            let comment = &doc.comments()[c];
            let Some(value) = comment_value(&comment.text) else {
                continue;
            };
            // BuildKit takes the first `check` comment above an instruction, and ignores it when it cannot read it.
            if let Ok(o) = parse(value) {
                out.push((
                    CheckScope::Lines(ins.start_line, ins.end_line),
                    o,
                    comment.range.clone(),
                ));
            }
            break;
        }
    }
    out
}

/// Whether the rule is the peer of one of BuildKit's experimental checks.
pub(crate) fn is_experimental(rule: &RuleMeta) -> bool {
    rule.peers
        .iter()
        .any(|p| matches!(p, Peer::BuildKit(n) if EXPERIMENTAL_CHECKS.contains(n)))
}

/// Whether the options ask for this experimental rule.
pub(crate) fn enables(o: &CheckOptions, rule: &RuleMeta) -> bool {
    is_experimental(rule)
        && (o.experimental_all
            || rule
                .buildkit_names()
                .any(|n| o.experimental.iter().any(|e| e == n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_as_buildkit_reads_them() {
        let o = parse(" skip=FromAsCasing, JSONArgsRecommended;error=true ").unwrap();
        assert_eq!(o.skip, ["FromAsCasing", "JSONArgsRecommended"]);
        assert!(o.error && !o.skip_all);
        let o = parse("experimental=all;skip=all").unwrap();
        assert!(o.experimental_all && o.skip_all && !o.error);
        assert_eq!(parse("").unwrap(), CheckOptions::default());
        assert_eq!(parse("skip").unwrap_err(), "invalid check option \"skip\"");
        assert_eq!(
            parse("Skip=all").unwrap_err(),
            "invalid check option \"Skip\""
        );
        assert!(parse("error=yes")
            .unwrap_err()
            .contains("failed to parse check option"));
        // The third `;` stays in the last value.
        assert_eq!(
            parse("error=false;skip=A;experimental=B;x")
                .unwrap()
                .experimental,
            ["B;x"]
        );
    }

    #[test]
    fn comments_that_are_check_directives() {
        assert_eq!(comment_value("check=skip=A"), Some("skip=A"));
        assert_eq!(
            comment_value("CHECK = skip=A trailing words"),
            Some("skip=A")
        );
        assert_eq!(comment_value("checks=skip=A"), None);
        assert_eq!(comment_value("check="), None);
        assert_eq!(comment_value("just a comment"), None);
    }
}
