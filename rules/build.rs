//! Compiles the committed, generated tree-sitter parser (grammar/src) so a build needs only a C compiler.
fn main() {
    let dir = std::path::Path::new("grammar/src");
    let mut build = cc::Build::new();
    build
        .include(dir)
        .std("c11")
        .warnings(false)
        .file(dir.join("parser.c"))
        .file(dir.join("scanner.c"));
    build.compile("tree-sitter-dockerfile");
    for f in ["parser.c", "scanner.c", "tree_sitter/parser.h"] {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
}
