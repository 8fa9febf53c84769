//! `dflint server`: the language server. LSP over stdio (tokio + tower-lsp-server); stdout carries only the
//! protocol, logs go to stderr.
//!
//! - `buffer`, `encoding`: document sync (ropes, incremental reparse) and position encodings, converted only here.
//! - `state`, `config`: open documents and their analyses; settings from the editor and `.dflint.toml`.
//! - `scheduler`, `diagnostics`: push diagnostics off the request path, coalesced, versioned; LSP conversion.
//! - `features`, `actions`, `ide/`: the requests, over byte offsets.
mod actions;
mod buffer;
mod config;
mod diagnostics;
pub mod encoding;
mod features;
pub mod ide;
mod memory;
pub mod reference;
mod scheduler;
mod server;
mod state;
mod transport;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::{Client, LspService, Server};

use state::State;

/// Serves one client over a pair of streams until it exits (the streams may be in-memory, for tests).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    serve_until_exit(input, output).await;
}

/// Serves one client; returns whether it asked for `shutdown` before it left (with `exit` or by closing the input).
async fn serve_until_exit<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::build(move |client| server::Server::new(client, flag))
        .custom_method(transport::INVALID_MESSAGE, server::Server::invalid_message)
        .custom_method(
            transport::UNAPPLIED_CHANGE,
            server::Server::unapplied_change,
        )
        .finish();
    Server::new(
        transport::Sanitized::new(input),
        transport::Rewritten::new(output),
        socket,
    )
    .concurrency_level(64)
    .serve(service)
    .await;
    shut_down.load(Ordering::SeqCst)
}

/// `dflint server`: serves the client on stdin/stdout.
pub fn run_stdio() -> ExitCode {
    memory::one_arena();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dflint server: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let shut_down = runtime.block_on(serve_until_exit(tokio::io::stdin(), tokio::io::stdout()));
    // Blocking reads of stdin may still be parked; do not wait for them.
    runtime.shutdown_background();
    // The protocol's rule: `exit` without `shutdown` before it is status 1 (so is a client that just went away).
    if shut_down {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Shows settings problems to the user, each once per session.
async fn report_problems(client: &Client, state: &State, problems: &[String]) {
    let fresh: Vec<String> = {
        let mut shown = state.shown.lock().unwrap_or_else(PoisonError::into_inner);
        problems
            .iter()
            .filter(|p| shown.insert((*p).clone()))
            .cloned()
            .collect()
    };
    for problem in fresh {
        eprintln!("dflint server: {problem}");
        client
            .show_message(MessageType::WARNING, format!("dflint: {problem}"))
            .await;
    }
}
