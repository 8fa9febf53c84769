//! Parser benchmarks: the whole public corpus, and an incremental reparse after a one-character edit
//! in a 2,000-line Dockerfile (with the tree-sitter part timed alone, to show where the time goes).
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use dflint_rules::syntax::{language, Document, LineIndex, Reparsed};
use tree_sitter::{InputEdit, Parser, Point, Tree};

/// Every public corpus file, read up front; `None` when the corpus is absent and `DFLINT_SKIP_CORPUS=1`.
fn corpus_files() -> Option<Vec<Vec<u8>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public");
    let mut paths = Vec::new();
    collect(&root, &mut paths);
    if paths.is_empty() {
        if std::env::var("DFLINT_SKIP_CORPUS").as_deref() == Ok("1") {
            eprintln!(
                "corpus: SKIPPED, no corpus at {} (DFLINT_SKIP_CORPUS=1)",
                root.display()
            );
            return None;
        }
        panic!(
            "no corpus at {}: the corpus benchmark needs ../shared beside the repository \
             (DFLINT_SKIP_CORPUS=1 skips it)",
            root.display()
        );
    }
    paths.sort();
    Some(paths.iter().map(|p| std::fs::read(p).unwrap()).collect())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            collect(&entry.path(), out);
        } else {
            out.push(entry.path());
        }
    }
}

fn corpus(c: &mut Criterion) {
    let Some(files) = corpus_files() else {
        return;
    };
    let bytes: usize = files.iter().map(Vec::len).sum();
    eprintln!("corpus: {} files, {bytes} bytes", files.len());
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("parse_public", |b| {
        b.iter(|| {
            for f in &files {
                black_box(Document::parse_bytes(black_box(f)));
            }
        })
    });
    group.finish();
}

/// A realistic multi-stage Dockerfile of exactly `lines` lines: continuations, heredocs, JSON forms,
/// flags, variables and comments, in proportions like the corpus's.
pub fn generated_dockerfile(lines: usize) -> String {
    let mut out = String::from("# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm-slim\n");
    let mut stage = 0;
    while out.lines().count() + 40 < lines {
        stage += 1;
        out.push_str(&format!(
            "\n# Stage {stage}: build the component and its assets.\n\
             FROM ${{BASE}} AS build{stage}\n\
             ARG VERSION_{stage}=1.{stage}.0\n\
             ENV APP_HOME=/opt/app{stage} \\\n    PATH=/opt/app{stage}/bin:$PATH \\\n    LANG=C.UTF-8\n\
             LABEL org.opencontainers.image.title=\"component {stage}\" \\\n      org.opencontainers.image.version=\"${{VERSION_{stage}}}\"\n\
             WORKDIR $APP_HOME\n\
             RUN --mount=type=cache,target=/var/cache/apt \\\n    apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        ca-certificates \\\n        curl \\\n        git \\\n        build-essential \\\n    && rm -rf /var/lib/apt/lists/*\n\
             COPY --chown=app:app go.mod go.sum ./\n\
             RUN <<EOF\nset -eux\ngo mod download\ngo build -o /out/app{stage} ./cmd/app{stage}\nEOF\n\
             COPY <<-\"CONF\" /etc/app{stage}.conf\n\tlisten = 0.0.0.0:80{stage:02}\n\tlog = info\n\tCONF\n\
             # Runtime image.\n\
             FROM gcr.io/distroless/base-debian12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS run{stage}\n\
             COPY --from=build{stage} /out/app{stage} /usr/local/bin/app{stage}\n\
             EXPOSE 80{stage:02}/tcp\n\
             USER 65532:65532\n\
             HEALTHCHECK --interval=30s --timeout=3s CMD [\"/usr/local/bin/app{stage}\", \"health\"]\n\
             ENTRYPOINT [\"/usr/local/bin/app{stage}\"]\n\
             CMD [\"--config\", \"/etc/app{stage}.conf\"]\n"
        ));
    }
    while out.lines().count() < lines {
        out.push_str("# padding\n");
    }
    out
}

