//! What each instruction reads and writes: COPY/ADD destinations, the paths a RUN's commands name, the folder a
//! build tool runs in, the configuration package managers and tools read, the variables an instruction references,
//! and the state (WORKDIR, USER, SHELL) and image config it sets. "Unknown" wherever the analysis is not sure.
use super::access::{under, Access, PathAccess, Reach, STATE_SHELL, STATE_USER, STATE_WORKDIR};
use super::facts::{CopyFacts, Facts, Step};
use super::state::{expand, resolve, States, Var};
use crate::knowledge::{self, Tool};
use crate::shell::{ActionKind, ScriptForm, SimpleCommand, Word};
use crate::syntax::{Document, Instruction, Kind};

/// What one instruction reads and writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Effects {
    pub reads: Access,
    pub writes: Access,
    /// What it reads of other stages' file trees: `COPY --from`, `RUN --mount=from=`, `FROM <stage>`.
    pub stage_reads: Vec<StageRead>,
    /// The paths a RUN's commands put a file or folder at by name (a `cp`, `mv`, `ln` or `install` destination, a
    /// redirect, `mkdir`, `touch`), as opposed to what its tools write on the side: what the image may need of a
    /// stage a rewrite leaves behind. Part of `writes`.
    pub placed: Vec<PathAccess>,
}

/// A read of another stage's files (or of an image's, which the model does not see).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StageRead {
    /// The earlier stage; `None`: an image, or a name with a variable.
    pub stage: Option<usize>,
    /// Absolute, in that stage's file tree.
    pub path: PathAccess,
}

impl Effects {
    fn unknown() -> Effects {
        Effects {
            reads: Access::unknown(),
            writes: Access::unknown(),
            stage_reads: Vec::new(),
            placed: Vec::new(),
        }
    }

    /// Whether the analysis is not sure of this instruction: it is pinned in place.
    #[cfg(test)]
    pub fn is_unknown(&self) -> bool {
        self.reads.unknown || self.writes.unknown
    }

    /// Whether the two instructions must keep their order: one reads or writes what the other writes (or either
    /// is unknown).
    pub fn conflicts(&self, other: &Effects) -> bool {
        self.writes.meets(&other.reads)
            || self.reads.meets(&other.writes)
            || self.writes.meets(&other.writes)
    }
}

/// The config key an instruction writes, as a variable name (`" cfg:CMD"`).
pub(crate) fn config_var(key: &str) -> String {
    format!(" cfg:{key}")
}

/// Where programs live: every command reads them.
const PROGRAM_DIRS: &[&str] = &["/usr", "/bin", "/sbin", "/lib", "/lib64"];

/// Shell builtins and programs that touch no file (their redirections aside).
const NO_FILES: &[&str] = &[
    "echo", "printf", "true", "false", ":", "set", "export", "test", "[", "exit", "return",
    "unset", "shift", "sleep", "umask", "which", "type", "hash", "wait", "trap", "ulimit", "alias",
    "local", "readonly", "nproc", "uname", "id", "whoami", "date",
];

/// Programs that read the files they name.
const READ_OPERANDS: &[&str] = &[
    "cat",
    "grep",
    "egrep",
    "fgrep",
    "ls",
    "head",
    "tail",
    "wc",
    "sha256sum",
    "sha512sum",
    "sha1sum",
    "md5sum",
    "stat",
    "file",
    "diff",
    "cmp",
    "readlink",
    "realpath",
    "du",
    "tree",
];

/// Programs that create, change or remove the files they name.
const WRITE_OPERANDS: &[&str] = &[
    "mkdir", "touch", "rm", "rmdir", "chgrp", "chattr", "truncate", "shred", "unlink",
];

/// Programs that copy or move files: they read every operand and write the last.
const COPY_OPERANDS: &[&str] = &["cp", "mv", "ln", "install", "rsync"];

/// Programs that unpack archives: into the working directory unless told where.
const ARCHIVERS: &[&str] = &[
    "tar", "unzip", "gunzip", "gzip", "xz", "unxz", "bunzip2", "bzip2", "7z", "zstd",
];

/// Programs that manage users and groups.
const USER_ADMIN: &[&str] = &[
    "useradd", "adduser", "groupadd", "addgroup", "usermod", "groupmod", "userdel", "deluser",
    "delgroup", "chpasswd", "passwd", "chsh",
];

