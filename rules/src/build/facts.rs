//! What each instruction of a document does, as the optimizer rules ask it: arguments read from the source, COPY
//! sources and destination, RUN scripts and their recognised actions, stage bases.
use crate::build_context::BuildContext;
use crate::knowledge;
use crate::shell::{self, Action, Script};
use crate::syntax::ext_optimizer::{self, ArgWord, Args, CopyArgs};
use crate::syntax::{query, Document, ImageRef, Instruction, Kind, Stage};

/// A COPY or ADD.
#[derive(Clone, Debug)]
pub(crate) struct CopyFacts {
    /// `--from=` as written.
    pub from: Option<String>,
    /// The earlier stage `--from` names.
    pub from_stage: Option<usize>,
    pub sources: Vec<ArgWord>,
    pub dest: ArgWord,
    /// Some sources are heredocs.
    pub heredoc: bool,
    /// `ADD https://...` or a git URL.
    pub remote: bool,
    /// Copies a folder of the build context (`.`, `src/`, `app`).
    pub broad: bool,
    /// Every source is a manifest or lock file.
    pub manifests_only: bool,
    /// `--from` names a stage whose content depends on the build context.
    pub from_volatile_stage: bool,
}

impl CopyFacts {
    /// From the build context (not another stage or image, not a URL).
    pub fn in_context(&self) -> bool {
        self.from.is_none() && !self.remote
    }

    /// Changes when the sources change: the layer cache misses from here on.
    pub fn volatile(&self) -> bool {
        if self.from_stage.is_some() {
            return self.from_volatile_stage;
        }
        self.in_context() && !self.manifests_only && !self.sources.is_empty()
    }
}

/// One instruction, analysed.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub index: usize,
    pub args: Args,
    /// Boxed: most instructions are no COPY, and the analysis holds a step for every instruction.
    pub copy: Option<Box<CopyFacts>>,
    /// RUN, CMD, ENTRYPOINT in a POSIX shell stage.
    pub script: Option<Script>,
    pub actions: Vec<Action>,
}

/// The analysed document.
pub(crate) struct Facts<'a> {
    pub doc: &'a Document,
    pub steps: Vec<Step>,
    pub build_context: Option<&'a dyn BuildContext>,
    /// The RUN, CMD and ENTRYPOINT scripts carry ShellCheck's common findings ([`Script::lints`]).
    pub shell_lints: bool,
    /// The state in force and the effects of each instruction, built on first use.
    model: std::cell::OnceCell<super::model::BuildModel>,
    /// The state in force alone (cheaper), built on first use.
    states: std::cell::OnceCell<super::state::States>,
    /// The stage each stage's FROM names, found once: walks up a chain of stages follow these, so that a chain of
    /// thousands of stages costs its length, not its square.
    parents: Vec<Option<usize>>,
    /// [`Facts::effective`]'s answers by stage and kind, filled as asked.
    effective: std::cell::RefCell<std::collections::HashMap<(usize, Kind), Option<usize>>>,
}

fn is_windows_image(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("windows") || n.contains("servercore") || n.contains("nanoserver")
}

