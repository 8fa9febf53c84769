//! Requests: from LSP positions to byte offsets, through the `ide` features, and back. Work on large documents
//! runs on a blocking thread so the server keeps answering meanwhile.
use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;

use super::actions;
use super::diagnostics::all_to_lsp;
use super::encoding::Converter;
use super::ide::{completion, format, hover as ide_hover, links, navigate, outline, semantic};
use super::state::{lint, Lint, Snapshot, State};

/// Documents larger than this are worked on off the server's task.
const LARGE: usize = super::state::LARGE;

pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error {
        code: ErrorCode::InternalError,
        message: format!("request failed: {e}").into(),
        data: None,
    })
}

/// Runs a feature: inline for a small document, on a blocking thread for a large one. A panic (a bug) becomes an
/// internal error for this request; the server goes on.
async fn run<T: Send + 'static>(
    snap: &Snapshot,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    if snap.doc.text().len() > LARGE {
        blocking(f).await
    } else {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| Error {
            code: ErrorCode::InternalError,
            message: "request failed (a bug in dflint: please report it with the document)".into(),
            data: None,
        })
    }
}

async fn snapshot(state: &State, uri: &Uri) -> Result<Snapshot> {
    if let Some(reason) = state.get(uri).and_then(|s| s.diverged()) {
        return Err(Error {
            // LSP's RequestFailed: the request was valid, but cannot succeed now.
            code: ErrorCode::ServerError(-32803),
            message: format!("document out of sync ({reason}): reopen it").into(),
            data: None,
        });
    }
    state
        .snapshot(uri)
        .await
        .ok_or_else(|| Error::invalid_params(format!("document not open: {}", uri.as_str())))
}

fn refusal(message: String) -> Error {
    Error {
        code: ErrorCode::InvalidRequest,
        message: message.into(),
        data: None,
    }
}

/// Runs a feature at a position: `f` gets the document's snapshot, a converter back to LSP positions, and the
/// position as a byte offset.
async fn at_position<T: Send + 'static>(
    state: &State,
    p: &TextDocumentPositionParams,
    f: impl FnOnce(&Snapshot, &Converter, usize) -> T + Send + 'static,
) -> Result<T> {
    let snap = snapshot(state, &p.text_document.uri).await?;
    let encoding = state.encoding();
    let at = Converter::new(encoding, &snap.doc).offset(p.position);
    run(&snap.clone(), move || {
        let conv = Converter::new(encoding, &snap.doc);
        f(&snap, &conv, at)
    })
    .await
}

/// Runs a feature over a whole document: `f` gets the document's snapshot and a converter to LSP positions.
async fn on_document<T: Send + 'static>(
    state: &State,
    uri: &Uri,
    f: impl FnOnce(&Snapshot, &Converter) -> T + Send + 'static,
) -> Result<T> {
    let snap = snapshot(state, uri).await?;
    let encoding = state.encoding();
    run(&snap.clone(), move || {
        let conv = Converter::new(encoding, &snap.doc);
        f(&snap, &conv)
    })
    .await
}

/// `textDocument/diagnostic`: the lint of the current version (computed now unless cached), and any settings
/// problems to show.
pub async fn pull_diagnostics(
    state: &Arc<State>,
    params: &DocumentDiagnosticParams,
) -> Result<(DocumentDiagnosticReportResult, Option<Vec<String>>)> {
    if let Some(reason) = state
        .get(&params.text_document.uri)
        .and_then(|s| s.diverged())
    {
        let report = RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items: vec![super::diagnostics::out_of_sync(&reason)],
            },
        };
        return Ok((
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(report)),
            None,
        ));
    }
    let snap = snapshot(state, &params.text_document.uri).await?;
    let generation = state.settings.generation();
    let result_id = format!("{}:{generation}", snap.version);
    let cached = snap.lint().filter(|l| l.generation == generation);
    if cached.is_some() && params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        let report = RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        };
        return Ok((
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(report)),
            None,
        ));
    }
    let encoding = state.encoding();
    let state2 = state.clone();
    let snap2 = snap.clone();
    let (items, problems) = run(&snap, move || {
        let effective = state2.effective(&snap2.slot);
        let result = match cached {
            Some(l) => l,
            None => {
                let diagnostics = lint(&snap2.doc, snap2.slot.path.as_deref(), &effective);
                let l = Arc::new(Lint::new(snap2.version, generation, diagnostics));
                snap2.slot.store_lint(l.clone());
                l
            }
        };
        let conv = Converter::new(encoding, &snap2.doc);
        (
            all_to_lsp(&result.diagnostics, &conv, snap2.version),
            effective.problems.clone(),
        )
    })
    .await?;
    let report = RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport {
            result_id: Some(result_id),
            items,
        },
    };
    Ok((
        DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(report)),
        Some(problems),
    ))
}

