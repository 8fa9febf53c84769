//! Names in a Dockerfile and what they refer to: stage names and ARG/ENV variables, each occurrence resolved with
//! Docker's scoping. Navigation, rename, highlights, hover and completion all read this one index.
//!
//! Scoping, as BuildKit applies it: ARGs before the first FROM are global and visible in FROM lines only; a stage sees
//! a global ARG after redeclaring it (`ARG NAME`), which is the same build argument, so it joins the global's group.
//! ARG and ENV declared in a stage are visible from the next instruction to the end of the stage; a stage built
//! `FROM` an earlier stage inherits that stage's ENV. RUN commands, shell-form CMD/ENTRYPOINT and heredoc scripts see
//! them as environment variables, so `$NAME` there counts as a reference too.
use std::collections::HashMap;
use std::ops::Range;

use dflint_rules::syntax::{Command, Document, Instruction, Kind};

/// Which name an occurrence belongs to: all occurrences with equal keys are renamed together.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A stage, by its lower-cased name (Docker compares stage names case-insensitively).
    Stage(String),
    /// A global ARG and its redeclarations in stages.
    Global(String),
    /// An ARG or ENV declared in a stage (by stage index).
    Local(usize, String),
    /// A variable with no declaration in scope (in a stage, or `None` in the global part and FROM lines).
    Unresolved(Option<usize>, String),
}

impl Key {
    pub fn is_stage(&self) -> bool {
        matches!(self, Key::Stage(_))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `FROM ... AS name`, `ARG NAME`, `ENV NAME=`.
    Definition,
    Reference,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name only (`APP` in `${APP:-x}`, `build` in `--from=build`).
    pub range: Range<usize>,
    pub name: String,
    pub key: Key,
    pub role: Role,
    /// Index of the top-level instruction it is in.
    pub instruction: usize,
    /// For a reference, or a redeclaration of a global ARG: the occurrence (index) of the definition it resolves to.
    pub target: Option<usize>,
}

#[derive(Default)]
pub struct Names {
    /// Sorted by start.
    pub occurrences: Vec<Occurrence>,
}

struct Def {
    key: Key,
    occurrence: usize,
    instruction: usize,
    env: bool,
}

impl Names {
    pub fn build(doc: &Document) -> Names {
        Builder::new(doc).run()
    }

    /// The occurrence whose name contains `offset` (its end included, where a cursor after a word sits).
    pub fn at(&self, offset: usize) -> Option<(usize, &Occurrence)> {
        let i = self.occurrences.partition_point(|o| o.range.end < offset);
        self.occurrences[i..]
            .iter()
            .enumerate()
            .take_while(|(_, o)| o.range.start <= offset)
            .find(|(_, o)| o.range.contains(&offset) || o.range.end == offset)
            .map(|(j, o)| (i + j, o))
    }