/// Fixed reads and writes of system programs: (program, reads, writes).
const SYSTEM_PROGRAMS: &[(&str, &[&str], &[&str])] = &[
    (
        "update-ca-certificates",
        knowledge::CA_STORE,
        &["/etc/ssl", "/etc/ca-certificates"],
    ),
    (
        "ldconfig",
        &[
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/lib",
            "/lib64",
            "/usr/lib",
            "/usr/local/lib",
        ],
        &["/etc/ld.so.cache"],
    ),
    (
        "locale-gen",
        &["/etc/locale.gen", "/usr/share/i18n", "/usr/share/locale"],
        &["/usr/lib/locale"],
    ),
    ("localedef", &["/usr/share/i18n"], &["/usr/lib/locale"]),
    ("apt-key", &["/etc/apt"], &["/etc/apt"]),
    ("gpg", &["/root/.gnupg"], &["/root/.gnupg"]),
    ("gpgconf", &["/root/.gnupg"], &["/root/.gnupg"]),
    (
        "update-alternatives",
        knowledge::SYSTEM_DIRS,
        knowledge::SYSTEM_DIRS,
    ),
    (
        "dpkg-reconfigure",
        knowledge::SYSTEM_DIRS,
        knowledge::SYSTEM_DIRS,
    ),
];

/// The effects of every instruction of a document.
pub(crate) fn of_document(doc: &Document, f: &Facts, states: &States) -> Vec<Effects> {
    let mut out = vec![Effects::unknown(); doc.instructions().len()];
    for stage in doc.stages() {
        for i in stage.instructions.clone() {
            out[i] = of(doc, f, states, stage.index, i);
        }
    }
    out
}

fn var_reads(ins: &Instruction, access: &mut Access) {
    for v in ins.var_refs() {
        access.var(v.name.clone());
    }
}

/// The effects of instruction `i` of stage `stage`.
fn of(doc: &Document, f: &Facts, states: &States, stage: usize, i: usize) -> Effects {
    let ins = &doc.instructions()[i];
    // A template placeholder (`{{ .Cmd }}`): not a Dockerfile yet.
    if super::facts::is_template(doc.text(), ins) {
        return Effects::unknown();
    }
    let mut e = Effects::default();
    var_reads(ins, &mut e.reads);
    let workdir = states.at[i].workdir.as_deref();
    match ins.kind {
        Kind::From => {
            let mut e = Effects::unknown();
            // `FROM <stage>` starts from everything that stage wrote.
            let here = &doc.stages()[stage];
            if let Some(parent) = super::facts::base_stage(doc, here) {
                e.stage_reads.push(StageRead {
                    stage: Some(parent.index),
                    path: PathAccess::tree("/"),
                });
            }
            return e;
        }
        Kind::Unknown => return Effects::unknown(),
        Kind::Arg | Kind::Env => {
            for p in &ins.pairs {
                e.writes.var(p.key.clone());
            }
            if ins.kind == Kind::Env {
                e.writes.var(config_var("ENV"));
            }
        }
        Kind::Label => {
            for p in &ins.pairs {
                e.writes.var(config_var(&format!("LABEL {}", p.key)));
            }
        }
        Kind::Maintainer => e.writes.var(config_var("MAINTAINER")),
        Kind::Expose => {}
        Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck => {
            let key = match ins.kind {
                Kind::Cmd => "CMD",
                Kind::Entrypoint => "ENTRYPOINT",
                _ => "HEALTHCHECK",
            };
            e.writes.var(config_var(key));
            if !ins.is_exec_form() {
                e.reads.var(STATE_SHELL);
            }
        }
        Kind::Stopsignal => e.writes.var(config_var("STOPSIGNAL")),
        Kind::Onbuild => e.writes.var(config_var("ONBUILD")),
        Kind::User => e.writes.var(STATE_USER),
        Kind::Shell => e.writes.var(STATE_SHELL),
        // Creating the folder commutes with copies into it: only the state is ordered.
        Kind::Workdir => {
            e.writes.var(STATE_WORKDIR);
            e.reads.var(STATE_WORKDIR);
        }
        Kind::Volume => {
            e.writes.var(config_var("VOLUME"));
            let vars = states.vars_at(stage, i);
            let paths: Vec<String> = match &ins.exec_form {
                Some(x) => x.elements.iter().map(|el| el.value.clone()).collect(),
                None => ins.words.iter().map(|w| w.value.clone()).collect(),
            };
            for p in paths {
                match expand(&p, vars).and_then(|p| resolve(workdir, &p)) {
                    Some(p) => e.writes.path(PathAccess::tree(p)),
                    None => e.writes.unknown = true,
                }
            }
        }
        Kind::Copy | Kind::Add => match &f.steps[i].copy {
            Some(c) => {
                copy_effects(&f.steps[i], c, states.vars_at(stage, i), workdir, &mut e);
                if c.from.is_some() && !c.remote {
                    from_reads(c, states.vars_at(stage, i), &mut e);
                }
            }
            None => return Effects::unknown(),
        },
        Kind::Run => {
            run_effects(f, states, stage, i, &mut e);
            mounts(doc, f, states, stage, i, &mut e);
        }
    }
    e
}

