//! `copy-multiple-sources-to-file`: a `COPY` or `ADD` of several sources to a destination without a trailing `/`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::copy_args::copy_args;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `COPY` or `ADD` with more than one source whose destination does not end with `/`.
    ///
    /// ## Why is this bad?
    /// Several sources only make sense copied into a folder.
    /// The classic builder refuses the instruction ("When using COPY with more than one source file, the
    /// destination must be a directory and end with a /"); BuildKit builds it, and each source file lands on the same
    /// destination path in turn, so only the last one is left.
    /// A trailing `/` says "into this folder" to both.
    ///
    /// A destination that ends with a variable is left alone: its value may end with `/`.
    /// Nor is `.`: BuildKit reads it as the working directory, a folder.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3021` checks `COPY` only; Docker applies the same rule to `ADD`, and so does this rule.
    /// hadolint reports `COPY a b .`, which BuildKit copies into the working directory as meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// No fix: under BuildKit the instruction builds, and adding `/` changes which files the image holds.
    ///
    /// ## References
    /// - [COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - hadolint's [`DL3021`](https://github.com/hadolint/hadolint/wiki/DL3021)
    pub struct CopyMultipleSourcesToFile {
        code: "DF150",
        name: "copy-multiple-sources-to-file",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3021")],
        options: [],
    }
}

impl Rule for CopyMultipleSourcesToFile {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if !matches!(ins.kind, Kind::Copy | Kind::Add) {
                continue;
            }
            let (sources, Some(dest)) = copy_args(ins) else {
                continue;
            };
            // BuildKit reads `.` as the working directory itself, a folder.
            let folder = dest.value.ends_with(['/', '\\'])
                || matches!(dest.value.as_str(), "." | "..")
                || dest.value.ends_with("/.");
            if sources.len() < 2 || folder {
                continue;
            }
            if dest.dynamic && (dest.value.ends_with('}') || !dest.value.contains('/')) {
                continue;
            }
            out.push(ctx.diagnostic(
                dest.range.clone(),
                format!(
                    "{} sources copied to `{}`: end the destination with `/` to copy them into a folder",
                    sources.len(),
                    dest.value
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &CopyMultipleSourcesToFile::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCOPY a b /app\n", &["/app"]),
                ("FROM a\nADD a b c\n", &["c"]),
                ("FROM a\nCOPY [\"a\", \"b\", \"/app\"]\n", &["\"/app\""]),
                ("FROM a\nCOPY --from=x a b \"/app\"\n", &["\"/app\""]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCOPY a /app\n",
                "FROM a\nCOPY a b /app/\n",
                "FROM a\nCOPY a b ./\n",
                "FROM a\nCOPY a b .\n",
                "FROM a\nCOPY a b \"/app/\"\n",
                "FROM a\nCOPY a b $DEST\n",
                "FROM a\nCOPY a b ${DEST}\n",
            ],
        );
    }
}
