//! The `dflint` binary's library: command line and language server. The only code that knows clap, tokio, JSON and LSP.
pub mod cli;
pub mod config;
pub mod fs;
pub mod output;
pub mod dump;