/// `COPY --from=<stage>` reads its sources in that stage's file tree (relative to its root).
fn from_reads(c: &CopyFacts, vars: &[Var], e: &mut Effects) {
    let stage = c.from_stage;
    if c.sources.is_empty() {
        e.stage_reads.push(StageRead {
            stage,
            path: PathAccess::tree("/"),
        });
    }
    for s in &c.sources {
        let path = expand(&s.value, vars)
            .map(|v| before_glob(&v).to_string())
            .and_then(|v| resolve(Some("/"), if v.is_empty() { "/" } else { &v }))
            .unwrap_or_else(|| "/".into());
        let read = StageRead {
            stage,
            path: PathAccess::tree(path),
        };
        if !e.stage_reads.contains(&read) {
            e.stage_reads.push(read);
        }
    }
}

/// One `--mount` of a RUN, as BuildKit reads its options.
struct Mount {
    kind: String,
    target: Option<String>,
    source: Option<String>,
    from: Option<String>,
    id: Option<String>,
}

fn mount_of(options: Vec<(String, Option<String>)>) -> Mount {
    let mut m = Mount {
        kind: "bind".into(),
        target: None,
        source: None,
        from: None,
        id: None,
    };
    for (k, v) in options {
        let v = v.map(|v| v.trim_matches('"').trim_matches('\'').to_string());
        match k.as_str() {
            "type" => m.kind = v.unwrap_or_default().to_ascii_lowercase(),
            "target" | "dst" | "destination" => m.target = v,
            "source" | "src" => m.source = v,
            "from" => m.from = v,
            "id" => m.id = v,
            _ => {}
        }
    }
    m
}

/// `RUN --mount=...`: what the mounts read (another stage's files, a secret, the SSH agent), and that the RUN's
/// reads and writes below a mount's target touch the mount, not the image (a cache or tmpfs keeps nothing in the
/// layer; a bind mount's writes are dropped).
fn mounts(doc: &Document, f: &Facts, states: &States, stage: usize, i: usize, e: &mut Effects) {
    let step = &f.steps[i];
    if !step.args.flags.iter().any(|fl| fl.name == "mount") {
        return;
    }
    let workdir = states.at[i].workdir.as_deref();
    let vars = states.vars_at(stage, i);
    let mut ssh = 0;
    for fl in step.args.flags.iter().filter(|fl| fl.name == "mount") {
        let m = mount_of(fl.options());
        let target = match m.kind.as_str() {
            "secret" => m
                .target
                .clone()
                .or_else(|| m.id.as_ref().map(|id| format!("/run/secrets/{id}"))),
            "ssh" => {
                let t = m
                    .target
                    .clone()
                    .unwrap_or_else(|| format!("/run/buildkit/ssh_agent.{ssh}"));
                ssh += 1;
                Some(t)
            }
            _ => m.target.clone(),
        };
        match m.kind.as_str() {
            "bind" | "cache" => {
                if let Some(from) = &m.from {
                    let source = m
                        .source
                        .as_deref()
                        .and_then(|s| expand(s, vars))
                        .map(|s| before_glob(&s).to_string())
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "/".into());
                    e.stage_reads.push(StageRead {
                        stage: mount_stage(doc, stage, from),
                        path: PathAccess::tree(super::state::normalize(&source)),
                    });
                }
            }
            "secret" => {
                let id = m.id.clone().or_else(|| {
                    target
                        .as_deref()
                        .map(|t| t.rsplit('/').next().unwrap_or(t).to_string())
                });
                e.reads.var(format!(" secret:{}", id.unwrap_or_default()));
            }
            "ssh" => e
                .reads
                .var(format!(" ssh:{}", m.id.as_deref().unwrap_or("default"))),
            _ => {}
        }
        let Some(target) = target else { continue };
        if !target.starts_with('/') {
            e.reads.var(STATE_WORKDIR);
        }
        let Some(at) = expand(&target, vars).and_then(|t| resolve(workdir, &t)) else {
            continue;
        };
        // What the RUN touches below the mount point is the mount's, not the image's.
        if !e.reads.unknown {
            e.reads.paths.retain(|p| !under(&p.path, &at));
        }
        if !e.writes.unknown {
            e.writes.paths.retain(|p| !under(&p.path, &at));
        }
        e.placed.retain(|p| !under(&p.path, &at));
    }
}

