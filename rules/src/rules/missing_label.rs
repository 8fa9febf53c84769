//! `missing-label`: an image without a label the project's schema asks for.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::{self, schema};
use crate::syntax::{query, Kind};

declare_rule! {
    /// Reports each label of the project's label schema that the image does not set.
    ///
    /// ## Why is this bad?
    /// A project that lists the labels its images carry (source, version, licenses ...) relies on every image having
    /// them: registries, scanners and deploy scripts read them.
    ///
    /// The image's labels are those of the final stage and the stages it is built `FROM`; a label set by the base
    /// image cannot be seen here.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3049` also reports build stages without the label when no other stage copies from them; only
    /// the final stage's labels reach the image, so only it is checked here.
    ///
    /// ## Configuration
    /// Only labels in the project's schema are checked; without one the rule reports nothing.
    /// The schema is one table for every label rule, `[labels] schema = { "org.opencontainers.image.source" = "url" }`
    /// in `.dflint.toml` (or hadolint's `label-schema` in `.hadolint.yaml`); each rule also takes it as its own option:
    /// ```toml
    /// [rules.missing-label]
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
    /// LABEL org.opencontainers.image.title="inventory-api"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/example/inventory-api"
    /// ```
    ///
    /// ## References
    /// - [OCI image annotations](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    /// - hadolint's [`DL3049`](https://github.com/hadolint/hadolint/wiki/DL3049)
    pub struct MissingLabel {
        code: "DF548",
        name: "missing-label",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3049")],
        options: [label_schema::SCHEMA_OPTION],
    }
}

impl Rule for MissingLabel {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let schema = schema(ctx);
        let doc = ctx.doc();
        let Some(last) = doc.stages().last() else {
            return;
        };
        if schema.is_empty() {
            return;
        }
        // The keys set by the final stage and the stages it is built on (a loop: chains may be long).
        let mut keys: Vec<&str> = Vec::new();
        let mut stage = last;
        for _ in 0..=doc.stages().len() {
            for ins in doc.stage_instructions(stage) {
                if ins.kind == Kind::Label {
                    keys.extend(ins.pairs.iter().map(|p| p.key.as_str()));
                }
            }
            if !query::from_is_stage_ref(doc, stage) {
                break;
            }
            match query::earlier_stage(doc, stage.index, &stage.base) {
                Some(parent) => stage = parent,
                None => break,
            }
        }
        // A key written with a variable may be any of them.
        if keys.iter().any(|k| k.contains('$')) {
            return;
        }
        let from = &doc.instructions()[last.from];
        for (name, _) in &schema {
            if !keys.contains(&name.as_str()) {
                out.push(ctx.diagnostic(
                    from.keyword.clone(),
                    format!("the image has no label `{name}`, which the project's label schema asks for"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(src: &str) -> Vec<String> {
        label_schema::testing::lint_with_schema(&MissingLabel::META, &["a=text", "b=url"], src)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn labels_of_the_final_image() {
        assert_eq!(messages("FROM x\nLABEL a=1\n").len(), 1);
        assert!(messages("FROM x\nLABEL a=1 b=https://x\n").is_empty());
        assert!(messages("FROM x AS base\nLABEL a=1\nFROM base\nLABEL b=https://x\n").is_empty());
        assert_eq!(messages("FROM x AS base\nLABEL a=1 b=2\nFROM y\n").len(), 2);
        let without_schema =
            label_schema::testing::lint_with_schema(&MissingLabel::META, &[], "FROM x\n");
        assert!(without_schema.is_empty());
    }
}
