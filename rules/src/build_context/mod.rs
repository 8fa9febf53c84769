//! The build context as the core sees it: a read-only view of the folder `docker build` sends (the CLI reads it from
//! disk, tests and editors may hold it in memory), the context paths a Dockerfile copies, and `.dockerignore` as
//! BuildKit reads it. A leaf: the build model, the knowledge tables and the engine all look at the context through it.
mod dockerignore;

use std::collections::BTreeMap;

pub use dockerignore::DockerIgnore;

use crate::syntax::{ext_optimizer, Document, Kind};

/// A read-only view of the build context (the folder `docker build` sends). The CLI implements it on disk;
/// paths are relative to the context root, with `/` separators.
pub trait BuildContext {
    fn exists(&self, rel: &str) -> bool;
    fn read(&self, rel: &str) -> Option<String>;
    /// Names of the entries directly inside `rel_dir` (`""` for the root); empty when it is not a folder.
    fn list(&self, rel_dir: &str) -> Vec<String>;
    /// The ignore file BuildKit applies to this build (`<Dockerfile>.dockerignore` beside the Dockerfile, else
    /// `.dockerignore` at the context root), when there is one.
    fn dockerignore(&self) -> Option<&DockerIgnore> {
        None
    }
    /// Whether `rel` is left out of what the build sees by the ignore file.
    fn is_ignored(&self, rel: &str) -> bool {
        self.dockerignore().is_some_and(|i| i.is_ignored(rel))
    }
}

/// A path a build reads from its context: a COPY or ADD source, or the source of a `RUN --mount=type=bind`, that
/// is neither from another stage or image (`from`), nor a URL, nor a heredoc, nor written with a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextSource {
    /// Relative to the context root, cleaned as BuildKit cleans it (`./a/../b` is `b`, `/x` is `x`, `.` is `""`).
    pub path: String,
    /// Holds `*`, `?` or `[`: it may match nothing (BuildKit then copies nothing for it); `path` is the literal
    /// folder before the first wildcard segment, which must exist.
    pub glob: bool,
}

/// The context paths the build's COPY, ADD and `RUN --mount=type=bind` read, in order (ONBUILD ones run in
/// another build).
pub fn context_sources(doc: &Document) -> Vec<ContextSource> {
    let text = doc.text();
    let mut out = Vec::new();
    for ins in doc.instructions() {
        if !matches!(ins.kind, Kind::Copy | Kind::Add | Kind::Run) {
            continue;
        }
        let args = ext_optimizer::args(text, ins, doc.escape());
        if ins.kind == Kind::Run {
            out.extend(bind_sources(&args));
            continue;
        }
        if args.flag("from").is_some() {
            continue;
        }
        let Some(copy) = ext_optimizer::copy_args(&args) else {
            continue;
        };
        for source in &copy.sources {
            let v = source.value.as_str();
            let remote = v.contains("://") || v.starts_with("git@");
            if remote || v.contains('$') || v.starts_with("<<") {
                continue;
            }
            let glob = v.contains(['*', '?', '[']);
            let literal: Vec<&str> = v
                .split('/')
                .take_while(|s| !s.contains(['*', '?', '[']))
                .collect();
            let path = if glob {
                // The folder the wildcard segment lies in: `src/*.go` needs `src`.
                clean(&literal.join("/"))
            } else {
                clean(v)
            };
            out.push(ContextSource { path, glob });
        }
    }
    out
}

/// The context paths of a RUN's bind mounts (`type=bind` is the default type; `source` defaults to the root).
fn bind_sources(args: &ext_optimizer::Args) -> Vec<ContextSource> {
    let mut out = Vec::new();
    for flag in args.flags.iter().filter(|f| f.name == "mount") {
        let options = flag.options();
        let get = |keys: &[&str]| {
            options
                .iter()
                .find(|(k, _)| keys.contains(&k.as_str()))
                .map(|(_, v)| v.clone().unwrap_or_default())
        };
        let bind = get(&["type"]).is_none_or(|t| t == "bind");
        if !bind || get(&["from"]).is_some() {
            continue;
        }
        let Some(source) = get(&["source", "src"]) else {
            continue;
        };
        let source = source.trim_matches('"');
        if source.contains('$') {
            continue;
        }
        out.push(ContextSource {
            path: clean(source),
            glob: false,
        });
    }
    out
}