/// The stage a mount's `from=` names: an earlier stage by name or index; `None` for an image.
fn mount_stage(doc: &Document, here: usize, from: &str) -> Option<usize> {
    if from.contains('$') {
        return None;
    }
    crate::syntax::query::earlier_stage(doc, here, from)
        .map(|s| s.index)
        .or_else(|| from.parse::<usize>().ok().filter(|&n| n < here))
}

/// Sources that are archives ADD unpacks.
fn is_archive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
    ]
    .iter()
    .any(|x| n.ends_with(x))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Cuts a path at its first component with a glob: `/var/lib/apt/lists/*` → `/var/lib/apt/lists`.
fn before_glob(path: &str) -> &str {
    match path.find(['*', '?', '[']) {
        Some(at) => match path[..at].rfind('/') {
            Some(0) => "/",
            Some(slash) => &path[..slash],
            None => "",
        },
        None => path,
    }
}

fn copy_effects(step: &Step, c: &CopyFacts, vars: &[Var], workdir: Option<&str>, e: &mut Effects) {
    if !c.dest.value.starts_with('/') {
        e.reads.var(STATE_WORKDIR);
    }
    let Some(dest) = expand(&c.dest.value, vars).and_then(|d| resolve(workdir, &d)) else {
        e.writes.unknown = true;
        return;
    };
    // `--chown=app` looks the names up in the image.
    let chown = step.args.flag("chown").and_then(|fl| fl.value.clone());
    if chown.is_some_and(|o| {
        o.split([':', '.'])
            .any(|p| !p.is_empty() && !p.chars().all(|ch| ch.is_ascii_digit()))
    }) {
        e.reads.path(PathAccess::file("/etc/passwd"));
        e.reads.path(PathAccess::file("/etc/group"));
    }
    let d = c.dest.value.as_str();
    let into_dir = d.ends_with('/')
        || matches!(d, "." | "..")
        || d.ends_with("/.")
        || d.ends_with("/..")
        || c.sources.len() > 1
        || c.heredoc;
    if c.sources.is_empty() && !c.heredoc {
        e.writes.path(PathAccess::tree(dest));
        return;
    }
    for s in &c.sources {
        let name = s.value.trim_end_matches('/');
        let base = name.rsplit('/').next().unwrap_or(name);
        let folder_like = c.remote && !into_dir
            || has_glob(&s.value)
            || s.value.contains('$')
            || (c.in_context() && (c.broad || is_archive(base)))
            || (!c.in_context() && !c.remote && !base.contains('.'));
        if folder_like || base.is_empty() || base == "." {
            e.writes.path(PathAccess::tree(dest.clone()));
        } else if into_dir || c.remote && c.dest.value.ends_with('/') {
            e.writes
                .path(PathAccess::file(super::state::normalize(&format!(
                    "{dest}/{base}"
                ))));
        } else {
            // `COPY app.conf /etc/app` writes `/etc/app/app.conf` when the image has that folder.
            e.writes.path(PathAccess::file(dest.clone()));
            e.writes
                .path(PathAccess::file(super::state::normalize(&format!(
                    "{dest}/{base}"
                ))));
        }
    }
    if c.heredoc && c.sources.is_empty() {
        e.writes.path(PathAccess::tree(dest));
    }
}

/// Reads a path word of a command: `Err` when it cannot be resolved (a variable set in the script, command
/// substitution, an unknown working directory).
struct Resolver<'a> {
    vars: &'a [Var],
    locals: Vec<String>,
    cwd: Option<String>,
    /// The cwd is still the WORKDIR in force (no absolute `cd` yet).
    cwd_is_workdir: bool,
    uses_workdir: bool,
}

