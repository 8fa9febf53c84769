//! Code actions: a quick fix per diagnostic (the server's own fix for it, through the after-fix check), "Ignore for this instruction" (the engine's `suppression_fix`),
//! "Ignore in this file", the optimizer's refactors, and `source.fixAll.dflint` (the one fixer, safe fixes only,
//! when the client asks for source actions).
use std::collections::HashMap;

use dflint_rules::engine::{self, Applicability, FixMode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile, Diagnostic,
    DocumentChangeOperation, DocumentChanges, NumberOrString, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::{all_to_lsp, Data, FixData, SOURCE};
use super::encoding::Converter;
use super::ide::ignore;
use super::state::{Lint, Negotiated, Snapshot, State};

pub const FIX_ALL: &str = "source.fixAll.dflint";

/// Diagnostics of these rules offer their fix as a refactor, under this title.
const REFACTORS: &[(&str, &str)] = &[
    ("toolchain-in-final-image", "Convert to multi-stage build"),
    ("source-copy-before-install", "Reorder for layer cache"),
];

/// What an unresolved "fix all" action carries to `codeAction/resolve`.
#[derive(Serialize, Deserialize)]
struct FixAllData {
    uri: Uri,
    version: i32,
}

pub fn kinds() -> Vec<CodeActionKind> {
    vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::REFACTOR_REWRITE,
        CodeActionKind::SOURCE_FIX_ALL,
        CodeActionKind::from(FIX_ALL),
    ]
}

/// Whether the client asked for actions of `kind` (`only` lists kinds or their parents).
fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
        })
    })
}

fn text_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    create: &[(Uri, String)],
) -> WorkspaceEdit {
    let mut ops: Vec<DocumentChangeOperation> = Vec::new();
    for (file, content) in create {
        ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: file.clone(),
                options: None,
                annotation_id: None,
            },
        )));
        ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: file.clone(),
                version: None,
            },
            edits: vec![OneOf::Left(TextEdit::new(
                Default::default(),
                content.clone(),
            ))],
        }));
    }
    ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version: Some(version),
        },
        edits: edits.into_iter().map(OneOf::Left).collect(),
    }));
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Operations(ops)),
        change_annotations: None,
    }
}

/// Plain `changes` when no file is created (every client understands it).
fn simple_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn code_of(d: &Diagnostic) -> Option<String> {
    match d.code.as_ref()? {
        NumberOrString::String(s) => Some(s.clone()),
        NumberOrString::Number(n) => Some(n.to_string()),
    }
}

pub fn code_actions(
    state: &State,
    snap: &Snapshot,
    params: &CodeActionParams,
) -> Vec<CodeActionOrCommand> {
    let negotiated = state.negotiated();
    let only = params.context.only.as_deref();
    let conv = Converter::new(negotiated.encoding, &snap.doc);
    let uri = &params.text_document.uri;
    let mut diagnostics: Vec<Diagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(SOURCE))
        .cloned()
        .collect();
    let lint = snap.lint_now(state);
    if diagnostics.is_empty() {
        // Some clients send no diagnostics: use the lint's that overlap the range.
        let range = conv.byte_range(params.range);
        let overlapping: Vec<engine::Diagnostic> = lint
            .diagnostics
            .iter()
            .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
            .cloned()
            .collect();
        diagnostics = all_to_lsp(&overlapping, &conv, snap.version);
    }
    // The fix a quick fix offers is the server's own for this version, through the after-fix check; the fix a
    // diagnostic's `data` carries is only what the rule proposed and is never offered as it is.
    let found: Vec<Option<usize>> = diagnostics
        .iter()
        .map(|d| own_diagnostic(&lint, &conv, snap.version, d))
        .collect();
    let indices: Vec<usize> = found.iter().flatten().copied().collect();
    let checked = snap.checked(state, &lint, &indices);
    let checked_of = |i: usize| indices.iter().position(|&j| j == i).map(|p| &checked[p]);
    let hide_unsafe = state.effective(&snap.slot).hide_unsafe_quick_fixes;
    let mut out = Vec::new();
    for (d, own) in diagnostics.iter().zip(&found) {
        let Some(code) = code_of(d) else { continue };
        if let Some(own) = own.and_then(checked_of) {
            let offered = !(hide_unsafe
                && own
                    .fix
                    .as_ref()
                    .is_some_and(|f| f.applicability != Applicability::Safe));
            if let Some(action) =
                quick_fix(state, snap, uri, d, own, &conv, &negotiated).filter(|_| offered)
            {
                if wanted(only, action.kind.as_ref().expect("set")) {
                    out.push(CodeActionOrCommand::CodeAction(action));
                }
            }
        }
        if !wanted(only, &CodeActionKind::QUICKFIX) {
            continue;
        }
        let Some(rule) = engine::resolve_rule(&code) else {
            continue;
        };
        // The engine's own "ignore" edit for the instruction, and ours for the file.
        let target = engine::Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            range: conv.byte_range(d.range),
            message: d.message.clone(),
            fix: None,
            tags: Vec::new(),
        };
        let instruction = engine::suppression_fix(&snap.doc, &target).map(|f| {
            (
                f.edits,
                format!("Ignore `{}` for this instruction", rule.name),
            )
        });
        let file = ignore::ignore_file(&snap.doc, rule.code, rule.name)
            .map(|e| (vec![e], format!("Ignore `{}` in this file", rule.name)));
        for (edits, title) in instruction.into_iter().chain(file) {
            let edits = edits
                .into_iter()
                .map(|e| TextEdit::new(conv.range(e.range), e.content))
                .collect();
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(simple_edit(uri, edits)),
                ..CodeAction::default()
            }));
        }
    }
    let fix_all_kind = CodeActionKind::from(FIX_ALL);
    // "Fix all" concerns the whole file, not the range: offered only when the client asks for source actions
    // (`only: ["source"]`, `["source.fixAll"]`, as on save), never with the quick fixes of a range, where it would
    // cost a fix run of the whole file on every cursor move.
    let asked = only.is_some_and(|o| {
        o.iter().any(|k| {
            k.as_str().starts_with("source") && wanted(Some(std::slice::from_ref(k)), &fix_all_kind)
        })
    });
    if asked {
        let mut action = CodeAction {
            title: "Fix all safe dflint problems".into(),
            kind: Some(fix_all_kind),
            data: serde_json::to_value(FixAllData {
                uri: uri.clone(),
                version: snap.version,
            })
            .ok(),
            ..CodeAction::default()
        };
        if !negotiated.resolve_code_actions {
            action.edit = fix_all_edit(state, snap);
            action.data = None;
        }
        out.push(CodeActionOrCommand::CodeAction(action));
    }
    out
}