impl<'a> Facts<'a> {
    /// The analysis without ShellCheck's findings in the scripts: what every reader but the ShellCheck rules needs.
    pub fn of(doc: &'a Document, build_context: Option<&'a dyn BuildContext>) -> Facts<'a> {
        Facts::reading(doc, build_context, false)
    }

    /// The analysis, with ShellCheck's findings in the scripts when `shell_lints` asks for them.
    pub fn reading(
        doc: &'a Document,
        build_context: Option<&'a dyn BuildContext>,
        shell_lints: bool,
    ) -> Facts<'a> {
        let text = doc.text();
        let escape = doc.escape();
        let mut posix_at: Vec<bool> = vec![true; doc.instructions().len()];
        let mut posix: Vec<bool> = Vec::new();
        // Only an earlier stage: the walks up the chain end, whatever the names say.
        let parents: Vec<Option<usize>> = doc
            .stages()
            .iter()
            .map(|s| base_stage(doc, s).map(|p| p.index).filter(|&p| p < s.index))
            .collect();
        for stage in doc.stages() {
            let mut p = match parents[stage.index] {
                Some(parent) => *posix.get(parent).unwrap_or(&true),
                None => !is_windows_image(&stage.base),
            };
            posix.push(p);
            for i in stage.instructions.clone() {
                let ins = &doc.instructions()[i];
                if ins.kind == Kind::Shell {
                    let a = ext_optimizer::args(text, ins, escape);
                    p = a.json.as_ref().and_then(|e| e.first()).is_some_and(|e| {
                        matches!(
                            shell::basename(&e.value),
                            "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh"
                        )
                    });
                }
                posix_at[i] = p;
            }
        }
        let mut steps: Vec<Step> = doc
            .instructions()
            .iter()
            .enumerate()
            .map(|(i, ins)| {
                let posix = posix_at[i];
                step(doc, i, ins, posix, build_context, shell_lints)
            })
            .collect();
        // A stage depends on the build context when it (or a stage it builds on or copies from) reads it.
        let mut stage_volatile: Vec<bool> = Vec::new();
        for stage in doc.stages() {
            let mut v = parents[stage.index]
                .is_some_and(|p| stage_volatile.get(p).copied().unwrap_or(true));
            for i in stage.instructions.clone() {
                let step = &mut steps[i];
                if let Some(c) = step.copy.as_mut() {
                    if let Some(from) = c.from_stage {
                        c.from_volatile_stage = stage_volatile.get(from).copied().unwrap_or(true);
                    }
                    v |= c.volatile() || (c.in_context() && !c.sources.is_empty());
                }
                // `RUN --mount=type=bind` (the default type) reads the build context, or a stage.
                let binds = step
                    .args
                    .flags
                    .iter()
                    .filter(|fl| fl.name == "mount")
                    .any(|fl| {
                        let opts = fl.options();
                        let kind = opts
                            .iter()
                            .find(|(k, _)| k == "type")
                            .and_then(|(_, v)| v.clone());
                        let from = opts
                            .iter()
                            .find(|(k, _)| k == "from")
                            .and_then(|(_, v)| v.clone());
                        matches!(kind.as_deref(), None | Some("bind"))
                            && from.is_none_or(|f| {
                                query::earlier_stage(doc, stage.index, &f).is_some_and(|s| {
                                    stage_volatile.get(s.index).copied().unwrap_or(true)
                                })
                            })
                    });
                v |= binds && doc.instructions()[i].kind == Kind::Run;
            }
            stage_volatile.push(v);
        }
        Facts {
            doc,
            steps,
            build_context,
            shell_lints,
            model: std::cell::OnceCell::new(),
            states: std::cell::OnceCell::new(),
            parents,
            effective: Default::default(),
        }
    }

    /// The earlier stage a stage's FROM names.
    pub fn parent(&self, stage: &Stage) -> Option<&'a Stage> {
        let p = (*self.parents.get(stage.index)?)?;
        self.doc.stages().get(p)
    }

    /// What is in force at each instruction (ARG/ENV, WORKDIR, USER, SHELL).
    pub fn states(&self) -> &super::state::States {
        match self.model.get() {
            Some(m) => &m.states,
            None => self
                .states
                .get_or_init(|| super::state::States::of(self.doc)),
        }
    }

    /// The build model of the document: what is in force, what each instruction reads and writes, what depends on
    /// what.
    pub fn model(&self) -> &super::model::BuildModel {
        self.model
            .get_or_init(|| super::model::BuildModel::of(self.doc, self))
    }

    /// Whether the build model has been built (for tests of what is computed when).
    #[cfg(test)]
    pub fn has_model(&self) -> bool {
        self.model.get().is_some()
    }

    pub fn ins(&self, i: usize) -> &'a Instruction {
        &self.doc.instructions()[i]
    }

    /// The image a stage is ultimately built on (through `FROM <stage>`).
    pub fn base_image(&self, stage: &Stage) -> Option<&'a ImageRef> {
        let root = self.ancestors(stage).last().copied();
        let s = root.or_else(|| self.doc.stages().get(stage.index))?;
        self.doc.instructions()[s.from].image.as_deref()
    }

    /// The stages a stage builds on, nearest first (itself excluded).
    pub fn ancestors(&self, stage: &Stage) -> Vec<&'a Stage> {
        let mut out = Vec::new();
        let mut s = stage;
        // Each parent is an earlier stage, so the walk ends.
        while let Some(parent) = self.parent(s) {
            out.push(parent);
            s = parent;
        }
        out
    }

    /// Whether a Go file in the build context uses `//go:embed`, so that any file the build sees may be part of
    /// the binary. Without a build context, no; past 2,000 entries, assumed so.
    pub fn go_embeds(&self) -> bool {
        let Some(ctx) = self.build_context else {
            return false;
        };
        let mut stack = vec![String::new()];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for name in ctx.list(&dir) {
                seen += 1;
                if seen > 2000 {
                    return true;
                }
                let path = if dir.is_empty() {
                    name.clone()
                } else {
                    format!("{dir}/{name}")
                };
                if name.ends_with(".go") {
                    if ctx.read(&path).is_some_and(|t| t.contains("go:embed")) {
                        return true;
                    }
                } else if !ctx.list(&path).is_empty() {
                    stack.push(path);
                }
            }
        }
        false
    }

    /// The last instruction of a kind in a stage or, failing that, in the stages it builds on.
    pub fn effective(&self, stage: &Stage, kind: Kind) -> Option<usize> {
        // Up the chain to the first stage that has one or whose answer is known, then the answer for every stage
        // passed: each stage's instructions are read once per kind, however often and from where it is asked.
        let mut passed = Vec::new();
        let mut s = Some(stage);
        let found = loop {
            let Some(at) = s else { break None };
            if let Some(&known) = self.effective.borrow().get(&(at.index, kind)) {
                break known;
            }
            passed.push(at.index);
            if let Some(i) = at
                .instructions
                .clone()
                .rev()
                .find(|&i| self.ins(i).kind == kind)
            {
                break Some(i);
            }
            s = self.parent(at);
        };
        let mut memo = self.effective.borrow_mut();
        for p in passed {
            memo.insert((p, kind), found);
        }
        found
    }
}

