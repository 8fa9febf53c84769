//! `env-self-reference`: an `ENV` that refers to a variable it sets itself.
use std::collections::HashSet;

use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports a variable used in an `ENV` that also sets it, when nothing set it before.
    ///
    /// ## Why is this bad?
    /// Docker expands every value of an `ENV` with the variables as they were before the instruction.
    /// In `ENV APP=/opt/app PATH=$APP/bin:$PATH`, `$APP` is still empty, so `PATH` gets `/bin:...`, not
    /// `/opt/app/bin:...`.
    /// Set the variable in one `ENV` and use it in the next.
    ///
    /// A variable set by an earlier `ARG` or `ENV` is not reported, as in hadolint: the old value may be the one
    /// meant. A variable's own value may refer to it (`PATH=/x:$PATH`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// ENV APP=/opt/app PATH=$APP/bin:$PATH
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// ENV APP=/opt/app
    /// ENV PATH=$APP/bin:$PATH
    /// ```
    ///
    /// ## Fix safety
    /// No fix: splitting the `ENV` changes the value the variable gets.
    ///
    /// ## References
    /// - [Environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
    /// - hadolint's [`DL3044`](https://github.com/hadolint/hadolint/wiki/DL3044)
    pub struct EnvSelfReference {
        code: "DF151",
        name: "env-self-reference",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3044")],
        options: [],
    }
}

impl Rule for EnvSelfReference {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let mut defined: HashSet<&str> = HashSet::new();
        for ins in ctx.doc().instructions() {
            match ins.kind {
                Kind::Arg => defined.extend(ins.pairs.iter().map(|p| p.key.as_str())),
                Kind::Env => {
                    for (i, pair) in ins.pairs.iter().enumerate() {
                        let Some(value) = &pair.value else {
                            continue;
                        };
                        for var in &value.vars {
                            let here = ins
                                .pairs
                                .iter()
                                .enumerate()
                                .any(|(j, p)| j != i && p.key == var.name);
                            if here && !defined.contains(var.name.as_str()) {
                                out.push(ctx.diagnostic(
                                    var.range.clone(),
                                    format!(
                                        "`{}` is set in this same `ENV`, but its value here is the one from before it: set it in an `ENV` of its own first",
                                        var.name
                                    ),
                                ));
                            }
                        }
                    }
                    defined.extend(ins.pairs.iter().map(|p| p.key.as_str()));
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &EnvSelfReference::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nENV A=1 B=$A\n", &["$A"]),
                ("FROM a\nENV A=1 B=${A}/x\n", &["${A}"]),
                ("FROM a\nENV B=$A A=1\n", &["$A"]),
                ("FROM a\nENV A=1 \\\n  B=\"$A:x\"\n", &["$A"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nENV A=1\nENV B=$A\n",
                "FROM a\nENV PATH=/x:$PATH\n",
                "FROM a\nENV A=0\nENV A=1 B=$A\n",
                "ARG A\nFROM a\nENV A=1 B=$A\n",
                "FROM a\nENV A=1 B=$AB\n",
                "FROM a\nENV A=1 B='$A'\n",
            ],
        );
    }
}
