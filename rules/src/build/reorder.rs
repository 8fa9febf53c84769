//! The cheap contract check of a fix that only moves or drops whole instructions: which instructions the fixed text
//! keeps, and in what order, is read off the text (no parse), and the model of the original says whether the new
//! order keeps the contract. When it cannot tell, the caller compares the whole fixed document ([`super::contract`]).
//!
//! A move keeps the contract when no instruction it passes depends on the moved one, when none of them changes the
//! state the other's reads and writes are computed from (a WORKDIR, SHELL or USER passed by what they affect, an
//! ARG or ENV passed by what names its variables), and when the stage's image config comes out the same. Then every
//! instruction reads and writes what it did before, and the fixed document's model is the original's with the
//! instructions in another order. A drop keeps it when the dropped instruction sets no state, nothing later in its
//! stage depends on it, no other stage reads what it wrote, it put no file in the final image, and the config stays.
//! Every condition only narrows what the whole comparison accepts: the verdict is the same whenever this check
//! gives one.
use std::collections::HashMap;
use std::ops::Range;

use super::contract::{unread, Change, Snapshot};
use super::model::BuildModel;
use crate::syntax::{Document, Kind};

/// Each instruction's lines in the original text, found once per document.
pub(crate) struct Layout<'d> {
    doc: &'d Document,
    /// Per instruction: its lines, its final line break left out.
    bodies: Vec<Range<usize>>,
    /// Instructions by their first line (its line break left out).
    by_first_line: HashMap<&'d str, Vec<usize>>,
    /// Instructions by their whole text, in order.
    by_body: HashMap<&'d str, Vec<usize>>,
    /// The stage of each instruction (`None`: a global ARG).
    stage_of: Vec<Option<usize>>,
    /// Where the first instruction starts: what comes before it (BOM, parser directives) must stay as it is.
    head: usize,
    /// Whether the text can be read this way (no syntax error, every instruction on lines of its own, nothing
    /// between them but blank and comment lines, and no instruction that would run on into what follows it).
    usable: bool,
}

