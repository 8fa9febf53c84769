//! The `LanguageServer` implementation: negotiation, document sync, settings, and the dispatch of each request to
//! its feature (in `features`).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::config::{self, DiagnosticMode};
use super::encoding::Encoding;
use super::features;
use super::ide::semantic;
use super::scheduler::{self, Job};
use super::state::{Negotiated, State};
use super::{actions, report_problems};

pub struct Server {
    inner: Arc<Inner>,
}

/// Shared with tasks the server spawns (requests to the client must not hold up the handler that sends them:
/// a client that stops answering would keep `exit` from ending the server).
pub struct Inner {
    client: Client,
    state: Arc<State>,
    jobs: UnboundedSender<Job>,
    /// Set by `shutdown`: `exit` after it ends the process with status 0, without it with 1.
    shut_down: Arc<AtomicBool>,
}

impl std::ops::Deref for Server {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

impl Server {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Server {
        let state = Arc::new(State::default());
        let jobs = scheduler::spawn(state.clone(), client.clone());
        Server {
            inner: Arc::new(Inner {
                client,
                state,
                jobs,
                shut_down,
            }),
        }
    }

    /// A `didOpen` or `didChange` the transport could not read: the document's text is no longer the editor's.
    pub async fn unapplied_change(&self, params: super::transport::Unapplied) {
        let uri = params.uri.as_deref().and_then(|u| u.parse::<Uri>().ok());
        let Some(uri) = uri else {
            eprintln!(
                "dflint server: {} (for no document it could tell)",
                params.reason
            );
            return;
        };
        if !self.state.lose_track(&uri, params.reason.clone()) {
            if !params.open {
                eprintln!(
                    "dflint server: {} (to a document that is not open: {})",
                    params.reason,
                    uri.as_str()
                );
                return;
            }
            // An open that could not be read: open it empty, out of sync, so that its changes are not applied.
            self.state.open(uri.clone(), "", 0);
            self.state.lose_track(&uri, params.reason.clone());
        }
        self.lost_track(&uri, &params.reason).await;
    }

    /// Says that a document is out of sync, where the user sees it, and publishes the diagnostic that says so.
    async fn lost_track(&self, uri: &Uri, reason: &str) {
        eprintln!("dflint server: {} is out of sync: {reason}", uri.as_str());
        let client = self.client.clone();
        let message = format!(
            "dflint: {} is out of sync ({reason}); close and reopen it to lint it again.",
            uri.as_str()
        );
        tokio::spawn(async move { client.show_message(MessageType::ERROR, message).await });
        if let Some(slot) = self.state.get(uri) {
            if !self.pull() {
                let _ = self.jobs.send(Job::lint(slot, true));
            }
        }
    }

    /// Answers a message the transport could not read with the error that was due.
    pub async fn invalid_message(&self, params: super::transport::Invalid) -> Result<()> {
        eprintln!("dflint server: {}", params.message);
        Err(tower_lsp_server::jsonrpc::Error {
            code: params.code.into(),
            message: params.message.into(),
            data: None,
        })
    }

    /// Fetches the editor's settings, then lints again, in a task of its own.
    fn refresh_configuration(&self) {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            inner.fetch_configuration().await;
            inner.relint_all().await;
        });
    }
}

impl Inner {
    fn pull(&self) -> bool {
        self.state.negotiated().pull
    }

    /// Lints every open document again (settings or a config file changed).
    async fn relint_all(&self) {
        if self.pull() {
            if self.state.negotiated().diagnostic_refresh {
                let client = self.client.clone();
                tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
            }
            return;
        }
        for slot in self.state.all() {
            let _ = self.jobs.send(Job::lint(slot, true));
        }
    }

    /// Asks the client for the `dflint` section of its settings.
    async fn fetch_configuration(&self) {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("dflint".into()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = values.into_iter().next().filter(|v| !v.is_null());
                self.state
                    .settings
                    .set_workspace(value.as_ref().and_then(config::unwrap_settings));
            }
            Err(e) => eprintln!("dflint server: workspace/configuration failed: {e}"),
        }
    }
}

