//! The syntax layer: the only module that touches tree-sitter. It turns bytes into a tree plus typed views.
mod language;
pub use language::{language, LANGUAGE, NODE_TYPES};
