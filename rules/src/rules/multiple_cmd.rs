//! `multiple-cmd`: more than one CMD in a stage.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::optimizer::commands::report_overridden;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `CMD` that a later `CMD` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// `CMD` sets the default command; each one replaces the previous, so only the last in a stage takes effect.
    /// The earlier ones are dead code that readers take for configuration.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL4003` reports the later instruction; this rule reports the earlier one, the one that has no
    /// effect and should go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD ["node", "a.js"]
    /// CMD ["node", "server.js"]
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Only the last `CMD` of a stage takes effect, so deleting the others leaves the built image the same (an
    /// `ENTRYPOINT` between them still sees the stage's own `CMD` and keeps it).
    /// The fix is unsafe all the same: it settles which of the author's instructions was meant, and often an earlier
    /// one was (the comment above a deleted one, if any, is kept for you to review).
    ///
    /// ## References
    /// - [CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    /// - hadolint's [`DL4003`](https://github.com/hadolint/hadolint/wiki/DL4003), BuildKit's [`MultipleInstructionsDisallowed`](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    pub struct MultipleCmd {
        code: "DF465",
        name: "multiple-cmd",
        category: Entrypoint,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL4003"), Peer::BuildKit("MultipleInstructionsDisallowed")],
        options: [],
        changes: [Drop],
    }
}

impl Rule for MultipleCmd {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_overridden(ctx, Kind::Cmd, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &MultipleCmd::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCMD x\nCMD [\"y\"]\n", &["CMD"]),
                ("FROM a\ncmd x\nRUN z\nCmd y\nCMD w\n", &["cmd", "Cmd"]),
                ("FROM a\nCMD x\nFROM b\nCMD y\nCMD z\n", &["CMD"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCMD x\nFROM b\nCMD y\n",
                "FROM a\nONBUILD CMD x\nCMD y\n",
                "FROM a\nCMD x\nENTRYPOINT y\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                ("FROM a\nCMD x\nCMD y\n", "FROM a\nCMD y\n"),
                (
                    "FROM a\n\n# start\nCMD x\n\nCMD y",
                    "FROM a\n\n# start\n\nCMD y",
                ),
                (
                    "FROM a\r\nCMD x \\\r\n  z\r\nEXPOSE 1\r\nCMD y\r\n",
                    "FROM a\r\nEXPOSE 1\r\nCMD y\r\n",
                ),
            ],
        );
    }
}
