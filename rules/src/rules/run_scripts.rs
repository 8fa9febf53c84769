//! The RUN scripts the shell rules read: every RUN of a POSIX shell stage, `ONBUILD RUN` included.
use crate::engine::Context;
use crate::optimizer::facts::Facts;
use crate::shell::{self, Script};
use crate::syntax::{Document, Kind};

/// One RUN and its script.
pub(crate) struct RunScript<'a> {
    /// The instruction in the document (the ONBUILD for `ONBUILD RUN`).
    pub index: usize,
    pub script: ScriptRef<'a>,
}

/// The analysis' script of a RUN, or one read here (`ONBUILD RUN`), boxed: a document's list of RUNs costs a few
/// words each, not a whole `Script` each (a hundred thousand RUNs would otherwise hold 17 MB while a rule reads them).
pub(crate) enum ScriptRef<'a> {
    Borrowed(&'a Script),
    Owned(Box<Script>),
}

impl std::ops::Deref for ScriptRef<'_> {
    type Target = Script;

    fn deref(&self) -> &Script {
        match self {
            ScriptRef::Borrowed(s) => s,
            ScriptRef::Owned(s) => s,
        }
    }
}

/// The RUNs whose shell is a POSIX shell, in document order.
pub(crate) fn run_scripts<'a>(ctx: &Context<'a>) -> Vec<RunScript<'a>> {
    run_scripts_in(ctx.doc(), Facts::new(ctx))
}

/// [`run_scripts`], from the document's analysis.
pub(crate) fn run_scripts_in<'a>(doc: &'a Document, facts: &'a Facts<'a>) -> Vec<RunScript<'a>> {
    let mut out = Vec::new();
    for (i, ins) in doc.instructions().iter().enumerate() {
        match ins.kind {
            Kind::Run => {
                if let Some(script) = &facts.steps[i].script {
                    out.push(RunScript {
                        index: i,
                        script: ScriptRef::Borrowed(script),
                    });
                }
            }
            Kind::Onbuild => {
                let Some(inner) = ins.onbuild.as_deref() else {
                    continue;
                };
                // The trigger runs in whatever image builds on this one; its shell is unknown, read it as POSIX
                // unless this file's own stage chose another.
                if inner.kind != Kind::Run || !posix_here(doc, facts, i) {
                    continue;
                }
                if let Some(script) = shell::script(doc.text(), inner, doc.escape()) {
                    out.push(RunScript {
                        index: i,
                        script: ScriptRef::Owned(Box::new(script)),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a POSIX shell runs shell form at instruction `at`: the nearest RUN, CMD or ENTRYPOINT of the stage
/// that the analysis read as POSIX tells, else no SHELL before it and no Windows escape.
fn posix_here(doc: &Document, facts: &Facts, at: usize) -> bool {
    let Some(stage) = doc.stage_of(at) else {
        return doc.escape() != '`';
    };
    let shell = (stage.instructions.start..at)
        .rev()
        .find(|&i| facts.ins(i).kind == Kind::Shell);
    match shell {
        Some(i) => facts.steps[i]
            .args
            .json
            .as_ref()
            .and_then(|e| e.first())
            .is_some_and(|e| {
                matches!(
                    shell::basename(&e.value),
                    "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh"
                )
            }),
        None => doc.escape() != '`',
    }
}

/// The source between two commands of a script when the first ends before the second starts, with whitespace
/// and line continuations trimmed from its start, and where that starts.
pub(crate) fn operator_after(text: &str, end: usize, next_start: usize) -> Option<(usize, &str)> {
    if end > next_start {
        return None;
    }
    let mut gap = text.get(end..next_start)?;
    loop {
        let t = gap.trim_start();
        let t = t
            .strip_prefix("\\\n")
            .or_else(|| t.strip_prefix("\\\r\n"))
            .or_else(|| t.strip_prefix("`\n"))
            .or_else(|| t.strip_prefix("`\r\n"))
            .unwrap_or(t);
        if t.len() == gap.len() {
            return Some((next_start - gap.len(), gap));
        }
        gap = t;
    }
}
