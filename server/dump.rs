//! `dflint dump`: prints dflint's reading of Dockerfiles, either as BuildKit's parser shapes it
//! (for conformance checks against Docker) or as the tree-sitter tree.
use std::path::Path;

use dflint_rules::syntax::Document;
use serde_json::{json, Value};

/// BuildKit-shaped reading of one file: `{file, ok, instructions | error}`.
pub fn buildkit_json(path: &Path, bytes: &[u8]) -> Value {
    let doc = Document::parse_bytes(bytes);
    match doc.buildkit_view() {
        Ok(list) => json!({
            "file": path.display().to_string(),
            "ok": true,
            "instructions": list.iter().map(|i| json!({
                "cmd": i.cmd.to_lowercase(),
                "sub_cmd": i.sub_cmd.as_ref().map(|s| s.to_lowercase()),
                "json": i.json,
                "flags": i.flags,
                "value": i.value,
                "heredocs": i.heredocs.iter().map(|(n, c)| json!({"name": n, "content": c})).collect::<Vec<_>>(),
                "start_line": i.start_line,
                "end_line": i.end_line,
            })).collect::<Vec<_>>(),
        }),
        Err(e) => json!({"file": path.display().to_string(), "ok": false, "error": e}),
    }
}

/// The tree-sitter tree of a file as an S-expression.
pub fn tree(bytes: &[u8]) -> String {
    Document::parse_bytes(bytes).sexp()
}