impl Resolver<'_> {
    fn path(&mut self, w: &Word) -> Result<String, ()> {
        let mut value = w.value.clone();
        if w.dynamic {
            if value.contains("$(") || value.contains('`') {
                return Err(());
            }
            if self
                .locals
                .iter()
                .any(|l| value.contains(&format!("${l}")) || value.contains(&format!("${{{l}")))
            {
                return Err(());
            }
            value = expand(&value, self.vars).ok_or(())?;
        }
        if let Some(rest) = value.strip_prefix('~') {
            value = format!("/root{rest}");
        }
        let cut = before_glob(&value).to_string();
        if !cut.starts_with('/') && self.cwd_is_workdir {
            self.uses_workdir = true;
        }
        if cut.is_empty() {
            return self.cwd.clone().ok_or(());
        }
        resolve(self.cwd.as_deref(), &cut).ok_or(())
    }

    fn cwd(&mut self) -> Result<String, ()> {
        if self.cwd_is_workdir {
            self.uses_workdir = true;
        }
        self.cwd.clone().ok_or(())
    }
}

/// Operands of a command: its words after the program that are not options or assignments.
fn operands(cmd: &SimpleCommand) -> Vec<&Word> {
    cmd.argv()
        .iter()
        .skip(1)
        .filter(|w| {
            let option = w.value.starts_with('-');
            let assignment = w.value.contains('=') && !w.value.starts_with('/');
            !option && !assignment
        })
        .filter(|w| !w.value.contains("://"))
        .collect()
}

fn trees(access: &mut Access, dirs: &[&str]) {
    for d in dirs {
        access.path(PathAccess::tree(*d));
    }
}

fn run_effects(f: &Facts, states: &States, stage: usize, i: usize, e: &mut Effects) {
    let step = &f.steps[i];
    e.reads.all_vars = true;
    e.reads.var(STATE_USER);
    let Some(script) = &step.script else {
        *e = Effects::unknown();
        return;
    };
    if script.has_errors {
        *e = Effects::unknown();
        return;
    }
    if matches!(script.form, ScriptForm::Shell | ScriptForm::Heredoc) {
        e.reads.var(STATE_SHELL);
    }
    let mut locals: Vec<String> = Vec::new();
    for c in &script.commands {
        locals.extend(c.assignments.iter().map(|(k, _)| k.clone()));
        if matches!(
            c.program(),
            Some("export" | "read" | "local" | "declare" | "for")
        ) {
            locals.extend(
                c.args()
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .map(|a| a.split('=').next().unwrap_or(a).to_string()),
            );
        }
    }
    let mut r = Resolver {
        vars: states.vars_at(stage, i),
        locals,
        cwd: states.at[i].workdir.as_deref().map(str::to_string),
        cwd_is_workdir: true,
        uses_workdir: false,
    };
    for (ci, cmd) in script.commands.iter().enumerate() {
        if command_effects(step, ci, cmd, &mut r, e).is_err() {
            *e = Effects::unknown();
            return;
        }
    }
    if r.uses_workdir {
        e.reads.var(STATE_WORKDIR);
    }
}