    /// Every occurrence of a key, in file order.
    pub fn group<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.key == key)
    }

    /// The definition an occurrence resolves to (itself for a definition that redeclares nothing).
    pub fn definition(&self, index: usize) -> Option<&Occurrence> {
        let o = self.occurrences.get(index)?;
        match (o.role, o.target) {
            (_, Some(t)) => self.occurrences.get(t),
            (Role::Definition, None) => Some(o),
            (Role::Reference, None) => None,
        }
    }

    /// Stages that use stage `index` (by name) in `COPY --from`, `RUN --mount=from=` or `FROM`.
    pub fn users_of_stage<'a>(&'a self, doc: &'a Document, name: &str) -> Vec<usize> {
        let key = Key::Stage(name.to_ascii_lowercase());
        let mut out: Vec<usize> = self
            .group(&key)
            .filter(|o| o.role == Role::Reference)
            .filter_map(|o| doc.stage_of(o.instruction).map(|s| s.index))
            .collect();
        out.dedup();
        out
    }

    /// The variable names visible at the start of instruction `at` (`None`: the end of the file), with the
    /// definition they resolve to, nearest first.
    pub fn visible_variables(&self, doc: &Document, at: Option<usize>) -> Vec<&Occurrence> {
        let mut out: Vec<&Occurrence> = Vec::new();
        let at = at.unwrap_or(doc.instructions().len());
        let stage = doc.stage_of(at.min(doc.instructions().len().saturating_sub(1)));
        let in_from = doc
            .instructions()
            .get(at)
            .is_some_and(|i| i.kind == Kind::From);
        let global_end = doc.stages().first().map_or(usize::MAX, |s| s.from);
        let mut seen: Vec<String> = Vec::new();
        let defs = self
            .occurrences
            .iter()
            .filter(|o| o.role == Role::Definition && !o.key.is_stage())
            .rev();
        for o in defs {
            let visible = match stage.filter(|_| !in_from) {
                None => o.instruction < at && o.instruction < global_end,
                Some(s) => {
                    (s.instructions.contains(&o.instruction) && o.instruction < at)
                        || self.inherited(doc, s.index, o)
                }
            };
            if visible && !seen.iter().any(|n| n == &o.name) {
                seen.push(o.name.clone());
                out.push(o);
            }
        }
        out
    }

    /// Whether definition `o` is an ENV of an ancestor stage of `stage` (stages built `FROM` an earlier stage).
    fn inherited(&self, doc: &Document, stage: usize, o: &Occurrence) -> bool {
        let mut current = stage;
        for _ in 0..doc.stages().len() {
            let Some(parent) = parent_stage(doc, current) else {
                return false;
            };
            let in_parent = doc.stages()[parent].instructions.contains(&o.instruction);
            let is_env = doc.instructions()[o.instruction].kind == Kind::Env;
            if in_parent && is_env {
                return true;
            }
            current = parent;
        }
        false
    }
}

/// The earlier stage a stage's FROM names, if any.
pub fn parent_stage(doc: &Document, stage: usize) -> Option<usize> {
    let s = doc.stages().get(stage)?;
    let image = doc.instructions()[s.from].image.as_ref()?;
    if !image.vars.is_empty() {
        return None;
    }
    doc.stages()[..stage]
        .iter()
        .rev()
        .find(|p| {
            p.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&image.text))
        })
        .map(|p| p.index)
}

/// The index of names is built once per version of a document and must stay linear in its size, however many
/// stages and definitions it has: lookups go through maps by name and binary searches, never scans of everything
/// seen so far.
struct Builder<'a> {
    doc: &'a Document,
    out: Vec<Occurrence>,
    /// Definitions seen so far, in file order.
    defs: Vec<Def>,
    /// The definitions (indices into `defs`) of each name, in file order.
    defs_by_name: HashMap<String, Vec<usize>>,
    /// The stages of each lower-cased name, in file order.
    stages_by_name: HashMap<String, Vec<usize>>,
    /// Each stage's parent: the earlier stage its FROM names.
    parents: Vec<Option<usize>>,
}

