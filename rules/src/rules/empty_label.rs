//! `empty-label`: a label of the schema set to an empty value.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, label_pairs, schema};

declare_rule! {
    /// Reports a `LABEL` of the project's label schema whose value is empty.
    ///
    /// ## Why is this bad?
    /// An empty value satisfies a check that the label exists while saying nothing; it is usually a build argument
    /// that was never passed, or a placeholder left behind.
    ///
    /// ## Configuration
    /// Only labels in the project's schema are checked; without one the rule reports nothing.
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.title" = "text" }`
    /// in `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.empty-label]
    /// label-schema = ["org.opencontainers.image.title=text"]
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.title=""
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.title="inventory-api"
    /// ```
    ///
    /// ## References
    /// - [LABEL](https://docs.docker.com/reference/dockerfile/#label)
    /// - hadolint's [`DL3051`](https://github.com/hadolint/hadolint/wiki/DL3051)
    pub struct EmptyLabel {
        code: "DF550",
        name: "empty-label",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3051")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for EmptyLabel {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let schema = schema(ctx);
        if schema.is_empty() {
            return;
        }
        for (_, pair) in label_pairs(ctx) {
            if !schema.iter().any(|(name, _)| *name == pair.key) {
                continue;
            }
            if label_schema::value(pair) == Some("") {
                out.push(
                    ctx.diagnostic(pair.range.clone(), format!("label `{}` is empty", pair.key)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(src: &str) -> Vec<String> {
        label_schema::testing::spans(&EmptyLabel::META, &["a=text"], src)
    }

    #[test]
    fn empty_labels_of_the_schema() {
        assert_eq!(spans("FROM x\nLABEL a=\"\" b=\"\"\n"), ["a=\"\""]);
        assert!(spans("FROM x\nLABEL a=1\n").is_empty());
        assert!(spans("FROM x\nLABEL a=$V\n").is_empty());
    }
}