fn command_effects(
    step: &Step,
    ci: usize,
    cmd: &SimpleCommand,
    r: &mut Resolver,
    e: &mut Effects,
) -> Result<(), ()> {
    for w in &cmd.redirects {
        let v = w.value.as_str();
        if v.starts_with("/dev/")
            || v.starts_with('&')
            || v.chars().all(|c| c.is_ascii_digit())
            || v == "-"
        {
            continue;
        }
        let p = r.path(w)?;
        e.reads.path(PathAccess::file(p.clone()));
        e.writes.path(PathAccess::file(p.clone()));
        place(e, PathAccess::file(p));
    }
    let Some(program) = cmd.program() else {
        return if cmd.argv().is_empty() {
            Ok(())
        } else {
            Err(())
        };
    };
    let program = program.to_string();
    let actions: Vec<&ActionKind> = step
        .actions
        .iter()
        .filter(|a| a.command == ci)
        .map(|a| &a.kind)
        .collect();
    if !NO_FILES.contains(&program.as_str()) && program != "cd" {
        trees(&mut e.reads, PROGRAM_DIRS);
    }
    if !actions.is_empty() {
        for a in actions {
            action_effects(&program, cmd, a, r, e)?;
        }
        return Ok(());
    }
    let ops = operands(cmd);
    match program.as_str() {
        "cd" => {
            let Some(target) = cmd.argv().get(1) else {
                return Err(());
            };
            if target.value == "-" {
                return Err(());
            }
            let next = r.path(target)?;
            if target.value.starts_with('/') {
                r.cwd_is_workdir = false;
            }
            r.cwd = Some(next);
        }
        p if NO_FILES.contains(&p) => {}
        p if READ_OPERANDS.contains(&p) => {
            for w in ops {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path));
            }
        }
        p if WRITE_OPERANDS.contains(&p) => {
            for w in ops {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path.clone()));
                e.writes.path(PathAccess::tree(path.clone()));
                if matches!(p, "mkdir" | "touch") {
                    place(e, PathAccess::tree(path));
                }
            }
        }
        p if COPY_OPERANDS.contains(&p) => {
            let n = ops.len();
            for (k, w) in ops.into_iter().enumerate() {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path.clone()));
                if k + 1 == n || p == "mv" {
                    e.writes.path(PathAccess::tree(path.clone()));
                }
                if k + 1 == n {
                    place(e, PathAccess::tree(path));
                }
            }
        }
        p if ARCHIVERS.contains(&p) => {
            let args = cmd.args();
            let told_where = args.iter().any(|a| {
                matches!(*a, "-C" | "-d" | "-o")
                    || a.starts_with("--directory")
                    || a.starts_with("-o")
            });
            for w in ops {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path.clone()));
                e.writes.path(PathAccess::tree(path));
            }
            if !told_where {
                let cwd = r.cwd()?;
                e.writes.path(PathAccess::tree(cwd));
            }
            if let Some(dest) = unpacked_into(&program, cmd) {
                let path = r.path(&dest)?;
                e.writes.path(PathAccess::tree(path.clone()));
                place(e, PathAccess::tree(path));
            }
        }
        "sed" | "perl" => {
            let args = cmd.args();
            // `-i`, `-i.bak`, `-ri`, `-pi`, `--in-place`: the files are edited where they are.
            let in_place = args.iter().any(|a| match program.as_str() {
                "sed" => {
                    a.starts_with("--in-place")
                        || (a.starts_with('-') && !a.starts_with("--") && a[1..].contains('i'))
                }
                _ => a.starts_with("-i") || a.starts_with("-pi"),
            });
            for w in edited_files(cmd) {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path.clone()));
                e.writes.path(PathAccess::tree(path.clone()));
                if in_place {
                    place(e, PathAccess::tree(path));
                }
            }
            if program == "perl" && !in_place {
                return Err(());
            }
        }
        "tee" => {
            for w in ops {
                if w.value.starts_with("/dev/") {
                    continue;
                }
                let path = r.path(w)?;
                e.reads.path(PathAccess::file(path.clone()));
                e.writes.path(PathAccess::file(path.clone()));
                place(e, PathAccess::file(path));
            }
        }
        p if USER_ADMIN.contains(&p) => {
            for f in [
                "/etc/passwd",
                "/etc/group",
                "/etc/shadow",
                "/etc/gshadow",
                "/etc/subuid",
                "/etc/subgid",
            ] {
                e.reads.path(PathAccess::file(f));
                e.writes.path(PathAccess::file(f));
            }
            trees(
                &mut e.reads,
                &[
                    "/etc/login.defs",
                    "/etc/default",
                    "/etc/skel",
                    "/etc/adduser.conf",
                ],
            );
            trees(&mut e.writes, &["/home", "/var/mail", "/var/spool/mail"]);
        }
        p => {
            let Some((_, reads, writes)) = SYSTEM_PROGRAMS.iter().find(|(name, _, _)| *name == p)
            else {
                // Anything else (a script, an interpreter, a program the model does not know) may read or write
                // anything.
                return Err(());
            };
            trees(&mut e.reads, reads);
            trees(&mut e.writes, writes);
            for w in ops {
                let path = r.path(w)?;
                e.reads.path(PathAccess::tree(path.clone()));
                e.writes.path(PathAccess::tree(path));
            }
        }
    }
    Ok(())
}

/// The folder an archive is unpacked into when the command names it: `tar -x -C dir` (or `--directory`),
/// `unzip -d dir`, `7z x -odir`.
fn unpacked_into(program: &str, cmd: &SimpleCommand) -> Option<Word> {
    let argv = cmd.argv().get(1..).unwrap_or_default();
    let after = |flags: &[&str]| {
        argv.windows(2)
            .find(|w| flags.contains(&w[0].value.as_str()))
            .map(|w| w[1].clone())
    };
    let attached = |prefix: &str| {
        argv.iter().find_map(|w| {
            let v = w.value.strip_prefix(prefix).filter(|v| !v.is_empty())?;
            Some(Word {
                range: w.range.clone(),
                value: v.to_string(),
                dynamic: w.dynamic,
            })
        })
    };
    match program {
        "tar" => {
            // `-x`, `-xzf`, `--extract`, or the old style without a dash (`tar xzf a.tgz`).
            let extract = argv.iter().enumerate().any(|(k, w)| {
                let a = w.value.as_str();
                matches!(a, "--extract" | "--get")
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                    || (k == 0 && a.contains('x') && a.chars().all(|c| c.is_ascii_alphabetic()))
            });
            if !extract {
                return None;
            }
            after(&["-C", "--directory"]).or_else(|| attached("--directory="))
        }
        "unzip" => after(&["-d"]),
        "7z" => attached("-o"),
        _ => None,
    }
}