/// The byte offset of a letter in the middle of the file (inside a RUN's package list).
fn middle_edit_offset(text: &str) -> usize {
    let at = text[text.len() / 2..]
        .find("curl")
        .expect("a RUN in the second half")
        + text.len() / 2;
    at + 1
}

fn incremental(c: &mut Criterion) {
    let text = generated_dockerfile(2_000);
    assert_eq!(text.lines().count(), 2_000);
    let doc = Document::parse(&text);
    assert!(
        !doc.has_syntax_errors(),
        "the generated file must be valid: {:?}",
        doc.syntax_errors().first()
    );
    let at = middle_edit_offset(&text);
    eprintln!(
        "incremental: {} lines, {} bytes, {} instructions, edit at byte {at}",
        text.lines().count(),
        text.len(),
        doc.instructions().len()
    );

    let mut group = c.benchmark_group("incremental_2000_lines");
    group.throughput(Throughput::Bytes(text.len() as u64));

    // The letter's instruction alone is reparsed (the line path of `apply_edit`).
    let mut probe = Document::parse(&text);
    let how = probe.apply_edit(at..at + 1, "X");
    assert!(
        matches!(how, Reparsed::Lines(_)),
        "the benchmark edit must take the line path, took {how:?}"
    );
    // An edit in the parser directives always takes the whole-file path (tree-sitter's
    // incremental reparse and a model rebuild that takes over untouched instructions).
    let top = text.find("dockerfile:1").expect("the syntax directive") + "dockerfile:".len();
    let how = probe.apply_edit(top..top + 1, "2");
    assert_eq!(
        how,
        Reparsed::File,
        "a directive edit takes the whole-file path"
    );

    // Replaces one letter, alternating so that every iteration does the same work.
    group.bench_function("apply_edit_1_char", |b| {
        let mut doc = Document::parse(&text);
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            doc.apply_edit(at..at + 1, if flip { "X" } else { "u" });
        })
    });
    group.bench_function("apply_edit_whole_file_path", |b| {
        let mut doc = Document::parse(&text);
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            doc.apply_edit(top..top + 1, if flip { "2" } else { "1" });
        })
    });
    group.bench_function("fresh_parse", |b| {
        b.iter(|| Document::parse(black_box(&text)))
    });

    // The parts: tree-sitter alone (incremental and fresh), and the line index, both of which apply_edit does.
    let language = language();
    let mut edited = text.clone();
    edited.replace_range(at..at + 1, "X");
    let index = LineIndex::new(&text);
    let (row, column) = index.line_col(at);
    let edit = InputEdit {
        start_byte: at,
        old_end_byte: at + 1,
        new_end_byte: at + 1,
        start_position: Point { row, column },
        old_end_position: Point {
            row,
            column: column + 1,
        },
        new_end_position: Point {
            row,
            column: column + 1,
        },
    };
    let tree_of = |t: &str, old: Option<&Tree>| {
        let mut p = Parser::new();
        p.set_language(&language).unwrap();
        p.parse(t, old).unwrap()
    };
    group.bench_function("tree_sitter_reparse_1_char", |b| {
        let mut tree = tree_of(&text, None);
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            tree.edit(&edit);
            tree = tree_of(if flip { &edited } else { &text }, Some(&tree));
        })
    });
    group.bench_function("tree_sitter_fresh_parse", |b| {
        b.iter(|| tree_of(black_box(&text), None))
    });
    group.bench_function("line_index", |b| {
        b.iter(|| LineIndex::new(black_box(&text)))
    });
    // A clone rebuilds the typed model from the existing tree: LineIndex::new plus the lowering.
    group.bench_function("model_rebuild", |b| b.iter(|| doc.rebuilt()));
    group.bench_function("clone", |b| b.iter(|| doc.clone()));
    group.finish();
}

criterion_group!(benches, corpus, incremental);
criterion_main!(benches);
