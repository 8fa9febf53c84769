//! `add-instead-of-copy`: `ADD` of local files and folders, which `COPY` says plainly.
use crate::engine::{declare_rule, BuildContext, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::copy_args::{copy_args, PathArg};
use crate::syntax::Kind;

declare_rule! {
    /// Reports `ADD` of local files or folders, where `COPY` does the same.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs, clones Git repositories and unpacks local tar archives.
    /// For a plain file or folder `COPY` does the same thing and says only that, so a reader does not have to
    /// wonder whether `ADD` is there to unpack something.
    ///
    /// Sources that are URLs, Git repositories, tar archives by name (`.tar`, `.tgz`, `.tar.gz` ...), or hold a
    /// variable (which may be a URL) are not reported, nor `ADD` with flags `COPY` lacks (`--checksum`,
    /// `--keep-git-dir`, `--unpack`).
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3020` reports `ADD $URL /x` too; a variable may hold a URL, so this rule leaves it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ADD requirements.txt /app/
    /// ```
    /// ```dockerfile fixed
    /// FROM python:3.12-slim
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// `ADD` unpacks a local tar archive whatever its name, so the fix is safe only when the build context shows every
    /// source is a folder or a file that is no archive; otherwise it is unsafe.
    ///
    /// ## References
    /// - [ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - hadolint's [`DL3020`](https://github.com/hadolint/hadolint/wiki/DL3020)
    pub struct AddInsteadOfCopy {
        code: "DF540",
        name: "add-instead-of-copy",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3020")],
        options: [],
        changes: [Rewrite],
    }
}

const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst",
];

/// A source `ADD` fetches or may unpack, or whose value is not known.
fn not_plain(source: &PathArg) -> bool {
    let v = source.value.as_str();
    source.dynamic
        || source.heredoc
        || v.contains("://")
        || v.starts_with("git@")
        || ARCHIVE_EXTENSIONS.iter().any(|e| v.ends_with(e))
}

/// Whether the build context shows the source is a folder, or a file that is no tar archive.
fn known_plain(context: &dyn BuildContext, source: &str) -> bool {
    let rel = source.trim_start_matches("./").trim_start_matches('/');
    let rel = rel.trim_end_matches('/');
    if rel.contains(['*', '?', '[']) {
        return false;
    }
    if rel.is_empty() || rel == "." || !context.list(rel).is_empty() {
        return true;
    }
    match context.read(rel) {
        // Compressed archives are not text; a plain tar is, and says `ustar` at offset 257.
        Some(text) => !text.starts_with("BZh") && text.get(257..262) != Some("ustar"),
        None => false,
    }
}

impl Rule for AddInsteadOfCopy {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::Add {
                continue;
            }
            if ["checksum", "keep-git-dir", "unpack"]
                .iter()
                .any(|f| ins.flag(f).is_some())
            {
                continue;
            }
            let (sources, Some(_)) = copy_args(ins) else {
                continue;
            };
            if sources.is_empty() || sources.iter().any(not_plain) {
                continue;
            }
            let keyword = if ins
                .keyword_text(ctx.text())
                .chars()
                .all(|c| c.is_ascii_lowercase())
            {
                "copy"
            } else {
                "COPY"
            };
            let edits = vec![Edit::replace(ins.keyword.clone(), keyword)];
            let title = "Replace `ADD` with `COPY`";
            let safe = ctx
                .build_context()
                .is_some_and(|c| sources.iter().all(|s| known_plain(c, &s.value)));
            let fix = if safe {
                Fix::safe(title, edits)
            } else {
                Fix::unsafe_(title, edits)
            };
            out.push(
                ctx.diagnostic(
                    ins.keyword.clone(),
                    "`ADD` of local files: use `COPY`, which only copies",
                )
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lint, Applicability, FixMode, MemoryBuildContext, RuleMeta, Settings};
    use crate::rules::spec;
    use crate::syntax::Document;

    const R: &RuleMeta = &AddInsteadOfCopy::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nADD x /x\n", &["ADD"]),
                ("FROM a\nadd --chown=1:1 src/ /app/\n", &["add"]),
                ("FROM a\nADD [\"a b\", \"/x\"]\n", &["ADD"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCOPY x /x\n",
                "FROM a\nADD x.tar.gz /x\n",
                "FROM a\nADD https://example.com/x /x\n",
                "FROM a\nADD git@github.com:a/b.git /x\n",
                "FROM a\nADD $URL /x\n",
                "FROM a\nADD --checksum=sha256:00 x /x\n",
                "FROM a\nADD <<EOF /x\nhi\nEOF\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                ("FROM a\nADD x /x\n", "FROM a\nCOPY x /x\n"),
                ("FROM a\nadd x /x\n", "FROM a\ncopy x /x\n"),
            ],
        );
    }

    fn applicability(src: &str, context: &MemoryBuildContext) -> Applicability {
        let d = lint(
            &Document::parse(src),
            &Settings::select([R.code]),
            Some(context),
        );
        d[0].fix.as_ref().unwrap().applicability
    }

    #[test]
    fn safe_only_when_the_context_shows_no_archive() {
        let context = MemoryBuildContext::new()
            .with_file("conf/app.ini", "[app]\n")
            .with_file("notes.txt", "hello\n")
            .with_file("plain.bin", &format!("{}ustar  \n", "x".repeat(257)));
        assert_eq!(
            applicability("FROM a\nADD notes.txt conf /x/\n", &context),
            Applicability::Safe
        );
        assert_eq!(
            applicability("FROM a\nADD plain.bin /x/\n", &context),
            Applicability::Unsafe
        );
        assert_eq!(
            applicability("FROM a\nADD missing /x/\n", &context),
            Applicability::Unsafe
        );
        assert_eq!(
            applicability("FROM a\nADD *.txt /x/\n", &context),
            Applicability::Unsafe
        );
    }
}
