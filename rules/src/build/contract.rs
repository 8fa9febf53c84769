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
    stages: Vec<StageSnapshot>,
}

struct StageSnapshot {
    name: Option<String>,
    config: BTreeMap<String, String>,
    /// Per instruction after FROM: its identity (kind and BuildKit's reading), its first line and its effects.
    instructions: Vec<(String, String, Effects)>,
    /// Dependent pairs, as positions in `instructions`.
    edges: Vec<(usize, usize)>,
}

/// How BuildKit reads an instruction: the same key means the same instruction.
pub(crate) fn identity(doc: &Document, i: usize) -> String {
    let ins = &doc.instructions()[i];
    let Ok(mut v) = buildkit::view(ins, doc.text(), doc.escape()) else {
        return format!("{}\u{1e}?{}", ins.kind.keyword(), ins.logical);
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
            let mut edges = Vec::new();
            for a in body.clone() {
                for b in a + 1..body.end {
                    if model.depends(a, b) {
                        edges.push((a - body.start, b - body.start));
                    }
                }
            }
            stages.push(StageSnapshot {
                name: stage.name.as_ref().map(|n| n.to_ascii_lowercase()),
                config: config[s].clone(),
                instructions,
                edges,
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
    text.push_str("FROM scratch\n");
    let start = text.len();
    text.push_str(fixed);
    text.push('\n');
    let alone = Document::parse(&text);
    let fixed = alone.instructions();
    if fixed.len() != 2 || fixed[1].range.start < start {
        return None;
    }
    let (before, after) = (identity(doc, i), identity(&alone, 1));
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
    if sets_state(ins.kind) || sets_state(fixed[1].kind) {
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
        return Ok(());
    }
    if before.stages.len() != after.stages.len() {
        return Err("it would add or remove a stage".into());
    }
    for (b, a) in before.stages.iter().zip(&after.stages) {
        if b.name != a.name {
            return Err("it would rename a stage".into());
        }
        for key in b.config.keys().chain(a.config.keys()) {
            if b.config.get(key) != a.config.get(key) && !config_allowed(changes, key) {
                return Err(format!("it would change the image's `{key}`"));
            }
        }
        compare_stage(b, a, changes)?;
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
            && a.edges.contains(&(z, later))
            && writes.paths.iter().all(|p| {
                moved.paths.iter().any(|m| {
                    m.reach == super::access::Reach::Tree
                        && p.overlaps(m)
                        && p.path.starts_with(&m.path)
                })
            })
    })
}

fn compare_stage(b: &StageSnapshot, a: &StageSnapshot, changes: &[Change]) -> Result<(), String> {
    let (map, exact) = matching(b, a, changes);
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
    let edge_b = |x: usize, y: usize| b.edges.contains(&(x.min(y), x.max(y)));
    let edge_a = |x: usize, y: usize| a.edges.contains(&(x.min(y), x.max(y)));
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
            if swapped && (was || is) && !supplied(b, a, &map, changes, x, my) {
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

    fn check(before: &str, after: &str, changes: &[Change]) -> Result<(), String> {
        let b = Snapshot::of(&Document::parse(before));
        let a = Snapshot::of(&Document::parse(after));
        compare(&b, &a, changes)
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
