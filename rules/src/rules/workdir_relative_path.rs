//! `workdir-relative-path`: a relative `WORKDIR` before any absolute one in its stage.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};
use crate::syntax::{query, Document, Instruction, Kind, Stage, Word};

declare_rule! {
    /// Reports a relative `WORKDIR` in a stage that has not set an absolute one before it.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the current working directory, which comes from the base image.
    /// When the base image changes its `WORKDIR`, your files move with it, and `COPY`/`RUN` paths break silently.
    /// An absolute path says where the files go, whatever the base image does.
    ///
    /// A relative `WORKDIR` after an absolute one in the same stage (or in the stage it builds on) is fine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-alpine
    /// WORKDIR app
    /// COPY . .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-alpine
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3000` reports every relative `WORKDIR`, also `WORKDIR src` after `WORKDIR /app`.
    /// That one is `/app/src` whatever the base image does, so this rule follows BuildKit's check and leaves it.
    ///
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - BuildKit's [`WorkdirRelativePath`](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    /// - hadolint's [`DL3000`](https://github.com/hadolint/hadolint/wiki/DL3000)
    pub struct WorkdirRelativePath {
        code: "DF103",
        name: "workdir-relative-path",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [
            crate::engine::Peer::BuildKit("WorkdirRelativePath"),
            crate::engine::Peer::Hadolint("DL3000"),
        ],
        options: [],
    }
}

/// `/x`, `C:\x`, `C:/x`, `\x`: absolute on Linux or Windows.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'/' | b'\\'))
}

/// The raw text counts too: with the default escape, `C:\app` unquotes to `C:app`, and `"C:\"` (its quote
/// escaped) to something that is not a path at all; both are Windows paths as written.
fn absolute_or_unknown(word: &Word) -> bool {
    let unquoted = word.raw.trim_matches(|c| c == '"' || c == '\'');
    !word.vars.is_empty()
        || is_absolute(&word.value)
        || is_absolute(&word.raw)
        || is_absolute(unquoted)
        || is_drive_root(unquoted)
}

/// `C:` or `C:\` alone: the root of a Windows drive.
fn is_drive_root(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b[2..].iter().all(|&c| c == b'\\' || c == b'/')
}

/// Whether a WORKDIR among `instructions` is absolute (or unknown).
fn sets_absolute_workdir(instructions: &[Instruction]) -> bool {
    instructions
        .iter()
        .filter(|i| i.kind == Kind::Workdir)
        .any(|i| i.words.first().is_some_and(absolute_or_unknown))
}

/// For each stage, whether it or a stage it is built `FROM` sets an absolute WORKDIR by its end: found in file
/// order, each stage from its parent's answer, so a chain of thousands of stages is read once, not once per
/// WORKDIR.
fn absolute_by_end(doc: &Document) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::with_capacity(doc.stages().len());
    for stage in doc.stages() {
        let inherited = query::from_is_stage_ref(doc, stage)
            .then(|| query::earlier_stage(doc, stage.index, &stage.base))
            .flatten()
            .is_some_and(|p| out.get(p.index).copied().unwrap_or(false));
        out.push(inherited || sets_absolute_workdir(doc.stage_instructions(stage)));
    }
    out
}

/// Whether the stage sets an absolute WORKDIR before instruction `before`, or a stage it is built `FROM` (which it
/// inherits its working directory from) does by its end.
fn has_absolute_workdir(doc: &Document, by_end: &[bool], stage: &Stage, before: usize) -> bool {
    if sets_absolute_workdir(&doc.instructions()[stage.instructions.start..before]) {
        return true;
    }
    query::from_is_stage_ref(doc, stage)
        && query::earlier_stage(doc, stage.index, &stage.base)
            .is_some_and(|p| by_end.get(p.index).copied().unwrap_or(false))
}

impl Rule for WorkdirRelativePath {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let by_end = absolute_by_end(doc);
        for stage in doc.stages() {
            for idx in stage.instructions.clone() {
                let ins = &doc.instructions()[idx];
                if ins.kind != Kind::Workdir {
                    continue;
                }
                let Some(word) = ins.words.first() else {
                    continue;
                };
                // A variable may expand to an absolute path: nothing certain to say.
                if absolute_or_unknown(word) {
                    continue;
                }
                if has_absolute_workdir(doc, &by_end, stage, idx) {
                    continue;
                }
                out.push(ctx.diagnostic(
                    word.range.clone(),
                    format!(
                        "relative `WORKDIR {}` depends on the base image's working directory",
                        word.raw
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

    const R: &RuleMeta = &WorkdirRelativePath::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nWORKDIR app\n", &["app"]),
                ("FROM a\nWORKDIR \"my app\"\nWORKDIR /x\n", &["\"my app\""]),
                ("FROM a AS b\nWORKDIR /x\nFROM c\nWORKDIR y\n", &["y"]),
                ("FROM a\nWORKDIR ./src\nWORKDIR lib\n", &["./src", "lib"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nWORKDIR /app\nWORKDIR src\n",
                "FROM a\nWORKDIR $HOME\nWORKDIR src\n",
                "FROM a\nWORKDIR ${DIR:-app}\n",
                "FROM a AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n",
                "FROM mcr.microsoft.com/windows\nWORKDIR C:\\app\nWORKDIR c:/x\n",
                // Windows paths with any quoting, and drive roots.
                "FROM mcr.microsoft.com/windows\nWORKDIR \"C:\\\"\n",
                "FROM mcr.microsoft.com/windows\nWORKDIR \"C:\\app\"\n",
                "FROM mcr.microsoft.com/windows\nWORKDIR 'C:\\app'\n",
                "FROM mcr.microsoft.com/windows\nWORKDIR C:\n",
                "FROM mcr.microsoft.com/windows\nWORKDIR C:\\\n",
                "# escape=`\nFROM mcr.microsoft.com/windows\nWORKDIR \"C:\\\"\n",
            ],
        );
    }
}