impl<'a> Builder<'a> {
    fn new(doc: &'a Document) -> Builder<'a> {
        let mut stages_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for s in doc.stages() {
            if let Some(name) = &s.name {
                stages_by_name
                    .entry(name.to_ascii_lowercase())
                    .or_default()
                    .push(s.index);
            }
        }
        let parents = doc
            .stages()
            .iter()
            .map(|s| {
                let image = doc.instructions()[s.from].image.as_ref()?;
                if !image.vars.is_empty() {
                    return None;
                }
                let named = stages_by_name.get(&image.text.to_ascii_lowercase())?;
                let before = named.partition_point(|&p| p < s.index);
                before.checked_sub(1).map(|k| named[k])
            })
            .collect();
        Builder {
            doc,
            out: Vec::new(),
            defs: Vec::new(),
            defs_by_name: HashMap::new(),
            stages_by_name,
            parents,
        }
    }

    /// Whether a stage is called `name` (among the stages before `before`, when given).
    fn stage_named(&self, name: &str, before: Option<usize>) -> bool {
        self.stages_by_name
            .get(&name.to_ascii_lowercase())
            .is_some_and(|v| v[0] < before.unwrap_or(usize::MAX))
    }

    /// The last definition of `name` in an instruction before `end` and from `floor` on (an ENV when `env_only`).
    fn last_before(&self, name: &str, end: usize, floor: usize, env_only: bool) -> Option<usize> {
        let list = self.defs_by_name.get(name)?;
        let before = list.partition_point(|&d| self.defs[d].instruction < end);
        list[..before]
            .iter()
            .rev()
            .take_while(|&&d| self.defs[d].instruction >= floor)
            .find(|&&d| !env_only || self.defs[d].env)
            .copied()
    }

    fn run(mut self) -> Names {
        let doc = self.doc;
        for (i, ins) in doc.instructions().iter().enumerate() {
            let stage = doc.stage_of(i).map(|s| s.index);
            self.stage_names(i, ins);
            // References first: `ENV A=$A` reads the A declared before this instruction.
            for (name, range) in references(doc, ins) {
                let resolved = self.resolve(stage, i, &name);
                let (key, target) = match resolved {
                    Some(d) => (self.defs[d].key.clone(), Some(self.defs[d].occurrence)),
                    None => (Key::Unresolved(stage, name.clone()), None),
                };
                self.push(range, name, key, Role::Reference, i, target);
            }
            if matches!(ins.kind, Kind::Arg | Kind::Env) {
                for pair in &ins.pairs {
                    self.define(
                        stage,
                        i,
                        ins.kind == Kind::Env,
                        &pair.key,
                        pair.key_range.clone(),
                    );
                }
            }
        }
        let mut out = self.out;
        // Keep the targets valid while sorting: sort an index and remap.
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by_key(|&i| (out[i].range.start, out[i].range.end));
        let mut new_index = vec![0; out.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        for o in &mut out {
            o.target = o.target.map(|t| new_index[t]);
        }
        let mut sorted: Vec<Option<Occurrence>> = out.into_iter().map(Some).collect();
        let occurrences = order
            .iter()
            .map(|&i| sorted[i].take().expect("each index once"))
            .collect();
        Names { occurrences }
    }

    fn push(
        &mut self,
        range: Range<usize>,
        name: String,
        key: Key,
        role: Role,
        ins: usize,
        target: Option<usize>,
    ) {
        self.out.push(Occurrence {
            range,
            name,
            key,
            role,
            instruction: ins,
            target,
        });
    }

    fn define(
        &mut self,
        stage: Option<usize>,
        i: usize,
        env: bool,
        name: &str,
        range: Range<usize>,
    ) {
        if name.is_empty() {
            return;
        }
        let global_end = self.doc.stages().first().map_or(usize::MAX, |s| s.from);
        let global = self
            .last_before(name, global_end, 0, false)
            .map(|d| self.defs[d].occurrence);
        let (key, target) = match stage {
            None => (Key::Global(name.to_string()), None),
            // `ARG NAME` in a stage redeclares the global build argument of that name.
            Some(_) if !env && global.is_some() => (Key::Global(name.to_string()), global),
            Some(s) => (Key::Local(s, name.to_string()), None),
        };
        let occurrence = self.out.len();
        self.push(
            range,
            name.to_string(),
            key.clone(),
            Role::Definition,
            i,
            target,
        );
        self.defs_by_name
            .entry(name.to_string())
            .or_default()
            .push(self.defs.len());
        self.defs.push(Def {
            key,
            occurrence,
            instruction: i,
            env,
        });
    }

    /// The definition (index into `defs`) a reference to `name` in instruction `i` resolves to.
    fn resolve(&self, stage: Option<usize>, i: usize, name: &str) -> Option<usize> {
        let doc = self.doc;
        let is_from = doc.instructions()[i].kind == Kind::From;
        let global_end = doc.stages().first().map_or(usize::MAX, |s| s.from);
        if is_from || stage.is_none() {
            return self.last_before(name, i.min(global_end), 0, false);
        }
        let mut current = stage?;
        let start = doc.stages()[current].instructions.start;
        if let Some(d) = self.last_before(name, i, start, false) {
            return Some(d);
        }
        for _ in 0..doc.stages().len() {
            current = self.parents[current]?;
            let range = doc.stages()[current].instructions.clone();
            if let Some(d) = self.last_before(name, range.end.min(i), range.start, true) {
                return Some(d);
            }
        }
        None
    }

    fn stage_names(&mut self, i: usize, ins: &Instruction) {
        let doc = self.doc;
        let add = |this: &mut Self, range: Range<usize>, name: &str, role: Role| {
            let key = Key::Stage(name.to_ascii_lowercase());
            this.push(range, name.to_string(), key, role, i, None);
        };
        if ins.kind == Kind::From {
            let stage = doc.stage_of(i).map(|s| s.index);
            if let Some(image) = &ins.image {
                if image.vars.is_empty() && self.stage_named(&image.text, stage) {
                    add(
                        self,
                        image.range.clone(),
                        &image.text.clone(),
                        Role::Reference,
                    );
                }
            }
            if let Some((name, range)) = ins.stage_name.as_deref() {
                add(self, range.clone(), name, Role::Definition);
            }
        }
        for flag in &ins.flags {
            let Some(value_range) = flag.value_range.clone() else {
                continue;
            };
            let text = &doc.text()[value_range.clone()];
            if flag.name.eq_ignore_ascii_case("from") && matches!(ins.kind, Kind::Copy | Kind::Add)
            {
                let (range, name) = unquoted(text, value_range.start);
                if !name.is_empty() && flag.vars.is_empty() && self.stage_named(name, None) {
                    add(self, range, name, Role::Reference);
                }
            }
            if flag.name.eq_ignore_ascii_case("mount") && ins.kind == Kind::Run {
                if let Some((range, name)) = mount_option(text, value_range.start, "from") {
                    if self.stage_named(name, None) && !name.contains('$') {
                        add(self, range, name, Role::Reference);
                    }
                }
            }
        }
    }
}

/// The text without surrounding quotes, and its range.
fn unquoted(text: &str, at: usize) -> (Range<usize>, &str) {
    let t = text.trim();
    let lead = text.len() - text.trim_start().len();
    let q = t.len() >= 2
        && (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''));
    if q {
        (at + lead + 1..at + lead + t.len() - 1, &t[1..t.len() - 1])
    } else {
        (at + lead..at + lead + t.len(), t)
    }
}

/// The value of `key=` in a comma-separated option list (`type=cache,from=build`), with its range.
pub fn mount_option<'t>(text: &'t str, at: usize, key: &str) -> Option<(Range<usize>, &'t str)> {
    let (range, inner) = unquoted(text, at);
    let base = range.start;
    let mut offset = 0;
    for part in inner.split(',') {
        if let Some((k, v)) = part.split_once('=') {
            if k.trim().eq_ignore_ascii_case(key) {
                let start = base + offset + k.len() + 1;
                let (range, value) = unquoted(v, start);
                return Some((range, value));
            }
        }
        offset += part.len() + 1;
    }
    None
}