/// The files `sed` or `perl` reads or edits: the words after the script that are no options (the script is the
/// first such word, unless `-e` or `-f` gives it).
fn edited_files(cmd: &SimpleCommand) -> Vec<&Word> {
    let argv = cmd.argv().get(1..).unwrap_or_default();
    let mut script_seen = argv
        .iter()
        .any(|w| matches!(w.value.as_str(), "-e" | "-f" | "--expression" | "--file"));
    let mut out = Vec::new();
    let mut words = argv.iter();
    while let Some(w) = words.next() {
        let a = w.value.as_str();
        if matches!(a, "-e" | "-f" | "--expression" | "--file") {
            words.next();
        } else if a.starts_with('-') || a.contains("://") {
            continue;
        } else if !script_seen {
            script_seen = true;
        } else {
            out.push(w);
        }
    }
    out
}

fn place(e: &mut Effects, p: PathAccess) {
    if !e.placed.contains(&p) {
        e.placed.push(p);
    }
}

/// The folder a tool runs in, and the folders above it (their direct entries: workspace and config files).
fn project_reads(r: &mut Resolver, e: &mut Effects, tool: Option<Tool>) -> Result<String, ()> {
    let cwd = r.cwd()?;
    e.reads.path(PathAccess::tree(cwd.clone()));
    let mut up = cwd.as_str();
    while let Some(slash) = up.rfind('/') {
        up = if slash == 0 { "/" } else { &up[..slash] };
        e.reads.path(PathAccess {
            path: up.to_string(),
            reach: Reach::Shallow,
        });
        if up == "/" {
            break;
        }
    }
    if let Some(t) = tool {
        for c in knowledge::project_config(t) {
            if let Some(p) = resolve(Some(&cwd), c) {
                e.reads.path(PathAccess::file(p));
            }
        }
        trees(&mut e.reads, knowledge::tool_config(t));
    }
    Ok(cwd)
}

