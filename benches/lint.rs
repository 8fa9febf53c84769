//! Lint benchmarks: what the language server does after a keystroke in a 500-line, 15-stage Dockerfile
//! (the shape `../shared/tools/lsp_probe.py` edits): a one-character `apply_edit`, then `lint` with the default
//! rules; and `lint` alone, and the whole public corpus linted file by file.
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use dflint_rules::engine::{lint, Settings};
use dflint_rules::syntax::Document;

/// A multi-stage Dockerfile of `lines` lines: stages of ARG/ENV/WORKDIR, RUN echo steps, apt-get installs and a
/// COPY --from of the previous stage.
fn large_dockerfile(lines: usize) -> String {
    let head = [
        "# syntax=docker/dockerfile:1",
        "ARG BASE=debian:bookworm-slim",
        "ARG VERSION=1.2.3",
        "",
    ]
    .map(String::from);
    let tail = [
        "FROM ${BASE} AS final",
        "COPY --from=stage0 /src /app",
        "ENTRYPOINT [\"/app/run\"]",
        "CMD [\"--help\"]",
    ]
    .map(String::from);
    let mut body: Vec<String> = Vec::new();
    for stage in 0.. {
        let mut block = vec![
            format!("FROM ${{BASE}} AS stage{stage}"),
            "ARG VERSION".into(),
            format!("ENV STAGE_{stage}=value{stage}"),
            "WORKDIR /src".into(),
        ];
        for j in 0..20 {
            if j % 5 == 4 {
                block.push("RUN apt-get update \\".into());
                block.push(format!(
                    "    && apt-get install -y --no-install-recommends curl-{j} \\"
                ));
                block.push("    && rm -rf /var/lib/apt/lists/*".into());
            } else {
                block.push(format!("RUN echo step-{stage}-{j} ${{VERSION}}"));
            }
        }
        if stage > 0 {
            block.push(format!("COPY --from=stage{} /src /prev", stage - 1));
        }
        block.push(String::new());
        if head.len() + body.len() + block.len() + tail.len() > lines {
            break;
        }
        body.extend(block);
    }
    let mut all: Vec<String> = head.into_iter().chain(body).collect();
    while all.len() + tail.len() < lines {
        all.push(format!("RUN echo padding-{}", all.len()));
    }
    all.extend(tail);
    all.join("\n") + "\n"
}

fn keystroke(c: &mut Criterion) {
    let text = large_dockerfile(500);
    assert_eq!(text.lines().count(), 500);
    let settings = Settings::default();
    let at = text.find("step-7-3").expect("a RUN in the middle") + "step-7-".len();
    let mut group = c.benchmark_group("lint_500_lines");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("lint", |b| {
        let doc = Document::parse(&text);
        b.iter(|| black_box(lint(&doc, &settings, None)))
    });
    group.bench_function("edit_and_lint", |b| {
        let mut doc = Document::parse(&text);
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            doc.apply_edit(at..at + 1, if flip { "4" } else { "3" });
            black_box(lint(&doc, &settings, None))
        })
    });
    group.finish();
}

criterion_group!(benches, keystroke);
criterion_main!(benches);
