//! `label-not-rfc3339`: a label the schema types `rfc3339` whose value is not an RFC 3339 date-time.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, LabelType};

declare_rule! {
    /// Reports a `LABEL` whose schema type is `rfc3339` and whose value is not an RFC 3339 date-time (`2024-05-01T12:30:00Z`).
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
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.created" = "rfc3339" }` in
    /// `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.label-not-rfc3339]
    /// label-schema = ["org.opencontainers.image.created=rfc3339"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3053`](https://github.com/hadolint/hadolint/wiki/DL3053)
    pub struct LabelNotRfc3339 {
        code: "DF552",
        name: "label-not-rfc3339",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3053")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for LabelNotRfc3339 {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        label_schema::check_typed(
            ctx,
            out,
            LabelType::Rfc3339,
            label_schema::is_rfc3339,
            "an RFC 3339 date-time",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_labels_of_its_type_given_a_schema() {
        label_schema::testing::check_typed_rule(
            &LabelNotRfc3339::META,
            "org.opencontainers.image.created",
            "rfc3339",
            "2024-05-01",
            "2024-05-01T12:30:00Z",
        );
    }
}
