//! Lints and fixes one Dockerfile with every rule (unsafe fixes included) and prints the findings and the result:
//! `cargo run -p dflint_rules --example optimizer_fix -- <Dockerfile> [context dir]`.
use std::path::{Path, PathBuf};

use dflint_rules::engine::{fix, lint, BuildContext, FixMode, Settings};
use dflint_rules::syntax::Document;

/// A build context read from a folder (examples may do IO; the core does not).
struct Dir(PathBuf);

impl BuildContext for Dir {
    fn exists(&self, rel: &str) -> bool {
        self.0.join(rel.trim_start_matches("./")).exists()
    }
    fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(rel.trim_start_matches("./"))).ok()
    }
    fn list(&self, rel: &str) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.0.join(rel.trim_start_matches("./")))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = Path::new(&args[0]);
    let text = std::fs::read_to_string(path).expect("readable Dockerfile");
    let dir = args.get(1).map(|d| Dir(PathBuf::from(d)));
    let ctx = dir.as_ref().map(|d| d as &dyn BuildContext);
    let settings = Settings::default();
    let doc = Document::parse(&text);
    for d in lint(&doc, &settings, ctx) {
        let (l, _) = doc.line_index().line_col(d.range.start);
        println!(
            "{}:{} {} {} {}",
            l + 1,
            d.code,
            d.name,
            if d.fix.is_some() { "[fix]" } else { "" },
            d.message
        );
    }
    let out = fix(&text, &settings, ctx, FixMode::Unsafe);
    println!(
        "--- applied: {:?}",
        out.applied.iter().map(|a| a.name).collect::<Vec<_>>()
    );
    for (p, c) in &out.created_files {
        println!("--- creates {p}:\n{c}");
    }
    println!("--- fixed:\n{}", out.text);
    println!("--- remaining:");
    let fixed = Document::parse(&out.text);
    for d in &out.remaining {
        let (l, _) = fixed.line_index().line_col(d.range.start);
        println!("{}:{} {} {}", l + 1, d.code, d.name, d.message);
    }
}
