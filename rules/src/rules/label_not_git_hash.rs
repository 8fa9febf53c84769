//! `label-not-git-hash`: a label the schema types `hash` whose value is not a git hash.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, LabelType};

declare_rule! {
    /// Reports a `LABEL` whose schema type is `hash` and whose value is not a git commit hash (7 or 40 lowercase hex digits).
    ///
    /// ## Why is this bad?
    /// Tools that read image labels (registries, scanners, `docker inspect` scripts) expect each label in the form
    /// its convention gives; a value in another form is dropped or misread.
    /// The project's label schema says which labels must have which form.
    ///
    /// A value that holds a variable is not checked: it is known only at build time.
    ///
    /// ## Configuration
    /// Only labels in the project's schema are checked; without one the rule reports nothing.
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.revision" = "hash" }` in
    /// `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.label-not-git-hash]
    /// label-schema = ["org.opencontainers.image.revision=hash"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="3f786850e387550fdab836ed7e6dc881de23001b"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3055`](https://github.com/hadolint/hadolint/wiki/DL3055)
    pub struct LabelNotGitHash {
        code: "DF554",
        name: "label-not-git-hash",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3055")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for LabelNotGitHash {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        label_schema::check_typed(
            ctx,
            out,
            LabelType::Hash,
            label_schema::is_git_hash,
            "a git hash",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_labels_of_its_type_given_a_schema() {
        label_schema::testing::check_typed_rule(
            &LabelNotGitHash::META,
            "org.opencontainers.image.revision",
            "hash",
            "main",
            "3f786850e387550fdab836ed7e6dc881de23001b",
        );
    }
}