pub async fn hover(state: &Arc<State>, params: HoverParams) -> Result<Option<Hover>> {
    let p = params.text_document_position_params;
    let markdown = state.negotiated().markdown;
    let state2 = state.clone();
    at_position(state, &p, move |snap, conv, at| {
        let names = snap.names();
        // The findings under the cursor, their fixes checked (the hover names the fix it would offer).
        let diagnostics = snap.lint().map_or_else(Vec::new, |lint| {
            let under: Vec<usize> = (0..lint.diagnostics.len())
                .filter(|&i| {
                    let r = &lint.diagnostics[i].range;
                    r.start <= at && at <= r.end
                })
                .collect();
            snap.checked(&state2, &lint, &under)
        });
        let h = ide_hover::hover(&snap.doc, &names, &diagnostics, at)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: if markdown {
                    MarkupKind::Markdown
                } else {
                    MarkupKind::PlainText
                },
                value: h.markdown,
            }),
            range: h.range.map(|r| conv.range(r)),
        })
    })
    .await
}

pub async fn completion(
    state: &Arc<State>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let p = params.text_document_position;
    let snippets = state.negotiated().snippets;
    at_position(state, &p, move |snap, conv, at| {
        let names = snap.names();
        let request = completion::Request {
            doc: &snap.doc,
            names: &names,
            conv,
            offset: at,
            snippets,
        };
        let items = completion::complete(&request);
        Some(CompletionResponse::List(CompletionList {
            is_incomplete: false,
            items,
        }))
    })
    .await
}

fn locations(
    uri: &Uri,
    conv: &Converter,
    ranges: impl IntoIterator<Item = std::ops::Range<usize>>,
) -> Vec<Location> {
    ranges
        .into_iter()
        .map(|r| Location::new(uri.clone(), conv.range(r)))
        .collect()
}

pub async fn definition(
    state: &Arc<State>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let p = params.text_document_position_params;
    let uri = p.text_document.uri.clone();
    at_position(state, &p, move |snap, conv, at| {
        let ranges = navigate::definition(&snap.names(), at);
        let locs = locations(&uri, conv, ranges);
        (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
    })
    .await
}

pub async fn references(
    state: &Arc<State>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let p = params.text_document_position;
    let uri = p.text_document.uri.clone();
    let declarations = params.context.include_declaration;
    at_position(state, &p, move |snap, conv, at| {
        let names = snap.names();
        let occs = navigate::references(&names, at, declarations);
        let ranges = occs.into_iter().map(|o| o.range.clone());
        Some(locations(&uri, conv, ranges))
    })
    .await
}

pub async fn highlight(
    state: &Arc<State>,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let p = params.text_document_position_params;
    at_position(state, &p, move |snap, conv, at| {
        let highlights = navigate::references(&snap.names(), at, true)
            .into_iter()
            .map(|o| DocumentHighlight {
                range: conv.range(o.range.clone()),
                kind: Some(match o.role {
                    super::ide::names::Role::Definition => DocumentHighlightKind::WRITE,
                    super::ide::names::Role::Reference => DocumentHighlightKind::READ,
                }),
            })
            .collect();
        Some(highlights)
    })
    .await
}

pub async fn prepare_rename(
    state: &Arc<State>,
    p: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    at_position(state, &p, move |snap, conv, at| {
        let names = snap.names();
        if names.at(at).is_none() {
            return Ok(None);
        }
        let occ = navigate::prepare_rename(&names, at).map_err(refusal)?;
        Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: conv.range(occ.range.clone()),
            placeholder: snap.doc.text()[occ.range.clone()].to_string(),
        }))
    })
    .await?
}

