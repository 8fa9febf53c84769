//! dflint's core: the Dockerfile grammar binding, the typed syntax layer, the rule engine, the rules and the fixer. No IO.
mod build;
mod build_context;
pub mod engine;
pub mod graph;
pub mod knowledge;
mod optimizer;
pub mod rules;
pub mod shell;
pub mod syntax;
