//! `label-not-url`: a label the schema types `url` whose value is not a URL.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, LabelType};

declare_rule! {
    /// Reports a `LABEL` whose schema type is `url` and whose value is not an absolute URL (`https://...`).
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
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.source" = "url" }` in
    /// `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.label-not-url]
    /// label-schema = ["org.opencontainers.image.source=url"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="example.com/repo"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://example.com/repo"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3052`](https://github.com/hadolint/hadolint/wiki/DL3052)
    pub struct LabelNotUrl {
        code: "DF551",
        name: "label-not-url",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3052")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for LabelNotUrl {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        label_schema::check_typed(ctx, out, LabelType::Url, label_schema::is_url, "a URL");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_labels_of_its_type_given_a_schema() {
        label_schema::testing::check_typed_rule(
            &LabelNotUrl::META,
            "org.opencontainers.image.source",
            "url",
            "example.com/repo",
            "https://example.com/repo",
        );
    }
}