fn negotiate(params: &InitializeParams, mode: DiagnosticMode) -> Negotiated {
    let caps = &params.capabilities;
    let td = caps.text_document.as_ref();
    let ws = caps.workspace.as_ref();
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let client_pulls = td.is_some_and(|t| t.diagnostic.is_some());
    Negotiated {
        encoding: Encoding::negotiate(offered),
        pull: match mode {
            DiagnosticMode::Auto => client_pulls,
            DiagnosticMode::Pull => true,
            DiagnosticMode::Push => false,
        },
        snippets: td
            .and_then(|t| {
                t.completion
                    .as_ref()?
                    .completion_item
                    .as_ref()?
                    .snippet_support
            })
            .unwrap_or(false),
        configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
        watch_files: ws
            .and_then(|w| w.did_change_watched_files.as_ref()?.dynamic_registration)
            .unwrap_or(false),
        diagnostic_refresh: ws
            .and_then(|w| w.diagnostics.as_ref()?.refresh_support)
            .unwrap_or(false),
        resolve_code_actions: td
            .and_then(|t| t.code_action.as_ref()?.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
        resource_create: ws
            .and_then(|w| w.workspace_edit.as_ref()?.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
        markdown: td
            .and_then(|t| t.hover.as_ref()?.content_format.as_ref())
            .is_none_or(|f| f.contains(&MarkupKind::Markdown)),
    }
}

fn capabilities(n: &Negotiated) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(n.encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["-", "=", "$", "{", ","].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(actions::kinds()),
            resolve_provider: Some(n.resolve_code_actions),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(true),
                ..SemanticTokensOptions::default()
            },
        )),
        linked_editing_range_provider: Some(LinkedEditingRangeServerCapabilities::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        diagnostic_provider: n.pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("dflint".into()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mode = config::diagnostic_mode(params.initialization_options.as_ref());
        let negotiated = negotiate(&params, mode);
        let caps = capabilities(&negotiated);
        let _ = self.state.negotiated.set(negotiated);
        let _ = self.state.mode.set(mode);
        #[allow(deprecated)] // `root_uri` is what older clients send.
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first().map(|f| f.uri.clone()))
            .or(params.root_uri.clone());
        self.state
            .settings
            .set_root(root.as_ref().and_then(super::state::path_of));
        let folders = params.workspace_folders.iter().flatten();
        let folders = folders.filter_map(|f| super::state::path_of(&f.uri));
        self.state.settings.set_folders(
            folders
                .chain(root.as_ref().and_then(super::state::path_of))
                .collect(),
        );
        let init = params
            .initialization_options
            .as_ref()
            .and_then(config::unwrap_settings);
        self.state.settings.set_initialization(init);
        Ok(InitializeResult {
            capabilities: caps,
            server_info: Some(ServerInfo {
                name: "dflint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let n = self.state.negotiated();
        if n.watch_files {
            let watchers = [
                ".dflint.toml",
                "dflint.toml",
                ".hadolint.yaml",
                ".hadolint.yml",
            ]
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .to_vec();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "dflint-config-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.register_capability(vec![registration]).await {
                    eprintln!("dflint server: could not watch config files: {e}");
                }
            });
        }
        if n.configuration {
            self.refresh_configuration();
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let slot = self.state.open(doc.uri, &doc.text, doc.version);
        if !self.pull() {
            let _ = self.jobs.send(Job::lint(slot, true));
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let id = params.text_document;
        let Some((slot, lost)) = self
            .state
            .change(&id.uri, id.version, &params.content_changes)
            .await
        else {
            eprintln!(
                "dflint server: change to a document that is not open: {}",
                id.uri.as_str()
            );
            return;
        };
        if let Some(reason) = lost {
            return self.lost_track(&id.uri, &reason).await;
        }
        if !self.pull() {
            let _ = self.jobs.send(Job::lint(slot, false));
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.state.close(&uri).is_some() && !self.pull() {
            let _ = self.jobs.send(Job::Closed(uri));
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let given = params
            .settings
            .get("dflint")
            .filter(|v| v.is_object())
            .cloned();
        match given {
            Some(value) => self.state.settings.set_workspace(Some(value)),
            None if self.state.negotiated().configuration => return self.refresh_configuration(),
            None => {
                let value =
                    Some(params.settings).filter(|v| v.as_object().is_some_and(|o| !o.is_empty()));
                self.state
                    .settings
                    .set_workspace(value.as_ref().and_then(config::unwrap_settings));
            }
        }
        self.relint_all().await;
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.state.settings.config_files_changed();
        self.relint_all().await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let report = features::pull_diagnostics(&self.state, &params).await?;
        if let Some(problems) = report.1 {
            report_problems(&self.client, &self.state, &problems).await;
        }
        Ok(report.0)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        features::hover(&self.state, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        features::completion(&self.state, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        features::definition(&self.state, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        features::references(&self.state, params).await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        features::highlight(&self.state, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        features::prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        features::rename(&self.state, params).await
    }

    async fn linked_editing_range(
        &self,
        params: LinkedEditingRangeParams,
    ) -> Result<Option<LinkedEditingRanges>> {
        features::linked_editing(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        features::document_symbols(&self.state, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        features::folding(&self.state, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        features::semantic_tokens(&self.state, params.text_document.uri, None).await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let tokens =
            features::semantic_tokens(&self.state, params.text_document.uri, Some(params.range))
                .await?;
        Ok(tokens.map(|t| match t {
            SemanticTokensResult::Tokens(t) => SemanticTokensRangeResult::Tokens(t),
            SemanticTokensResult::Partial(p) => SemanticTokensRangeResult::Partial(p),
        }))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        features::document_links(&self.state, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        features::code_actions(&self.state, params).await
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        let state = self.state.clone();
        let target = actions::resolve_target(&state, &action).await;
        features::blocking(move || actions::resolve(&state, target, action)).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        features::formatting(&self.state, params.text_document.uri, params.options, None).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        features::formatting(
            &self.state,
            params.text_document.uri,
            params.options,
            Some(params.range),
        )
        .await
    }
}
