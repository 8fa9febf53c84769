//! The contract every fix keeps: the fixed text, parsed and modelled again, has the same image config and the same
//! dependencies as the original, except for what the rule declares its fixes change.
use std::collections::BTreeMap;

use super::effects::Effects;
use super::model::BuildModel;
use crate::syntax::{buildkit, Document, Kind};

/// What a rule's fixes may change, besides text that reads the same to BuildKit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    /// Reorder instructions of a stage (never two dependent ones).
    Move,
    /// Delete instructions.
    Drop,
    /// Fold one instruction into another.
    Merge,
    /// Split one instruction into several.
    Split,
    /// Add instructions.
    Insert,
    /// Change what an instruction says (its arguments or flags).
    Rewrite,
    /// Add or remove stages: the whole-build rewrites; not compared.
    Stages,
    /// Change one key of the image config.
    Config(ConfigKey),
}

/// A key of the image config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigKey {
    Env,
    Label,
    Expose,
    User,
    Workdir,
    Cmd,
    Entrypoint,
    Healthcheck,
    Stopsignal,
    Shell,
    Volume,
    Onbuild,
    Maintainer,
}

impl ConfigKey {
    fn keyword(self) -> &'static str {
        match self {
            ConfigKey::Env => "ENV",
            ConfigKey::Label => "LABEL",
            ConfigKey::Expose => "EXPOSE",
            ConfigKey::User => "USER",
            ConfigKey::Workdir => "WORKDIR",
            ConfigKey::Cmd => "CMD",
            ConfigKey::Entrypoint => "ENTRYPOINT",
            ConfigKey::Healthcheck => "HEALTHCHECK",
            ConfigKey::Stopsignal => "STOPSIGNAL",
            ConfigKey::Shell => "SHELL",
            ConfigKey::Volume => "VOLUME",
            ConfigKey::Onbuild => "ONBUILD",
            ConfigKey::Maintainer => "MAINTAINER",
        }
    }
}

/// What the contract compares of one document.
pub(crate) struct Snapshot {
    pub(super) stages: Vec<StageSnapshot>,
}

pub(super) struct StageSnapshot {
    name: Option<String>,
    pub(super) config: BTreeMap<String, String>,
    /// Per instruction after FROM: its identity (kind and BuildKit's reading), its first line and its effects.
    pub(super) instructions: Vec<(String, String, Effects)>,
    /// Dependent pairs, as positions in `instructions`, in order (looked up by binary search: a stage of n
    /// instructions has up to n² pairs, and the comparison asks about every pair).
    pub(super) edges: Vec<(usize, usize)>,
    /// What its instructions read of earlier stages: (reader's position, stage, writer's position in that stage).
    pub(super) cross: Vec<(usize, usize, usize)>,
    /// The stage its FROM names.
    pub(super) base: Option<usize>,
}

/// How BuildKit reads an instruction: the same key means the same instruction.
pub(crate) fn identity(doc: &Document, i: usize) -> String {
    let ins = &doc.instructions()[i];
    let Ok(mut v) = buildkit::view(ins, doc.text(), doc.escape()) else {
        return format!(
            "{}\u{1e}{UNREAD}{}",
            ins.kind.keyword(),
            ins.logical(doc.text())
        );
    };
    // `FROM a as b`: the keyword's case means nothing.
    if ins.kind == Kind::From && v.value.len() == 3 {
        v.value[1].make_ascii_lowercase();
    }
    format!(
        "{}\u{1e}{}\u{1e}{}\u{1e}{}\u{1e}{:?}\u{1e}{:?}",
        ins.kind.keyword(),
        v.sub_cmd.as_deref().unwrap_or("").to_ascii_uppercase(),
        v.json,
        v.flags.join("\u{1f}"),
        v.value,
        v.heredocs
    )
}

/// What follows the keyword in the identity of an instruction BuildKit cannot read.
const UNREAD: char = '?';

/// Whether an identity is that of an instruction BuildKit cannot read (its config key then names its position).
pub(super) fn unread(id: &str) -> bool {
    id.split('\u{1e}')
        .nth(1)
        .is_some_and(|rest| rest.starts_with(UNREAD))
}

fn first_line(doc: &Document, i: usize) -> String {
    let ins = &doc.instructions()[i];
    let line = doc.text()[ins.range.clone()]
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    let short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    }
}

impl Snapshot {
    #[cfg(test)]
    pub fn of(doc: &Document) -> Snapshot {
        let facts = super::facts::Facts::of(doc, None);
        let model = BuildModel::of(doc, &facts);
        Snapshot::with(doc, &model)
    }

    pub fn with(doc: &Document, model: &BuildModel) -> Snapshot {
        let config = model.config(doc);
        let mut stages = Vec::new();
        for (s, stage) in doc.stages().iter().enumerate() {
            let body = stage.instructions.start + 1..stage.instructions.end;
            let instructions = body
                .clone()
                .map(|i| {
                    (
                        identity(doc, i),
                        first_line(doc, i),
                        model.effects[i].clone(),
                    )
                })
                .collect();
            // In order by construction (`a`, then `b`, ascending).
            let mut edges = Vec::new();
            for a in body.clone() {
                for b in a + 1..body.end {
                    if model.depends(a, b) {
                        edges.push((a - body.start, b - body.start));
                    }
                }
            }
            let mut cross = Vec::new();
            // A FROM line is position `usize::MAX`: a fix that keeps the stage keeps it.
            let position = |i: usize, first: usize| i.checked_sub(first + 1).unwrap_or(usize::MAX);
            for r in stage.instructions.clone() {
                for (ws, w) in model.stage_edges(doc, r) {
                    let from = doc.stages()[ws].instructions.start;
                    cross.push((position(r, stage.instructions.start), ws, position(w, from)));
                }
            }
            stages.push(StageSnapshot {
                name: stage.name.as_ref().map(|n| n.to_ascii_lowercase()),
                config: config[s].clone(),
                instructions,
                edges,
                cross,
                base: super::facts::base_stage(doc, stage)
                    .map(|p| p.index)
                    .filter(|&p| p < s),
            });
        }
        Snapshot { stages }
    }
}

