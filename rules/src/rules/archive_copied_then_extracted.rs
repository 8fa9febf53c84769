//! `archive-copied-then-extracted`: a tar archive copied in with `COPY` and unpacked by a later `RUN tar -x`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::copy_args::copy_args;
use crate::rules::run_scripts::run_scripts;
use crate::shell::SimpleCommand;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `COPY` of a tar archive that a later `RUN` of the same stage unpacks with `tar`.
    ///
    /// ## Why is this bad?
    /// The `COPY` layer keeps the archive even when the `RUN` deletes it afterwards, so the image holds the files
    /// twice: packed and unpacked.
    /// `ADD` unpacks a local tar archive (plain, gzip, bzip2 or xz) into its destination in one layer, without the
    /// archive.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3010` also reports archives unpacked with `unzip`, `gunzip` and the like.
    /// `ADD` unpacks tar archives only: a `.zip`, or a `.gz` that holds no tar, is copied as it is, so `ADD` would
    /// not help; those are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY vendor.tar.gz /tmp/
    /// RUN tar -xzf /tmp/vendor.tar.gz -C /opt && rm /tmp/vendor.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// ADD vendor.tar.gz /opt/
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `ADD` unpacks into its destination, which the `RUN` may not match (`--strip-components`, `-C`).
    ///
    /// ## References
    /// - [ADD](https://docs.docker.com/reference/dockerfile/#add)
    /// - hadolint's [`DL3010`](https://github.com/hadolint/hadolint/wiki/DL3010)
    pub struct ArchiveCopiedThenExtracted {
        code: "DF438",
        name: "archive-copied-then-extracted",
        category: Size,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3010")],
        options: [],
    }
}

/// Names `ADD` unpacks: tar archives, plain or compressed.
fn is_tar_archive(name: &str) -> bool {
    let (stem, ext) = match name.rsplit_once('.') {
        Some(split) => split,
        None => return false,
    };
    match ext {
        "tar" | "tgz" | "tbz" | "tbz2" | "tb2" | "txz" | "tlz" | "tZ" | "tpz" => !stem.is_empty(),
        "gz" | "bz2" | "xz" | "lz" | "lzma" | "Z" => stem.ends_with(".tar"),
        _ => false,
    }
}

fn basename(path: &str) -> &str {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
}

/// The archives a `tar` command extracts: its operands' base names, when it runs in extract mode.
fn tar_extracts(c: &SimpleCommand) -> Vec<&str> {
    if c.program() != Some("tar") {
        return Vec::new();
    }
    let args = &c.argv()[1..];
    let extract = args.iter().enumerate().any(|(i, w)| {
        let v = w.value.as_str();
        v == "--extract"
            || v == "--get"
            || (v.starts_with('-') && !v.starts_with("--") && v.contains('x'))
            // `tar xzf file`: the first argument is the mode, without a dash.
            || (i == 0 && !v.starts_with('-') && v.contains('x') && v.bytes().all(|b| b.is_ascii_alphabetic()))
    });
    if !extract {
        return Vec::new();
    }
    args.iter()
        .filter(|w| !w.value.starts_with('-'))
        .map(|w| basename(&w.value))
        .collect()
}

impl Rule for ArchiveCopiedThenExtracted {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let runs = run_scripts(ctx);
        for stage in doc.stages() {
            for idx in stage.instructions.clone() {
                let ins = &doc.instructions()[idx];
                if ins.kind != Kind::Copy || ins.flag("from").is_some() {
                    continue;
                }
                let (sources, Some(dest)) = copy_args(ins) else {
                    continue;
                };
                // A copy onto an archive name renames it; otherwise each source keeps its name.
                let copied: Vec<(&str, std::ops::Range<usize>)> =
                    if is_tar_archive(basename(&dest.value)) {
                        vec![(basename(&dest.value), dest.range.clone())]
                    } else {
                        sources
                            .iter()
                            .filter(|s| {
                                !s.dynamic && !s.heredoc && is_tar_archive(basename(&s.value))
                            })
                            .map(|s| (basename(&s.value), s.range.clone()))
                            .collect()
                    };
                for (name, range) in copied {
                    let extracted = runs
                        .iter()
                        .filter(|r| r.index > idx && r.index < stage.instructions.end)
                        .flat_map(|r| r.script.commands.iter())
                        .any(|c| tar_extracts(c).contains(&name));
                    if extracted {
                        out.push(ctx.diagnostic(
                            range,
                            format!("`{name}` is copied, then unpacked by a later `RUN`: the layer keeps the archive; `ADD` unpacks it in one step"),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ArchiveCopiedThenExtracted::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nCOPY x.tar.gz /tmp/\nRUN tar -xzf /tmp/x.tar.gz\n",
                    &["x.tar.gz"],
                ),
                (
                    "FROM a\nCOPY dist/x.tgz /tmp/\nRUN tar xf /tmp/x.tgz -C /opt\n",
                    &["dist/x.tgz"],
                ),
                (
                    "FROM a\nCOPY x /tmp/y.tar\nRUN cd /tmp && tar --extract -f y.tar\n",
                    &["/tmp/y.tar"],
                ),
                (
                    "FROM a\nCOPY a.tar b.tar /tmp/\nRUN tar -xf /tmp/b.tar\n",
                    &["b.tar"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nADD x.tar.gz /opt/\n",
                "FROM a\nCOPY x.tar.gz /tmp/\n",
                "FROM a\nCOPY x.zip /tmp/\nRUN unzip /tmp/x.zip\n",
                "FROM a\nCOPY x.gz /tmp/\nRUN gunzip /tmp/x.gz\n",
                "FROM a\nCOPY x.tar.gz /tmp/\nRUN tar -czf /tmp/x.tar.gz /opt\n",
                "FROM a\nCOPY --from=b /x.tar.gz /tmp/\nRUN tar -xzf /tmp/x.tar.gz\n",
                "FROM a\nCOPY x.tar.gz /tmp/\nFROM b\nRUN tar -xzf /tmp/x.tar.gz\n",
            ],
        );
    }
}
