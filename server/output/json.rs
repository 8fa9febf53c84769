//! `--format json`: one array of findings, a schema other tools can rely on.
//!
//! ```text
//! [{ "file": "Dockerfile", "code": "DF301", "name": "latest-tag", "severity": "error|warning|info|style",
//!    "message": "...", "url": null | "https://...",
//!    "range": { "start": { "line": 1, "column": 6 }, "end": { "line": 1, "column": 12 } },
//!    "fix": null | { "title": "...", "applicability": "safe|unsafe|display-only",
//!                    "edits": [{ "range": { ... }, "content": "..." }],
//!                    "create_files": [{ "path": "app/.dockerignore", "content": "..." }] } }]
//! ```
//! `create_files` lists the files a fix creates (the path is next to the Dockerfile, as the report shows it); it is
//! left out when there are none.
//! `url` is the rule page's address when the package metadata names the project's home, else `null` (the page is
//! `dflint rule CODE`). Lines and columns are 1-based, columns count Unicode characters, and `end` is exclusive (the position just
//! after the last character). New fields may be added; existing ones keep their meaning.
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use dflint_rules::engine::{Diagnostic, Edit, Fix};
use serde::Serialize;

use super::{created_file_path, display_path, FileResult, LineCol, LineIndex};

#[derive(Serialize)]
pub(super) struct JsonPosition {
    pub line: usize,
    pub column: usize,
}

#[derive(Serialize)]
pub(super) struct JsonRange {
    pub start: JsonPosition,
    pub end: JsonPosition,
}

impl JsonRange {
    pub fn new(index: &LineIndex, range: &Range<usize>) -> JsonRange {
        let position = |at: LineCol| JsonPosition {
            line: at.line,
            column: at.column,
        };
        JsonRange {
            start: position(index.line_col(range.start)),
            end: position(index.line_col(range.end)),
        }
    }
}

#[derive(Serialize)]
struct JsonEdit {
    range: JsonRange,
    content: String,
}

#[derive(Serialize)]
struct JsonCreatedFile {
    path: String,
    content: String,
}

#[derive(Serialize)]
struct JsonFix {
    title: String,
    applicability: &'static str,
    edits: Vec<JsonEdit>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    create_files: Vec<JsonCreatedFile>,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    file: String,
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: String,
    url: Option<String>,
    range: JsonRange,
    fix: Option<JsonFix>,
}

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for result in results {
        let index = LineIndex::new(result.source);
        let file = display_path(result.path);
        all.extend(
            result
                .diagnostics
                .iter()
                .map(|d| diagnostic(result.path, &file, &index, d)),
        );
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

fn diagnostic(
    path: &Path,
    file: &str,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) -> JsonDiagnostic {
    JsonDiagnostic {
        file: file.to_string(),
        code: diagnostic.code,
        name: diagnostic.name,
        severity: diagnostic.severity.as_str(),
        message: diagnostic.message.clone(),
        url: crate::shellcheck::wiki_url(diagnostic).or_else(|| diagnostic.docs_url()),
        range: JsonRange::new(index, &diagnostic.range),
        fix: diagnostic.fix.as_ref().map(|f| fix(path, index, f)),
    }
}

fn fix(path: &Path, index: &LineIndex, fix: &Fix) -> JsonFix {
    let edit = |e: &Edit| JsonEdit {
        range: JsonRange::new(index, &e.range),
        content: e.content.clone(),
    };
    JsonFix {
        title: fix.title.clone(),
        applicability: fix.applicability.as_str(),
        edits: fix.edits.iter().map(edit).collect(),
        create_files: fix
            .create_files
            .iter()
            .map(|(rel, content)| JsonCreatedFile {
                path: display_path(&created_file_path(path, rel)),
                content: content.clone(),
            })
            .collect(),
    }
}
