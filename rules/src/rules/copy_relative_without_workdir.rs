//! `copy-relative-without-workdir`: a `COPY` or `ADD` to a relative destination in a stage that set no `WORKDIR`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::copy_args::{absolute_or_variable, copy_args};
use crate::syntax::{query, Document, Kind, Stage};

declare_rule! {
    /// Reports a `COPY` or `ADD` to a relative destination in a stage that has not set a `WORKDIR` before it.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which, until the stage sets one, is
    /// whatever the base image chose (`/` for most, `/go` for golang, `/usr/src/app` for some others).
    /// `COPY . .` then scatters the sources over `/`, or moves when the base image changes its `WORKDIR`.
    /// A `WORKDIR` (or an absolute destination) says where the files go.
    ///
    /// A `WORKDIR` in the stage this one is built `FROM` counts.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3045` checks `COPY` only; `ADD` resolves its destination the same way, and this rule reports it
    /// too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No fix: a `WORKDIR` changes where every later instruction runs.
    ///
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - hadolint's [`DL3045`](https://github.com/hadolint/hadolint/wiki/DL3045)
    pub struct CopyRelativeWithoutWorkdir {
        code: "DF152",
        name: "copy-relative-without-workdir",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3045")],
        options: [],
    }
}

/// Whether the stage, or a stage it is built `FROM`, sets a WORKDIR before instruction `before`; at most `depth`
/// stages up (a loop: a generated file may chain thousands of stages).
fn has_workdir(doc: &Document, stage: &Stage, before: usize, depth: usize) -> bool {
    let (mut stage, mut before) = (stage, before);
    for _ in 0..=depth {
        if doc.instructions()[stage.instructions.start..before]
            .iter()
            .any(|i| i.kind == Kind::Workdir)
        {
            return true;
        }
        if !query::from_is_stage_ref(doc, stage) {
            return false;
        }
        let Some(parent) = query::earlier_stage(doc, stage.index, &stage.base) else {
            return false;
        };
        (stage, before) = (parent, parent.instructions.end);
    }
    false
}

impl Rule for CopyRelativeWithoutWorkdir {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for stage in doc.stages() {
            for idx in stage.instructions.clone() {
                let ins = &doc.instructions()[idx];
                if !matches!(ins.kind, Kind::Copy | Kind::Add) {
                    continue;
                }
                let (_, Some(dest)) = copy_args(ins) else {
                    continue;
                };
                if dest.dynamic || absolute_or_variable(&dest.value) {
                    continue;
                }
                if has_workdir(doc, stage, idx, doc.stages().len()) {
                    continue;
                }
                out.push(ctx.diagnostic(
                    dest.range.clone(),
                    format!(
                        "`{}` is relative to the base image's working directory: set a `WORKDIR` first, or copy to an absolute path",
                        dest.value
                    ),
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

    const R: &RuleMeta = &CopyRelativeWithoutWorkdir::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCOPY . .\n", &["."]),
                ("FROM a\nADD x app/\n", &["app/"]),
                ("FROM a\nCOPY [\"x\", \"app\"]\n", &["\"app\""]),
                ("FROM a AS b\nWORKDIR /x\nFROM c\nCOPY x y\n", &["y"]),
                ("FROM a\nCOPY x y\nWORKDIR /app\n", &["y"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nWORKDIR /app\nCOPY . .\n",
                "FROM a\nCOPY . /app\n",
                "FROM a\nCOPY x $DEST\n",
                "FROM a\nCOPY x ${HOME}/x\n",
                "FROM a\nCOPY x C:/app\n",
                "FROM a AS base\nWORKDIR /app\nFROM base\nCOPY . .\n",
            ],
        );
    }
}
