//! The server's state: what `initialize` negotiated, the open documents, and per document the analyses computed
//! for its current version (the name index, the last lint), so requests reuse rather than recompute them.
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use dflint_rules::engine::{self, Diagnostic};
use dflint_rules::syntax::Document;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::buffer::Buffer;
use super::config::{self, DiagnosticMode, Effective};
use super::encoding::Encoding;
use super::ide::names::Names;
use crate::context::{find_context, DiskBuildContext};

/// What the client told us at `initialize` and what we chose from it.
#[derive(Clone, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    /// Diagnostics are pulled by the client (`textDocument/diagnostic`) rather than published.
    pub pull: bool,
    pub snippets: bool,
    pub configuration: bool,
    pub watch_files: bool,
    pub diagnostic_refresh: bool,
    pub resolve_code_actions: bool,
    pub resource_create: bool,
    pub markdown: bool,
}

impl Default for Negotiated {
    fn default() -> Negotiated {
        Negotiated {
            encoding: Encoding::Utf16,
            pull: false,
            snippets: false,
            configuration: false,
            watch_files: false,
            diagnostic_refresh: false,
            resolve_code_actions: false,
            resource_create: false,
            markdown: true,
        }
    }
}

/// A lint of one version of a document, with the settings generation it used.
///
/// Its fixes are not checked yet (`FixCheck::Later`): publishing diagnostics after a keystroke does not apply,
/// parse and model every fix. A fix reaches the user only through [`Lint::checked`], which runs the engine's
/// after-fix check on it once per version.
pub struct Lint {
    pub version: i32,
    pub generation: u64,
    /// As the rules produced them: the fixes unchecked.
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics whose fix went through the after-fix check, by index in `diagnostics`.
    checked: Mutex<HashMap<usize, Diagnostic>>,
}

impl Lint {
    pub fn new(version: i32, generation: u64, diagnostics: Vec<Diagnostic>) -> Lint {
        Lint {
            version,
            generation,
            diagnostics,
            checked: Mutex::new(HashMap::new()),
        }
    }

    /// The diagnostics at `indices`, each with its fix checked (the fix the contract refuses removed, the message
    /// saying what to do by hand). `doc` must be the version linted; `ctx` the build context it was linted with.
    pub fn checked(
        &self,
        indices: &[usize],
        doc: &Document,
        ctx: Option<&dyn engine::BuildContext>,
    ) -> Vec<Diagnostic> {
        let mut done = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        let checker = engine::FixChecker::new(doc, ctx);
        indices
            .iter()
            .filter_map(|&i| {
                let d = self.diagnostics.get(i)?;
                Some(
                    done.entry(i)
                        .or_insert_with(|| {
                            let mut d = d.clone();
                            checker.check(&mut d);
                            d
                        })
                        .clone(),
                )
            })
            .collect()
    }
}

/// Texts larger than this are parsed on a blocking thread, so the server keeps answering meanwhile.
pub const LARGE: usize = 64 * 1024;

/// How many documents keep their parse (tree and model, about 1 MiB for 500 lines) between uses; the others keep
/// their text and last lint, and are parsed again when next needed (a few milliseconds), as rust-analyzer's LRU of
/// syntax trees does.
pub const PARSED_DOCUMENTS: usize = 4;

pub struct Slot {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    /// An async, fair lock: changes are applied in the order they arrived even when one waits for a parse, and a
    /// request sees every change that arrived before it.
    buffer: tokio::sync::Mutex<Buffer>,
    /// The version of the last change received (applied or not yet), to tell a lint is stale.
    latest: AtomicI32,
    /// When it was last used (a tick of `State::clock`), to keep the parses of the most recently used documents.
    used: AtomicU64,
    names: Mutex<Option<(i32, Arc<Names>)>>,
    lint: Mutex<Option<Arc<Lint>>>,
    /// Why the text is no longer the editor's, when it is not: a change could not be applied.
    diverged: Mutex<Option<String>>,
}

/// A document at one version, for one request.
#[derive(Clone)]
pub struct Snapshot {
    pub slot: Arc<Slot>,
    pub doc: Arc<Document>,
    pub version: i32,
}

impl Snapshot {
    /// The name index of this version, built once.
    pub fn names(&self) -> Arc<Names> {
        let mut cached = self
            .slot
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((v, names)) = cached.as_ref() {
            if *v == self.version {
                return names.clone();
            }
        }
        let names = Arc::new(Names::build(&self.doc));
        *cached = Some((self.version, names.clone()));
        names
    }

