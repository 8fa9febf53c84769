//! The syntax layer: the only module that touches tree-sitter. Bytes in, a tree plus typed views and
//! syntax errors out; parsing never fails.
pub(crate) mod buildkit;
mod document;
pub mod ext_optimizer;
pub mod json;
mod language;
mod line_index;
mod lower;
mod model;
pub mod query;
mod region;
pub mod words;

pub use buildkit::BkInstruction;
pub use document::{Document, Reparsed};
pub use language::{language, LANGUAGE, NODE_TYPES};
pub use line_index::{floor_char_boundary, LineIndex};
pub use model::*;
