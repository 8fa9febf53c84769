//! `stage-name-casing`: a stage name with upper-case letters (`FROM alpine AS BuilderBase`).
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::invalid_instruction::valid_stage_name;
use crate::syntax::{Document, Kind};

declare_rule! {
    /// Reports a stage name written with upper-case letters.
    ///
    /// ## Why is this bad?
    /// Docker lowercases stage names before it uses them, so `BuilderBase`, `builderbase` and `BUILDERBASE` are one
    /// stage; writing it in lower case keeps names apart from the instruction keywords and says what Docker reads.
    /// BuildKit's `StageNameCasing` check reports the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine AS BuilderBase
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine AS builderbase
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine AS builder-base
    /// ```
    ///
    /// ## Fix safety
    /// The fix lowercases the name and every reference to it in the file written without variables (`FROM <stage>`,
    /// `COPY --from`, `RUN --mount=from=`), which Docker reads the same way.
    /// It is unsafe: a build command outside the file (`--target BuilderBase`, a bake file) may name the stage
    /// as written, and a reference written with a variable is not rewritten.
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - BuildKit's [`StageNameCasing`](https://docs.docker.com/reference/build-checks/stage-name-casing/)
    pub struct StageNameCasing {
        code: "DF520",
        name: "stage-name-casing",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::BuildKit("StageNameCasing")],
        options: [],
        changes: [Rewrite],
    }
}

/// The byte ranges of every literal reference to stage `name` (any case) in the file: FROM bases, `--from=` flags and
/// `from=` options of `--mount` flags.
fn references(doc: &Document, name: &str) -> Vec<std::ops::Range<usize>> {
    let text = doc.text();
    let mut out = Vec::new();
    let mut visit = |ins: &crate::syntax::Instruction| {
        if ins.kind == Kind::From {
            if let Some(img) = &ins.image {
                if img.vars.is_empty() && img.text.eq_ignore_ascii_case(name) {
                    out.push(img.range.clone());
                }
            }
        }
        for f in &ins.flags {
            let Some(vr) = &f.value_range else { continue };
            if !f.vars.is_empty() {
                continue;
            }
            if f.name.eq_ignore_ascii_case("from") {
                if f.value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(name))
                    && text[vr.clone()].eq_ignore_ascii_case(name)
                {
                    out.push(vr.clone());
                }
            } else if f.name.eq_ignore_ascii_case("mount") {
                let raw = &text[vr.clone()];
                let mut at = 0;
                for part in raw.split(',') {
                    if let Some((k, v)) = part.split_once('=') {
                        if k.trim().eq_ignore_ascii_case("from") && v.eq_ignore_ascii_case(name) {
                            let start = vr.start + at + k.len() + 1;
                            out.push(start..start + v.len());
                        }
                    }
                    at += part.len() + 1;
                }
            }
        }
    };
    for ins in doc.instructions() {
        visit(ins);
        if let Some(inner) = &ins.onbuild {
            visit(inner);
        }
    }
    out
}

impl Rule for StageNameCasing {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for stage in doc.stages() {
            let (Some(_), Some(range)) = (&stage.name, &stage.name_range) else {
                continue;
            };
            let written = ctx.slice(range.clone());
            // A name Docker refuses (`${TARGET}`) is `invalid-instruction`'s: its casing is beside the point.
            if written == written.to_lowercase() || !valid_stage_name(&written.to_lowercase()) {
                continue;
            }
            let lower = written.to_lowercase();
            let mut edits = vec![Edit::replace(range.clone(), lower.clone())];
            for r in references(doc, written) {
                edits.push(Edit::replace(r, lower.clone()));
            }
            out.push(
                ctx.diagnostic(
                    range.clone(),
                    format!("Stage name '{written}' should be lowercase"),
                )
                .with_fix(Fix::unsafe_(format!("Rename the stage `{lower}`"), edits)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &StageNameCasing::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                ("FROM alpine AS BuilderBase\n", &["BuilderBase"]),
                ("FROM a AS B\nFROM a AS c\n", &["B"]),
                ("from a as Build\n", &["Build"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM alpine AS BuilderBase\n"),
            ["Stage name 'BuilderBase' should be lowercase"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good example.
                "FROM alpine AS builder-base\n",
                "FROM Alpine\n",
                "FROM a AS b2.x_y\n",
                // Refused by Docker whatever its case: invalid-instruction reports it.
                "ARG T=x\nFROM a AS ${T}\n",
            ],
        );
    }

    #[test]
    fn renames_every_reference() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a AS Build\nRUN x\nFROM Build AS Next\nCOPY --from=BUILD /a /a\nRUN --mount=type=cache,from=Build,target=/c y\nFROM scratch\nCOPY --from=next /b /b\n",
                "FROM a AS build\nRUN x\nFROM build AS next\nCOPY --from=build /a /a\nRUN --mount=type=cache,from=build,target=/c y\nFROM scratch\nCOPY --from=next /b /b\n",
            )],
        );
        // Not applied under safe fixes.
        spec::fixes(R, FixMode::Safe, &[("FROM a AS B\n", "FROM a AS B\n")]);
    }
}
