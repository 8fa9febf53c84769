//! `from-as-casing`: `AS` in a case other than its `FROM`'s.
use crate::engine::text::{case_of, to_case, Case};
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `AS` keyword whose case differs from its `FROM`'s.
    ///
    /// ## Why is this bad?
    /// `FROM image as name` reads as if `as` were part of the image reference.
    /// Writing `AS` in the same case as `FROM` keeps the stage name easy to spot.
    /// A mixed-case `From` is left alone: there is no case to match.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 as build
    /// ```
    /// ```dockerfile fixed
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// ```
    ///
    /// ## Fix safety
    /// The fix changes only the case of `AS`, which BuildKit reads in any case: the image is the same, and the fix is
    /// safe.
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - BuildKit's [`FromAsCasing`](https://docs.docker.com/reference/build-checks/from-as-casing/)
    pub struct FromAsCasing {
        code: "DF502",
        name: "from-as-casing",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::BuildKit("FromAsCasing")],
        options: [],
    }
}

impl Rule for FromAsCasing {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::From {
                continue;
            }
            let Some(as_range) = &ins.as_keyword else {
                continue;
            };
            let from_case = case_of(ins.keyword_text(ctx.text()));
            // `From`: no case to match.
            if from_case == Case::Mixed {
                continue;
            }
            let written = ctx.slice(as_range.clone());
            if case_of(written) == from_case {
                continue;
            }
            let fixed = to_case(written, from_case);
            out.push(
                ctx.diagnostic(
                    as_range.clone(),
                    format!(
                        "`{written}` does not match the case of `{}`",
                        ins.keyword_text(ctx.text())
                    ),
                )
                .with_fix(Fix::safe(
                    format!("Replace `{written}` with `{fixed}`"),
                    vec![Edit::replace(as_range.clone(), fixed)],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &FromAsCasing::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a as b\n", &["as"]),
                ("from a AS b\n", &["AS"]),
                ("FROM a As b\nFROM c AS d\n", &["As"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a AS b\n",
                "from a as b\n",
                "From a as b\nFrom c AS d\n",
                "FROM a\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a as b\n", "FROM a AS b\n"),
                ("from a As b\r\n", "from a as b\r\n"),
                ("FROM a \\\n  as b\n", "FROM a \\\n  AS b\n"),
            ],
        );
    }
}
