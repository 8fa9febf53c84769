//! The syntax layer: the only module that touches tree-sitter. Bytes in, a tree plus typed views and
//! syntax errors out; parsing never fails.
pub(crate) mod buildkit;
mod document;
pub mod ext_optimizer;
pub(crate) mod field;
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

/// `v` in an allocation of exactly its length, for vectors pushed one entry at a time and then kept (an analysis
/// keeps some for every instruction). `shrink_to_fit` shrinks in place and leaves the cut-off tail as a free
/// fragment of an odd size that later allocations rarely fit, so the memory stays taken; a fresh allocation of the
/// right size leaves the old one free whole, for the next vector that grows the same way.
pub(crate) fn exact<T>(v: Vec<T>) -> Vec<T> {
    if v.len() == v.capacity() {
        return v;
    }
    let mut out = Vec::with_capacity(v.len());
    out.extend(v);
    out
}

/// [`exact`] for a string.
pub(crate) fn exact_string(s: String) -> String {
    if s.len() == s.capacity() {
        s
    } else {
        s.as_str().to_owned()
    }
}
