//! What is in force when each instruction runs: ARG and ENV values with Docker's scoping, WORKDIR, USER and SHELL,
//! all inherited through `FROM <stage>`.
//!
//! Docker's scoping: an ARG before the first FROM is visible only in FROM lines, unless a stage declares it again
//! (`ARG NAME`, taking the global default); an ARG lasts to the end of its stage and is not inherited by
//! `FROM <stage>`; ENV is inherited, and ENV wins over an ARG of the same name.
use super::facts::base_stage;
use crate::knowledge;
use std::sync::Arc;

use crate::syntax::{Command, Document, Instruction, Kind};

/// The working directory of a stage built on an image whose WORKDIR is not known: paths relative to it are
/// compared with each other, never with absolute paths (see the module docs of `build`).
pub(crate) const BASE_WORKDIR: &str = "/(workdir)";

/// One ARG or ENV definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Var {
    pub name: String,
    /// `None`: not known (an ARG without a default, a value with an unknown variable).
    pub value: Option<String>,
    pub env: bool,
}

/// The state in force before one instruction runs. Its strings are shared with the states before and after it
/// that have the same value (an analysis holds one for every instruction: a copy each would cost a string per
/// instruction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InForce {
    /// How many of the stage's definitions (`States::vars`) are in force.
    pub vars: usize,
    /// Absolute and normalised; [`BASE_WORKDIR`] (or below it) on an unknown base; `None` when a variable in a
    /// WORKDIR is not known.
    pub workdir: Option<Arc<str>>,
    /// The last USER, as written; `None`: the base image's.
    pub user: Option<Arc<str>>,
    /// The last SHELL's words; `None`: the base image's (`/bin/sh -c` on Linux).
    pub shell: Option<Arc<[String]>>,
}

/// The state in force at every instruction of a document.
pub(crate) struct States {
    /// Per stage, its definitions in order (ENV inherited from the stage it builds on first).
    pub vars: Vec<Vec<Var>>,
    /// Per instruction (global ARGs and FROM lines included).
    pub at: Vec<InForce>,
    /// Per stage, the state after its last instruction.
    pub end: Vec<InForce>,
}

/// `/a/./b/../c/` → `/a/c`.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A path resolved against a working directory (`None` when it is relative and the directory is not known).
pub(crate) fn resolve(workdir: Option<&str>, path: &str) -> Option<String> {
    if path.starts_with('/') {
        return Some(normalize(path));
    }
    let base = workdir?;
    let joined = normalize(&format!("{}/{path}", base.trim_end_matches('/')));
    // `..` above an unknown working directory leaves what can be compared.
    if base.starts_with(BASE_WORKDIR) && !joined.starts_with(BASE_WORKDIR) {
        return None;
    }
    Some(joined)
}

fn lookup<'v>(vars: &'v [Var], name: &str) -> Option<&'v Var> {
    vars.iter()
        .rev()
        .find(|v| v.env && v.name == name)
        .or_else(|| vars.iter().rev().find(|v| !v.env && v.name == name))
}

