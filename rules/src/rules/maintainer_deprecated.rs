//! `maintainer-deprecated`: the `MAINTAINER` instruction.
use crate::engine::text::{case_of, Case};
use crate::engine::{declare_rule, Context, Diagnostic, DiagnosticTag, Edit, Fix, Peer, Rule};
use crate::syntax::{query, Kind};

declare_rule! {
    /// Reports the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13.
    /// It sets the image's `Author` field, which few tools read; the OCI label `org.opencontainers.image.authors` is the standard place, and what registries and scanners show.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the instruction with the label.
    /// It is unsafe: the image's `Author` field is no longer set, and tools that read it see nothing.
    /// There is no fix when comments sit inside the instruction's continuation lines.
    ///
    /// ## References
    /// - [MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL4000`](https://github.com/hadolint/hadolint/wiki/DL4000), BuildKit's [`MaintainerDeprecated`](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)
    pub struct MaintainerDeprecated {
        code: "DF505",
        name: "maintainer-deprecated",
        category: Style,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::Hadolint("DL4000"), Peer::BuildKit("MaintainerDeprecated")],
        options: [],
        changes: [Rewrite, Config(Maintainer), Config(Label)],
    }
}

const LABEL_KEY: &str = "org.opencontainers.image.authors";

/// A double-quoted Dockerfile string that reads back as `value` (no variable expansion).
pub(crate) fn double_quote(value: &str, escape: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl Rule for MaintainerDeprecated {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for ins in doc.instructions() {
            if ins.kind != Kind::Maintainer {
                continue;
            }
            let logical = ins.logical(doc.text());
            let keyword = ins.keyword_text(doc.text());
            let value = logical.get(keyword.len()..).unwrap_or("").trim();
            let label = if case_of(keyword) == Case::Lower {
                "label"
            } else {
                "LABEL"
            };
            // An empty MAINTAINER has nothing to move; comments in continuations would be lost.
            let fix =
                (!value.is_empty() && !query::has_comments_in(doc, ins.range.clone())).then(|| {
                    Fix::unsafe_(
                        format!("Replace with `{label} {LABEL_KEY}=...`"),
                        vec![Edit::replace(
                            ins.range.clone(),
                            format!("{label} {LABEL_KEY}={}", double_quote(value, doc.escape())),
                        )],
                    )
                });
            out.push(
                ctx.diagnostic(ins.keyword.clone(), "`MAINTAINER` is deprecated")
                    .with_tag(DiagnosticTag::Deprecated)
                    .with_fix_opt(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &MaintainerDeprecated::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nMAINTAINER me\n", &["MAINTAINER"]),
                (
                    "FROM a\nmaintainer me\nMAINTAINER you\n",
                    &["maintainer", "MAINTAINER"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(R, &["FROM a\nLABEL org.opencontainers.image.authors=me\n"]);
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM a\nMAINTAINER Jane \"J\" Doe $5\n",
                    "FROM a\nLABEL org.opencontainers.image.authors=\"Jane \\\"J\\\" Doe \\$5\"\n",
                ),
                (
                    "FROM a\r\nmaintainer a \\\r\n  b\r\nRUN x\r\n",
                    "FROM a\r\nlabel org.opencontainers.image.authors=\"a   b\"\r\nRUN x\r\n",
                ),
                (
                    "# escape=`\nFROM a\nMAINTAINER C:\\me`x\n",
                    "# escape=`\nFROM a\nLABEL org.opencontainers.image.authors=\"C:\\me``x\"\n",
                ),
                (
                    "FROM a\nMAINTAINER a \\\n# c\n  b\n",
                    "FROM a\nMAINTAINER a \\\n# c\n  b\n",
                ),
            ],
        );
        // Only an unsafe fix: `--fix` alone leaves it.
        spec::fixes(
            R,
            FixMode::Safe,
            &[("FROM a\nMAINTAINER me\n", "FROM a\nMAINTAINER me\n")],
        );
    }
}