/// The diagnostic of the server's lint of this version that an editor's diagnostic stands for (same version, code,
/// range and, when it says, fix title).
fn own_diagnostic(lint: &Lint, conv: &Converter, version: i32, d: &Diagnostic) -> Option<usize> {
    let data: Data = d
        .data
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())?;
    if data.version != version {
        return None;
    }
    let code = code_of(d)?;
    let title = data.fix.as_ref().map(|f: &FixData| f.title.as_str());
    let same = |e: &engine::Diagnostic| e.code == code && conv.range(e.range.clone()) == d.range;
    let mut candidates = lint.diagnostics.iter().enumerate().filter(|(_, e)| same(e));
    let first = candidates.clone().next()?.0;
    Some(
        candidates
            .find(|(_, e)| title.is_some() && e.fix.as_ref().map(|f| f.title.as_str()) == title)
            .map_or(first, |(i, _)| i),
    )
}

fn quick_fix(
    state: &State,
    snap: &Snapshot,
    uri: &Uri,
    d: &Diagnostic,
    own: &engine::Diagnostic,
    conv: &Converter,
    negotiated: &Negotiated,
) -> Option<CodeAction> {
    let fix = own.fix.as_ref()?;
    if fix.applicability == Applicability::DisplayOnly
        || fix.edits.is_empty() && fix.create_files.is_empty()
    {
        return None;
    }
    let edits: Vec<TextEdit> = fix
        .edits
        .iter()
        .map(|e| TextEdit::new(conv.range(e.range.clone()), e.content.clone()))
        .collect();
    let refactor = REFACTORS.iter().find(|(name, _)| *name == own.name);
    let (kind, title) = match refactor {
        Some((_, title)) => (CodeActionKind::REFACTOR_REWRITE, title.to_string()),
        None => (CodeActionKind::QUICKFIX, fix.title.clone()),
    };
    let edit = if fix.create_files.is_empty() {
        simple_edit(uri, edits)
    } else {
        if !negotiated.resource_create {
            return None;
        }
        // Files a fix creates (a `.dockerignore`) belong at the build context's root, not beside the Dockerfile.
        let effective = state.effective(&snap.slot);
        let context =
            super::state::build_context(&snap.doc, snap.slot.path.as_deref(), &effective)?;
        let dir = context.root();
        let mut create = Vec::new();
        for (rel, content) in &fix.create_files {
            let uri: Uri = Uri::from_file_path(dir.join(rel))?;
            create.push((uri, content.clone()));
        }
        text_edit(uri, snap.version, edits, &create)
    };
    Some(CodeAction {
        title,
        kind: Some(kind),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(edit),
        is_preferred: Some(fix.applicability == Applicability::Safe),
        ..CodeAction::default()
    })
}

/// The edit of "fix all": the fixer's output as one replacement of the changed middle of the text.
pub fn fix_all_edit(state: &State, snap: &Snapshot) -> Option<WorkspaceEdit> {
    let effective = state.effective(&snap.slot);
    let path = snap.slot.path.as_deref();
    let context = super::state::build_context(&snap.doc, path, &effective);
    let ctx = context.as_ref().map(|c| c as &dyn engine::BuildContext);
    let outcome = engine::fix(snap.doc.text(), &effective.settings, ctx, FixMode::Safe);
    if !outcome.changed() {
        return Some(WorkspaceEdit::default());
    }
    let old = snap.doc.text();
    let new = outcome.text.as_str();
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let conv = Converter::new(state.encoding(), &snap.doc);
    let edit = TextEdit::new(
        conv.range(prefix..old.len() - suffix),
        new[prefix..new.len() - suffix].to_string(),
    );
    Some(simple_edit(&snap.slot.uri, vec![edit]))
}

fn common_prefix(a: &str, b: &str) -> usize {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    dflint_rules::syntax::floor_char_boundary(a, n)
}

fn common_suffix(a: &str, b: &str) -> usize {
    let n = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut n = n.min(a.len()).min(b.len());
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    n
}

/// The document "fix all" was offered for, when still at that version.
pub async fn resolve_target(state: &State, action: &CodeAction) -> Option<Snapshot> {
    let data: FixAllData = action
        .data
        .clone()
        .and_then(|v: Value| serde_json::from_value(v).ok())?;
    let snap = state.snapshot(&data.uri).await?;
    (snap.version == data.version).then_some(snap)
}

/// `codeAction/resolve` for "fix all": computes the edit now.
pub fn resolve(state: &State, snap: Option<Snapshot>, mut action: CodeAction) -> CodeAction {
    if let Some(snap) = snap {
        action.edit = fix_all_edit(state, &snap);
    }
    action
}