/// Expands `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` and `${NAME+word}` with the
/// definitions in force; `None` when a value is not known or the syntax is something else.
pub(crate) fn expand(text: &str, vars: &[Var]) -> Option<String> {
    if !text.contains('$') {
        return Some(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let (name, op, word, len) = if let Some(body) = rest.strip_prefix('{') {
            let close = body.find('}')?;
            let inner = &body[..close];
            let name_len = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, tail) = inner.split_at(name_len);
            let (op, word) = if tail.is_empty() {
                ("", "")
            } else if let Some(w) = tail.strip_prefix(":-") {
                (":-", w)
            } else if let Some(w) = tail.strip_prefix(":+") {
                (":+", w)
            } else if let Some(w) = tail.strip_prefix('-') {
                ("-", w)
            } else if let Some(w) = tail.strip_prefix('+') {
                ("+", w)
            } else {
                return None;
            };
            (name, op, word, close + 2)
        } else {
            let n = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (&rest[..n], "", "", n)
        };
        if name.is_empty() || word.contains('$') {
            return None;
        }
        let var = lookup(vars, name);
        let value = match (op, var) {
            (_, Some(Var { value: None, .. })) => return None,
            ("", Some(v)) => v.value.clone()?,
            // Not defined here: the base image may define it.
            ("", None) => return None,
            (":-", Some(v)) => {
                let val = v.value.clone()?;
                if val.is_empty() {
                    word.to_string()
                } else {
                    val
                }
            }
            ("-", Some(v)) => v.value.clone()?,
            (":-" | "-", None) => return None,
            (":+", Some(v)) => {
                if v.value.as_deref().is_some_and(|x| !x.is_empty()) {
                    word.to_string()
                } else {
                    String::new()
                }
            }
            ("+", Some(_)) => word.to_string(),
            _ => return None,
        };
        out.push_str(&value);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// The words of a SHELL instruction (its JSON array).
fn shell_words(ins: &Instruction) -> Option<Arc<[String]>> {
    match &ins.command {
        Some(Command::Exec(e)) => Some(e.elements.iter().map(|el| el.value.clone()).collect()),
        _ => None,
    }
}

impl States {
    pub fn of(doc: &Document) -> States {
        let instructions = doc.instructions();
        let first_from = doc.stages().first().map_or(instructions.len(), |s| s.from);
        let mut globals: Vec<Var> = Vec::new();
        let unknown = InForce {
            vars: 0,
            workdir: None,
            user: None,
            shell: None,
        };
        let mut at: Vec<InForce> = vec![unknown.clone(); instructions.len()];
        for ins in &instructions[..first_from] {
            if ins.kind == Kind::Arg {
                for p in &ins.pairs {
                    let value = match &p.value {
                        Some(w) => expand(&w.value, &globals),
                        None => None,
                    };
                    globals.push(Var {
                        name: p.key.clone(),
                        value,
                        env: false,
                    });
                }
            }
        }
        let mut vars: Vec<Vec<Var>> = Vec::new();
        let mut end: Vec<InForce> = Vec::new();
        for stage in doc.stages() {
            let parent = base_stage(doc, stage).filter(|p| p.index < stage.index);
            let (mut defs, mut state) = match parent {
                Some(p) => {
                    let inherited: Vec<Var> = vars[p.index][..end[p.index].vars]
                        .iter()
                        .filter(|v| v.env)
                        .cloned()
                        .collect();
                    let mut s = end[p.index].clone();
                    s.vars = inherited.len();
                    (inherited, s)
                }
                None => {
                    let image = instructions[stage.from].image.as_ref();
                    let workdir = image
                        .filter(|i| i.vars.is_empty())
                        .and_then(|i| knowledge::default_workdir(&i.name))
                        .unwrap_or(BASE_WORKDIR);
                    (
                        Vec::new(),
                        InForce {
                            vars: 0,
                            workdir: Some(workdir.into()),
                            user: None,
                            shell: None,
                        },
                    )
                }
            };
            for i in stage.instructions.clone() {
                at[i] = state.clone();
                let ins = &instructions[i];
                match ins.kind {
                    Kind::Arg | Kind::Env => {
                        let env = ins.kind == Kind::Env;
                        for p in &ins.pairs {
                            let value = match &p.value {
                                Some(w) => expand(&w.value, &defs[..state.vars]),
                                // `ARG NAME`: the global default, when there is one; the build may pass any value.
                                None if !env => {
                                    lookup(&globals, &p.key).and_then(|g| g.value.clone())
                                }
                                None => None,
                            };
                            defs.truncate(state.vars);
                            defs.push(Var {
                                name: p.key.clone(),
                                value,
                                env,
                            });
                            state.vars = defs.len();
                        }
                    }
                    Kind::Workdir => {
                        let dir = ins.words.first().map(|w| w.value.as_str()).unwrap_or("");
                        state.workdir = expand(dir, &defs[..state.vars])
                            .and_then(|d| resolve(state.workdir.as_deref(), &d))
                            .map(Arc::from);
                    }
                    Kind::User => {
                        state.user = ins.words.first().map(|w| Arc::from(w.value.as_str()));
                    }
                    Kind::Shell => state.shell = shell_words(ins),
                    _ => {}
                }
            }
            vars.push(defs);
            end.push(state);
        }
        States { vars, at, end }
    }

    /// The definitions in force at instruction `i` of stage `stage`.
    pub fn vars_at(&self, stage: usize, i: usize) -> &[Var] {
        match self.vars.get(stage) {
            Some(v) => &v[..self.at[i].vars.min(v.len())],
            None => &[],
        }
    }

    /// A variable's value at instruction `i` (ENV over ARG); `None` when unset here or not known.
    #[cfg(test)]
    pub fn value(&self, stage: usize, i: usize, name: &str) -> Option<&str> {
        lookup(self.vars_at(stage, i), name).and_then(|v| v.value.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(src: &str) -> (Document, States) {
        let doc = Document::parse(src);
        let s = States::of(&doc);
        (doc, s)
    }

    #[test]
    fn args_follow_dockers_scoping() {
        let src =
            "ARG V=1\nARG NOPE=2\nFROM a AS one\nARG V\nENV X=${V}-x\nRUN r\nFROM one\nRUN s\n";
        let (_, s) = states(src);
        assert_eq!(
            s.value(0, 5, "V"),
            Some("1"),
            "redeclared: the global default"
        );
        assert_eq!(s.value(0, 5, "X"), Some("1-x"));
        assert_eq!(
            s.value(0, 5, "NOPE"),
            None,
            "a global ARG is only seen by FROM"
        );
        assert_eq!(s.value(1, 7, "V"), None, "ARG does not cross FROM <stage>");
        assert_eq!(s.value(1, 7, "X"), Some("1-x"), "ENV does");
    }

    #[test]
    fn env_is_inherited_and_wins_over_arg() {
        let src =
            "FROM a AS base\nENV GOPATH=/go P=$GOPATH/bin\nARG GOPATH=/other\nFROM base\nRUN x\n";
        let (_, s) = states(src);
        assert_eq!(s.value(0, 2, "P"), Some("/go/bin"));
        assert_eq!(s.value(0, 3, "GOPATH"), Some("/go"), "ENV wins over ARG");
        assert_eq!(s.value(1, 4, "GOPATH"), Some("/go"));
        assert_eq!(s.value(1, 4, "P"), Some("/go/bin"));
    }

    #[test]
    fn workdir_user_and_shell_are_inherited() {
        let src = "FROM a AS b\nWORKDIR /app\nARG SUB=src\nWORKDIR $SUB/cmd\nUSER app\nSHELL [\"bash\", \"-c\"]\nFROM b\nWORKDIR ../lib\nRUN x\nFROM c\nWORKDIR web\nWORKDIR $NOPE\nRUN y\n";
        let (_, s) = states(src);
        assert_eq!(s.at[4].workdir.as_deref(), Some("/app/src/cmd"));
        let run = &s.at[8];
        assert_eq!(run.workdir.as_deref(), Some("/app/src/lib"));
        assert_eq!(run.user.as_deref(), Some("app"));
        assert_eq!(
            run.shell.as_deref(),
            Some(&["bash".to_string(), "-c".into()][..])
        );
        assert_eq!(s.at[11].workdir.as_deref(), Some("/(workdir)/web"));
        assert_eq!(s.at[12].workdir, None, "an unknown variable");
    }

    #[test]
    fn expansion() {
        let vars = vec![
            Var {
                name: "A".into(),
                value: Some("x".into()),
                env: true,
            },
            Var {
                name: "E".into(),
                value: Some(String::new()),
                env: false,
            },
            Var {
                name: "U".into(),
                value: None,
                env: false,
            },
        ];
        assert_eq!(expand("/a/$A/${A}b", &vars).as_deref(), Some("/a/x/xb"));
        assert_eq!(expand("${E:-d}", &vars).as_deref(), Some("d"));
        assert_eq!(expand("${A:+y}${E:+z}", &vars).as_deref(), Some("y"));
        assert_eq!(expand("$U", &vars), None);
        assert_eq!(expand("$HOME", &vars), None, "the base image's");
        assert_eq!(expand("${A%x}", &vars), None);
    }
}