/// Compares two whole documents (the second one the first with fixes applied), allowing `changes`.
pub(crate) fn check_documents(
    before: &Document,
    after: &Document,
    ctx: Option<&dyn crate::build_context::BuildContext>,
    changes: &[Change],
) -> Result<(), String> {
    let (fb, fa) = (
        super::facts::Facts::of(before, ctx),
        super::facts::Facts::of(after, ctx),
    );
    compare(
        &Snapshot::with(before, fb.model()),
        &Snapshot::with(after, fa.model()),
        changes,
    )
}

/// Whether a rule's fixes may change more than the text of one instruction.
pub(crate) fn structural(changes: &[Change]) -> bool {
    changes.iter().any(|c| {
        matches!(
            c,
            Change::Move
                | Change::Drop
                | Change::Merge
                | Change::Split
                | Change::Insert
                | Change::Stages
        )
    })
}

/// The instruction (not a FROM ... any kind) whose text holds every one of `ranges`.
pub(crate) fn holding_instruction(
    doc: &Document,
    mut ranges: impl Iterator<Item = std::ops::Range<usize>>,
) -> Option<usize> {
    let first = ranges.next()?;
    let i = doc
        .instructions()
        .iter()
        .position(|ins| ins.full_range.start <= first.start && first.end <= ins.full_range.end)?;
    let r = &doc.instructions()[i].full_range;
    ranges
        .all(|e| r.start <= e.start && e.end <= r.end)
        .then_some(i)
}

/// The quick contract check of a fix whose edits lie inside instruction `i`: `fixed` (its text after the fix) is
/// read on its own and compared with the original. `None` when the quick check cannot tell (the text became
/// several instructions, or an instruction that sets what later ones see changed): then the whole document is
/// compared.
pub(crate) fn single_instruction(
    doc: &Document,
    i: usize,
    fixed: &str,
    changes: &[Change],
) -> Option<Result<(), String>> {
    let ins = &doc.instructions()[i];
    let own = &doc.text()[ins.full_range.clone()];
    let mut text = String::new();
    if doc.escape() != '\\' {
        text.push_str(&format!("# escape={}\n", doc.escape()));
    }
    // An ARG or ENV is judged by what it defines, read without a stage (a FROM line costs a third of the parse);
    // what any other instruction gives the config needs the stage.
    let staged = !matches!(ins.kind, Kind::Arg | Kind::Env);
    if staged {
        text.push_str("FROM scratch\n");
    }
    let start = text.len();
    text.push_str(fixed);
    text.push('\n');
    let alone = Document::parse(&text);
    let at = usize::from(staged);
    let fixed = alone.instructions();
    if fixed.len() != at + 1 || fixed[at].range.start < start {
        return None;
    }
    let (before, after) = (identity(doc, i), identity(&alone, at));
    if before == after {
        return Some(Ok(()));
    }
    let line = first_line(doc, i);
    if !has(changes, Change::Rewrite) {
        return Some(Err(format!("it would change `{line}`")));
    }
    // What later instructions see changes with these: the whole document must be compared.
    let sets_state = |k: Kind| {
        matches!(
            k,
            Kind::From
                | Kind::Env
                | Kind::Arg
                | Kind::Workdir
                | Kind::User
                | Kind::Shell
                | Kind::Unknown
        )
    };
    // An ARG or ENV that defines the same names with the same text (the legacy form written with `=`, quotes
    // moved) sets what it set before: later instructions see the same.
    if !staged
        && ins.kind == fixed[at].kind
        && definitions(doc.text(), ins) == definitions(alone.text(), &fixed[at])
    {
        return Some(Ok(()));
    }
    if !staged || sets_state(ins.kind) || sets_state(fixed[at].kind) {
        return None;
    }
    // What the instruction alone gives the config, before and after.
    let mut original = String::new();
    if doc.escape() != '\\' {
        original.push_str(&format!("# escape={}\n", doc.escape()));
    }
    original.push_str("FROM scratch\n");
    original.push_str(own);
    original.push('\n');
    let was = Document::parse(&original);
    let config = |d: &Document| {
        BuildModel {
            states: super::state::States::of(d),
            effects: Vec::new(),
        }
        .config(d)
        .pop()
        .unwrap_or_default()
    };
    let (cb, ca) = (config(&was), config(&alone));
    for key in cb.keys().chain(ca.keys()) {
        if cb.get(key) != ca.get(key) && !config_allowed(changes, key) {
            return Some(Err(format!("it would change the image's `{key}`")));
        }
    }
    Some(Ok(()))
}

/// What an ARG or ENV defines, as the build reads it: each name with its value's text after quote removal and the
/// variables it expands (name, operator, argument), in order.
type Definition<'t> = (
    &'t str,
    Option<(&'t str, Vec<(&'t str, Option<&'t str>, Option<&'t str>)>)>,
);

fn definitions<'t>(text: &'t str, ins: &'t crate::syntax::Instruction) -> Vec<Definition<'t>> {
    ins.pairs
        .iter()
        .map(|p| {
            let value = p.value.as_ref().map(|w| {
                let vars = w
                    .vars
                    .iter()
                    .map(|v| {
                        (
                            v.name.as_str(),
                            v.operator.as_deref(),
                            v.argument.clone().and_then(|a| text.get(a)),
                        )
                    })
                    .collect();
                (w.value.as_str(), vars)
            });
            (p.key.as_str(), value)
        })
        .collect()
}

fn has(changes: &[Change], c: Change) -> bool {
    changes.contains(&c)
}

fn config_allowed(changes: &[Change], key: &str) -> bool {
    let word = key.split(' ').next().unwrap_or(key);
    changes
        .iter()
        .any(|c| matches!(c, Change::Config(k) if k.keyword() == word))
}