pub async fn rename(state: &Arc<State>, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let p = params.text_document_position;
    let uri = p.text_document.uri.clone();
    let new_name = params.new_name;
    at_position(state, &p, move |snap, conv, at| {
        let names = snap.names();
        if names.at(at).is_none() {
            return Ok(None);
        }
        let edits = navigate::rename(&names, at, &new_name).map_err(refusal)?;
        let edits = edits
            .into_iter()
            .map(|(r, t)| TextEdit::new(conv.range(r), t))
            .collect();
        Ok(Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..WorkspaceEdit::default()
        }))
    })
    .await?
}

pub async fn linked_editing(
    state: &Arc<State>,
    params: LinkedEditingRangeParams,
) -> Result<Option<LinkedEditingRanges>> {
    let p = params.text_document_position_params;
    at_position(state, &p, move |snap, conv, at| {
        let ranges = navigate::linked_editing(&snap.names(), snap.doc.text(), at);
        (!ranges.is_empty()).then(|| LinkedEditingRanges {
            ranges: ranges.into_iter().map(|r| conv.range(r)).collect(),
            word_pattern: Some("[A-Za-z][A-Za-z0-9._-]*".into()),
        })
    })
    .await
}

pub async fn document_symbols(
    state: &Arc<State>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    on_document(state, &params.text_document.uri, |snap, conv| {
        Some(DocumentSymbolResponse::Nested(outline::document_symbols(
            &snap.doc, conv,
        )))
    })
    .await
}

pub async fn folding(
    state: &Arc<State>,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    on_document(state, &params.text_document.uri, |snap, _| {
        Some(outline::folding_ranges(&snap.doc))
    })
    .await
}

pub async fn semantic_tokens(
    state: &Arc<State>,
    uri: Uri,
    range: Option<Range>,
) -> Result<Option<SemanticTokensResult>> {
    on_document(state, &uri, move |snap, conv| {
        let names = snap.names();
        let lines = range.map(|r| r.start.line as usize..r.end.line as usize + 1);
        let data = semantic::tokens(&snap.doc, &names, conv.encoding, lines);
        Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data,
        }))
    })
    .await
}

pub async fn document_links(
    state: &Arc<State>,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    on_document(state, &params.text_document.uri, |snap, conv| {
        let out = links::document_links(&snap.doc)
            .into_iter()
            .filter_map(|(range, url)| {
                Some(DocumentLink {
                    range: conv.range(range),
                    target: Some(url.parse().ok()?),
                    tooltip: Some("Open the image's registry page".into()),
                    data: None,
                })
            })
            .collect();
        Some(out)
    })
    .await
}

pub async fn code_actions(
    state: &Arc<State>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let state2 = state.clone();
    let uri = params.text_document.uri.clone();
    on_document(state, &uri, move |snap, _| {
        Some(actions::code_actions(&state2, snap, &params))
    })
    .await
}

pub async fn formatting(
    state: &Arc<State>,
    uri: Uri,
    options: FormattingOptions,
    range: Option<Range>,
) -> Result<Option<Vec<TextEdit>>> {
    on_document(state, &uri, move |snap, conv| {
        let indent = if options.insert_spaces {
            " ".repeat(options.tab_size.clamp(1, 16) as usize)
        } else {
            "\t".into()
        };
        let lines = range.map(|r| {
            let end = if r.end.character == 0 && r.end.line > r.start.line {
                r.end.line
            } else {
                r.end.line + 1
            };
            r.start.line as usize..end as usize
        });
        let edits = format::format(&snap.doc, &format::Options { indent }, lines);
        Some(
            edits
                .into_iter()
                .map(|e| TextEdit::new(conv.range(e.range), e.content))
                .collect(),
        )
    })
    .await
}