/// The earlier stage a stage's FROM names.
pub(crate) fn base_stage<'d>(doc: &'d Document, stage: &Stage) -> Option<&'d Stage> {
    if !query::from_is_stage_ref(doc, stage) {
        return None;
    }
    query::earlier_stage(doc, stage.index, &stage.base)
}

fn step(
    doc: &Document,
    index: usize,
    ins: &Instruction,
    posix: bool,
    ctx: Option<&dyn BuildContext>,
    shell_lints: bool,
) -> Step {
    let (text, escape) = (doc.text(), doc.escape());
    let args = ext_optimizer::args(text, ins, escape);
    let mut copy = None;
    // A template placeholder (`{{ .Cmd }}`): not a Dockerfile yet, nothing certain to say about it.
    if is_template(text, ins) {
        return Step {
            index,
            args,
            copy: None,
            script: None,
            actions: Vec::new(),
        };
    }
    let mut script = None;
    let mut actions = Vec::new();
    match ins.kind {
        Kind::Copy | Kind::Add => {
            copy = ext_optimizer::copy_args(&args)
                .map(|c| Box::new(copy_facts(doc, index, ins, &args, c, ctx)));
        }
        Kind::Run | Kind::Cmd | Kind::Entrypoint if posix => {
            script = shell::script_of(text, ins, &args, shell_lints);
            if ins.kind == Kind::Run {
                actions = script.as_ref().map(|s| s.actions()).unwrap_or_default();
            }
        }
        _ => {}
    }
    Step {
        index,
        args,
        copy,
        script,
        actions,
    }
}

/// Whether an instruction holds a template placeholder (`{{ .Cmd }}`). Its logical text is built (a copy, for an
/// instruction with continuations) only when the source has braces at all.
pub(crate) fn is_template(text: &str, ins: &Instruction) -> bool {
    let raw = text.get(ins.range.clone()).unwrap_or("");
    if !(raw.contains('{') && raw.contains('}')) {
        return false;
    }
    let logical = ins.logical(text);
    logical.contains("{{") && logical.contains("}}")
}

/// File names without an extension that are files, not folders.
const EXTENSIONLESS_FILES: &[&str] = &[
    "Makefile",
    "Dockerfile",
    "Gemfile",
    "Pipfile",
    "Procfile",
    "LICENSE",
    "README",
    "Jenkinsfile",
    "Rakefile",
    "Caddyfile",
    "Brewfile",
    "VERSION",
    "mvnw",
    "gradlew",
    "entrypoint",
    "docker-entrypoint",
];

