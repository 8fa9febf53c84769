//! `hadolint-ignore-pragma`: an inline `# hadolint ignore=` comment.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};

declare_rule! {
    /// Reports `# hadolint ignore=...` and `# hadolint global ignore=...` comments.
    ///
    /// ## Why is this bad?
    /// Some teams want every exception in one reviewed place (the configuration file) rather than scattered
    /// through Dockerfiles.
    /// This rule is for them: it flags each inline suppression so it can be moved to `ignore` in `.dflint.toml`
    /// (or `ignored` in `.hadolint.yaml`).
    ///
    /// ## Off by default
    /// An inline suppression next to the line it is about is usually the clearest place for it:
    /// `dflint check --extend-select DL1001` to forbid them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [hadolint: ignoring rules](https://github.com/hadolint/hadolint#ignoring-rules)
    /// - hadolint's [`DL1001`](https://github.com/hadolint/hadolint/wiki/DL1001)
    pub struct HadolintIgnorePragma {
        code: "DF546",
        name: "hadolint-ignore-pragma",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL1001")],
        options: [],
        default_enabled: false,
    }
}

/// Whether a comment's text (after `#`) is a hadolint ignore pragma.
fn is_pragma(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix("hadolint") else {
        return false;
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("global").map_or(rest, str::trim_start);
    rest.strip_prefix("ignore")
        .is_some_and(|r| r.trim_start().starts_with('='))
}

impl Rule for HadolintIgnorePragma {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for c in ctx.doc().comments() {
            let text = c.text.trim_start().trim_start_matches('#');
            if is_pragma(text) {
                out.push(ctx.diagnostic(
                    c.range.clone(),
                    "inline `hadolint ignore` comment: list the exception in the configuration instead",
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

    const R: &RuleMeta = &HadolintIgnorePragma::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\n# hadolint ignore=DL3008\nRUN x\n",
                    &["# hadolint ignore=DL3008"],
                ),
                (
                    "# hadolint global ignore=DL3006\nFROM a\n",
                    &["# hadolint global ignore=DL3006"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\n# dflint ignore=DF501\nRUN x\n",
                "FROM a\n# hadolint is a linter\nRUN x\n",
            ],
        );
    }
}
