//! `multiple-healthcheck`: more than one HEALTHCHECK in a stage.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::optimizer::commands::report_overridden;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `HEALTHCHECK` that a later `HEALTHCHECK` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// `HEALTHCHECK` sets the health test; each one (`HEALTHCHECK NONE` included) replaces the previous, so only the last in a stage takes effect.
    /// The earlier ones are dead code that readers take for configuration.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3012` reports the later instruction; this rule reports the earlier one, the one that has no
    /// effect and should go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// HEALTHCHECK CMD curl -f http://localhost/a
    /// HEALTHCHECK CMD curl -f http://localhost/
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// HEALTHCHECK CMD curl -f http://localhost/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// HEALTHCHECK CMD curl -f http://localhost/
    /// ```
    ///
    /// ## Fix safety
    /// Only the last `HEALTHCHECK` of a stage takes effect, so deleting the others leaves the built image the same.
    /// The fix is unsafe all the same: it settles which of the author's instructions was meant, and often an earlier
    /// one was (the comment above a deleted one, if any, is kept for you to review).
    ///
    /// ## References
    /// - [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - hadolint's [`DL3012`](https://github.com/hadolint/hadolint/wiki/DL3012), BuildKit's [`MultipleInstructionsDisallowed`](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    pub struct MultipleHealthcheck {
        code: "DF467",
        name: "multiple-healthcheck",
        category: Entrypoint,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3012"), Peer::BuildKit("MultipleInstructionsDisallowed")],
        options: [],
        changes: [Drop],
    }
}

impl Rule for MultipleHealthcheck {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_overridden(ctx, Kind::Healthcheck, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &MultipleHealthcheck::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nHEALTHCHECK CMD x\nHEALTHCHECK NONE\n",
                    &["HEALTHCHECK"],
                ),
                (
                    "FROM a\nHEALTHCHECK --interval=5s CMD [\"x\"]\nHEALTHCHECK CMD y\n",
                    &["HEALTHCHECK"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nHEALTHCHECK CMD x\nFROM b\nHEALTHCHECK CMD y\n",
                "FROM a\nHEALTHCHECK NONE\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nHEALTHCHECK CMD x\nHEALTHCHECK CMD y\n",
                "FROM a\nHEALTHCHECK CMD y\n",
            )],
        );
    }
}
