//! `workdir-relative-path`: a relative `WORKDIR` before any absolute one in its stage.
use crate::engine::{declare_rule, Context, Diagnostic, Rule};
use crate::syntax::{query, Document, Kind, Stage, Word};

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
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - BuildKit's [`WorkdirRelativePath`](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    pub struct WorkdirRelativePath {
        code: "DF103",
        name: "workdir-relative-path",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [crate::engine::Peer::BuildKit("WorkdirRelativePath")],
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

/// Whether the stage, or a stage it is built `FROM`, sets an absolute WORKDIR before instruction `before`; at most
/// `depth` stages up (a loop, not recursion: a generated file may chain thousands of stages).
fn has_absolute_workdir(doc: &Document, stage: &Stage, before: usize, depth: usize) -> bool {
    let (mut stage, mut before) = (stage, before);
    for _ in 0..=depth {
        let own = doc.instructions()[stage.instructions.start..before]
            .iter()
            .filter(|i| i.kind == Kind::Workdir)
            .any(|i| i.words.first().is_some_and(absolute_or_unknown));
        if own {
            return true;
        }
        // A stage built on an earlier stage inherits its working directory.
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

impl Rule for WorkdirRelativePath {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
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
                if has_absolute_workdir(doc, stage, idx, doc.stages().len()) {
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
