//! Lists the hits of chosen rules over a corpus of Dockerfiles, for false-positive reviews:
//! `cargo run -p dflint_rules --example optimizer_hits -- <corpus dir> [rule ...]`
//! (default rules: those of the review in `tests/optimizer_corpus_review.rs`: toolchain-in-final-image,
//! source-copy-before-install, build-deps-in-final-stage). Files are linted without a build context, as the corpus
//! holds Dockerfiles only.
use std::path::PathBuf;

use dflint_rules::engine::{lint, Settings};
use dflint_rules::syntax::Document;

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("a corpus folder"));
    let mut rules: Vec<String> = args.collect();
    if rules.is_empty() {
        rules = vec![
            "toolchain-in-final-image".into(),
            "source-copy-before-install".into(),
            "build-deps-in-final-stage".into(),
        ];
    }
    let settings = Settings::select(rules.iter().cloned());
    let mut total = 0;
    for path in support::files(&root) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let doc = Document::parse_bytes(&bytes);
        for d in lint(&doc, &settings, None) {
            total += 1;
            let (line, _) = doc.line_index().line_col(d.range.start);
            let rel = path.strip_prefix(&root).unwrap_or(&path).display();
            let fix = if d.fix.is_some() { "fix" } else { "no fix" };
            println!("{rel}:{} {} [{fix}] {}", line + 1, d.name, d.message);
        }
    }
    eprintln!("{total} hits");
}
