//! `unknown-instruction`: a keyword Docker does not know.
use crate::engine::text::{case_of, did_you_mean, to_case, Case};
use crate::engine::{declare_rule, Context, Diagnostic, Fix, Rule};
use crate::rules::invalid_instruction::refused;
use crate::syntax::{Document, Instruction, Kind};

declare_rule! {
    /// Reports an instruction whose keyword Docker does not know.
    ///
    /// ## Why is this bad?
    /// `docker build` fails with `unknown instruction` when it reaches the line.
    /// The usual cause is a typo, or a line that was meant to continue the previous instruction but lost its `\`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUNN apk add --no-cache curl
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix safety
    /// When exactly one instruction is within two edits of the keyword, the fix renames it.
    /// BuildKit refuses the whole file over an unknown instruction (and every build on the image over one in an
    /// `ONBUILD` trigger), so it could never have worked as written: the fix is safe.
    /// When several instructions are that close, the fix picks the nearest, which may not be the one meant: unsafe.
    /// An indented line gets no fix: it is most often the rest of the instruction above that lost its `\`
    /// (`\tapk add curl` after a `RUN`), which a new keyword would not mend.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    pub struct UnknownInstruction {
        code: "DF101",
        name: "unknown-instruction",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        peers: [],
        options: [],
        changes: [Rewrite, Config(Env), Config(Label), Config(Expose), Config(User), Config(Workdir), Config(Cmd), Config(Entrypoint), Config(Healthcheck), Config(Stopsignal), Config(Shell), Config(Volume), Config(Onbuild), Config(Maintainer)],
    }
}

impl Rule for UnknownInstruction {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            check_one(ctx, ins, out);
            if let Some(inner) = &ins.onbuild {
                check_one(ctx, inner, out);
            }
        }
    }
}

fn check_one(ctx: &Context, ins: &Instruction, out: &mut Vec<Diagnostic>) {
    // Known instructions are other rules' business.
    if ins.kind != Kind::Unknown || ins.keyword.is_empty() {
        return;
    }
    let word = ins.keyword_text(ctx.text());
    let keywords: Vec<&str> = Kind::ALL.iter().map(|k| k.keyword()).collect();
    // Only words can be typos of keywords; `--x` or `"a"` at a line start are something else.
    let mut candidates = if word.chars().all(|c| c.is_ascii_alphabetic()) {
        did_you_mean(word, &keywords)
    } else {
        Vec::new()
    };
    // A keyword that makes an instruction Docker refuses is no better a guess (`end` is two edits from `ENV`,
    // `export A=1` from `EXPOSE A=1`: template text and lost continuations, not typos).
    let before_from = ctx
        .doc()
        .stages()
        .first()
        .is_none_or(|s| ins.range.start < ctx.doc().instructions()[s.from].range.start);
    candidates.retain(|c| accepted(c, &ins.logical(ctx.text()), before_from));
    // An indented line is most often the rest of the instruction above that lost its `\` (`\tapk add ...` after a
    // RUN): renaming its first word (`apk` to `ADD`) would make a different instruction out of a shell command.
    let text = ctx.doc().text();
    let line_start = text[..ins.keyword.start]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let indented = text[line_start..ins.keyword.start].contains([' ', '\t']);
    if indented {
        candidates.clear();
    }
    let mut message = format!("unknown instruction `{word}`");
    if indented {
        message.push_str("; if this line continues the instruction above, end that line with `\\`");
    } else if !candidates.is_empty() {
        let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        message.push_str(&format!("; did you mean {}?", list.join(" or ")));
    }
    let case = match case_of(word) {
        Case::Lower => Case::Lower,
        _ => Case::Upper,
    };
    let fix = candidates.first().map(|best| {
        let new = to_case(best, case);
        let title = format!("Replace `{word}` with `{new}`");
        let edits = vec![crate::engine::Edit::replace(ins.keyword.clone(), new)];
        if candidates.len() == 1 {
            Fix::safe(title, edits)
        } else {
            Fix::unsafe_(title, edits)
        }
    });
    out.push(
        ctx.diagnostic(ins.keyword.clone(), message)
            .with_fix_opt(fix),
    );
}

/// Whether Docker would accept the instruction with `keyword` in place of its unknown one.
fn accepted(keyword: &str, logical: &str, before_from: bool) -> bool {
    if before_from && keyword != "ARG" {
        return false;
    }
    let rest = logical.trim_start();
    let rest = &rest[rest.find(char::is_whitespace).unwrap_or(rest.len())..];
    !refused(&Document::parse(&format!(
        "FROM scratch\n{keyword}{rest}\n"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Applicability, FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &UnknownInstruction::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUNN x\n", &["RUNN"]),
                ("FROM a\nfoo bar\nBAZ\n", &["foo", "BAZ"]),
                ("FROM a\nONBUILD FOO x\n", &["FOO"]),
            ],
        );
    }

    #[test]
    fn an_indented_line_gets_no_rename() {
        let found = spec::diagnostics(R, "FROM a\nRUN apk update\n\tapk add curl\nRUNN x\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].fix.is_none(), "{:?}", found[0]);
        assert!(
            found[0].message.contains("continues the instruction above"),
            "{}",
            found[0].message
        );
        assert!(found[1].fix.is_some(), "{:?}", found[1]);
    }

    #[test]
    fn valid() {
        spec::valid(R, &["FROM a\nrun x\nCopy a b\n", "FROM a\nRUN a \\\n  b\n"]);
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nRUNN x\n", "FROM a\nRUN x\n"),
                ("from a\nworkdri /x\n", "from a\nworkdir /x\n"),
                ("FROM a\nXYZZY x\n", "FROM a\nXYZZY x\n"),
                // `ENV` alone, `EXPOSE A=1` and a `COPY` before `FROM` would be refused: no guess.
                ("FROM a\nENVV\n", "FROM a\nENVV\n"),
                ("FROM a\nexport A=1\n", "FROM a\nexport A=1\n"),
                ("COPPY a b\nFROM a\n", "COPPY a b\nFROM a\n"),
            ],
        );
    }

    #[test]
    fn ambiguous_suggestions_are_unsafe() {
        // `ADDD` is one edit from ADD; `ARGG` is one edit from ARG; `AD` is within two of ADD and ARG.
        let d = spec::diagnostics(R, "FROM a\nADX b c\n");
        let f = d[0].fix.as_ref().unwrap();
        assert_eq!(f.applicability, Applicability::Unsafe);
        assert!(d[0].message.contains("`ADD` or `ARG`"), "{}", d[0].message);
        let d = spec::diagnostics(R, "FROM a\nRUNX b\n");
        assert_eq!(
            d[0].fix.as_ref().unwrap().applicability,
            Applicability::Safe
        );
    }
}