/// Variable references of an instruction: those Docker expands, and `$NAME` in commands the shell will expand.
fn references(doc: &Document, ins: &Instruction) -> Vec<(String, Range<usize>)> {
    let mut out: Vec<(String, Range<usize>)> = ins
        .var_refs()
        .into_iter()
        .filter(|v| !v.name.is_empty())
        .map(|v| (v.name.clone(), v.name_range.clone()))
        .collect();
    let text = doc.text();
    let escape = doc.escape();
    let mut scan = |range: Range<usize>| out.extend(shell_refs(text, range, escape));
    let command = match ins.kind {
        Kind::Healthcheck => match ins.healthcheck.as_deref() {
            Some(dflint_rules::syntax::Healthcheck::Cmd { command, .. }) => command.as_ref(),
            _ => None,
        },
        _ => ins.command.as_ref(),
    };
    if let Some(c) = command {
        match c {
            Command::Shell(s) => scan(s.range.clone()),
            // Exec form runs no shell, unless it is `["sh", "-c", "..."]`: scan the strings.
            Command::Exec(e) => e.elements.iter().for_each(|el| scan(el.range.clone())),
        }
    }
    for h in &ins.heredocs {
        let script = ins.kind == Kind::Run;
        if script || !h.quoted {
            scan(h.body_range.clone());
        }
    }
    out.sort_by_key(|(_, r)| (r.start, r.end));
    out.dedup_by(|a, b| a.1 == b.1);
    out
}

