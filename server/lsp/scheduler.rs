//! Push diagnostics, off the request path: one task decides when to lint, a blocking thread lints, and every
//! publish carries the version it is about.
//!
//! A change to a document whose diagnostics are up to date is linted at once: a single keystroke gets its
//! diagnostics without waiting. Changes that arrive while a lint runs, or while an earlier change still waits, are a
//! burst: they are coalesced and linted once the document has been quiet for `QUIET` (and at least every
//! `MAX_WAIT`). A lint whose version is no longer the document's is dropped, not published.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::Client;

use super::diagnostics::all_to_lsp;
use super::encoding::Converter;
use super::state::{lint, Lint, Slot, State};

const QUIET: Duration = Duration::from_millis(15);

/// `DFLINT_LSP_TIMING=1` logs where the time of each lint goes (to stderr).
static TIMING: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| std::env::var_os("DFLINT_LSP_TIMING").is_some_and(|v| v != "0"));
const MAX_WAIT: Duration = Duration::from_millis(100);
/// Quiet time after the last lint before freed memory is returned to the system.
const IDLE_TRIM: Duration = Duration::from_millis(300);

pub enum Job {
    /// The document changed (at `at`); `urgent` for an open or a settings change, which publish at once.
    Lint {
        slot: Arc<Slot>,
        urgent: bool,
        at: Instant,
    },
    /// The document was closed: clear its diagnostics.
    Closed(Uri),
}

impl Job {
    pub fn lint(slot: Arc<Slot>, urgent: bool) -> Job {
        Job::Lint {
            slot,
            urgent,
            at: Instant::now(),
        }
    }
}

struct Pending {
    slot: Arc<Slot>,
    due: Instant,
    first: Instant,
}

pub fn spawn(state: Arc<State>, client: Client) -> UnboundedSender<Job> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(run(rx, state, client));
    tx
}

async fn run(mut rx: UnboundedReceiver<Job>, state: Arc<State>, client: Client) {
    let mut pending: HashMap<Uri, Pending> = HashMap::new();
    // When to give the memory freed by lints back to the system, once the server is idle.
    let mut trim: Option<Instant> = None;
    loop {
        let next = pending.values().map(|p| p.due).min();
        tokio::select! {
            job = rx.recv() => match job {
                Some(job) => handle(job, &mut pending, None, &client).await,
                None => return,
            },
            _ = sleep_until(next), if next.is_some() => {}
            _ = sleep_until(trim), if trim.is_some() && next.is_none() => {
                super::memory::release();
                trim = None;
            }
        }
        loop {
            let now = Instant::now();
            let Some(uri) = pending
                .iter()
                .filter(|(_, p)| p.due <= now)
                .min_by_key(|(_, p)| p.due)
                .map(|(u, _)| u.clone())
            else {
                break;
            };
            let job = pending.remove(&uri).expect("found above");
            let linted = lint_and_publish(&state, &client, job.slot).await;
            // What arrived while the lint ran is part of a burst; what came after its publish is not.
            while let Ok(job) = rx.try_recv() {
                handle(job, &mut pending, Some(linted), &client).await;
            }
            trim = Some(Instant::now() + IDLE_TRIM);
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

/// Schedules a job; `linted` is when the lint that just ran finished (changes from before then came in a burst).
async fn handle(
    job: Job,
    pending: &mut HashMap<Uri, Pending>,
    linted: Option<Instant>,
    client: &Client,
) {
    let now = Instant::now();
    match job {
        Job::Lint { slot, urgent, at } => {
            let busy = linted.is_some_and(|done| at < done);
            let uri = slot.uri.clone();
            match pending.get_mut(&uri) {
                Some(p) => {
                    p.slot = slot;
                    p.due = if urgent {
                        now
                    } else {
                        (now + QUIET).min(p.first + MAX_WAIT)
                    };
                }
                None => {
                    let due = if urgent || !busy { now } else { now + QUIET };
                    pending.insert(
                        uri,
                        Pending {
                            slot,
                            due,
                            first: now,
                        },
                    );
                }
            }
        }
        Job::Closed(uri) => {
            pending.remove(&uri);
            client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }
}

/// Lints the document's current version; publishes unless it changed meanwhile. Returns when the lint finished.
async fn lint_and_publish(state: &Arc<State>, client: &Client, slot: Arc<Slot>) -> Instant {
    if let Some(reason) = slot.diverged() {
        let diagnostic = super::diagnostics::out_of_sync(&reason);
        client
            .publish_diagnostics(slot.uri.clone(), vec![diagnostic], None)
            .await;
        return Instant::now();
    }
    let started = std::time::Instant::now();
    let snapshot = state.snapshot_of(&slot).await;
    let parsed = started.elapsed();
    let state2 = state.clone();
    let encoding = state.encoding();
    let work = tokio::task::spawn_blocking(move || {
        let queued = started.elapsed();
        let generation = state2.settings.generation();
        let effective = state2.effective(&snapshot.slot);
        let diagnostics = lint(&snapshot.doc, snapshot.slot.path.as_deref(), &effective);
        if *TIMING {
            eprintln!(
                "dflint server: v{} reparse {:?}, lint {:?} ({} diagnostics)",
                snapshot.version,
                parsed,
                started.elapsed() - queued,
                diagnostics.len()
            );
        }
        let conv = Converter::new(encoding, &snapshot.doc);
        let lsp = all_to_lsp(&diagnostics, &conv, snapshot.version);
        let lint = Arc::new(Lint::new(snapshot.version, generation, diagnostics));
        (lint, lsp, effective)
    });
    let result = work.await;
    let linted = Instant::now();
    let Ok((result, lsp, effective)) = result else {
        tracing_error("lint task failed");
        return linted;
    };
    super::report_problems(client, state, &effective.problems).await;
    let version = result.version;
    slot.store_lint(result);
    let open = state.get(&slot.uri).is_some_and(|s| Arc::ptr_eq(&s, &slot));
    if open && slot.latest_version() == version {
        client
            .publish_diagnostics(slot.uri.clone(), lsp, Some(version))
            .await;
    }
    linted
}

fn tracing_error(message: &str) {
    eprintln!("dflint server: {message}");
}
