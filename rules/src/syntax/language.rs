//! The binding to the generated tree-sitter parser in `rules/grammar`.
use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_dockerfile() -> *const ();
}

/// The tree-sitter language of dflint's Dockerfile grammar.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_dockerfile) };

/// The node types of the grammar, as tree-sitter generated them.
pub const NODE_TYPES: &str = include_str!("../../grammar/src/node-types.json");

/// A `tree_sitter::Language` for the grammar.
pub fn language() -> tree_sitter::Language {
    LANGUAGE.into()
}
