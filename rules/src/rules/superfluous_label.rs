//! `superfluous-label`: a label the strict schema does not list.
use crate::engine::{declare_rule, Context, Diagnostic, OptKind, OptionSpec, Peer, Rule};
use crate::rules::label_schema::{self, label_pairs, schema};

declare_rule! {
    /// Reports a `LABEL` whose key is not in the project's label schema, when the schema is strict.
    ///
    /// ## Why is this bad?
    /// A project that fixes the set of labels its images carry (for a registry's policy, say) wants to hear about a
    /// label outside it: a typo of a listed key, or one nobody agreed on.
    ///
    /// ## Configuration
    /// Off unless the schema is strict: `[labels] strict = true` in `.dflint.toml` (or hadolint's `strict-labels`),
    /// with the schema in `[labels] schema` (or hadolint's `label-schema`); each rule also takes them as options:
    /// ```toml
    /// [rules.superfluous-label]
    /// label-schema = ["org.opencontainers.image.version=semver"]
    /// strict-labels = true
    /// ```
    ///
    /// ## Options
    /// `label-schema`: the labels the project expects, each `name=type` (types: `text`, `url`, `email`, `hash`,
    /// `rfc3339`, `semver`, `spdx`); `[labels] schema` in `.dflint.toml` sets it for every label rule.
    /// `strict-labels`: report labels the schema does not name; `[labels] strict` sets it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.2.0" build-host="ci-7"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.2.0"
    /// ```
    ///
    /// ## References
    /// - [LABEL](https://docs.docker.com/reference/dockerfile/#label)
    /// - hadolint's [`DL3050`](https://github.com/hadolint/hadolint/wiki/DL3050)
    pub struct SuperfluousLabel {
        code: "DF549",
        name: "superfluous-label",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3050")],
        options: [
            label_schema::SCHEMA_OPTION,
            OptionSpec {
                name: "strict-labels",
                kind: OptKind::Bool,
                default: "false",
                doc: "report labels that are not in `label-schema`",
            },
        ],
    }
}

impl Rule for SuperfluousLabel {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        if ctx.options().get_bool("strict-labels") != Some(true) {
            return;
        }
        let schema = schema(ctx);
        for (_, pair) in label_pairs(ctx) {
            if pair.key.contains('$') || schema.iter().any(|(name, _)| *name == pair.key) {
                continue;
            }
            out.push(ctx.diagnostic(
                pair.key_range.clone(),
                format!("label `{}` is not in the project's label schema", pair.key),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lint, OptValue, RuleMeta, RuleOptions, Settings};
    use crate::syntax::Document;

    const R: &RuleMeta = &SuperfluousLabel::META;

    fn spans(src: &str, strict: bool) -> Vec<String> {
        let mut settings = Settings::select([R.code]);
        settings.options.push((
            R.name.to_string(),
            RuleOptions::new()
                .with("label-schema", OptValue::List(vec!["a=text".into()]))
                .with("strict-labels", OptValue::Bool(strict)),
        ));
        lint(&Document::parse(src), &settings, None)
            .iter()
            .map(|d| src[d.range.clone()].to_string())
            .collect()
    }

    #[test]
    fn only_when_strict() {
        assert_eq!(spans("FROM x\nLABEL a=1 b=2\n", true), ["b"]);
        assert!(spans("FROM x\nLABEL a=1 b=2\n", false).is_empty());
    }
}
