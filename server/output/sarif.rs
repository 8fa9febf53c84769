//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other security dashboards.
//!
//! Columns are Unicode code points (declared in `columnKind`, since SARIF's default is UTF-16 units), regions are
//! 1-based and `endColumn` is exclusive, as SARIF defines them.
//!
//! `tests/cli_sarif_schema.rs` validates this output against the official SARIF 2.1.0 schema.
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use dflint_rules::engine::{docs_command, docs_url, Diagnostic, Fix, Severity, REPOSITORY};
use serde_json::{json, Value};

use super::{created_file_path, FileResult, LineIndex, RuleInfo};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn render(
    results: &[FileResult],
    rules: &[RuleInfo],
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules = rule_list(results, rules);
    let mut sarif_results = Vec::new();
    for result in results {
        let index = LineIndex::new(result.source);
        let uri = path_to_uri(result.path);
        for diagnostic in result.diagnostics {
            let rule_index = rules.iter().position(|r| r.code == diagnostic.code);
            sarif_results.push(sarif_result(
                diagnostic,
                rule_index,
                result.path,
                &uri,
                &index,
            ));
        }
    }
    let mut driver = json!({
        "name": "dflint",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
    });
    if let Some(home) = REPOSITORY {
        driver["informationUri"] = json!(home);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": driver,
            },
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The given rules, then any rule that fired but was not given (so every `ruleId` has a descriptor).
fn rule_list<'a>(results: &[FileResult<'a>], rules: &[RuleInfo<'a>]) -> Vec<RuleInfo<'a>> {
    let mut list = rules.to_vec();
    for diagnostic in results.iter().flat_map(|r| r.diagnostics) {
        if !list.iter().any(|r| r.code == diagnostic.code) {
            list.push(RuleInfo {
                code: diagnostic.code,
                name: diagnostic.name,
                short_description: diagnostic.name,
                default_severity: diagnostic.severity,
            });
        }
    }
    list
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let mut descriptor = json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.short_description },
        "help": { "text": format!("Run `{}` for the rule's documentation.", docs_command(rule.code)) },
        "defaultConfiguration": { "level": level(rule.default_severity) },
    });
    if let Some(url) = docs_url(rule.name) {
        descriptor["helpUri"] = json!(url);
    }
    descriptor
}

fn sarif_result(
    diagnostic: &Diagnostic,
    rule_index: Option<usize>,
    path: &Path,
    uri: &str,
    index: &LineIndex,
) -> Value {
    let mut result = json!({
        "ruleId": diagnostic.code,
        "level": level(diagnostic.severity),
        "message": { "text": diagnostic.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(index, &diagnostic.range),
            }
        }],
    });
    if let Some(rule_index) = rule_index {
        result["ruleIndex"] = json!(rule_index);
    }
    if let Some(fix) = diagnostic
        .fix
        .as_ref()
        .and_then(|f| sarif_fix(f, path, uri, index))
    {
        result["fixes"] = json!([fix]);
    }
    result
}

/// The fix's edits to the Dockerfile and the files it creates, each an `artifactChange` (which needs at least one
/// replacement); `None` for a fix that changes nothing.
fn sarif_fix(fix: &Fix, path: &Path, uri: &str, index: &LineIndex) -> Option<Value> {
    let mut changes = Vec::new();
    if !fix.edits.is_empty() {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|edit| {
                json!({
                    "deletedRegion": region(index, &edit.range),
                    "insertedContent": { "text": edit.content },
                })
            })
            .collect();
        changes.push(json!({ "artifactLocation": { "uri": uri }, "replacements": replacements }));
    }
    for (rel, content) in &fix.create_files {
        // A new file: its whole content inserted at the start (an empty region), as SARIF writes an insertion.
        changes.push(json!({
            "artifactLocation": { "uri": path_to_uri(&created_file_path(path, rel)) },
            "replacements": [{
                "deletedRegion": { "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 },
                "insertedContent": { "text": content },
            }],
        }));
    }
    if changes.is_empty() {
        return None;
    }
    Some(json!({
        "description": { "text": fix.title },
        "artifactChanges": changes,
    }))
}

fn region(index: &LineIndex, range: &Range<usize>) -> Value {
    let start = index.line_col(range.start);
    let end = index.line_col(range.end.max(range.start));
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// SARIF has no "style": both advisory severities are notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// A relative path becomes a relative URI reference (what code scanning resolves against the checkout), an
/// absolute one a `file://` URI; anything outside RFC 3986's unreserved set and `/` is percent-encoded.
pub(super) fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            b':' if cfg!(windows) => encoded.push(':'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if path.is_absolute() {
        let slash = if encoded.starts_with('/') { "" } else { "/" };
        format!("file://{slash}{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_to_uri(Path::new("Dockerfile")), "Dockerfile");
        assert_eq!(
            path_to_uri(Path::new("./a b/Dockerfile.dev")),
            "a%20b/Dockerfile.dev"
        );
        assert_eq!(path_to_uri(Path::new("é")), "%C3%A9");
        if cfg!(unix) {
            assert_eq!(
                path_to_uri(Path::new("/src/Dockerfile")),
                "file:///src/Dockerfile"
            );
        }
    }
}
