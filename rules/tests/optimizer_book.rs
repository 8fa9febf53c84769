//! What users must see on the book this product grew from (*Learn Docker in a Month of Lunches*, in
//! `../shared/corpus/public/sixeyed__diamol`, read in place): the ch04 lab rewritten to a multi-stage build at least
//! as good as the author's `.optimized` answer, ch03's metadata moved as in `web-ping-optimized`, and no size
//! finding on the multi-stage ch04 exercises. Skipped when the corpus is absent.
mod support;

use std::collections::BTreeMap;

use dflint_rules::engine::{all_rules, fix, lint, Category, FixMode, Settings};
use dflint_rules::knowledge::{classify, Role};
use dflint_rules::syntax::{Command, Document, Instruction, Kind};
use support::{added, corpus, fixtures, snapshot};

fn book(file: &str) -> Option<String> {
    let dir = corpus()?.join("sixeyed__diamol");
    Some(std::fs::read_to_string(dir.join(file)).unwrap())
}

/// The defaults plus `metadata-after-volatile`, the layout the book teaches (off by default).
fn book_layout() -> Settings {
    Settings {
        extend_select: vec!["metadata-after-volatile".into()],
        ..Settings::default()
    }
}

fn category(code: &str) -> Category {
    all_rules()
        .iter()
        .find(|r| r.code == code)
        .unwrap()
        .category
}

fn final_stage(doc: &Document) -> &[Instruction] {
    doc.stage_instructions(doc.stages().last().unwrap())
}

