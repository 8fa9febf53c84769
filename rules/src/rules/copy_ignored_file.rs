//! `copy-ignored-file`: a `COPY`/`ADD` source that `.dockerignore` leaves out of the build context.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::{Kind, Word};

declare_rule! {
    /// Reports a `COPY` or `ADD` source that the build context's ignore file leaves out.
    ///
    /// The ignore file is `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore` at the context root.
    ///
    /// ## Why is this bad?
    /// Files the ignore file matches are not sent to the builder, so the copy fails (`not found`) or, for a folder,
    /// copies less than it names.
    /// Either stop ignoring the file or stop copying it.
    ///
    /// dflint checks this as BuildKit's `CopyIgnoredFile` does: only when it knows the build context and its ignore
    /// file, and not at all when the ignore file has exceptions (`!pattern`), since a folder left out may have files
    /// let back in.
    /// Sources from another stage or image (`--from`), URLs, heredocs and sources written with variables are not
    /// checked.
    ///
    /// BuildKit's documentation illustrates the check with the pattern `*/tmp/*` and `COPY ./tmp/helloworld.txt`;
    /// that pattern only matches a `tmp` folder one level down (`app/tmp/...`), so neither BuildKit nor dflint
    /// report that copy: the example below uses `tmp/*`.
    ///
    /// ## Build context
    /// ```text
    /// .dockerignore: tmp/*
    /// tmp/helloworld.txt
    /// forever/helloworld.txt
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM scratch
    /// COPY ./tmp/helloworld.txt /helloworld.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM scratch
    /// COPY ./forever/helloworld.txt /helloworld.txt
    /// ```
    ///
    /// ## References
    /// - [.dockerignore](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - BuildKit's [`CopyIgnoredFile`](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
    pub struct CopyIgnoredFile {
        code: "DF113",
        name: "copy-ignored-file",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("CopyIgnoredFile")],
        options: [],
    }
}

/// A source cleaned as Go's `filepath.Clean` cleans it (`./tmp//a/../b` is `tmp/b`).
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

impl Rule for CopyIgnoredFile {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let Some(build) = ctx.build_context() else {
            return;
        };
        let Some(ignore) = build.dockerignore() else {
            return;
        };
        if ignore.has_exceptions() {
            return;
        }
        for ins in ctx.doc().instructions() {
            let cmd = match ins.kind {
                Kind::Copy => "Copy",
                Kind::Add => "Add",
                _ => continue,
            };
            if ins.flag("from").is_some() {
                continue;
            }
            let sources: Vec<(String, std::ops::Range<usize>)> = match &ins.exec_form {
                Some(e) => e
                    .elements
                    .iter()
                    .rev()
                    .skip(1)
                    .rev()
                    .map(|el| (el.value.clone(), el.range.clone()))
                    .collect(),
                None => {
                    let words: &[Word] = &ins.words;
                    words
                        .iter()
                        .take(words.len().saturating_sub(1))
                        .filter(|w| w.vars.is_empty())
                        .map(|w| (w.value.clone(), w.range.clone()))
                        .collect()
                }
            };
            for (value, range) in sources {
                if value.contains('$')
                    || value.starts_with("<<")
                    || value.contains("://")
                    || value.starts_with("git@")
                {
                    continue;
                }
                let src = clean(&value);
                let root = src == "." || src == "/";
                // The root is no path a pattern names: only patterns that leave out every entry of it count.
                let ignored = if root {
                    ignore.excludes_every_root_entry()
                } else {
                    ignore.is_ignored(src.trim_start_matches('/'))
                };
                if ignored {
                    out.push(ctx.diagnostic(
                        range.clone(),
                        format!(
                            "Attempting to {cmd} file \"{src}\" that is excluded by {}",
                            if ignore.source.is_empty() {
                                ".dockerignore"
                            } else {
                                &ignore.source
                            }
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lint, MemoryBuildContext, RuleMeta, Settings};
    use crate::syntax::Document;

    const R: &RuleMeta = &CopyIgnoredFile::META;

    fn spans(src: &str, ignore: Option<&str>) -> Vec<String> {
        let mut ctx = MemoryBuildContext::new().with_file("tmp/helloworld.txt", "");
        if let Some(i) = ignore {
            ctx = ctx.with_file(".dockerignore", i);
        }
        lint(
            &Document::parse(src),
            &Settings::select([R.code]),
            Some(&ctx),
        )
        .into_iter()
        .map(|d| format!("{}: {}", &src[d.range.clone()], d.message))
        .collect()
    }

    #[test]
    fn ignored_sources() {
        assert_eq!(
            spans("FROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n", Some("tmp/*\n")),
            ["./tmp/helloworld.txt: Attempting to Copy file \"tmp/helloworld.txt\" that is excluded by .dockerignore"]
        );
        assert_eq!(
            spans("FROM a\nADD [\"node_modules\", \"go.sum\", \"/app/\"]\n", Some("node_modules\n")),
            ["\"node_modules\": Attempting to Add file \"node_modules\" that is excluded by .dockerignore"]
        );
        // A file inside an ignored folder; the whole context when everything is ignored.
        assert_eq!(
            spans("FROM a\nCOPY build/out/x /x\n", Some("build\n")).len(),
            1
        );
        assert_eq!(spans("FROM a\nCOPY . /app\n", Some("*\n")).len(), 1);
    }

    #[test]
    fn buildkits_documented_example() {
        // BuildKit's documented pattern matches a `tmp` folder one level down only: its bad example is not reported
        // by BuildKit's matcher, nor here; its good example neither.
        let bad = "FROM scratch\nCOPY ./tmp/helloworld.txt /helloworld.txt\n";
        let good = "FROM scratch\nCOPY ./forever/helloworld.txt /helloworld.txt\n";
        assert!(spans(bad, Some("*/tmp/*\n")).is_empty());
        assert!(spans(good, Some("*/tmp/*\n")).is_empty());
        assert_eq!(
            spans("FROM scratch\nCOPY app/tmp/x /x\n", Some("*/tmp/*\n")).len(),
            1
        );
    }

    #[test]
    fn not_checked() {
        for (src, ignore) in [
            // No context known, no ignore file, exceptions in it.
            ("FROM a\nCOPY tmp/x /x\n", None),
            ("FROM a\nCOPY tmp/x /x\n", Some("tmp\n!tmp/x\n")),
            // Other stages, URLs, variables, heredocs, the root.
            ("FROM a\nCOPY --from=b tmp/x /x\n", Some("tmp\n")),
            ("FROM a\nADD https://e.com/tmp /x\n", Some("tmp\n")),
            ("FROM a\nARG D=tmp\nCOPY $D /x\n", Some("tmp\n")),
            ("FROM a\nCOPY <<tmp /x\nhi\ntmp\n", Some("tmp\n")),
            ("FROM a\nCOPY . /app\n", Some("tmp\n")),
        ] {
            assert!(spans(src, ignore).is_empty(), "{src:?}");
        }
        let doc = Document::parse("FROM a\nCOPY tmp/x /x\n");
        assert!(lint(&doc, &Settings::select([R.code]), None).is_empty());
    }
}
