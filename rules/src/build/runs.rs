//! The RUN scripts the shell rules read (every RUN of a POSIX shell stage, `ONBUILD RUN` included) and the
//! package-manager commands in them, each found once per lint and shared by every rule that asks.
use std::cell::OnceCell;

use super::facts::Facts;
use crate::shell::{self, dash_c_script, package_command, PackageCommand, Script};
use crate::syntax::{Document, Kind};

/// One RUN and its script.
pub(crate) struct RunScript<'a> {
    /// The instruction in the document (the ONBUILD for `ONBUILD RUN`).
    pub index: usize,
    pub script: ScriptRef<'a>,
}

/// The analysis' script of a RUN, or one read here (`ONBUILD RUN`), boxed: a document's list of RUNs costs a few
/// words each, not a whole `Script` each (a hundred thousand RUNs would otherwise hold 17 MB while the rules read
/// them).
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

/// The RUNs whose shell is a POSIX shell, in document order, with the `sh -c` scripts their commands run (read on
/// first use).
pub(crate) struct Runs<'a> {
    pub list: Vec<RunScript<'a>>,
    /// `sh -c '...'` strings by (run, command) in [`Runs::list`], in that order.
    dash_c: OnceCell<Vec<(usize, usize, Script)>>,
}

/// A package-manager command, the script it is in and its index there.
pub(crate) struct PackageHit<'a> {
    pub command: PackageCommand<'a>,
    pub script: &'a Script,
    pub index: usize,
}

impl<'a> Runs<'a> {
    /// The RUNs of `doc`, from its analysis.
    pub fn of(doc: &'a Document, facts: &'a Facts<'a>) -> Runs<'a> {
        let mut list = Vec::new();
        for (i, ins) in doc.instructions().iter().enumerate() {
            match ins.kind {
                Kind::Run => {
                    if let Some(script) = &facts.steps[i].script {
                        list.push(RunScript {
                            index: i,
                            script: ScriptRef::Borrowed(script),
                        });
                    }
                }
                Kind::Onbuild => {
                    let Some(inner) = ins.onbuild.as_deref() else {
                        continue;
                    };
                    // The trigger runs in whatever image builds on this one; its shell is unknown, read it as
                    // POSIX unless this file's own stage chose another.
                    if inner.kind != Kind::Run || !posix_here(doc, facts, i) {
                        continue;
                    }
                    if let Some(script) =
                        shell::script_with(doc.text(), inner, doc.escape(), facts.shell_lints)
                    {
                        list.push(RunScript {
                            index: i,
                            script: ScriptRef::Owned(Box::new(script)),
                        });
                    }
                }
                _ => {}
            }
        }
        Runs {
            list,
            dash_c: OnceCell::new(),
        }
    }

    /// The scripts of the `sh -c '...'` commands of every RUN (see [`dash_c_script`]).
    fn dash_c(&self, text: &str) -> &[(usize, usize, Script)] {
        self.dash_c.get_or_init(|| {
            let mut out = Vec::new();
            for (r, run) in self.list.iter().enumerate() {
                for (i, c) in run.script.commands.iter().enumerate() {
                    if let Some(inner) = dash_c_script(text, c) {
                        out.push((r, i, inner));
                    }
                }
            }
            out
        })
    }

    /// Every package-manager command of every RUN (past `sudo`, `xargs`, `python -m`, and inside `sh -c '...'`),
    /// in document order.
    pub fn package_commands(&'a self, text: &str) -> Vec<PackageHit<'a>> {
        let dash_c = self.dash_c(text);
        let mut next = 0;
        let mut out = Vec::new();
        for (r, run) in self.list.iter().enumerate() {
            for (i, c) in run.script.commands.iter().enumerate() {
                // The `sh -c` script of this command, if it has one (the list is in the same order).
                let inner = match dash_c.get(next) {
                    Some((rr, ii, s)) if (*rr, *ii) == (r, i) => {
                        next += 1;
                        Some(s)
                    }
                    _ => None,
                };
                if let Some(p) = package_command(c) {
                    out.push(PackageHit {
                        command: p,
                        script: &run.script,
                        index: i,
                    });
                } else if let Some(inner) = inner {
                    // `sh -c 'apt-get install x'`: one level down, enough for what Dockerfiles write.
                    for (j, c) in inner.commands.iter().enumerate() {
                        if let Some(p) = package_command(c) {
                            out.push(PackageHit {
                                command: p,
                                script: inner,
                                index: j,
                            });
                        }
                    }
                }
            }
        }
        out
    }
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