    /// The last lint, when it is of this version.
    pub fn lint(&self) -> Option<Arc<Lint>> {
        self.slot.lint().filter(|l| l.version == self.version)
    }

    /// The lint of this version: the last one, or computed now (and kept) when the document changed since.
    pub fn lint_now(&self, state: &State) -> Arc<Lint> {
        let generation = state.settings.generation();
        if let Some(l) = self.lint().filter(|l| l.generation == generation) {
            return l;
        }
        let effective = state.effective(&self.slot);
        let diagnostics = lint(&self.doc, self.slot.path.as_deref(), &effective);
        let l = Arc::new(Lint::new(self.version, generation, diagnostics));
        self.slot.store_lint(l.clone());
        l
    }

    /// The diagnostics of this version at `indices` of its lint, their fixes checked against the contract.
    pub fn checked(&self, state: &State, lint: &Lint, indices: &[usize]) -> Vec<Diagnostic> {
        if indices.is_empty() {
            return Vec::new();
        }
        let effective = state.effective(&self.slot);
        let context = build_context(&self.doc, self.slot.path.as_deref(), &effective);
        let ctx = context.as_ref().map(|c| c as &dyn engine::BuildContext);
        lint.checked(indices, &self.doc, ctx)
    }
}

impl Slot {
    /// Why the text is out of sync with the editor's, if it is.
    pub fn diverged(&self) -> Option<String> {
        self.diverged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_diverged(&self, reason: Option<String>) {
        *self.diverged.lock().unwrap_or_else(PoisonError::into_inner) = reason;
    }

    /// The version of the last change received.
    pub fn latest_version(&self) -> i32 {
        self.latest.load(Ordering::SeqCst)
    }

    pub fn lint(&self) -> Option<Arc<Lint>> {
        self.lint
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Keeps a lint unless a newer one is already there.
    pub fn store_lint(&self, lint: Arc<Lint>) {
        let mut slot = self.lint.lock().unwrap_or_else(PoisonError::into_inner);
        let newer = slot
            .as_ref()
            .is_some_and(|l| (l.version, l.generation) > (lint.version, lint.generation));
        if !newer {
            *slot = Some(lint);
        }
    }

    /// The document as of every change received so far (reparsed now if needed, off the server's task when large).
    /// Also returns whether the document had to be parsed from scratch.
    async fn snapshot(self: &Arc<Slot>) -> (Snapshot, bool) {
        let mut buffer = self.buffer.lock().await;
        let newly = !buffer.is_parsed();
        if buffer.stale_bytes() > LARGE || (buffer.stale_bytes() > 0 && buffer.text_len() > LARGE) {
            let mut taken = std::mem::replace(&mut *buffer, Buffer::new("", 0));
            *buffer = match tokio::task::spawn_blocking(move || {
                taken.flush();
                taken
            })
            .await
            {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("dflint server: parsing {} failed: {e}", self.uri.as_str());
                    let mut empty = Buffer::new("", 0);
                    empty.flush();
                    empty
                }
            };
        } else {
            buffer.flush();
        }
        let snapshot = Snapshot {
            slot: self.clone(),
            doc: buffer.doc().clone(),
            version: buffer.version,
        };
        (snapshot, newly)
    }

    /// Drops the parse unless the document is in use right now.
    fn evict(&self) -> bool {
        let Ok(mut buffer) = self.buffer.try_lock() else {
            return false;
        };
        let was = buffer.is_parsed();
        buffer.evict();
        *self.names.lock().unwrap_or_else(PoisonError::into_inner) = None;
        was
    }
}

#[derive(Default)]
pub struct State {
    pub negotiated: OnceLock<Negotiated>,
    pub mode: OnceLock<DiagnosticMode>,
    docs: RwLock<HashMap<Uri, Arc<Slot>>>,
    pub settings: config::Store,
    /// Settings problems already shown to the user.
    pub shown: Mutex<std::collections::HashSet<String>>,
    clock: AtomicU64,
    /// Documents whose parse is kept (about; see `PARSED_DOCUMENTS`).
    parsed: AtomicUsize,
}

/// The file path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

impl State {
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated.get().cloned().unwrap_or_default()
    }

    pub fn encoding(&self) -> Encoding {
        self.negotiated
            .get()
            .map_or(Encoding::Utf16, |n| n.encoding)
    }

