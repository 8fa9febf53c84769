//! Suppression comments: dflint's own (`# dflint ignore=`, `# dflint ignore-file=`), hadolint's
//! (`# hadolint ignore=`, `# hadolint global ignore=`) and BuildKit's `# check=skip=` directive.
//!
//! A line suppression covers the instruction right below its run of comment lines (all of that instruction's lines);
//! a file suppression covers everything. Peers' codes resolve through the rules' declared equivalents.
use std::ops::Range;

use super::check_directive::{self, CheckScope};
use super::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use super::settings::{all_rules, resolve_selector, Settings};
use crate::syntax::{query, Document};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Dflint,
    Hadolint,
    BuildKit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    File,
    /// 0-based first and last line of the instruction below the comment.
    Lines(usize, usize),
    /// A line suppression with no instruction right below it.
    Nothing,
}

#[derive(Clone, Debug)]
struct Entry {
    source: Source,
    scope: Scope,
    token: String,
    range: Range<usize>,
    /// Codes of the rules it names; empty when it names none.
    codes: Vec<&'static str>,
    /// Whether the token is a rule or selector at all.
    known: bool,
    /// Index into `Suppressions::comments`.
    comment: usize,
}

/// A dflint suppression that suppressed nothing, handed to the `unused-suppression` rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnusedSuppression {
    /// The code or name as written.
    pub token: String,
    pub range: Range<usize>,
    /// `false` when the token names no rule.
    pub known: bool,
    /// Whether removing it removes the whole comment line (every entry in it is unused).
    pub whole_comment: bool,
    /// The edits that remove it.
    pub removal: Vec<Edit>,
}

/// The suppressions of one document.
pub(crate) struct Suppressions {
    entries: Vec<Entry>,
    /// Per suppression comment: the bytes of its line, with the line ending.
    comments: Vec<Range<usize>>,
}

struct Parsed {
    source: Source,
    file: bool,
    tokens: Vec<(String, Range<usize>)>,
}

impl Suppressions {
    pub fn collect(doc: &Document) -> Suppressions {
        let mut sup = Suppressions {
            entries: Vec::new(),
            comments: Vec::new(),
        };
        let mut above: Vec<Option<usize>> = vec![None; doc.comments().len()];
        for i in 0..doc.instructions().len() {
            for c in query::comments_above(doc, i) {
                above[c] = Some(i);
            }
        }
        let li = doc.line_index();
        for (ci, comment) in doc.comments().iter().enumerate() {
            let Some(parsed) = parse_comment(doc.text(), comment.range.clone()) else {
                continue;
            };
            let scope = if parsed.file {
                Scope::File
            } else {
                match above[ci] {
                    Some(i) => {
                        let ins = &doc.instructions()[i];
                        Scope::Lines(ins.start_line, ins.end_line)
                    }
                    None => Scope::Nothing,
                }
            };
            let line = query::line_with_ending(doc, li.line(comment.range.start));
            sup.push(parsed.source, scope, parsed.tokens, line);
        }
        // BuildKit's `check` directives: at the top (the file) and above an instruction (that instruction).
        let text = doc.text();
        for (scope, options, range) in check_directive::directives(doc) {
            let value = match scope {
                CheckScope::File => range.clone(),
                CheckScope::Lines(..) => {
                    // The value within the comment line: after `check` and its `=`.
                    // BuildKit cuts the value at its first space.
                    let src = &text[range.clone()];
                    let Some(at) = src.find('=') else { continue };
                    let lead = src[at + 1..].len() - src[at + 1..].trim_start().len();
                    let start = range.start + at + 1 + lead;
                    let end = text[start..range.end]
                        .find([' ', '\t'])
                        .map_or(range.end, |e| start + e);
                    start..end
                }
            };
            let tokens: Vec<_> = check_skip_tokens(text, value)
                .into_iter()
                // `all` skips everything only alone; among other names it is no check.
                .filter(|(t, _)| t != "all" || options.skip_all)
                .collect();
            let scope = match scope {
                CheckScope::File => Scope::File,
                CheckScope::Lines(a, b) => Scope::Lines(a, b),
            };
            let line = match scope {
                Scope::File => doc
                    .directive("check")
                    .map_or(range.clone(), |d| d.range.clone()),
                _ => range.clone(),
            };
            sup.push(Source::BuildKit, scope, tokens, line);
        }
        sup
    }

    fn push(
        &mut self,
        source: Source,
        scope: Scope,
        tokens: Vec<(String, Range<usize>)>,
        line: Range<usize>,
    ) {
        let comment = self.comments.len();
        self.comments.push(line);
        for (token, range) in tokens {
            let (codes, known) = resolve(source, &token);
            self.entries.push(Entry {
                source,
                scope: scope.clone(),
                token,
                range,
                codes,
                known,
                comment,
            });
        }
    }