/// Whether a COPY source is a folder (or the whole context).
fn is_folder(value: &str, ctx: Option<&dyn BuildContext>) -> bool {
    let v = value.trim_start_matches("./");
    if v.is_empty() || v == "." || v == "*" || value.ends_with('/') {
        return true;
    }
    if v.contains('*') || v.contains('$') {
        return false;
    }
    if let Some(c) = ctx {
        return !c.list(v).is_empty();
    }
    let base = v.rsplit('/').next().unwrap_or(v);
    // `VERSION`, `MLX_C_VERSION`: upper-case names are files by convention.
    let upper = base.chars().any(|c| c.is_ascii_uppercase())
        && !base.chars().any(|c| c.is_ascii_lowercase());
    !base.contains('.') && !EXTENSIONLESS_FILES.contains(&base) && !upper
}

fn copy_facts(
    doc: &Document,
    index: usize,
    ins: &Instruction,
    args: &Args,
    c: CopyArgs,
    ctx: Option<&dyn BuildContext>,
) -> CopyFacts {
    let from = args.flag("from").and_then(|f| f.value.clone());
    let from_stage = from.as_deref().and_then(|f| {
        let here = doc.stage_of(index)?.index;
        query::earlier_stage(doc, here, f)
            .or_else(|| {
                f.parse::<usize>()
                    .ok()
                    .and_then(|n| doc.stages().get(n))
                    .filter(|s| s.index < here)
            })
            .map(|s| s.index)
    });
    let remote = ins.kind == Kind::Add
        && c.sources
            .iter()
            .any(|s| s.value.contains("://") || s.value.starts_with("git@"));
    let in_context = from.is_none() && !remote;
    let broad = in_context && c.sources.iter().any(|s| is_folder(&s.value, ctx));
    let manifests_only =
        !c.sources.is_empty() && c.sources.iter().all(|s| knowledge::is_manifest(&s.value));
    CopyFacts {
        from,
        from_stage,
        heredoc: c.heredoc_sources > 0,
        sources: c.sources,
        dest: c.dest,
        remote,
        broad,
        manifests_only,
        from_volatile_stage: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_classified() {
        let src = "FROM a AS b\nCOPY . .\nCOPY package*.json ./\nCOPY src/ ./src/\nCOPY app.py .\nADD https://x/y.tgz /tmp/\nFROM b\nCOPY --from=b /x /y\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\n";
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        let c = |i: usize| f.steps[i].copy.clone().unwrap();
        assert!(c(1).broad && c(1).volatile());
        assert!(c(2).manifests_only && !c(2).volatile());
        assert!(c(3).broad);
        assert!(!c(4).broad && c(4).volatile());
        assert!(c(5).remote && !c(5).volatile());
        assert_eq!(c(7).from_stage, Some(0));
        assert!(c(7).volatile());
        assert!(c(8).from_stage.is_none() && !c(8).volatile());
        let src = "FROM golang AS go\nFROM alpine AS app\nCOPY . .\nFROM alpine\nCOPY --from=go /usr/local/go /go\nCOPY --from=app /x /x\n";
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        assert!(
            !f.steps[4].copy.as_ref().unwrap().volatile(),
            "a stage that reads no context"
        );
        assert!(f.steps[5].copy.as_ref().unwrap().volatile());
    }

    #[test]
    fn go_embeds_looks_through_the_build_context() {
        use crate::build_context::MemoryBuildContext;
        let doc = Document::parse("FROM golang\nCOPY . .\n");
        assert!(!Facts::of(&doc, None).go_embeds());
        let plain = MemoryBuildContext::new()
            .with_file("go.mod", "module x\n")
            .with_file("cmd/app.v2/main.go", "package main\n");
        assert!(!Facts::of(&doc, Some(&plain)).go_embeds());
        let embeds = MemoryBuildContext::new()
            .with_file("go.mod", "module x\n")
            .with_file("main.go", "package main\n")
            .with_file(
                "internal/web.v2/assets.go",
                "package web\n\n//go:embed static\nvar static embed.FS\n",
            );
        assert!(Facts::of(&doc, Some(&embeds)).go_embeds());
    }

    #[test]
    fn runs_in_a_powershell_stage_are_not_analysed() {
        let src = "FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN apt-get install x\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get install y\nFROM b\nRUN apt-get install z\n";
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        assert!(f.steps[2].actions.is_empty());
        assert!(f.steps[4].actions.is_empty());
        assert_eq!(f.steps[6].actions.len(), 1);
    }
}
