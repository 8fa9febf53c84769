//! `label-not-email`: a label the schema types `email` whose value is not an email address.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, LabelType};

declare_rule! {
    /// Reports a `LABEL` whose schema type is `email` and whose value is not an email address (`dev@example.com`).
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
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.authors" = "email" }` in
    /// `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.label-not-email]
    /// label-schema = ["org.opencontainers.image.authors=email"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="dev@example.com"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3058`](https://github.com/hadolint/hadolint/wiki/DL3058)
    pub struct LabelNotEmail {
        code: "DF556",
        name: "label-not-email",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3058")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for LabelNotEmail {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        label_schema::check_typed(
            ctx,
            out,
            LabelType::Email,
            label_schema::is_email,
            "an email address",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_labels_of_its_type_given_a_schema() {
        label_schema::testing::check_typed_rule(
            &LabelNotEmail::META,
            "org.opencontainers.image.authors",
            "email",
            "Jane Doe",
            "dev@example.com",
        );
    }
}