/// The text of a line without its line break.
fn strip_break(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// A line the parser skips between instructions.
fn is_trivia(line: &str) -> bool {
    let t = line.trim_start();
    t.trim_end().is_empty() || t.starts_with('#')
}

impl<'d> Layout<'d> {
    pub fn of(doc: &'d Document) -> Layout<'d> {
        let text = doc.text();
        let n = doc.instructions().len();
        let mut layout = Layout {
            doc,
            bodies: Vec::with_capacity(n),
            by_first_line: HashMap::new(),
            by_body: HashMap::new(),
            stage_of: (0..n).map(|i| doc.stage_of(i).map(|s| s.index)).collect(),
            head: 0,
            usable: false,
        };
        if n == 0 || doc.has_syntax_errors() {
            return layout;
        }
        let li = doc.line_index();
        let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |k| at + k + 1);
        let mut prev_end = None;
        for (i, ins) in doc.instructions().iter().enumerate() {
            let mut start = li.line_start(li.line(ins.full_range.start));
            if start == 0 && text.starts_with('\u{feff}') {
                start = '\u{feff}'.len_utf8();
            }
            let end = line_end(
                ins.full_range
                    .end
                    .saturating_sub(1)
                    .max(ins.full_range.start),
            );
            match prev_end {
                None => layout.head = start,
                Some(p) if p > start => return layout,
                // Between two instructions, only lines the parser skips.
                Some(p) => {
                    if !text[p..start].split_inclusive('\n').all(is_trivia) {
                        return layout;
                    }
                }
            }
            let body = strip_break(&text[start..end]);
            // A last line that continues (an escape at its end, a comment or blank line inside a continuation) would
            // run on into whatever follows it elsewhere.
            let last = body.rsplit('\n').next().unwrap_or(body).trim();
            if last.is_empty() || last.starts_with('#') || last.ends_with(doc.escape()) {
                return layout;
            }
            layout.bodies.push(start..start + body.len());
            layout
                .by_first_line
                .entry(strip_break(
                    body.split_inclusive('\n').next().unwrap_or(body),
                ))
                .or_default()
                .push(i);
            layout.by_body.entry(body).or_default().push(i);
            prev_end = Some(end);
        }
        if let Some(p) = prev_end {
            if !text[p..].split_inclusive('\n').all(is_trivia) {
                return layout;
            }
        }
        // A heredoc without its terminator runs to the end of the text: it is the last instruction, and moved, it
        // would take in what follows it.
        if doc
            .instructions()
            .last()
            .is_some_and(|l| !l.heredocs.is_empty())
        {
            return layout;
        }
        layout.usable = true;
        layout
    }

    /// The original instructions the fixed text holds, in its order; `None` when it holds anything else than whole
    /// instructions of the original, blank lines and comments, or changed what comes before the first instruction.
    fn order(&self, fixed: &str) -> Option<Vec<usize>> {
        if !self.usable {
            return None;
        }
        let text = self.doc.text();
        if !fixed.starts_with(&text[..self.head]) {
            return None;
        }
        let mut used: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::with_capacity(self.bodies.len());
        let mut p = self.head;
        while p < fixed.len() {
            // Whatever stands before the first instruction may be a parser directive: it must be the original's.
            let must_be_first = out.is_empty();
            let end = fixed[p..].find('\n').map_or(fixed.len(), |k| p + k + 1);
            let line = &fixed[p..end];
            let rest = &fixed[p..];
            let mut found: Option<&str> = None;
            for &c in self
                .by_first_line
                .get(strip_break(line))
                .into_iter()
                .flatten()
            {
                let body = &text[self.bodies[c].clone()];
                let after = rest.get(body.len()..).unwrap_or("");
                let whole = rest.starts_with(body)
                    && (after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n"));
                if whole {
                    match found {
                        Some(f) if f != body => return None,
                        _ => found = Some(body),
                    }
                }
            }
            let Some(body) = found else {
                if must_be_first || !is_trivia(line) {
                    return None;
                }
                p = end;
                continue;
            };
            // The k-th copy of a text in the fixed text is the k-th instruction with that text.
            let k = used.entry(body).or_default();
            let i = *self.by_body.get(body)?.get(*k)?;
            *k += 1;
            out.push(i);
            let after = p + body.len();
            p = fixed[after..]
                .find('\n')
                .map_or(fixed.len(), |k| after + k + 1);
        }
        Some(out)
    }
}

/// Whether the state instruction `p` sets may change what instruction `q` reads or writes (or the state `q` sets)
/// when the two change order.
fn disturbs(doc: &Document, layout: &Layout, p: usize, q: usize) -> bool {
    let (ip, iq) = (&doc.instructions()[p], &doc.instructions()[q]);
    match ip.kind {
        Kind::Workdir => matches!(
            iq.kind,
            Kind::Copy | Kind::Add | Kind::Run | Kind::Volume | Kind::Workdir | Kind::Unknown
        ),
        Kind::Shell => matches!(
            iq.kind,
            Kind::Run
                | Kind::Cmd
                | Kind::Entrypoint
                | Kind::Healthcheck
                | Kind::Onbuild
                | Kind::Shell
                | Kind::Unknown
        ),
        Kind::User => matches!(iq.kind, Kind::Run | Kind::User | Kind::Unknown),
        Kind::Arg | Kind::Env => {
            if matches!(iq.kind, Kind::Run | Kind::Onbuild | Kind::Unknown) {
                return true;
            }
            let body = &doc.text()[layout.bodies[q].clone()];
            ip.pairs.iter().any(|pair| names(body, &pair.key))
        }
        Kind::Onbuild
        | Kind::Cmd
        | Kind::Entrypoint
        | Kind::Healthcheck
        | Kind::Label
        | Kind::Expose
        | Kind::Stopsignal
        | Kind::Maintainer
        | Kind::Volume
        | Kind::Copy
        | Kind::Add
        | Kind::Run => false,
        Kind::From | Kind::Unknown => true,
    }
}

/// Whether `text` names variable `name` (`$name`, `${name}`, `${name:-x}` ...).
fn names(text: &str, name: &str) -> bool {
    text.match_indices('$').any(|(at, _)| {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|tail| {
            !tail
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// Whether [`keeps`] can tell anything of the fixes of a rule that declares `changes`.
pub(crate) fn applies(changes: &[Change]) -> bool {
    (changes.contains(&Change::Move) || changes.contains(&Change::Drop))
        && !changes.contains(&Change::Stages)
}

/// Whether the fix that turned the original into `fixed` keeps the contract, read from the original's model alone:
/// `true` when it only moves or drops whole instructions in a way the whole comparison would accept; `false` when
/// this check cannot tell (the whole comparison decides).
pub(crate) fn keeps(
    layout: &Layout,
    model: &BuildModel,
    before: &Snapshot,
    fixed: &str,
    changes: &[Change],
) -> bool {
    let (moves, drops) = (
        changes.contains(&Change::Move),
        changes.contains(&Change::Drop),
    );
    if !applies(changes) {
        return false;
    }
    let Some(order) = layout.order(fixed) else {
        return false;
    };
    let doc = layout.doc;
    let stages = doc.stages();
    if before.stages.len() != stages.len() {
        return false;
    }
    // Each stage's instructions after FROM, in the fixed order; FROM lines and global ARGs stay where they are.
    let mut bodies: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    let mut current: Option<usize> = None;
    let mut globals = 0;
    for &i in &order {
        match layout.stage_of[i] {
            None => {
                if current.is_some() || i != globals {
                    return false;
                }
                globals += 1;
            }
            Some(s) if stages[s].from == i => {
                if s != current.map_or(0, |c| c + 1) {
                    return false;
                }
                current = Some(s);
            }
            Some(s) => {
                if current != Some(s) {
                    return false;
                }
                bodies[s].push(i);
            }
        }
    }
    let first_from = stages.first().map_or(0, |s| s.from);
    if globals != first_from || current != Some(stages.len() - 1) {
        return false;
    }
    // Every config key of an instruction BuildKit cannot read names its position, which a move or drop changes.
    let changed: Vec<usize> = (0..stages.len())
        .filter(|&s| {
            !bodies[s]
                .iter()
                .copied()
                .eq(stages[s].instructions.start + 1..stages[s].instructions.end)
        })
        .collect();
    if changed.is_empty() {
        return true;
    }
    if before
        .stages
        .iter()
        .any(|st| st.instructions.iter().any(|(id, _, _)| unread(id)))
    {
        return false;
    }
    changed
        .into_iter()
        .all(|s| stage_keeps(layout, model, before, s, &bodies[s], moves, drops))
}

/// [`keeps`] for one stage whose instructions after FROM became `body` (original indices, in the new order).
fn stage_keeps(
    layout: &Layout,
    model: &BuildModel,
    before: &Snapshot,
    s: usize,
    body: &[usize],
    moves: bool,
    drops: bool,
) -> bool {
    let doc = layout.doc;
    let stage = &doc.stages()[s];
    let first = stage.instructions.start + 1;
    let count = stage.instructions.end - first;
    let snap = &before.stages[s];
    let id = |i: usize| snap.instructions[i - first].0.as_str();
    // Where each instruction landed (`None`: dropped).
    let mut at: Vec<Option<usize>> = vec![None; count];
    for (p, &i) in body.iter().enumerate() {
        at[i - first] = Some(p);
    }
    let dropped: Vec<usize> = (0..count).filter(|&x| at[x].is_none()).collect();
    let reordered = body.windows(2).any(|w| w[1] < w[0]);
    if (!dropped.is_empty() && !drops) || (reordered && !moves) {
        return false;
    }
    // The whole comparison pairs the instructions of the two texts up by their identity: it must pair each one
    // with itself.
    if moves {
        let mut next: HashMap<&str, usize> = HashMap::new();
        let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
        for (p, &i) in body.iter().enumerate() {
            positions.entry(id(i)).or_default().push(p);
        }
        for (x, landed) in at.iter().enumerate() {
            let k = next.entry(id(first + x)).or_default();
            let paired = positions
                .get(id(first + x))
                .and_then(|v| v.get(*k))
                .copied();
            *k += 1;
            if paired != *landed {
                return false;
            }
        }
    } else if dropped
        .iter()
        .any(|&d| body.iter().any(|&i| id(i) == id(first + d)))
    {
        // Without moves, the longest common subsequence pairs them: it pairs each kept one with itself when no kept
        // instruction reads as a dropped one.
        return false;
    }
    let edge = |x: usize, y: usize| snap.edges.binary_search(&(x.min(y), x.max(y))).is_ok();
    // Pairs that change order lie where the new order differs from the old one with the drops taken out.
    let kept: Vec<usize> = (0..count).filter(|&x| at[x].is_some()).collect();
    let lo = kept.iter().enumerate().position(|(r, &x)| at[x] != Some(r));
    if let Some(lo) = lo {
        let hi = kept
            .iter()
            .enumerate()
            .rposition(|(r, &x)| at[x] != Some(r))
            .unwrap_or(lo);
        for (a, &x) in kept[lo..=hi].iter().enumerate() {
            for &y in &kept[lo + a + 1..=hi] {
                if at[y] > at[x] {
                    continue;
                }
                let (ix, iy) = (first + x, first + y);
                if edge(x, y) || disturbs(doc, layout, ix, iy) || disturbs(doc, layout, iy, ix) {
                    return false;
                }
            }
        }
    }
    let last_stage = s + 1 == doc.stages().len();
    for &d in &dropped {
        let ins = &doc.instructions()[first + d];
        let effects = &snap.instructions[d].2;
        let sets_state = matches!(
            ins.kind,
            Kind::Arg
                | Kind::Env
                | Kind::Workdir
                | Kind::User
                | Kind::Shell
                | Kind::From
                | Kind::Unknown
        );
        let puts_files = last_stage
            && matches!(ins.kind, Kind::Run | Kind::Copy | Kind::Add)
            && (effects.writes.unknown || !effects.writes.paths.is_empty());
        let read_later = (d + 1..count)
            .any(|y| at[y].is_some() && effects.writes.meets(&snap.instructions[y].2.reads));
        let read_elsewhere = before
            .stages
            .iter()
            .any(|st| st.cross.iter().any(|&(_, ws, w)| ws == s && w == d));
        if sets_state || puts_files || read_later || read_elsewhere {
            return false;
        }
    }
    let base = snap
        .base
        .map(|p| before.stages[p].config.clone())
        .unwrap_or_default();
    model.stage_config(doc, s, base, body.iter().copied()) == snap.config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::facts::Facts;

    /// The cheap verdict (`true`: proven to keep the contract) and the whole comparison's, which must agree
    /// whenever the cheap one is given.
    pub(crate) fn both(
        before: &str,
        after: &str,
        changes: &[Change],
    ) -> (bool, Result<(), String>) {
        let doc = Document::parse(before);
        let facts = Facts::of(&doc, None);
        let snap = Snapshot::with(&doc, facts.model());
        let layout = Layout::of(&doc);
        let cheap = keeps(&layout, facts.model(), &snap, after, changes);
        let fixed = Document::parse(after);
        let ff = Facts::of(&fixed, None);
        let full =
            super::super::contract::compare(&snap, &Snapshot::with(&fixed, ff.model()), changes);
        if cheap {
            assert_eq!(
                full,
                Ok(()),
                "the cheap check accepted what the whole comparison refuses:\n{before}---\n{after}"
            );
        }
        (cheap, full)
    }

    fn accepted(before: &str, after: &str, changes: &[Change]) {
        let (cheap, full) = both(before, after, changes);
        assert!(
            cheap,
            "not accepted cheaply ({full:?}):\n{before}---\n{after}"
        );
    }

    /// Not accepted cheaply, and refused by the whole comparison.
    fn refused(before: &str, after: &str, changes: &[Change]) {
        let (cheap, full) = both(before, after, changes);
        assert!(!cheap);
        assert!(
            full.is_err(),
            "the whole comparison accepts it:\n{before}---\n{after}"
        );
    }

    const MOVE: &[Change] = &[Change::Move];
    const DROP: &[Change] = &[Change::Drop];

    #[test]
    fn metadata_moves_above_a_copy() {
        accepted(
            "FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n# the port\nEXPOSE 80\nCMD [\"node\", \"app.js\"]\n",
            "FROM node\nWORKDIR /app\n# the port\nEXPOSE 80\nCMD [\"node\", \"app.js\"]\nCOPY . .\nRUN npm ci\n",
            MOVE,
        );
        // The last line without a line break, CRLF, a BOM and directives stay around the moved lines.
        accepted(
            "\u{feff}# syntax=docker/dockerfile:1\r\nFROM a\r\nCOPY . .\r\nCMD [\"x\"]",
            "\u{feff}# syntax=docker/dockerfile:1\r\nFROM a\r\nCMD [\"x\"]\r\nCOPY . .",
            MOVE,
        );
        // Past a USER and a WORKDIR, which neither reads.
        accepted(
            "FROM a\nCOPY . /app\nUSER app\nWORKDIR /app\nLABEL a=b\n",
            "FROM a\nLABEL a=b\nCOPY . /app\nUSER app\nWORKDIR /app\n",
            MOVE,
        );
        // A constant ENV past a copy that does not name it.
        accepted(
            "FROM a\nCOPY . /app\nENV MODE=prod\n",
            "FROM a\nENV MODE=prod\nCOPY . /app\n",
            MOVE,
        );
        // Two identical lines: the fixed text is the same whichever moved.
        accepted(
            "FROM a\nEXPOSE 80\nCOPY . .\nEXPOSE 80\n",
            "FROM a\nEXPOSE 80\nEXPOSE 80\nCOPY . .\n",
            MOVE,
        );
    }

    #[test]
    fn moves_the_model_forbids_are_not_accepted() {
        // The ENV a moved RUN uses, moved above its ENV.
        refused(
            "FROM a\nENV V=1\nRUN echo $V > /v\n",
            "FROM a\nRUN echo $V > /v\nENV V=1\n",
            MOVE,
        );
        // A COPY of a file a RUN reads.
        refused(
            "FROM debian\nCOPY mirror.sources /etc/apt/sources.list.d/\nRUN apt-get update\n",
            "FROM debian\nRUN apt-get update\nCOPY mirror.sources /etc/apt/sources.list.d/\n",
            MOVE,
        );
        // A WORKDIR between: the copy lands elsewhere.
        refused(
            "FROM golang\nWORKDIR /w\nCOPY src ./src\nRUN go build ./src\n",
            "FROM golang\nCOPY src ./src\nWORKDIR /w\nRUN go build ./src\n",
            MOVE,
        );
        // A USER between: the RUN runs as another user.
        refused(
            "FROM a\nUSER app\nRUN touch /tmp/x\n",
            "FROM a\nRUN touch /tmp/x\nUSER app\n",
            MOVE,
        );
        // A SHELL between.
        refused(
            "FROM a\nSHELL [\"bash\", \"-c\"]\nRUN echo hi > /x\n",
            "FROM a\nRUN echo hi > /x\nSHELL [\"bash\", \"-c\"]\n",
            MOVE,
        );
        // The last CMD wins; an ENTRYPOINT resets the CMD set before it.
        refused(
            "FROM a\nCMD [\"a\"]\nCOPY . .\nCMD [\"b\"]\n",
            "FROM a\nCMD [\"b\"]\nCMD [\"a\"]\nCOPY . .\n",
            MOVE,
        );
        // In one stage, a CMD set before or after the ENTRYPOINT is the same config.
        accepted(
            "FROM a\nCMD [\"a\"]\nENTRYPOINT [\"e\"]\n",
            "FROM a\nENTRYPOINT [\"e\"]\nCMD [\"a\"]\n",
            MOVE,
        );
        // A move into another stage, and a move the rule does not declare.
        refused(
            "FROM a AS b\nLABEL x=y\nFROM c\nCOPY --from=b /x /x\n",
            "FROM a AS b\nFROM c\nLABEL x=y\nCOPY --from=b /x /x\n",
            MOVE,
        );
        refused(
            "FROM a\nCOPY . .\nLABEL a=b\n",
            "FROM a\nLABEL a=b\nCOPY . .\n",
            DROP,
        );
    }

    #[test]
    fn moves_that_change_state_are_left_to_the_whole_comparison() {
        // A WORKDIR passed by a copy with a relative destination: the copy would land elsewhere.
        let (cheap, full) = both(
            "FROM a\nCOPY x y\nWORKDIR /app\n",
            "FROM a\nWORKDIR /app\nCOPY x y\n",
            MOVE,
        );
        assert!(!cheap && full.is_err());
        // An ARG passed by a COPY that names it.
        let (cheap, full) = both(
            "FROM a\nCOPY x /$D/\nARG D=opt\n",
            "FROM a\nARG D=opt\nCOPY x /$D/\n",
            MOVE,
        );
        assert!(!cheap && full.is_err());
        // A VOLUME in JSON form names its variable where the instruction's words do not show it.
        let (cheap, _) = both(
            "FROM a\nVOLUME [\"$D\"]\nENV D=/data\n",
            "FROM a\nENV D=/data\nVOLUME [\"$D\"]\n",
            MOVE,
        );
        assert!(!cheap);
    }

    #[test]
    fn texts_that_are_not_a_reordering_are_left_to_the_whole_comparison() {
        let before = "FROM a\nCOPY . .\nCMD [\"x\"]\n";
        for after in [
            "FROM a\nCMD [\"y\"]\nCOPY . .\n",
            "FROM a\nCMD [\"x\"]\nCMD [\"x\"]\nCOPY . .\n",
            "# escape=`\nFROM a\nCMD [\"x\"]\nCOPY . .\n",
            "FROM a\nCMD [\"x\"]COPY . .\n",
            "FROM b\nCMD [\"x\"]\nCOPY . .\n",
        ] {
            assert!(!both(before, after, MOVE).0, "{after}");
        }
        // A continuation that runs to the end of the text would run on into the next line once moved.
        let (cheap, _) = both(
            "FROM a\nCOPY . .\nCMD x \\\n",
            "FROM a\nCMD x \\\nCOPY . .\n",
            MOVE,
        );
        assert!(!cheap);
        // Comments and blank lines may move and go.
        accepted(
            "FROM a\n\nCOPY . .\n\n# the command\nCMD [\"x\"]\n",
            "FROM a\n\n# the command\nCMD [\"x\"]\nCOPY . .\n",
            MOVE,
        );
    }

    #[test]
    fn drops() {
        accepted(
            "FROM a\nCMD [\"a\"]\nRUN x\nCMD [\"b\"]\n",
            "FROM a\nRUN x\nCMD [\"b\"]\n",
            DROP,
        );
        // The config would change.
        refused(
            "FROM a\nCMD [\"a\"]\nRUN x\nCMD [\"b\"]\n",
            "FROM a\nCMD [\"a\"]\nRUN x\n",
            DROP,
        );
        // Files in the final image, and files a later stage copies.
        refused(
            "FROM a\nRUN echo x > /x\nCMD [\"a\"]\n",
            "FROM a\nCMD [\"a\"]\n",
            DROP,
        );
        refused(
            "FROM debian AS build\nRUN echo a > /out/app\nFROM debian\nCOPY --from=build /out/app /app\n",
            "FROM debian AS build\nFROM debian\nCOPY --from=build /out/app /app\n",
            DROP,
        );
        // What sets state, and what a later instruction of its stage reads, are left to the whole comparison.
        for (before, after) in [
            (
                "FROM a AS b\nENV A=1\nRUN x\nFROM c\n",
                "FROM a AS b\nRUN x\nFROM c\n",
            ),
            (
                "FROM a AS b\nRUN echo a > /a\nRUN cat /a > /b\nFROM c\n",
                "FROM a AS b\nRUN cat /a > /b\nFROM c\n",
            ),
        ] {
            assert!(!both(before, after, DROP).0, "{after}");
        }
        // A drop of one of two identical lines is paired up by the whole comparison, not here.
        assert!(
            !both(
                "FROM a\nCMD [\"a\"]\nCMD [\"a\"]\n",
                "FROM a\nCMD [\"a\"]\n",
                DROP
            )
            .0
        );
    }
}
