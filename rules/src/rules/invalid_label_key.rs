//! `invalid-label-key`: a `LABEL` key outside Docker's key conventions.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::label_schema::label_pairs;

declare_rule! {
    /// Reports a `LABEL` key that breaks Docker's conventions for keys.
    ///
    /// ## Why is this bad?
    /// Docker asks label keys to start with a lowercase letter and end with a lowercase letter or digit, to use only
    /// lowercase letters, digits, `.`, `-` (and, as hadolint allows, `_` and `/`), with no `..` or `--`, and to stay
    /// out of the namespaces Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).
    /// Tools that filter on labels (`docker ps --filter label=...`, registries) compare keys exactly, so
    /// `Version` and `version` are two labels.
    ///
    /// A key that holds a variable is not checked.
    ///
    /// ## Off by default
    /// The conventions are advice: Docker accepts any key, and keys such as `Maintainer` are common and harmless.
    /// `dflint check --extend-select DL3048` to hold a project to them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL Version="1.2.0"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.2.0"
    /// ```
    ///
    /// ## References
    /// - [Docker object labels: key format recommendations](https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations)
    /// - hadolint's [`DL3048`](https://github.com/hadolint/hadolint/wiki/DL3048)
    pub struct InvalidLabelKey {
        code: "DF547",
        name: "invalid-label-key",
        category: Style,
        severity: Style,
        fix: None,
        peers: [Peer::Hadolint("DL3048")],
        options: [],
        default_enabled: false,
    }
}

/// What is wrong with a key, if anything.
fn problem(key: &str) -> Option<&'static str> {
    let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_/".contains(c);
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("starts with something other than a lowercase letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("ends with something other than a lowercase letter or digit");
    }
    if !key.chars().all(valid) {
        return Some(
            "holds characters other than lowercase letters, digits, `.`, `-`, `_` and `/`",
        );
    }
    if key.contains("..") || key.contains("--") {
        return Some("holds `..` or `--`");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|ns| key.starts_with(ns))
    {
        return Some("is in a namespace Docker reserves");
    }
    None
}

impl Rule for InvalidLabelKey {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for (_, pair) in label_pairs(ctx) {
            if pair.key.contains('$') {
                continue;
            }
            if let Some(why) = problem(&pair.key) {
                out.push(ctx.diagnostic(
                    pair.key_range.clone(),
                    format!("label key `{}` {why}", pair.key),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &InvalidLabelKey::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nLABEL Version=1\n", &["Version"]),
                (
                    "FROM a\nLABEL a..b=1 c--d=2 e.=3\n",
                    &["a..b", "c--d", "e."],
                ),
                ("FROM a\nLABEL com.docker.x=1\n", &["com.docker.x"]),
                ("FROM a\nLABEL \"a b\"=1\n", &["\"a b\""]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nLABEL org.opencontainers.image.version=1\n",
                "FROM a\nLABEL maintainer=x a_b/c-d=2\n",
                "FROM a\nLABEL ${KEY}=1\n",
            ],
        );
    }
}
