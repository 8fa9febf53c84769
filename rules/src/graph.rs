//! The stage graph of a Dockerfile: its stages, the images and stages each is built `FROM`, copies from
//! (`COPY --from`) and mounts (`RUN --mount=from=`), and which stage is the final one. Rendering lives in the binary.
use crate::syntax::ext_optimizer;
use crate::syntax::{query, Document, Kind, Span};

/// Where an edge comes from: a stage of the file, or an image.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Stage(usize),
    Image(String),
}

/// How a stage uses its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// `FROM <source>`.
    From,
    /// `COPY --from=<source>`.
    Copy,
    /// `RUN --mount=from=<source>`.
    Mount,
}

impl EdgeKind {
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::From => "FROM",
            EdgeKind::Copy => "COPY --from",
            EdgeKind::Mount => "RUN --mount",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    pub source: Source,
    /// The stage that uses the source.
    pub target: usize,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageNode {
    pub index: usize,
    pub name: Option<String>,
    /// What its FROM names, as written.
    pub base: String,
    pub is_final: bool,
    /// The FROM instruction.
    pub range: Span,
}

impl StageNode {
    /// `build`, or `stage 2` for an unnamed stage.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("stage {}", self.index))
    }
}

/// The stages and the edges between them and the images they use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageGraph {
    pub stages: Vec<StageNode>,
    /// In file order, without duplicates.
    pub edges: Vec<Edge>,
}

impl StageGraph {
    /// The images the stages use, in order of first use.
    pub fn images(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in &self.edges {
            if let Source::Image(i) = &e.source {
                if !out.contains(&i.as_str()) {
                    out.push(i);
                }
            }
        }
        out
    }

    /// The stages the final stage needs, directly or not (itself included).
    pub fn needed_by_final(&self) -> Vec<usize> {
        let Some(last) = self.stages.last() else {
            return Vec::new();
        };
        let mut out = vec![last.index];
        let mut i = 0;
        while i < out.len() {
            let t = out[i];
            for e in &self.edges {
                if let (Source::Stage(s), true) = (&e.source, e.target == t) {
                    if !out.contains(s) {
                        out.push(*s);
                    }
                }
            }
            i += 1;
        }
        out.sort_unstable();
        out
    }
}

/// A `--from` value: an earlier stage (by name, or by index) or an image.
fn resolve(doc: &Document, before: usize, name: &str) -> Source {
    if let Some(s) = query::earlier_stage(doc, before, name) {
        return Source::Stage(s.index);
    }
    match name.parse::<usize>() {
        Ok(n) if n < before => Source::Stage(n),
        _ => Source::Image(name.to_string()),
    }
}

/// Builds the graph of a document.
pub fn stage_graph(doc: &Document) -> StageGraph {
    let text = doc.text();
    let mut g = StageGraph::default();
    let count = doc.stages().len();
    for stage in doc.stages() {
        let from = &doc.instructions()[stage.from];
        g.stages.push(StageNode {
            index: stage.index,
            name: stage.name.clone(),
            base: stage.base.clone(),
            is_final: stage.index + 1 == count,
            range: from.range.clone(),
        });
        let mut push = |e: Edge| {
            if !g.edges.contains(&e) {
                g.edges.push(e);
            }
        };
        if !stage.base.is_empty() {
            push(Edge {
                source: resolve(doc, stage.index, &stage.base),
                target: stage.index,
                kind: EdgeKind::From,
            });
        }
        for i in stage.instructions.clone() {
            let ins = &doc.instructions()[i];
            let args = ext_optimizer::args(text, ins, doc.escape());
            match ins.kind {
                Kind::Copy | Kind::Add => {
                    if let Some(from) = args.flag("from").and_then(|f| f.value.clone()) {
                        push(Edge {
                            source: resolve(doc, stage.index, &from),
                            target: stage.index,
                            kind: EdgeKind::Copy,
                        });
                    }
                }
                Kind::Run => {
                    for f in args.flags.iter().filter(|f| f.name == "mount") {
                        let from = f
                            .options()
                            .into_iter()
                            .find(|(k, _)| k == "from")
                            .and_then(|(_, v)| v);
                        if let Some(from) = from {
                            push(Edge {
                                source: resolve(doc, stage.index, &from),
                                target: stage.index,
                                kind: EdgeKind::Mount,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "FROM golang:1.22 AS build\nWORKDIR /src\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=bind,from=deps,source=/x,target=/x go build -o /out/app\n\
                          FROM node:20 AS web\nRUN npm run build\n\
                          FROM build AS test\nRUN go test ./...\n\
                          FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\nCOPY --from=web /dist /www\nCOPY --from=1 /dist /www2\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\n";

    #[test]
    fn stages_edges_and_final() {
        let g = stage_graph(&Document::parse(SAMPLE));
        let labels: Vec<String> = g.stages.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["build", "web", "test", "stage 3"]);
        assert!(g.stages[3].is_final && !g.stages[0].is_final);
        let e = |source: Source, target, kind| Edge {
            source,
            target,
            kind,
        };
        assert_eq!(
            g.edges,
            [
                e(Source::Image("golang:1.22".into()), 0, EdgeKind::From),
                e(Source::Image("deps".into()), 0, EdgeKind::Mount),
                e(Source::Image("node:20".into()), 1, EdgeKind::From),
                e(Source::Stage(0), 2, EdgeKind::From),
                e(
                    Source::Image("gcr.io/distroless/static-debian12".into()),
                    3,
                    EdgeKind::From
                ),
                e(Source::Stage(0), 3, EdgeKind::Copy),
                e(Source::Stage(1), 3, EdgeKind::Copy),
                e(Source::Image("nginx:alpine".into()), 3, EdgeKind::Copy),
            ]
        );
        assert_eq!(
            g.images(),
            [
                "golang:1.22",
                "deps",
                "node:20",
                "gcr.io/distroless/static-debian12",
                "nginx:alpine"
            ]
        );
        assert_eq!(
            g.needed_by_final(),
            [0, 1, 3],
            "`test` is not needed by the final stage"
        );
    }

    #[test]
    fn a_later_stage_name_is_an_image() {
        let g = stage_graph(&Document::parse(
            "FROM a\nCOPY --from=later /x /x\nFROM b AS later\n",
        ));
        assert_eq!(g.edges[1].source, Source::Image("later".into()));
    }
}
