//! The `dflint` binary's library: command line and language server. The only code that knows clap, tokio, JSON and LSP.
pub mod check;
pub mod cli;
pub mod config;
pub mod context;
pub mod dump;
pub mod fs;
pub mod graph;
pub mod lsp;
pub mod output;
pub mod rules_cmd;
pub mod settings;
pub mod shellcheck;
