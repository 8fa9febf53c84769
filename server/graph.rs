//! `dflint graph`: the stage graph of a Dockerfile as Mermaid (the default) or Graphviz DOT.
use dflint_rules::graph::{stage_graph, Source, StageGraph};
use dflint_rules::syntax::Document;

/// The output language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// The graph of a Dockerfile's text, rendered.
pub fn render(text: &str, format: GraphFormat) -> String {
    let g = stage_graph(&Document::parse(text));
    match format {
        GraphFormat::Mermaid => mermaid(&g),
        GraphFormat::Dot => dot(&g),
    }
}

fn node_id(source: &Source, images: &[&str]) -> String {
    match source {
        Source::Stage(i) => format!("s{i}"),
        Source::Image(name) => format!("i{}", images.iter().position(|i| i == name).unwrap_or(0)),
    }
}

/// Text safe inside a Mermaid `"..."` label.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// Mermaid flowchart: stages are boxes (the final one bold), images are rounded, edges say how they are used.
pub fn mermaid(g: &StageGraph) -> String {
    let images = g.images();
    let mut out = String::from("flowchart TD\n");
    for s in &g.stages {
        let mut label = mermaid_text(&s.label());
        if s.is_final {
            label.push_str(" (final)");
        }
        out.push_str(&format!("  s{}[\"{label}\"]\n", s.index));
    }
    for (i, img) in images.iter().enumerate() {
        out.push_str(&format!("  i{i}([\"{}\"])\n", mermaid_text(img)));
    }
    for e in &g.edges {
        let from = node_id(&e.source, &images);
        out.push_str(&format!("  {from} -->|{}| s{}\n", e.kind.label(), e.target));
    }
    if let Some(last) = g.stages.iter().find(|s| s.is_final) {
        out.push_str("  classDef final stroke-width:3px\n");
        out.push_str(&format!("  class s{} final\n", last.index));
    }
    out
}

/// Text safe inside a DOT `"..."` string.
fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT: stages are boxes (the final one doubled), images are ellipses.
pub fn dot(g: &StageGraph) -> String {
    let images = g.images();
    let mut out = String::from("digraph stages {\n  rankdir=TB;\n  node [shape=box];\n");
    for s in &g.stages {
        let extra = if s.is_final { ", peripheries=2" } else { "" };
        let label = if s.is_final {
            format!("{} (final)", s.label())
        } else {
            s.label()
        };
        out.push_str(&format!(
            "  s{} [label=\"{}\"{extra}];\n",
            s.index,
            dot_text(&label)
        ));
    }
    for (i, img) in images.iter().enumerate() {
        out.push_str(&format!(
            "  i{i} [label=\"{}\", shape=ellipse];\n",
            dot_text(img)
        ));
    }
    for e in &g.edges {
        let from = node_id(&e.source, &images);
        out.push_str(&format!(
            "  {from} -> s{} [label=\"{}\"];\n",
            e.target,
            e.kind.label()
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "FROM golang:1.22 AS build\nRUN go build -o /out/app\n\
                          FROM node:20 AS web\nRUN npm run build\n\
                          FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nCOPY --from=web /dist /www\n";

    #[test]
    fn mermaid_of_a_multi_stage_file() {
        assert_eq!(
            render(SAMPLE, GraphFormat::Mermaid),
            "flowchart TD\n  s0[\"build\"]\n  s1[\"web\"]\n  s2[\"stage 2 (final)\"]\n  i0([\"golang:1.22\"])\n  i1([\"node:20\"])\n  i2([\"gcr.io/distroless/static-debian12\"])\n  i0 -->|FROM| s0\n  i1 -->|FROM| s1\n  i2 -->|FROM| s2\n  s0 -->|COPY --from| s2\n  s1 -->|COPY --from| s2\n  classDef final stroke-width:3px\n  class s2 final\n"
        );
    }

    #[test]
    fn dot_of_a_multi_stage_file() {
        let out = render(SAMPLE, GraphFormat::Dot);
        assert!(out.starts_with("digraph stages {\n"));
        assert!(out.contains("  s2 [label=\"stage 2 (final)\", peripheries=2];\n"));
        assert!(out.contains("  i0 [label=\"golang:1.22\", shape=ellipse];\n"));
        assert!(out.contains("  s0 -> s2 [label=\"COPY --from\"];\n"));
        assert!(out.contains("  i2 -> s2 [label=\"FROM\"];\n"));
        assert!(out.ends_with("}\n"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(mermaid_text("a\"<b>"), "a#quot;#lt;b#gt;");
        assert_eq!(dot_text("a\"\\b"), "a\\\"\\\\b");
    }
}
