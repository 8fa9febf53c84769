//! `label-not-semver`: a label the schema types `semver` whose value is not a semantic version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, LabelType};

declare_rule! {
    /// Reports a `LABEL` whose schema type is `semver` and whose value is not a semantic version (`1.4.2`).
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
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.version" = "semver" }` in
    /// `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.label-not-semver]
    /// label-schema = ["org.opencontainers.image.version=semver"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.4.2"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3056`](https://github.com/hadolint/hadolint/wiki/DL3056)
    pub struct LabelNotSemver {
        code: "DF555",
        name: "label-not-semver",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3056")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for LabelNotSemver {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        label_schema::check_typed(
            ctx,
            out,
            LabelType::SemVer,
            label_schema::is_semver,
            "a semantic version",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_labels_of_its_type_given_a_schema() {
        label_schema::testing::check_typed_rule(
            &LabelNotSemver::META,
            "org.opencontainers.image.version",
            "semver",
            "v1.4",
            "1.4.2",
        );
    }
}