fn exec(i: &Instruction) -> Vec<String> {
    match &i.command {
        Some(Command::Exec(e)) => e.elements.iter().map(|x| x.value.clone()).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn ch04_lab_becomes_a_multi_stage_build() {
    let Some(text) = book("ch04__lab__Dockerfile") else {
        return;
    };
    let optimized = book("ch04__lab__Dockerfile.optimized").unwrap();
    let settings = Settings::default();
    let diags = lint(&Document::parse(&text), &settings, None);
    let size = diags
        .iter()
        .find(|d| d.name == "toolchain-in-final-image")
        .expect("the size finding");
    assert!(
        size.message.contains("`diamol/golang` (~800 MB)")
            && size.message.contains("saves about 800 MB"),
        "{}",
        size.message
    );
    // Off by default: the book's layout is opt-in.
    assert!(
        !diags.iter().any(|d| d.name == "metadata-after-volatile"),
        "{diags:#?}"
    );
    assert!(
        lint(&Document::parse(&text), &book_layout(), None)
            .iter()
            .any(|d| d.name == "metadata-after-volatile"),
        "{diags:#?}"
    );
    assert!(diags.iter().any(
        |d| d.name == "volatile-layer-before-stable" && text[d.range.clone()] == *"index.html"
    ));

    let out = fix(&text, &settings, None, FixMode::Unsafe);
    snapshot(
        &fixtures().join("book/ch04-lab.fixed.Dockerfile"),
        &out.text,
    );
    assert!(
        added(&diags, &out.remaining).is_empty(),
        "{:#?}",
        out.remaining
    );
    assert!(!fix(&out.text, &settings, None, FixMode::Unsafe).changed());

    let doc = Document::parse(&out.text);
    assert_eq!(doc.stages().len(), 2);
    // Build stage on the toolchain image, with the sources it compiles and not the HTML.
    let build = doc.stage_instructions(&doc.stages()[0]);
    assert_eq!(build[0].image.as_ref().unwrap().name, "diamol/golang");
    assert!(build
        .iter()
        .any(|i| i.kind == Kind::Copy && i.words[0].value == "main.go"));
    assert!(!build
        .iter()
        .any(|i| i.kind == Kind::Copy && i.words[0].value == "index.html"));
    // Final stage on a small base, copying only the binary, then the HTML.
    let last = final_stage(&doc);
    let image = last[0].image.as_ref().unwrap();
    let (role, size) = classify(&image.name, image.tag.as_ref().map(|t| t.0.as_str())).unwrap();
    // The author's answer starts from diamol/base (alpine with curl): ours is no bigger.
    let alpine = classify("alpine", None).unwrap().1;
    assert!(
        !matches!(role, Role::Toolchain(_)) && size.uncompressed_mb <= alpine.uncompressed_mb,
        "{}",
        image.text
    );
    let from_build: Vec<&Instruction> = last
        .iter()
        .filter(|i| i.kind == Kind::Copy && i.flag("from").is_some())
        .collect();
    let binaries: Vec<&str> = from_build
        .iter()
        .map(|i| i.words[0].value.as_str())
        .filter(|p| !p.starts_with("/etc/"))
        .collect();
    assert_eq!(binaries, ["/web/server"]);
    let binary_at = last
        .iter()
        .position(|i| i.kind == Kind::Copy && i.words[0].value == "/web/server")
        .unwrap();
    let html_at = last
        .iter()
        .position(|i| i.kind == Kind::Copy && i.words[0].value == "index.html")
        .unwrap();
    assert!(binary_at < html_at, "an HTML change must rebuild one layer");
    // EXPOSE, ENV and CMD kept, CMD running the copied binary.
    let cmd = last.iter().find(|i| i.kind == Kind::Cmd).unwrap();
    let dest = &last[binary_at].words[1].value;
    assert_eq!(exec(cmd), [dest.as_str()]);
    // At least as good as the author's answer: the same runtime settings in its final stage.
    let theirs = Document::parse(&optimized);
    let kinds = |ins: &[Instruction]| -> Vec<Kind> {
        let mut k: Vec<Kind> = ins
            .iter()
            .map(|i| i.kind)
            .filter(|k| matches!(k, Kind::Env | Kind::Expose | Kind::Cmd))
            .collect();
        k.sort_by_key(|k| k.keyword());
        k
    };
    assert_eq!(kinds(last), kinds(final_stage(&theirs)));
    assert!(
        final_stage(&theirs)
            .iter()
            .filter(|i| i.flag("from").is_some())
            .count()
            <= binaries.len()
    );
}

/// What an image gets from a single-stage file: its settings and its layers in order.
fn effect(text: &str) -> (BTreeMap<String, String>, Vec<String>, Vec<String>) {
    let doc = Document::parse(text);
    let mut env = BTreeMap::new();
    let mut config = Vec::new();
    let mut layers = Vec::new();
    for i in doc.instructions() {
        match i.kind {
            Kind::Env => {
                for p in &i.pairs {
                    env.insert(
                        p.key.clone(),
                        p.value
                            .as_ref()
                            .map(|v| v.value.clone())
                            .unwrap_or_default(),
                    );
                }
            }
            Kind::Cmd | Kind::Expose | Kind::Entrypoint => {
                config.push(i.logical(text).into_owned())
            }
            Kind::From | Kind::Copy | Kind::Run | Kind::Workdir | Kind::Add => {
                layers.push(i.logical(text).into_owned())
            }
            _ => {}
        }
    }
    config.sort();
    (env, config, layers)
}

#[test]
fn ch03_web_ping_metadata_moves_as_in_the_optimized_answer() {
    let Some(text) = book("ch03__exercises__web-ping__Dockerfile") else {
        return;
    };
    let optimized = book("ch03__exercises__web-ping-optimized__Dockerfile").unwrap();
    let diags = lint(&Document::parse(&text), &book_layout(), None);
    let meta: Vec<&str> = diags
        .iter()
        .filter(|d| d.name == "metadata-after-volatile")
        .map(|d| &text[d.range.clone()])
        .collect();
    assert_eq!(meta, ["CMD"]);
    // The metadata fix is safe: `--fix` alone applies it once the rule is on.
    let out = fix(&text, &book_layout(), None, FixMode::Safe);
    snapshot(
        &fixtures().join("book/ch03-web-ping.fixed.Dockerfile"),
        &out.text,
    );
    assert_eq!(
        effect(&out.text),
        effect(&optimized),
        "same image as the author's answer"
    );
    let ours = Document::parse(&out.text);
    let cmd = ours
        .instructions()
        .iter()
        .position(|i| i.kind == Kind::Cmd)
        .unwrap();
    let copy = ours
        .instructions()
        .iter()
        .position(|i| i.kind == Kind::Copy)
        .unwrap();
    assert!(cmd < copy, "CMD before the copy, as in the optimized file");
    assert!(lint(&ours, &Settings::select(["metadata-after-volatile"]), None).is_empty());
}

#[test]
fn no_size_finding_on_the_multi_stage_ch04_exercises() {
    let Some(dir) = corpus().map(|c| c.join("sixeyed__diamol")) else {
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ch04__exercises__"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let size: Vec<String> = lint(&Document::parse(&text), &Settings::default(), None)
            .into_iter()
            .filter(|d| category(d.code) == Category::Size)
            .map(|d| format!("{} {}", d.name, d.message))
            .collect();
        assert!(size.is_empty(), "{name}: {size:#?}");
    }
}