/// Compares the original with the fixed document; `Err` says, for a person, what the fix would change that its rule
/// does not declare.
pub(crate) fn compare(
    before: &Snapshot,
    after: &Snapshot,
    changes: &[Change],
) -> Result<(), String> {
    if has(changes, Change::Stages) {
        return compare_final_image(before, after, changes);
    }
    if before.stages.len() != after.stages.len() {
        return Err("it would add or remove a stage".into());
    }
    let mut maps = Vec::with_capacity(before.stages.len());
    for (b, a) in before.stages.iter().zip(&after.stages) {
        if b.name != a.name {
            return Err("it would rename a stage".into());
        }
        for key in b.config.keys().chain(a.config.keys()) {
            if b.config.get(key) != a.config.get(key) && !config_allowed(changes, key) {
                return Err(format!("it would change the image's `{key}`"));
            }
        }
        let (map, exact) = matching(b, a, changes);
        compare_stage(b, a, changes, &map, &exact)?;
        maps.push((map, exact));
    }
    compare_stage_reads(before, after, changes, &maps)
}

/// The files the final image's ENTRYPOINT and CMD name: absolute paths (relative ones resolved against its
/// WORKDIR; `None` when that is not known) and bare program names.
fn command_files(config: &BTreeMap<String, String>) -> Vec<Option<String>> {
    let workdir = config.get("WORKDIR").filter(|w| w.starts_with('/'));
    let mut out = Vec::new();
    for key in ["ENTRYPOINT", "CMD"] {
        let Some(v) = config.get(key) else { continue };
        let v = v.strip_prefix("json ").unwrap_or(v);
        for word in v.split(['\u{1f}', ' ', '\t', '\n']) {
            let w = word.trim_matches(|c: char| "\"';&|()`".contains(c));
            let w = match w.split_once('=') {
                Some((k, path)) if k.starts_with('-') => path,
                _ => w,
            };
            if w.is_empty() || w.starts_with('-') || w.contains("://") || w.contains('$') {
                continue;
            }
            if !w.contains('/') {
                if w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
                {
                    out.push(Some(w.to_string()));
                }
                continue;
            }
            let path = if w.starts_with('/') {
                Some(super::state::normalize(w))
            } else {
                workdir.map(|wd| super::state::normalize(&format!("{wd}/{w}")))
            };
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// A stage and the stages it builds on, nearest first.
fn chain(snap: &Snapshot, s: usize) -> Vec<usize> {
    let mut out = vec![s];
    while let Some(p) = snap.stages[*out.last().expect("not empty")].base {
        if out.contains(&p) {
            break;
        }
        out.push(p);
    }
    out
}

/// Whether an instruction's writes reach `file` (a path, or a bare program name: a file of that name anywhere).
fn writes_file(e: &Effects, file: &str, unknown_counts: bool) -> bool {
    if e.writes.unknown {
        return unknown_counts;
    }
    if file.starts_with('/') {
        let f = super::access::PathAccess::file(file);
        e.writes.paths.iter().any(|w| w.overlaps(&f))
    } else {
        // A program: a file of that name, or a name in a `bin` folder (not a folder such as `/usr/share/dotnet`).
        let tail = format!("/{file}");
        e.writes.paths.iter().any(|w| {
            w.path.ends_with(&tail)
                && (w.reach == super::access::Reach::File
                    || w.path[..w.path.len() - tail.len()].ends_with("bin"))
        })
    }
}

/// The check of a whole-build rewrite (`Stages`): the final image has the same config, every file its
/// ENTRYPOINT and CMD name that the build made is still written in the final stage, a copy from another stage
/// reading what that stage wrote, and every path a RUN of the old final stage put a file at by name is still in
/// the new one (unless it is a temporary, cache or toolchain folder, see [`left_behind`]).
fn compare_final_image(
    before: &Snapshot,
    after: &Snapshot,
    changes: &[Change],
) -> Result<(), String> {
    let (Some(b), Some(a)) = (before.stages.last(), after.stages.last()) else {
        return Err("it would leave no stage".into());
    };
    // The final stage moves to another image: a WORKDIR below the toolchain image's unknown one is taken as below
    // `/`, as the rewrite takes it (see the module docs of `build`).
    let rooted = |v: &String| match v.strip_prefix(super::state::BASE_WORKDIR) {
        Some(rest) => super::state::normalize(rest),
        None => v.clone(),
    };
    for key in b.config.keys().chain(a.config.keys()) {
        let (vb, va) = match key.as_str() {
            "WORKDIR" => (b.config.get(key).map(rooted), a.config.get(key).map(rooted)),
            _ => (b.config.get(key).cloned(), a.config.get(key).cloned()),
        };
        // A toolchain's own settings (`CGO_ENABLED`, `CARGO_HOME` ...) leave with the toolchain.
        let toolchain_env = va.is_none()
            && key
                .strip_prefix("ENV ")
                .is_some_and(crate::knowledge::is_toolchain_env);
        if vb != va && !toolchain_env && !config_allowed(changes, key) {
            return Err(format!("it would change the image's `{key}`"));
        }
    }
    let last_a = after.stages.len() - 1;
    for file in command_files(&b.config) {
        let Some(file) = file else {
            return Err("the final WORKDIR is not known, so the files its command needs cannot be shown to be copied".into());
        };
        // System programs come from the image, which an unknown step does not replace.
        let system = ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"]
            .iter()
            .any(|d| file.starts_with(d));
        let built = chain(before, before.stages.len() - 1).into_iter().any(|s| {
            before.stages[s]
                .instructions
                .iter()
                .any(|(_, _, e)| writes_file(e, &file, file.starts_with('/') && !system))
        });
        if !built {
            continue;
        }
        let moved = rooted(&file);
        let copied = chain(after, last_a).into_iter().any(|s| {
            let st = &after.stages[s];
            st.instructions.iter().enumerate().any(|(x, (_, _, e))| {
                let from_stage = e.stage_reads.iter().any(|r| r.stage.is_some());
                (writes_file(e, &file, false) || writes_file(e, &moved, false))
                    && (!from_stage || st.cross.iter().any(|&(r, _, _)| r == x))
            })
        });
        if !copied {
            return Err(format!(
                "the final image would lack `{file}`, which its command needs and the build made"
            ));
        }
    }
    // What a RUN of the build put at a path it names (a copy, a link, a redirect, a folder) was in the image the
    // app ran in: the final stage must have it too, or the app may miss it (a banner, a config file).
    let wd = a.config.get("WORKDIR").map(rooted);
    for s in chain(before, before.stages.len() - 1) {
        for (id, _, e) in &before.stages[s].instructions {
            if !id.starts_with("RUN\u{1e}") {
                continue;
            }
            for p in &e.placed {
                let moved = super::access::PathAccess {
                    path: rooted(&p.path),
                    reach: p.reach,
                };
                if left_behind(&moved.path) {
                    continue;
                }
                // A WORKDIR makes its folder and the ones above it.
                let made = wd
                    .as_deref()
                    .is_some_and(|w| super::access::under(w, &moved.path));
                let kept = made
                    || chain(after, last_a).into_iter().any(|s| {
                        after.stages[s].instructions.iter().any(|(id, _, e)| {
                            let copy = id.starts_with("COPY\u{1e}") || id.starts_with("ADD\u{1e}");
                            let writes = if copy { &e.writes.paths } else { &e.placed };
                            writes.iter().any(|w| w.overlaps(p) || w.overlaps(&moved))
                        })
                    });
                if !kept {
                    return Err(placed_message(&moved.path));
                }
            }
        }
    }
    Ok(())
}

/// Why a whole-build rewrite cannot leave a file behind in the build stage.
pub(crate) fn placed_message(path: &str) -> String {
    format!("the build also writes `{path}`, which the final stage would not have")
}

/// Folders a final stage does without when the stage that wrote into them stays behind: temporary files, caches
/// and logs, the build user's home (its caches and credentials), package managers' state and configuration, and
/// the toolchains' own installs and caches.
pub(crate) fn left_behind(path: &str) -> bool {
    use crate::knowledge::{package_manager_config, tool_config, PackageManager as P, Tool as T};
    const SCRATCH: &[&str] = &[
        "/tmp",
        "/var/tmp",
        "/var/cache",
        "/var/log",
        "/var/lib/apt",
        "/dev",
        "/proc",
        "/sys",
        "/run",
        "/root",
    ];
    let managers = [
        P::Apt,
        P::Apk,
        P::Yum,
        P::Dnf,
        P::Microdnf,
        P::Zypper,
        P::Pacman,
    ];
    let tools = [
        T::Npm,
        T::Pip,
        T::Uv,
        T::Gem,
        T::Composer,
        T::Go,
        T::Cargo,
        T::Maven,
        T::Gradle,
        T::Dotnet,
    ];
    SCRATCH
        .iter()
        .copied()
        .chain(
            managers
                .into_iter()
                .flat_map(|m| package_manager_config(m).iter().copied()),
        )
        .chain(
            tools
                .into_iter()
                .flat_map(|t| tool_config(t).iter().copied()),
        )
        .any(|d| super::access::under(path, d))
}

/// What later stages read of earlier ones stays: an instruction that a `COPY --from`, a mount or a `FROM <stage>`
/// reads from is not dropped (unless merged into another), and two unchanged instructions keep their edge. The
/// last stage's files are the image: none of its instructions that write files is dropped either.
fn compare_stage_reads(
    before: &Snapshot,
    after: &Snapshot,
    changes: &[Change],
    maps: &[(Vec<Option<usize>>, Vec<bool>)],
) -> Result<(), String> {
    let merges = has(changes, Change::Merge);
    let at = |s: usize, pos: usize| -> Option<(usize, bool)> {
        if pos == usize::MAX {
            return Some((usize::MAX, true));
        }
        let (map, exact) = &maps[s];
        map[pos].map(|m| (m, exact[pos]))
    };
    let after_cross: Vec<std::collections::HashSet<(usize, usize, usize)>> = after
        .stages
        .iter()
        .map(|st| st.cross.iter().copied().collect())
        .collect();
    for (s, b) in before.stages.iter().enumerate() {
        for &(r, ws, w) in &b.cross {
            if w == usize::MAX && r == usize::MAX {
                // One FROM reading another: the stages stay (compared above).
                continue;
            }
            let writer = match before.stages[ws].instructions.get(w) {
                Some(ins) => ins.1.clone(),
                None => format!("stage {ws}'s FROM"),
            };
            let Some((mw, exact_w)) = at(ws, w) else {
                if merges {
                    continue;
                }
                let reader = if r == usize::MAX {
                    format!("stage {s}'s FROM")
                } else {
                    format!("`{}`", b.instructions[r].1)
                };
                return Err(format!(
                    "it would drop `{writer}`, whose files {reader} reads"
                ));
            };
            let Some((mr, exact_r)) = at(s, r) else {
                continue;
            };
            if exact_r && exact_w && !after_cross[s].contains(&(mr, ws, mw)) {
                return Err(format!(
                    "`{}` would no longer read what `{writer}` writes",
                    b.instructions[r].1
                ));
            }
        }
    }
    if merges {
        return Ok(());
    }
    if let (Some(b), Some((map, _))) = (before.stages.last(), maps.last()) {
        for (x, (id, line, e)) in b.instructions.iter().enumerate() {
            let puts_files = ["RUN\u{1e}", "COPY\u{1e}", "ADD\u{1e}"]
                .iter()
                .any(|k| id.starts_with(k));
            if map[x].is_none() && puts_files && (e.writes.unknown || !e.writes.paths.is_empty()) {
                return Err(format!(
                    "it would drop `{line}`, whose files are in the image"
                ));
            }
        }
    }
    Ok(())
}

/// Which instruction of `after` each instruction of `before` became (`None`: gone). Identical instructions match in
/// order; with `Rewrite`, `Merge` or `Split` declared, the rest match by kind in order.
/// Pairs of positions of the longest common subsequence of two instruction lists (by identity).
fn common_subsequence(
    b: &[(String, String, Effects)],
    a: &[(String, String, Effects)],
) -> Vec<(usize, usize)> {
    // A fix changes a few lines: the common head and tail match as they are (they belong to a longest common
    // subsequence), and only what lies between needs the quadratic table.
    let same = |x: usize, y: usize| b[x].0 == a[y].0;
    let head = (0..b.len().min(a.len()))
        .take_while(|&k| same(k, k))
        .count();
    let tail = (0..(b.len() - head).min(a.len() - head))
        .take_while(|&k| same(b.len() - 1 - k, a.len() - 1 - k))
        .count();
    let mut out: Vec<(usize, usize)> = (0..head).map(|k| (k, k)).collect();
    let middle = table_subsequence(&b[head..b.len() - tail], &a[head..a.len() - tail]);
    out.extend(middle.into_iter().map(|(x, y)| (x + head, y + head)));
    out.extend((0..tail).rev().map(|k| (b.len() - 1 - k, a.len() - 1 - k)));
    out
}

fn table_subsequence(
    b: &[(String, String, Effects)],
    a: &[(String, String, Effects)],
) -> Vec<(usize, usize)> {
    let (n, m) = (b.len(), a.len());
    let mut len = vec![0u32; (n + 1) * (m + 1)];
    let at = |x: usize, y: usize| x * (m + 1) + y;
    for x in (0..n).rev() {
        for y in (0..m).rev() {
            len[at(x, y)] = if b[x].0 == a[y].0 {
                len[at(x + 1, y + 1)] + 1
            } else {
                len[at(x + 1, y)].max(len[at(x, y + 1)])
            };
        }
    }
    let (mut x, mut y, mut out) = (0, 0, Vec::new());
    while x < n && y < m {
        if b[x].0 == a[y].0 {
            out.push((x, y));
            x += 1;
            y += 1;
        } else if len[at(x + 1, y)] >= len[at(x, y + 1)] {
            x += 1;
        } else {
            y += 1;
        }
    }
    out
}

#[allow(clippy::needless_range_loop)] // indices into two instruction lists
fn matching(
    b: &StageSnapshot,
    a: &StageSnapshot,
    changes: &[Change],
) -> (Vec<Option<usize>>, Vec<bool>) {
    let mut map: Vec<Option<usize>> = vec![None; b.instructions.len()];
    let mut exact: Vec<bool> = vec![false; b.instructions.len()];
    let mut used = vec![false; a.instructions.len()];
    if has(changes, Change::Move) {
        for (x, (id, _, _)) in b.instructions.iter().enumerate() {
            if let Some(y) =
                (0..a.instructions.len()).find(|&y| !used[y] && a.instructions[y].0 == *id)
            {
                used[y] = true;
                map[x] = Some(y);
                exact[x] = true;
            }
        }
    } else if !structural(changes) && b.instructions.len() == a.instructions.len() {
        // Nothing moves, nothing is added or removed: each instruction is the one at its place.
        for x in 0..b.instructions.len() {
            used[x] = true;
            map[x] = Some(x);
            exact[x] = b.instructions[x].0 == a.instructions[x].0;
        }
    } else {
        // Nothing moves: the longest common subsequence, so that a rewrite that makes one instruction equal to
        // another does not look like a reorder.
        for (x, y) in common_subsequence(&b.instructions, &a.instructions) {
            used[y] = true;
            map[x] = Some(y);
            exact[x] = true;
        }
    }
    if has(changes, Change::Rewrite) || has(changes, Change::Merge) || has(changes, Change::Split) {
        let kind = |id: &str| id.split('\u{1e}').next().unwrap_or("").to_string();
        for x in 0..b.instructions.len() {
            if map[x].is_some() {
                continue;
            }
            let k = kind(&b.instructions[x].0);
            let next = map[..x].iter().flatten().max().map_or(0, |m| m + 1);
            if let Some(y) =
                (next..a.instructions.len()).find(|&y| !used[y] && kind(&a.instructions[y].0) == k)
            {
                used[y] = true;
                map[x] = Some(y);
            }
        }
    }
    // A rewrite may change the keyword itself (`RUNN` → `RUN`): what is left pairs up in order.
    if has(changes, Change::Rewrite) {
        for x in 0..b.instructions.len() {
            if map[x].is_some() {
                continue;
            }
            let next = map[..x].iter().flatten().max().map_or(0, |m| m + 1);
            if let Some(y) = (next..a.instructions.len()).find(|&y| !used[y]) {
                used[y] = true;
                map[x] = Some(y);
            }
        }
    }
    (map, exact)
}

/// Whether an inserted instruction now supplies, before `later` (an instruction of `a`), part of what the moved
/// instruction `x` (of `b`) wrote: a copy of the manifests put where the copy of all sources was.
fn supplied(
    b: &StageSnapshot,
    a: &StageSnapshot,
    map: &[Option<usize>],
    changes: &[Change],
    x: usize,
    later: usize,
) -> bool {
    if !has(changes, Change::Insert) {
        return false;
    }
    let moved = &b.instructions[x].2.writes;
    (0..later).any(|z| {
        let inserted = !map.contains(&Some(z));
        let writes = &a.instructions[z].2.writes;
        inserted
            && !writes.unknown
            && !writes.paths.is_empty()
            && a.edges.binary_search(&(z, later)).is_ok()
            && writes.paths.iter().all(|p| {
                moved.paths.iter().any(|m| {
                    m.reach == super::access::Reach::Tree
                        && p.overlaps(m)
                        && p.path.starts_with(&m.path)
                })
            })
    })
}

fn compare_stage(
    b: &StageSnapshot,
    a: &StageSnapshot,
    changes: &[Change],
    map: &[Option<usize>],
    exact: &[bool],
) -> Result<(), String> {
    let gone: Vec<usize> = (0..map.len()).filter(|&x| map[x].is_none()).collect();
    let matched = map.iter().flatten().count();
    let may_remove = has(changes, Change::Drop) || has(changes, Change::Merge);
    if !gone.is_empty() && !may_remove {
        return Err(format!(
            "it would remove or change `{}`",
            b.instructions[gone[0]].1
        ));
    }
    if matched < a.instructions.len()
        && !(has(changes, Change::Insert) || has(changes, Change::Split))
    {
        let new = (0..a.instructions.len())
            .find(|y| !map.contains(&Some(*y)))
            .unwrap_or(0);
        return Err(format!(
            "it would add or change `{}`",
            a.instructions[new].1
        ));
    }
    // A dropped instruction must not have written what a later one of its stage reads, unless (a merge) an
    // instruction the fix rewrote writes it now before that reader.
    for &x in &gone {
        let dropped = &b.instructions[x].2.writes;
        for y in x + 1..map.len() {
            let Some(my) = map[y] else { continue };
            let reads = &b.instructions[y].2.reads;
            if !dropped.meets(reads) {
                continue;
            }
            let taken_over = has(changes, Change::Merge)
                && (0..my).any(|w| {
                    let rewritten = !(0..map.len()).any(|z| map[z] == Some(w) && exact[z]);
                    rewritten && a.instructions[w].2.writes.meets(reads)
                });
            if !taken_over {
                return Err(format!(
                    "it would remove `{}`, which `{}` reads",
                    b.instructions[x].1, b.instructions[y].1
                ));
            }
        }
    }
    let edge_b = |x: usize, y: usize| b.edges.binary_search(&(x.min(y), x.max(y))).is_ok();
    let edge_a = |x: usize, y: usize| a.edges.binary_search(&(x.min(y), x.max(y))).is_ok();
    let may_rewrite =
        has(changes, Change::Rewrite) || has(changes, Change::Merge) || has(changes, Change::Split);
    for x in 0..map.len() {
        let Some(mx) = map[x] else { continue };
        if !exact[x] && !may_rewrite {
            return Err(format!("it would change `{}`", b.instructions[x].1));
        }
        if exact[x] && b.instructions[x].2 != a.instructions[mx].2 {
            return Err(format!(
                "`{}` would read or write something else where it lands",
                b.instructions[x].1
            ));
        }
        for y in x + 1..map.len() {
            let Some(my) = map[y] else { continue };
            let swapped = my < mx;
            if swapped && !has(changes, Change::Move) {
                return Err(format!(
                    "it would reorder `{}` and `{}`",
                    b.instructions[x].1, b.instructions[y].1
                ));
            }
            let (was, is) = (edge_b(x, y), edge_a(mx, my));
            if swapped && (was || is) && !supplied(b, a, map, changes, x, my) {
                return Err(format!(
                    "it would put `{}` after `{}`, which depends on it",
                    b.instructions[x].1, b.instructions[y].1
                ));
            }
            if exact[x] && exact[y] && was != is {
                return Err(format!(
                    "it would change whether `{}` depends on `{}`",
                    b.instructions[y].1, b.instructions[x].1
                ));
            }
        }
    }
    Ok(())
}

/// The kind an identity names.
#[cfg(test)]
fn kind_of(id: &str) -> Option<crate::syntax::Kind> {
    use crate::syntax::Kind;
    Kind::ALL.into_iter().find(|k| id.starts_with(k.keyword()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole comparison; where the cheap check of moves and drops accepts the fix, it must agree.
    fn check(before: &str, after: &str, changes: &[Change]) -> Result<(), String> {
        let doc = Document::parse(before);
        let facts = super::super::facts::Facts::of(&doc, None);
        let b = Snapshot::with(&doc, facts.model());
        let a = Snapshot::of(&Document::parse(after));
        let full = compare(&b, &a, changes);
        let layout = super::super::reorder::Layout::of(&doc);
        if super::super::reorder::keeps(&layout, facts.model(), &b, after, changes) {
            assert_eq!(
                full,
                Ok(()),
                "the cheap check accepted:\n{before}---\n{after}"
            );
        }
        full
    }

    #[test]
    fn identity_reads_as_buildkit() {
        let doc = Document::parse("FROM a\nenv A b\nENV A=b\n");
        assert_eq!(identity(&doc, 1), identity(&doc, 2));
        assert_eq!(kind_of(&identity(&doc, 1)), Some(Kind::Env));
    }

    #[test]
    fn a_move_past_a_dependent_copy_is_refused() {
        let before =
            "FROM a\nCOPY internal.repo /etc/yum.repos.d/\nCOPY . /app\nRUN yum install -y tool\n";
        let ok =
            "FROM a\nCOPY internal.repo /etc/yum.repos.d/\nRUN yum install -y tool\nCOPY . /app\n";
        let bad =
            "FROM a\nRUN yum install -y tool\nCOPY internal.repo /etc/yum.repos.d/\nCOPY . /app\n";
        assert_eq!(check(before, ok, &[Change::Move]), Ok(()));
        let err = check(before, bad, &[Change::Move]).unwrap_err();
        assert!(err.contains("depends on it"), "{err}");
        assert!(
            check(before, ok, &[]).is_err(),
            "a move the rule does not declare"
        );
    }

    #[test]
    fn a_move_across_workdir_changes_what_a_copy_writes() {
        let before = "FROM golang\nWORKDIR /w\nCOPY src ./src\nRUN go build ./src\n";
        let after = "FROM golang\nCOPY src ./src\nWORKDIR /w\nRUN go build ./src\n";
        assert!(check(before, after, &[Change::Move]).is_err());
    }

    #[test]
    fn the_common_subsequence_trims_head_and_tail_exactly() {
        let seq = |s: &str| -> Vec<(String, String, Effects)> {
            s.chars()
                .map(|c| (c.to_string(), String::new(), Effects::default()))
                .collect()
        };
        for (b, a) in [
            ("abcdef", "abxdef"),
            ("abcabc", "abcbabc"),
            ("aaaa", "aa"),
            ("", "ab"),
            ("abc", "abc"),
            ("xabcx", "abc"),
            ("abab", "baba"),
        ] {
            let (b, a) = (seq(b), seq(a));
            let fast = common_subsequence(&b, &a);
            let table = table_subsequence(&b, &a);
            assert_eq!(fast.len(), table.len(), "{b:?} {a:?}");
            assert!(fast.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
            assert!(fast.iter().all(|&(x, y)| b[x].0 == a[y].0));
        }
    }

    #[test]
    fn an_env_in_the_equals_form_is_checked_alone() {
        let doc =
            Document::parse("FROM a\nENV A hello world\nENV B ${A:-x}\nENV C $A\nRUN echo $A\n");
        let alone = |i, fixed| single_instruction(&doc, i, fixed, &[Change::Rewrite]);
        assert_eq!(alone(1, "ENV A=\"hello world\""), Some(Ok(())));
        assert_eq!(alone(2, "ENV B=${A:-x}"), Some(Ok(())));
        // Another value, another default, or an escaped `$` (no longer an expansion): the whole file is compared.
        assert_eq!(alone(1, "ENV A=hello"), None);
        assert_eq!(alone(2, "ENV B=${A:-y}"), None);
        assert_eq!(alone(3, "ENV C=\\$A"), None);
    }

    #[test]
    fn config_changes_need_a_declaration() {
        let before = "FROM a\nCMD [\"node app.js\"]\n";
        let after = "FROM a\nCMD [\"node\", \"app.js\"]\n";
        let err = check(before, after, &[Change::Rewrite]).unwrap_err();
        assert!(err.contains("CMD"), "{err}");
        assert_eq!(
            check(
                before,
                after,
                &[Change::Rewrite, Change::Config(ConfigKey::Cmd)]
            ),
            Ok(())
        );
        assert_eq!(check("FROM a\nenv A b\n", "FROM a\nENV A=b\n", &[]), Ok(()));
    }

    #[test]
    fn a_rewrite_that_makes_two_instructions_equal_is_no_reorder() {
        let before = "FROM a\nENV S 1 D 3\nENV S \"1 D 3\"\n";
        let after = "FROM a\nENV S=\"1 D 3\"\nENV S \"1 D 3\"\n";
        assert_eq!(check(before, after, &[Change::Rewrite]), Ok(()));
    }

    #[test]
    fn what_a_later_stage_reads_is_not_dropped() {
        let before = "FROM debian AS build\nRUN echo a > /out/app\nRUN echo b > /out/other\nFROM debian\nCOPY --from=build /out/app /app\n";
        let err = check(
            before,
            "FROM debian AS build\nRUN echo b > /out/other\nFROM debian\nCOPY --from=build /out/app /app\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(
            err.contains("drop `RUN echo a > /out/app`, whose files `COPY --from=build"),
            "{err}"
        );
        assert_eq!(
            check(
                before,
                "FROM debian AS build\nRUN echo a > /out/app\nFROM debian\nCOPY --from=build /out/app /app\n",
                &[Change::Drop]
            ),
            Ok(()),
            "nothing reads the other file"
        );
        let err = check(
            "FROM debian AS base\nRUN echo a > /etc/a\nFROM base\nCMD [\"x\"]\n",
            "FROM debian AS base\nFROM base\nCMD [\"x\"]\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(err.contains("stage 1's FROM"), "{err}");
        let err = check(
            "FROM a\nRUN echo x > /x\nCMD [\"a\"]\n",
            "FROM a\nCMD [\"a\"]\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(err.contains("whose files are in the image"), "{err}");
        // A template's placeholder makes a line unknown; a CMD still puts no file in the image.
        assert_eq!(
            check(
                "FROM {{ base }}\nCMD {{ a }}\nCMD [\"b\"]\n",
                "FROM {{ base }}\nCMD [\"b\"]\n",
                &[Change::Drop]
            ),
            Ok(())
        );
    }

    #[test]
    fn a_multi_stage_rewrite_keeps_the_config_and_copies_what_the_command_runs() {
        let before = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/web\nEXPOSE 8080\nENTRYPOINT [\"/out/web\"]\n";
        let good = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/web\n\nFROM scratch\nWORKDIR /src\nEXPOSE 8080\nENTRYPOINT [\"/out/web\"]\nCOPY --from=build /out/web /out/web\n";
        assert_eq!(check(before, good, &[Change::Stages]), Ok(()));
        let missing = good.replace("COPY --from=build /out/web /out/web\n", "");
        let err = check(before, &missing, &[Change::Stages]).unwrap_err();
        assert!(err.contains("lack `/out/web`"), "{err}");
        let nothing_there =
            good.replace("COPY --from=build /out/web", "COPY --from=build /out/nope");
        let err = check(before, &nothing_there, &[Change::Stages]).unwrap_err();
        assert!(
            err.contains("lack `/out/web`"),
            "a copy of what the build did not write: {err}"
        );
        let moved = good.replace("WORKDIR /src\nEXPOSE", "EXPOSE");
        let err = check(before, &moved, &[Change::Stages]).unwrap_err();
        assert!(err.contains("`WORKDIR`"), "{err}");
        let port = good.replace("EXPOSE 8080", "EXPOSE 80");
        assert!(check(before, &port, &[Change::Stages]).is_err());
        // Relative to the WORKDIR, and a program run by name from where the build installed it.
        let before = "FROM gcc:13\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o hello hello.c\nCMD [\"./hello\"]\n";
        let after = "FROM gcc:13 AS build\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o hello hello.c\n\nFROM debian:bookworm-slim\nWORKDIR /src\nCMD [\"./hello\"]\n";
        let err = check(before, after, &[Change::Stages]).unwrap_err();
        assert!(err.contains("`/src/hello`"), "{err}");
        let after = after.replace("CMD", "COPY --from=build /src/hello /src/hello\nCMD");
        assert_eq!(check(before, &after, &[Change::Stages]), Ok(()));
        // The book's ch04 lab: a relative WORKDIR on an image whose own WORKDIR is not known, taken as below `/`.
        let before = "FROM diamol/golang\nWORKDIR web\nCOPY index.html .\nCOPY main.go .\nRUN go build -o /web/server\nCMD [\"/web/server\"]\n";
        let after = "FROM diamol/golang AS build\nWORKDIR web\nCOPY main.go .\nRUN go build -o /web/server\nFROM scratch\nWORKDIR /web\nCMD [\"/web/server\"]\nCOPY --from=build /web/server /web/server\nCOPY index.html .\n";
        assert_eq!(check(before, after, &[Change::Stages]), Ok(()));
        let elsewhere = after.replace("WORKDIR /web", "WORKDIR /app");
        assert!(check(before, &elsewhere, &[Change::Stages]).is_err());
        let lost = after.replace("COPY --from=build /web/server /web/server\n", "");
        assert!(check(before, &lost, &[Change::Stages]).is_err());
        let before =
            "FROM golang:1.22\nRUN go build -o /usr/local/bin/server .\nCMD [\"server\"]\n";
        let after = "FROM golang:1.22 AS build\nRUN go build -o /usr/local/bin/server .\nFROM scratch\nWORKDIR /go\nCMD [\"server\"]\n";
        let err = check(
            before,
            &after.replace("WORKDIR /go\n", ""),
            &[Change::Stages],
        )
        .unwrap_err();
        assert!(
            err.contains("`WORKDIR`"),
            "golang's WORKDIR is /go, scratch's /: {err}"
        );
        assert!(check(before, after, &[Change::Stages])
            .unwrap_err()
            .contains("`server`"));
    }

    #[test]
    fn a_multi_stage_rewrite_keeps_the_files_the_build_puts_in_place() {
        let before = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/hello . && cp /src/static/banner.txt /etc/banner.txt\nCMD [\"hello\"]\n";
        let after = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/hello . && cp /src/static/banner.txt /etc/banner.txt\n\nFROM scratch\nWORKDIR /src\nCMD [\"hello\"]\nCOPY --from=build /usr/local/bin/hello /usr/local/bin/hello\n";
        assert_eq!(
            check(before, after, &[Change::Stages]),
            Err(
                "the build also writes `/etc/banner.txt`, which the final stage would not have"
                    .into()
            )
        );
        let copied = format!("{after}COPY --from=build /etc/banner.txt /etc/banner.txt\n");
        assert_eq!(check(before, &copied, &[Change::Stages]), Ok(()));
        // A redirect, a link and a new folder are files in place too; the folder the final WORKDIR makes is not lost.
        for (run, path) in [
            ("echo hi > /etc/motd", "/etc/motd"),
            ("ln -s /usr/local/bin/hello /usr/bin/hi", "/usr/bin/hi"),
            ("mkdir -p /var/lib/hello", "/var/lib/hello"),
        ] {
            let (b, a) = (
                before.replace("cp /src/static/banner.txt /etc/banner.txt", run),
                after.replace("cp /src/static/banner.txt /etc/banner.txt", run),
            );
            let err = check(&b, &a, &[Change::Stages]);
            assert!(
                err.as_ref()
                    .is_err_and(|e| e.contains(&format!("`{path}`"))),
                "{run}: {err:?}"
            );
        }
        // Temporary files, caches, mounts, package installs and the toolchain's own folders stay behind.
        for run in [
            "mkdir -p /src && go build -o /usr/local/bin/hello . > /tmp/build.log",
            "apt-get update && apt-get install -y gcc && go build -o /usr/local/bin/hello .",
            "cp /src/netrc /root/.netrc && go build -o /usr/local/bin/hello .",
            "mkdir -p /go/src/app /root/.cache/go-build && go build -o /usr/local/bin/hello .",
            "echo 'deb http://x y main' > /etc/apt/sources.list.d/x.list && go build -o /usr/local/bin/hello .",
            "--mount=type=cache,target=/cache cp /src/go.sum /cache/go.sum && go build -o /usr/local/bin/hello .",
        ] {
            let line = "RUN go build -o /usr/local/bin/hello . && cp /src/static/banner.txt /etc/banner.txt";
            let (b, a) = (
                before.replace(line, &format!("RUN {run}")),
                after.replace(line, &format!("RUN {run}")),
            );
            assert_eq!(check(&b, &a, &[Change::Stages]), Ok(()), "{run}");
        }
    }

    #[test]
    fn what_a_later_instruction_of_the_stage_reads_is_not_dropped() {
        // In a stage no other stage copies from and that is not the last: only the stage itself reads the file.
        let before = "FROM debian AS tools\nRUN echo a > /opt/list\nRUN cat /opt/list\nFROM debian\nCMD [\"x\"]\n";
        let err = check(
            before,
            "FROM debian AS tools\nRUN cat /opt/list\nFROM debian\nCMD [\"x\"]\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(
            err.contains("remove `RUN echo a > /opt/list`, which `RUN cat /opt/list` reads"),
            "{err}"
        );
        // The same in the final stage, and a dropped command that writes something else.
        let err = check(
            "FROM a\nRUN echo a > /etc/a\nRUN cat /etc/a\n",
            "FROM a\nRUN cat /etc/a\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(err.contains("which `RUN cat /etc/a` reads"), "{err}");
        // A merge whose rewritten instruction now writes what the reader reads keeps it.
        assert_eq!(
            check(
                "FROM a\nCOPY run.sh /app/run.sh\nRUN chmod +x /app/run.sh\nRUN /app/run.sh --selftest\n",
                "FROM a\nCOPY --chmod=755 run.sh /app/run.sh\nRUN /app/run.sh --selftest\n",
                &[Change::Merge],
            ),
            Ok(())
        );
        let err = check(
            "FROM a\nCOPY run.sh /app/run.sh\nRUN chmod +x /app/run.sh\nRUN /app/run.sh --selftest\n",
            "FROM a\nCOPY run.sh /app/run.sh\nRUN /app/run.sh --selftest\n",
            &[Change::Drop],
        )
        .unwrap_err();
        assert!(
            err.contains("which `RUN /app/run.sh --selftest` reads"),
            "{err}"
        );
    }

    #[test]
    fn drops_keep_the_final_config() {
        let before = "FROM a\nCMD [\"a\"]\nRUN x\nCMD [\"b\"]\n";
        assert_eq!(
            check(before, "FROM a\nRUN x\nCMD [\"b\"]\n", &[Change::Drop]),
            Ok(())
        );
        let err = check(before, "FROM a\nCMD [\"a\"]\nRUN x\n", &[Change::Drop]).unwrap_err();
        assert!(err.contains("CMD"), "{err}");
        assert!(check(before, "FROM a\nRUN x\nCMD [\"b\"]\n", &[]).is_err());
    }
}
