//! Fixes keep every byte they do not mean to change (BUILD-MODEL.md, point 5), checked as a property over every
//! fix, the ones that move, insert and delete lines included: each input (the optimizer's apps, the rule specs'
//! sources below, the shared corpus) is written in eight variants (LF or CRLF, with or without a final line break,
//! with or without a byte order mark) and fixed with every rule and unsafe fixes.
//! Fixing a variant must give the same variant of the fixed LF text: no lone `\r`, CRLF everywhere when the input was
//! CRLF, a missing final line break still missing, the BOM still first.
mod support;

use std::path::{Path, PathBuf};

use dflint_rules::engine::{fix, BuildContext, FixMode, Settings};
use support::{fixtures, DirContext};

/// Small sources whose fixes move, insert or delete lines near the start and the end of the file.
const SOURCES: &[&str] = &[
    // metadata-after-volatile moves the last line up.
    "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n",
    // chmod-after-copy deletes the last line.
    "FROM alpine:3.20\nCOPY run.sh /app/run.sh\nRUN chmod +x /app/run.sh\n",
    // multiple-cmd deletes a line in the middle and keeps the last.
    "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n",
    // multiple-cmd deletes the line before the last, after a blank line.
    "FROM alpine:3.20\n\nCMD [\"a\"]\n\nCMD [\"b\"]\n",
    // volatile-layer-before-stable moves the last RUN above the copy.
    "FROM debian:12\nCOPY . /src\nRUN apt-get update && apt-get install -y curl\n",
    // unused-suppression deletes the first line.
    "# dflint ignore=DF301\nFROM alpine:3.20\nRUN echo hi\n",
    // a comment above FROM: blocks that start at the first line.
    "# base\nFROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n",
    // empty-continuation-line and legacy-key-value-format on the last line.
    "FROM alpine:3.20\nRUN echo a \\\n\n  b\nENV A b c\n",
    // maintainer-deprecated and exec-form-not-json on the last line.
    "FROM alpine:3.20\nMAINTAINER someone\nCMD ['a', 'b']\n",
    // entrypoint-shell-form and shell-cmd-signals.
    "FROM alpine:3.20\nENTRYPOINT /bin/app --flag\n",
];

fn variant_name(crlf: bool, final_break: bool, bom: bool) -> String {
    format!(
        "{}{}{}",
        if crlf { "CRLF" } else { "LF" },
        if final_break {
            ""
        } else {
            ", no final line break"
        },
        if bom { ", BOM" } else { "" }
    )
}

/// `lf` (LF line breaks; may or may not end with one) in a variant.
fn apply(lf: &str, crlf: bool, final_break: bool, bom: bool) -> String {
    let mut t = lf.to_string();
    if !final_break {
        while t.ends_with('\n') {
            t.pop();
        }
    }
    if crlf {
        t = t.replace('\n', "\r\n");
    }
    if bom {
        t.insert(0, '\u{feff}');
    }
    t
}

/// Checks one input; `lf` is its LF form with a final line break.
fn check(name: &str, lf: &str, ctx: Option<&dyn BuildContext>, failures: &mut Vec<String>) {
    let settings = Settings {
        select: Some(vec!["ALL".to_string()]),
        unsafe_fixes: true,
        ..Settings::default()
    };
    // Fixes that touch the same bytes wait for a later round, and whether they touch can depend on the final line
    // break: each final-break variant is compared with its own LF form.
    for final_break in [true, false] {
        let plain = apply(lf, false, final_break, false);
        let base = fix(&plain, &settings, ctx, FixMode::Unsafe);
        if !base.changed() {
            continue;
        }
        if final_break != base.text.ends_with('\n') && !base.text.is_empty() {
            failures.push(format!(
                "{name} ({}): the final line break {}",
                variant_name(false, final_break, false),
                if final_break { "lost" } else { "added" }
            ));
        }
        for crlf in [false, true] {
            for bom in [false, true] {
                let input = apply(lf, crlf, final_break, bom);
                if input == plain {
                    continue;
                }
                let got = fix(&input, &settings, ctx, FixMode::Unsafe).text;
                let want = apply(&base.text, crlf, final_break, bom);
                if got == want {
                    continue;
                }
                let mut why = Vec::new();
                if got.replace("\r\n", "").contains('\r') {
                    why.push("a lone `\\r`");
                }
                if crlf && got.replace("\r\n", "").contains('\n') {
                    why.push("an LF line break in a CRLF file");
                }
                if !final_break && got.ends_with('\n') {
                    why.push("a final line break the input did not have");
                }
                if final_break && !got.ends_with('\n') {
                    why.push("the final line break lost");
                }
                if bom != got.starts_with('\u{feff}') || got.matches('\u{feff}').count() > 1 {
                    why.push("the BOM moved");
                }
                failures.push(format!(
                    "{name} ({}): {}\n--- want\n{want:?}\n--- got\n{got:?}",
                    variant_name(crlf, final_break, bom),
                    if why.is_empty() {
                        "differs from the fixed LF text".to_string()
                    } else {
                        why.join(", ")
                    }
                ));
            }
        }
    }
}

/// The LF form of a file with a final line break, unless it holds a `\r` that is not part of a CRLF (kept as is).
fn lf_form(text: &str) -> Option<String> {
    let t = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    if t.contains('\r') || t.trim().is_empty() {
        return None;
    }
    Some(if t.ends_with('\n') {
        t
    } else {
        format!("{t}\n")
    })
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_variants_of_the_sources_fix_to_the_same_variant() {
    let mut failures = Vec::new();
    for (i, src) in SOURCES.iter().enumerate() {
        check(&format!("source {i}"), src, None, &mut failures);
    }
    report(failures);
}

#[test]
fn the_variants_of_the_optimizer_apps_fix_to_the_same_variant() {
    let mut failures = Vec::new();
    let mut apps: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    apps.sort();
    assert!(apps.len() >= 5, "few apps under {}", fixtures().display());
    for dir in apps {
        let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let Some(lf) = lf_form(&text) else { continue };
        let ctx = DirContext(dir.clone());
        check(&dir.display().to_string(), &lf, Some(&ctx), &mut failures);
    }
    report(failures);
}

#[test]
fn the_variants_of_the_corpus_fix_to_the_same_variant() {
    let Some(corpus) = support::corpus() else {
        eprintln!("corpus not found: skipped");
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![corpus.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let results = support::map_on_all_cores(&files, |path| {
        let text = std::fs::read_to_string(path).ok()?;
        let lf = lf_form(&text)?;
        let rel = path.strip_prefix(&corpus).unwrap_or(Path::new(""));
        let mut failures = Vec::new();
        check(&rel.display().to_string(), &lf, None, &mut failures);
        Some(failures)
    });
    let checked = results.iter().flatten().count();
    let failures: Vec<String> = results.into_iter().flatten().flatten().collect();
    eprintln!("line endings: {checked} corpus files in 8 variants");
    report(failures);
}
