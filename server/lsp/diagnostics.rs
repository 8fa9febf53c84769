//! Engine diagnostics as LSP diagnostics: code, link to the rule page, tags, source, and in `data` the version and
//! the fix the rule proposed (not yet checked against the contract: a code action offers the server's checked fix,
//! never this one).
use dflint_rules::engine::{self, DiagnosticTag as Tag, Severity};
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, DiagnosticTag, NumberOrString, TextEdit, Uri,
};

use super::encoding::Converter;

pub const SOURCE: &str = "dflint";

/// What `Diagnostic.data` carries.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Data {
    /// The document version the diagnostic (and its edits) belong to.
    pub version: i32,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fix: Option<FixData>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FixData {
    pub title: String,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: String,
    pub edits: Vec<TextEdit>,
    /// Files to create next to the Dockerfile: `[path relative to its folder, content]`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub create_files: Vec<(String, String)>,
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        // Style findings stay visible (hints are hidden from problem lists in most editors).
        Severity::Info | Severity::Style => DiagnosticSeverity::INFORMATION,
    }
}

pub fn to_lsp(d: &engine::Diagnostic, conv: &Converter, version: i32) -> Diagnostic {
    let fix = d.fix.as_ref().map(|f| FixData {
        title: f.title.clone(),
        applicability: f.applicability.as_str().to_string(),
        edits: f
            .edits
            .iter()
            .map(|e| TextEdit::new(conv.range(e.range.clone()), e.content.clone()))
            .collect(),
        create_files: f.create_files.clone(),
    });
    let tags: Vec<DiagnosticTag> = d
        .tags
        .iter()
        .map(|t| match t {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
            Tag::Deprecated => DiagnosticTag::DEPRECATED,
        })
        .collect();
    let data = Data {
        version,
        name: d.name.to_string(),
        fix,
    };
    Diagnostic {
        range: conv.range(d.range.clone()),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: d
            .docs_url()
            .and_then(|url| url.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: d.message.clone(),
        related_information: None,
        tags: (!tags.is_empty()).then_some(tags),
        data: serde_json::to_value(data).ok(),
    }
}

pub fn all_to_lsp(
    diagnostics: &[engine::Diagnostic],
    conv: &Converter,
    version: i32,
) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|d| to_lsp(d, conv, version))
        .collect()
}

/// The one diagnostic of a document whose text is out of sync with the editor's: its lint would be of another text.
pub fn out_of_sync(reason: &str) -> Diagnostic {
    Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some(SOURCE.to_string()),
        message: format!(
            "dflint lost track of this document's text ({reason}); its changes are ignored until the whole text \
             comes again: close and reopen the file"
        ),
        ..Diagnostic::default()
    }
}
