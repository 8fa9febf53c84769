//! `multiple-entrypoint`: more than one ENTRYPOINT in a stage.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::optimizer::commands::report_overridden;
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `ENTRYPOINT` that a later `ENTRYPOINT` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// `ENTRYPOINT` sets the fixed command; each one replaces the previous, so only the last in a stage takes effect.
    /// The earlier ones are dead code that readers take for configuration.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL4004` reports the later instruction; this rule reports the earlier one, the one that has no
    /// effect and should go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "a.js"]
    /// ENTRYPOINT ["node", "server.js"]
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Only the last `ENTRYPOINT` of a stage takes effect, so deleting the others leaves the built image the same
    /// (the inherited `CMD` that an `ENTRYPOINT` clears is cleared by the last one too).
    /// The fix is unsafe all the same: it settles which of the author's instructions was meant, and often an earlier
    /// one was (the comment above a deleted one, if any, is kept for you to review).
    ///
    /// ## References
    /// - [ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    /// - hadolint's [`DL4004`](https://github.com/hadolint/hadolint/wiki/DL4004), BuildKit's [`MultipleInstructionsDisallowed`](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    pub struct MultipleEntrypoint {
        code: "DF466",
        name: "multiple-entrypoint",
        category: Entrypoint,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL4004"), Peer::BuildKit("MultipleInstructionsDisallowed")],
        options: [],
        changes: [Drop],
    }
}

impl Rule for MultipleEntrypoint {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_overridden(ctx, Kind::Entrypoint, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &MultipleEntrypoint::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nENTRYPOINT x\nENTRYPOINT [\"y\"]\n",
                    &["ENTRYPOINT"],
                ),
                (
                    "FROM a AS b\nENTRYPOINT x\nENTRYPOINT y\nFROM b\nENTRYPOINT z\n",
                    &["ENTRYPOINT"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nENTRYPOINT x\nFROM b\nENTRYPOINT y\n",
                "FROM a\nENTRYPOINT x\nCMD y\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nENTRYPOINT x\nUSER 1\nENTRYPOINT y\n",
                "FROM a\nUSER 1\nENTRYPOINT y\n",
            )],
        );
    }
}
