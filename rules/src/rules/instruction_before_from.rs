//! `instruction-before-from`: an instruction other than `ARG` before the first `FROM`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Only `ARG` may come before the first `FROM` (it declares a variable the `FROM` lines can use).
    /// Anything else has no stage to belong to, and BuildKit refuses the file with
    /// `no build stage in current context`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// FROM node:20-slim
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENV NODE_ENV=production
    /// ```
    ///
    /// ## References
    /// - [Understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - hadolint's [`DL3061`](https://github.com/hadolint/hadolint/wiki/DL3061)
    pub struct InstructionBeforeFrom {
        code: "DF107",
        name: "instruction-before-from",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [Peer::Hadolint("DL3061")],
        options: [],
    }
}

impl Rule for InstructionBeforeFrom {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().global_instructions() {
            // An unknown keyword is `unknown-instruction`'s, whatever its place.
            if matches!(ins.kind, Kind::Arg | Kind::Unknown) {
                continue;
            }
            out.push(ctx.diagnostic(
                ins.keyword.clone(),
                format!(
                    "`{}` before the first `FROM`: no build stage in current context",
                    ins.keyword_text(ctx.text())
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &InstructionBeforeFrom::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("ENV A=1\nFROM a\n", &["ENV"]),
                (
                    "ARG V\nrun x\nLABEL a=b\nFROM a\nRUN y\n",
                    &["run", "LABEL"],
                ),
                ("WORKDIR /x\n", &["WORKDIR"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN x\n",
                "ARG A=1\nARG B\nFROM a:$A\n",
                "# comment\nFROMM a\nFROM a\n",
            ],
        );
    }

    /// BuildKit: `no build stage in current context` (`instructions.CurrentStage`).
    #[test]
    fn message_has_buildkits_words() {
        let m = spec::messages(R, "RUN x\nFROM a\n");
        assert!(m[0].ends_with("no build stage in current context"), "{m:?}");
    }
}
