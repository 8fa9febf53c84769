//! `instruction-casing`: instruction keywords in a case other than the file's majority (or the configured one).
use crate::engine::text::{case_of, to_case, Case};
use crate::engine::{
    declare_rule, Context, Diagnostic, Edit, Fix, OptKind, OptionSpec, Peer, Rule,
};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// Reports an instruction keyword whose case differs from the other instructions'.
    ///
    /// ## Why is this bad?
    /// Docker accepts `run` as well as `RUN`, but a file that mixes them is harder to scan: the keywords are what the eye looks for.
    /// By default the majority of the file decides (upper case on a tie); the `style` option can require one case.
    /// Mixed-case keywords such as `Run` never match.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// COPY app.sh /usr/local/bin/
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// COPY app.sh /usr/local/bin/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// COPY app.sh /usr/local/bin/
    /// ```
    ///
    /// ## Fix safety
    /// The fix changes only the keyword's case, and BuildKit reads keywords in any case: the image is the same, and
    /// the fix is safe.
    ///
    /// ## Options
    /// `style`: which case keywords must use.
    ///
    /// ## References
    /// - [Dockerfile format](https://docs.docker.com/reference/dockerfile/#format)
    /// - BuildKit's [`ConsistentInstructionCasing`](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)
    pub struct InstructionCasing {
        code: "DF501",
        name: "instruction-casing",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::BuildKit("ConsistentInstructionCasing")],
        options: [OptionSpec {
            name: "style",
            kind: OptKind::OneOf(&["consistent", "upper", "lower"]),
            default: "consistent",
            doc: "`consistent`: the case most keywords in the file use; `upper` or `lower`: always that case",
        }],
    }
}

impl Rule for InstructionCasing {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let known = |i: &&Instruction| i.kind != Kind::Unknown && !i.keyword.is_empty();
        let want = match ctx.options().get_str("style") {
            Some("upper") => Case::Upper,
            Some("lower") => Case::Lower,
            _ => {
                let (mut upper, mut lower) = (0, 0);
                for ins in doc.instructions().iter().filter(known) {
                    match case_of(ins.keyword_text(doc.text())) {
                        Case::Upper => upper += 1,
                        Case::Lower => lower += 1,
                        Case::Mixed => {}
                    }
                }
                if lower > upper {
                    Case::Lower
                } else {
                    Case::Upper
                }
            }
        };
        let inner = doc
            .instructions()
            .iter()
            .filter_map(|i| i.onbuild.as_deref());
        let mut all: Vec<&Instruction> = doc
            .instructions()
            .iter()
            .chain(inner)
            .filter(known)
            .collect();
        all.sort_by_key(|i| i.keyword.start);
        for ins in all {
            let word = ins.keyword_text(doc.text());
            if case_of(word) == want {
                continue;
            }
            let fixed = to_case(word, want);
            let case = if want == Case::Upper {
                "upper"
            } else {
                "lower"
            };
            out.push(
                ctx.diagnostic(
                    ins.keyword.clone(),
                    format!("`{word}` should be {case} case like the other instructions"),
                )
                .with_fix(Fix::safe(
                    format!("Rename `{word}` to `{fixed}`"),
                    vec![Edit::replace(ins.keyword.clone(), fixed)],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, OptValue, RuleMeta, RuleOptions, Settings};
    use crate::rules::spec;

    const R: &RuleMeta = &InstructionCasing::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nrun b\nCOPY c d\n", &["run"]),
                ("from a\nRUN b\ncopy c d\n", &["RUN"]),
                ("FROM a\nRun b\n", &["Run"]),
                ("from a\nRUN b\n", &["from"]),
                ("FROM a\nONBUILD run b\n", &["run"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &["FROM a\nRUN b\n", "from a\nrun b\n", "FROM a\nfoo b\n"],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nrun b\nCOPY c d\n", "FROM a\nRUN b\nCOPY c d\n"),
                ("from a\nRUN b\ncopy c d\n", "from a\nrun b\ncopy c d\n"),
                (
                    "\u{feff}from a\r\nRun b\r\nrun c\r\n",
                    "\u{feff}from a\r\nrun b\r\nrun c\r\n",
                ),
                ("FROM a\nOnBuild run b\n", "FROM a\nONBUILD RUN b\n"),
            ],
        );
    }

    #[test]
    fn style_option_forces_a_case() {
        let mut settings = Settings::select(["instruction-casing"]);
        settings.options.push((
            "DF501".into(),
            RuleOptions::new().with("style", OptValue::Str("lower".into())),
        ));
        let out = crate::engine::fix("FROM a\nRUN b\n", &settings, None, FixMode::Safe);
        assert_eq!(out.text, "from a\nrun b\n");
        assert!(settings.validate().is_empty());
        settings.options[0]
            .1
            .insert("style", OptValue::Str("camel".into()));
        assert_eq!(settings.validate().len(), 1);
    }
}