    /// Opens a document (parsed when first needed).
    pub fn open(&self, uri: Uri, text: &str, version: i32) -> Arc<Slot> {
        let slot = Arc::new(Slot {
            path: path_of(&uri),
            uri: uri.clone(),
            buffer: tokio::sync::Mutex::new(Buffer::new(text, version)),
            latest: AtomicI32::new(version),
            used: AtomicU64::new(self.clock.fetch_add(1, Ordering::SeqCst)),
            names: Mutex::default(),
            lint: Mutex::default(),
            diverged: Mutex::default(),
        });
        self.docs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(uri, slot.clone());
        slot
    }

    /// Applies `didChange` events in order (to the rope; the document follows when needed); `None` when the
    /// document is not open. A change that cannot be applied (a version older than the text's, a range not meant
    /// for this text) marks the document out of sync: its ranged changes are ignored until a change gives the
    /// whole text again. The second value is the reason, when this change is the one that lost track.
    pub async fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
    ) -> Option<(Arc<Slot>, Option<String>)> {
        let slot = self.get(uri)?;
        slot.latest.store(version, Ordering::SeqCst);
        let encoding = self.encoding();
        let mut buffer = slot.buffer.lock().await;
        let mut diverged = slot.diverged();
        let was = diverged.is_some();
        if diverged.is_none() && version < buffer.version {
            diverged = Some(format!(
                "version {version} arrived after version {}",
                buffer.version
            ));
        }
        for change in changes {
            if change.range.is_none() {
                // The whole text: in step again, whatever happened before.
                diverged = None;
            } else if diverged.is_some() {
                continue;
            }
            if let Err(why) = buffer.apply(change, encoding) {
                diverged = Some(why);
            }
        }
        buffer.version = version;
        drop(buffer);
        let newly = diverged.clone().filter(|_| !was);
        slot.set_diverged(diverged);
        Some((slot, newly))
    }

    /// Marks an open document out of sync (a change to it could not even be read); `false` if it is not open.
    pub fn lose_track(&self, uri: &Uri, reason: String) -> bool {
        match self.get(uri) {
            Some(slot) => {
                slot.set_diverged(Some(reason));
                true
            }
            None => false,
        }
    }

    pub fn close(&self, uri: &Uri) -> Option<Arc<Slot>> {
        let slot = self
            .docs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(uri)?;
        if slot.evict() {
            let _ = self
                .parsed
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
        Some(slot)
    }

    pub fn get(&self, uri: &Uri) -> Option<Arc<Slot>> {
        self.docs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(uri)
            .cloned()
    }

    pub async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let slot = self.get(uri)?;
        Some(self.snapshot_of(&slot).await)
    }

    /// The document as of every change received, parsed; the least recently used parses beyond
    /// `PARSED_DOCUMENTS` are dropped.
    pub async fn snapshot_of(&self, slot: &Arc<Slot>) -> Snapshot {
        slot.used
            .store(self.clock.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
        let (snapshot, newly) = slot.snapshot().await;
        if newly && self.parsed.fetch_add(1, Ordering::SeqCst) + 1 > PARSED_DOCUMENTS {
            self.trim();
        }
        snapshot
    }

    fn trim(&self) {
        let mut parsed: Vec<Arc<Slot>> = self
            .all()
            .into_iter()
            .filter(|s| s.buffer.try_lock().is_ok_and(|b| b.is_parsed()))
            .collect();
        parsed.sort_by_key(|s| std::cmp::Reverse(s.used.load(Ordering::SeqCst)));
        let mut kept = parsed.len();
        for slot in parsed.iter().skip(PARSED_DOCUMENTS) {
            if slot.evict() {
                kept -= 1;
            }
        }
        self.parsed.store(kept, Ordering::SeqCst);
    }

    pub fn all(&self) -> Vec<Arc<Slot>> {
        self.docs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    pub fn effective(&self, slot: &Slot) -> Arc<Effective> {
        self.settings.for_document(slot.path.as_deref())
    }
}

/// Lints one version of a document with the settings of its folder and its build context.
pub fn lint(
    doc: &Document,
    path: Option<&std::path::Path>,
    effective: &Effective,
) -> Vec<Diagnostic> {
    let context = build_context(doc, path, effective);
    let ctx = context.as_ref().map(|c| c as &dyn engine::BuildContext);
    engine::lint_with(doc, &effective.settings, ctx, engine::FixCheck::Later)
}

/// The build context of a document, found as `dflint check` finds it, the search stopping at the workspace
/// folder that holds the file; none for an unsaved document or when no folder holds what it copies.
pub fn build_context(
    doc: &Document,
    path: Option<&std::path::Path>,
    effective: &Effective,
) -> Option<DiskBuildContext> {
    let path = path?;
    find_context(path, doc, None, effective.workspace_folder.as_deref()).context
}