/// `$NAME` and `${NAME...}` in shell text, skipping single-quoted parts and escaped dollars.
pub fn shell_refs(text: &str, range: Range<usize>, escape: char) -> Vec<(String, Range<usize>)> {
    let bytes = text.as_bytes();
    let end = range.end.min(text.len());
    let mut out = Vec::new();
    let (mut single, mut double) = (false, false);
    let mut i = range.start;
    let esc = escape as u32 as u8;
    while i < end {
        let b = bytes[i];
        if b == esc && escape.is_ascii() && !single {
            i += 2;
            continue;
        }
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'$' if !single => {
                let braced = bytes.get(i + 1) == Some(&b'{');
                let start = i + 1 + usize::from(braced);
                let mut j = start;
                while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let name = &text[start..j];
                if !name.is_empty() && !name.as_bytes()[0].is_ascii_digit() {
                    out.push((name.to_string(), start..j));
                }
                i = j.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> (Document, Names) {
        let doc = Document::parse(text);
        let n = Names::build(&doc);
        (doc, n)
    }

    fn key_at<'a>(doc: &Document, n: &'a Names, needle: &str, nth: usize) -> &'a Occurrence {
        let at = doc.text().match_indices(needle).nth(nth).unwrap().0;
        let at = at + needle.len() - needle.trim_start_matches(['$', '{']).len();
        n.at(at).unwrap().1
    }

    #[test]
    fn global_arg_redeclarations_join_the_global() {
        let (doc, n) = names(
            "ARG V=1\nFROM a:$V AS build\nARG V\nRUN echo $V '$V' \\$V\nFROM b\nARG V\nENV V=x$V\nRUN echo ${V}\n",
        );
        let global = Key::Global("V".into());
        let all: Vec<&str> = n
            .group(&global)
            .map(|o| &doc.text()[o.range.clone()])
            .collect();
        // The global, `$V` in FROM, the redeclaration, `echo $V`, the second redeclaration and `x$V`.
        assert_eq!(all.len(), 6, "{:?}", n.occurrences);
        let last = key_at(&doc, &n, "${V}", 0);
        assert_eq!(last.key, Key::Local(1, "V".into()));
        let def = n
            .definition(n.at(doc.text().find("${V}").unwrap() + 2).unwrap().0)
            .unwrap();
        assert_eq!(doc.line_index().line(def.range.start), 6);
        // Redeclaration resolves to the global definition.
        let redecl = n.at(doc.text().find("ARG V\nRUN").unwrap() + 4).unwrap().0;
        assert_eq!(n.definition(redecl).unwrap().range, 4..5);
    }

    #[test]
    fn stage_names_in_from_copy_and_mount() {
        let (doc, n) = names(
            "FROM a AS Build\nRUN x\nFROM build AS two\nCOPY --from=BUILD /a /b\nRUN --mount=type=cache,from=build,target=/x true\nCOPY --from=other /a /b\n",
        );
        let key = Key::Stage("build".into());
        assert_eq!(n.group(&key).count(), 4);
        assert_eq!(n.users_of_stage(&doc, "build"), vec![1]);
        assert!(!n.occurrences.iter().any(|o| o.name == "other"));
    }

    #[test]
    fn env_is_inherited_by_child_stages_and_args_are_not() {
        let (doc, n) = names("FROM a AS base\nENV E=1\nARG A=2\nFROM base\nRUN echo $E $A\n");
        assert_eq!(key_at(&doc, &n, "$E", 0).key, Key::Local(0, "E".into()));
        assert_eq!(
            key_at(&doc, &n, "$A", 0).key,
            Key::Unresolved(Some(1), "A".into())
        );
        let visible: Vec<&str> = n
            .visible_variables(&doc, Some(4))
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(visible, ["E"]);
    }
}