/// A path as Go's `filepath.Clean` leaves it, relative to the root, as BuildKit cleans sources and `.dockerignore`
/// patterns: no `.` segments, `..` resolved (never above the root), no doubled or trailing `/`, no leading `/`.
fn clean(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// A build context held in memory: for tests, and for an editor that knows the files without a disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryBuildContext {
    files: BTreeMap<String, String>,
    /// A per-Dockerfile ignore file, which wins over `.dockerignore`.
    own_ignore: Option<DockerIgnore>,
    root_ignore: Option<DockerIgnore>,
}

impl MemoryBuildContext {
    pub fn new() -> MemoryBuildContext {
        MemoryBuildContext::default()
    }
    pub fn with_file(mut self, rel: &str, content: &str) -> MemoryBuildContext {
        let rel = rel.trim_start_matches("./");
        if rel == ".dockerignore" {
            self.root_ignore = Some(DockerIgnore::parse(rel, content));
        }
        self.files.insert(rel.to_string(), content.into());
        self
    }
    /// The Dockerfile's own ignore file (`<Dockerfile>.dockerignore` beside it, which may lie outside the context).
    pub fn with_dockerfile_ignore(mut self, name: &str, content: &str) -> MemoryBuildContext {
        self.own_ignore = Some(DockerIgnore::parse(name, content));
        self
    }
}

impl BuildContext for MemoryBuildContext {
    fn exists(&self, rel: &str) -> bool {
        let rel = rel.trim_start_matches("./").trim_end_matches('/');
        rel.is_empty()
            || self.files.contains_key(rel)
            || self.files.keys().any(|k| {
                k.strip_prefix(rel)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
    }
    fn read(&self, rel: &str) -> Option<String> {
        self.files.get(rel.trim_start_matches("./")).cloned()
    }
    fn list(&self, rel_dir: &str) -> Vec<String> {
        let dir = rel_dir.trim_start_matches("./").trim_end_matches('/');
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: Vec<String> = self
            .files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .collect();
        out.dedup();
        out
    }
    fn dockerignore(&self) -> Option<&DockerIgnore> {
        self.own_ignore.as_ref().or(self.root_ignore.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_context_lists_and_reads() {
        let ctx = MemoryBuildContext::new()
            .with_file("package.json", "{}")
            .with_file("src/a.js", "")
            .with_file("src/b/c.js", "");
        assert!(ctx.exists("package.json"));
        assert!(ctx.exists("./src"));
        assert!(!ctx.exists("sr"));
        assert_eq!(ctx.read("./package.json").as_deref(), Some("{}"));
        assert_eq!(ctx.list(""), ["package.json", "src"]);
        assert_eq!(ctx.list("src/"), ["a.js", "b"]);
        assert!(!ctx.is_ignored("src/a.js"));
        let ctx = ctx.with_file(".dockerignore", "src\n");
        assert!(ctx.is_ignored("src/a.js"));
        let ctx = ctx.with_dockerfile_ignore("Dockerfile.dockerignore", "*.json\n");
        assert!(
            !ctx.is_ignored("src/a.js"),
            "the Dockerfile's own file wins"
        );
        assert!(ctx.is_ignored("package.json"));
    }

    #[test]
    fn sources_from_the_context_only() {
        let src = "FROM a AS b\nCOPY . .\nCOPY ./src/../lib/ /lib/\nCOPY --from=b /x /y\nADD https://x/y.tgz git@github.com:a/b.git /z/\nCOPY $APP /app\nCOPY <<EOF /e\nhi\nEOF\nCOPY [\"/abs/f\", \"src/*.go\", \"/dst/\"]\nADD pkg*.json yarn.lock ./\nONBUILD COPY later /later\nRUN --mount=type=bind,source=go.sum,target=/s --mount=target=/all --mount=type=cache,source=c,target=/c --mount=from=b,source=x,target=/x go build\n";
        let doc = Document::parse(src);
        let got: Vec<(String, bool)> = context_sources(&doc)
            .into_iter()
            .map(|s| (s.path, s.glob))
            .collect();
        let want = [
            ("", false),
            ("lib", false),
            ("abs/f", false),
            ("src", true),
            ("", true),
            ("yarn.lock", false),
            ("go.sum", false),
        ];
        let want: Vec<(String, bool)> = want.iter().map(|(p, g)| (p.to_string(), *g)).collect();
        assert_eq!(got, want);
    }
}