    /// Removes the suppressed diagnostics; returns which entries suppressed something.
    pub fn apply(&self, doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<bool> {
        let li = doc.line_index();
        let mut used = vec![false; self.entries.len()];
        diags.retain(|d| {
            let line = li.line(d.range.start);
            let mut keep = true;
            for (i, e) in self.entries.iter().enumerate() {
                let covers = match e.scope {
                    Scope::File => true,
                    Scope::Lines(a, b) => a <= line && line <= b,
                    Scope::Nothing => false,
                };
                if covers && e.codes.contains(&d.code) {
                    used[i] = true;
                    keep = false;
                }
            }
            keep
        });
        used
    }

    /// dflint entries that suppressed nothing though they name an enabled rule (or no rule at all).
    pub fn unused(&self, used: &[bool], settings: &Settings) -> Vec<UnusedSuppression> {
        let reportable = |i: usize| {
            let e = &self.entries[i];
            e.source == Source::Dflint
                && !used[i]
                && (!e.known
                    || all_rules()
                        .iter()
                        .any(|r| e.codes.contains(&r.code) && settings.is_enabled(r)))
        };
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !reportable(i) {
                continue;
            }
            let siblings: Vec<usize> = (0..self.entries.len())
                .filter(|&j| self.entries[j].comment == e.comment)
                .collect();
            let whole_comment = siblings.iter().all(|&j| reportable(j));
            let removal = if whole_comment {
                vec![Edit::delete(self.comments[e.comment].clone())]
            } else {
                let pos = siblings.iter().position(|&j| j == i).unwrap_or(0);
                let range = match siblings.get(pos + 1) {
                    Some(&next) => e.range.start..self.entries[next].range.start,
                    None => self.entries[siblings[pos - 1]].range.end..e.range.end,
                };
                vec![Edit::delete(range)]
            };
            out.push(UnusedSuppression {
                token: e.token.clone(),
                range: e.range.clone(),
                known: e.known,
                whole_comment,
                removal,
            });
        }
        out
    }
}

/// Removes the findings of an external program (the `shellcheck` program) that a suppression comment names by the
/// program's own code, `code_of` of each finding (`# hadolint ignore=SC2034`, `# dflint ignore=SC2034`), as hadolint
/// honours them.
pub fn suppress_by_tool_code<F>(doc: &Document, diags: &mut Vec<Diagnostic>, code_of: F)
where
    F: Fn(&Diagnostic) -> Option<String>,
{
    let sup = Suppressions::collect(doc);
    let li = doc.line_index();
    diags.retain(|d| {
        let Some(code) = code_of(d) else { return true };
        let line = li.line(d.range.start);
        !sup.entries.iter().any(|e| {
            let covers = match e.scope {
                Scope::File => true,
                Scope::Lines(a, b) => a <= line && line <= b,
                Scope::Nothing => false,
            };
            covers && e.source != Source::BuildKit && e.token.eq_ignore_ascii_case(&code)
        })
    });
}

/// An editor's "ignore" action for one diagnostic: `# dflint ignore=<name>` above its instruction, added to a dflint
/// comment already there or inserted on its own line with the instruction's indentation and the file's line ending.
/// `None` when the diagnostic lies outside any instruction or that comment already names the rule.
pub fn suppression_fix(doc: &Document, diag: &Diagnostic) -> Option<Fix> {
    let li = doc.line_index();
    let (index, ins) = query::instruction_on_line(doc, li.line(diag.range.start))?;
    let title = format!("Ignore `{}` for this instruction", diag.name);
    for c in query::comments_above(doc, index) {
        let comment = &doc.comments()[c];
        let Some(parsed) = parse_comment(doc.text(), comment.range.clone()) else {
            continue;
        };
        if parsed.source != Source::Dflint || parsed.file {
            continue;
        }
        if parsed
            .tokens
            .iter()
            .any(|(t, _)| resolve(Source::Dflint, t).0.contains(&diag.code))
        {
            return None;
        }
        let end = parsed.tokens.last().map(|(_, r)| r.end)?;
        return Some(Fix::new(
            title,
            Applicability::DisplayOnly,
            vec![Edit::insert(end, format!(",{}", diag.name))],
        ));
    }
    let line = query::line_with_ending(doc, ins.start_line);
    let text = doc.text();
    let indent: String = text[line.clone()]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Some(Fix::new(
        title,
        Applicability::DisplayOnly,
        vec![Edit::insert(
            line.start,
            format!(
                "{indent}# dflint ignore={}{}",
                diag.name,
                query::line_ending(text)
            ),
        )],
    ))
}

/// The rule codes a suppression token names.
fn resolve(source: Source, token: &str) -> (Vec<&'static str>, bool) {
    let peers = |bk: bool| -> Vec<&'static str> {
        all_rules()
            .iter()
            .filter(|r| {
                if bk {
                    // BuildKit's names are case-sensitive, and `skip` never stops an experimental check.
                    !check_directive::is_experimental(r)
                        && r.buildkit_names().any(|n| n == token || token == "all")
                } else {
                    r.hadolint_codes().any(|n| n.eq_ignore_ascii_case(token))
                }
            })
            .map(|r| r.code)
            .collect()
    };
    match source {
        Source::BuildKit => (peers(true), true),
        Source::Hadolint => (peers(false), true),
        Source::Dflint => match resolve_selector(token) {
            Some(rules) => (rules.iter().map(|r| r.code).collect(), true),
            None => (Vec::new(), false),
        },
    }
}