fn action_effects(
    program: &str,
    cmd: &SimpleCommand,
    a: &ActionKind,
    r: &mut Resolver,
    e: &mut Effects,
) -> Result<(), ()> {
    match a {
        ActionKind::SystemInstall {
            manager,
            local: true,
            ..
        } => {
            package_manager(*manager, e);
            project_reads(r, e, None)?;
            for w in operands(cmd) {
                if w.value.contains('/')
                    || w.value.ends_with(".deb")
                    || w.value.ends_with(".rpm")
                    || w.value.ends_with(".apk")
                {
                    let p = r.path(w)?;
                    e.reads.path(PathAccess::tree(p));
                }
            }
        }
        ActionKind::SystemInstall { manager, .. }
        | ActionKind::SystemRemove { manager, .. }
        | ActionKind::SystemUpdate { manager }
        | ActionKind::SystemUpgrade { manager }
        | ActionKind::SystemClean { manager } => package_manager(*manager, e),
        ActionKind::DependencyInstall { tool, files, .. } => {
            let cwd = project_reads(r, e, Some(*tool))?;
            for file in files {
                if let Some(p) = resolve(Some(&cwd), file) {
                    e.reads.path(PathAccess::tree(p));
                }
            }
            trees(&mut e.reads, knowledge::CA_STORE);
            trees(&mut e.reads, knowledge::SYSTEM_DIRS);
            trees(&mut e.reads, knowledge::HOME_DIRS);
            e.writes.path(PathAccess::tree(cwd));
            trees(&mut e.writes, knowledge::SYSTEM_DIRS);
            trees(&mut e.writes, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::tool_config(*tool));
        }
        ActionKind::ToolInstall { tool, .. } => {
            trees(&mut e.reads, knowledge::tool_config(*tool));
            trees(&mut e.reads, knowledge::CA_STORE);
            trees(&mut e.reads, knowledge::SYSTEM_DIRS);
            trees(&mut e.reads, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::SYSTEM_DIRS);
            trees(&mut e.writes, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::tool_config(*tool));
        }
        ActionKind::Build {
            tool,
            output,
            operands: ops,
            installs,
            ..
        } => {
            let cwd = project_reads(r, e, Some(*tool))?;
            let compiler = matches!(tool, Tool::Go)
                || (*tool == Tool::Cc
                    && matches!(program, "gcc" | "cc" | "g++" | "c++" | "clang" | "clang++"));
            match knowledge::source_extensions(*tool).filter(|_| compiler) {
                // A compiler reads source files wherever its module or include path says: anywhere.
                Some(exts) => {
                    e.reads
                        .paths
                        .retain(|p| p.path != cwd || p.reach != Reach::Tree);
                    e.reads.path(PathAccess {
                        path: "/".into(),
                        reach: Reach::Ext(exts),
                    });
                }
                None => {
                    for op in ops {
                        if op.starts_with("./") || op.starts_with("../") || op.starts_with('/') {
                            if let Some(p) = resolve(Some(&cwd), before_glob(op)) {
                                e.reads.path(PathAccess::tree(p));
                            }
                        }
                    }
                }
            }
            trees(&mut e.reads, knowledge::SYSTEM_DIRS);
            trees(&mut e.reads, knowledge::HOME_DIRS);
            match output {
                Some(o) => match resolve(Some(&cwd), o) {
                    Some(p) => e.writes.path(PathAccess::file(p)),
                    None => return Err(()),
                },
                None if *tool == Tool::Go => e.writes.path(PathAccess {
                    path: cwd.clone(),
                    reach: Reach::Ext(&[""]),
                }),
                None => e.writes.path(PathAccess::tree(cwd.clone())),
            }
            if *tool != Tool::Go && *tool != Tool::Cc {
                e.writes.path(PathAccess::tree(cwd));
            }
            if *installs {
                trees(&mut e.writes, knowledge::SYSTEM_DIRS);
            }
            trees(&mut e.writes, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::tool_config(*tool));
        }
        ActionKind::Download { output, .. } => {
            trees(&mut e.reads, knowledge::CA_STORE);
            e.reads.path(PathAccess::file("/etc/resolv.conf"));
            let args = cmd.args();
            match output {
                Some(o) if o != "-" => {
                    let w = Word {
                        range: 0..0,
                        value: o.clone(),
                        dynamic: o.contains('$'),
                    };
                    let p = r.path(&w)?;
                    e.writes.path(PathAccess::file(p));
                }
                Some(_) => {}
                None if program == "wget"
                    || args
                        .iter()
                        .any(|a| matches!(*a, "-O" | "--remote-name" | "-P")) =>
                {
                    let cwd = r.cwd()?;
                    e.writes.path(PathAccess::tree(cwd));
                }
                None => {}
            }
        }
        ActionKind::Chmod { targets, .. } | ActionKind::Chown { targets, .. } => {
            if let ActionKind::Chown { .. } = a {
                e.reads.path(PathAccess::file("/etc/passwd"));
                e.reads.path(PathAccess::file("/etc/group"));
            }
            for t in targets {
                let p = r.path(t)?;
                e.reads.path(PathAccess::tree(p.clone()));
                e.writes.path(PathAccess::tree(p));
            }
        }
        ActionKind::Remove { paths } => {
            for p in paths {
                let w = Word {
                    range: 0..0,
                    value: p.clone(),
                    dynamic: p.contains('$'),
                };
                let p = r.path(&w)?;
                e.writes.path(PathAccess::tree(p));
            }
        }
        ActionKind::CacheClean { tool } => {
            trees(&mut e.reads, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::HOME_DIRS);
            trees(&mut e.writes, knowledge::tool_config(*tool));
            trees(
                &mut e.writes,
                &["/tmp", "/var/cache", "/usr/local/share/.cache"],
            );
        }
    }
    Ok(())
}

fn package_manager(pm: knowledge::PackageManager, e: &mut Effects) {
    trees(&mut e.reads, knowledge::package_manager_config(pm));
    trees(&mut e.reads, knowledge::CA_STORE);
    trees(&mut e.reads, knowledge::SYSTEM_DIRS);
    e.reads.path(PathAccess::file("/etc/resolv.conf"));
    trees(&mut e.writes, knowledge::SYSTEM_DIRS);
}