/// Reads `# dflint[:] ignore[-file]=A,B`, `# hadolint [global] ignore=A,B`.
fn parse_comment(src: &str, range: Range<usize>) -> Option<Parsed> {
    let mut p = Cursor {
        s: src,
        pos: range.start,
        end: range.end,
    };
    p.ws();
    p.eat("#").then_some(())?;
    p.ws();
    let (source, file) = if p.eat_word("dflint") {
        p.eat(":");
        p.ws();
        if p.eat_word("ignore-file") {
            (Source::Dflint, true)
        } else if p.eat_word("ignore") {
            (Source::Dflint, false)
        } else {
            return None;
        }
    } else if p.eat_word("hadolint") {
        p.ws();
        let global = p.eat_word("global");
        p.ws();
        p.eat_word("ignore").then_some(())?;
        (Source::Hadolint, global)
    } else {
        return None;
    };
    p.ws();
    p.eat("=").then_some(())?;
    p.ws();
    let mut tokens = Vec::new();
    loop {
        let start = p.pos;
        while p.pos < p.end && is_token_byte(p.s.as_bytes()[p.pos]) {
            p.pos += 1;
        }
        if p.pos == start {
            break;
        }
        tokens.push((p.s[start..p.pos].to_string(), start..p.pos));
        p.ws();
        if !p.eat(",") {
            break;
        }
        p.ws();
    }
    (!tokens.is_empty()).then_some(Parsed {
        source,
        file,
        tokens,
    })
}

/// The names in the `skip=` part of a `# check=skip=A,B;error=true` directive value.
fn check_skip_tokens(src: &str, value: Range<usize>) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut off = value.start;
    for part in src[value.clone()].split(';') {
        if let Some((key, list)) = part.split_once('=') {
            if key.trim().eq_ignore_ascii_case("skip") {
                let mut pos = off + key.len() + 1;
                for name in list.split(',') {
                    let lead = name.len() - name.trim_start().len();
                    let t = name.trim();
                    if !t.is_empty() {
                        out.push((t.to_string(), pos + lead..pos + lead + t.len()));
                    }
                    pos += name.len() + 1;
                }
            }
        }
        off += part.len() + 1;
    }
    out
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
    end: usize,
}

impl Cursor<'_> {
    fn ws(&mut self) {
        while self.pos < self.end && matches!(self.s.as_bytes()[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
    }
    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.pos..self.end].starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }
    /// A case-insensitive keyword not followed by another token character.
    fn eat_word(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let ok = end <= self.end
            && self.s.is_char_boundary(end)
            && self.s[self.pos..end].eq_ignore_ascii_case(word)
            && !self.s[end..self.end]
                .bytes()
                .next()
                .is_some_and(is_token_byte);
        if ok {
            self.pos = end;
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<(Source, bool, Vec<String>)> {
        parse_comment(s, 0..s.len()).map(|p| {
            (
                p.source,
                p.file,
                p.tokens
                    .into_iter()
                    .map(|(t, r)| {
                        assert_eq!(&s[r.clone()], t);
                        t
                    })
                    .collect(),
            )
        })
    }

    #[test]
    fn comment_forms() {
        let v = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse("# dflint ignore=DF101, from-as-casing reason"),
            Some((Source::Dflint, false, v(&["DF101", "from-as-casing"])))
        );
        assert_eq!(
            parse("#dflint: ignore-file = DF5"),
            Some((Source::Dflint, true, v(&["DF5"])))
        );
        assert_eq!(
            parse("# hadolint global ignore=DL3006,DL3007"),
            Some((Source::Hadolint, true, v(&["DL3006", "DL3007"])))
        );
        assert_eq!(
            parse("# hadolint ignore=DL3006"),
            Some((Source::Hadolint, false, v(&["DL3006"])))
        );
        assert_eq!(parse("# dflint ignored=DF101"), None);
        assert_eq!(parse("# dflint ignore="), None);
        assert_eq!(parse("# dflintignore=DF101"), None);
        assert_eq!(parse("# just a comment"), None);
    }

    #[test]
    fn check_directive_skip_list() {
        let s = "skip=FromAsCasing, JSONArgsRecommended;error=true";
        let t = check_skip_tokens(s, 0..s.len());
        let names: Vec<&str> = t.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["FromAsCasing", "JSONArgsRecommended"]);
        for (n, r) in &t {
            assert_eq!(&s[r.clone()], n);
        }
        let s = "error=true;skip=all";
        assert_eq!(check_skip_tokens(s, 0..s.len())[0].1, 16..19);
    }
}
