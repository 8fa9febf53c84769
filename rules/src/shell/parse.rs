//! tree-sitter-bash over one shell text: the simple commands in it, with ranges in that text (cached per text).
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use crate::syntax::field::Field;
use tree_sitter::{Node, Parser, TreeCursor};

// The grammar's fields read here, each found by name once (see `syntax::field`).
static F_BODY: Field = Field::new("body");
static F_DESTINATION: Field = Field::new("destination");
static F_NAME: Field = Field::new("name");
static F_VALUE: Field = Field::new("value");

/// A word of a simple command, in the coordinates of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub range: Range<usize>,
    pub value: String,
    pub dynamic: bool,
}

/// A simple command, in the coordinates of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawCommand {
    pub range: Range<usize>,
    pub assignments: Vec<(String, String)>,
    pub words: Vec<RawWord>,
    pub redirects: Vec<RawWord>,
    pub conditional: bool,
    pub nested: bool,
    /// The body of a heredoc fed to this command (`sh <<EOF`), as a range of the parsed text.
    pub heredoc_body: Option<Range<usize>>,
}

/// What parsing one text gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawScript {
    pub commands: Vec<RawCommand>,
    pub has_errors: bool,
    /// The end of the last top-level statement (where ` && more` can be appended).
    pub last_statement_end: Option<usize>,
    /// Where `exec ` would go to make the shell replace itself with the last command: the start of that command, when
    /// the script is one simple command or an `&&` chain of them.
    pub exec_point: Option<usize>,
    /// Where the walk stopped descending because constructs nest deeper than [`MAX_NESTING`]: the commands inside
    /// are not in `commands`.
    pub too_deep: Option<usize>,
    /// ShellCheck's common findings (see [`super::lint`]), from the same tree; `None` when the parse was not asked
    /// for them (only the rules with ShellCheck codes read them, and looking costs about a quarter of a parse).
    pub lints: Option<Vec<super::lint::RawLint>>,
}

/// How many compound commands, substitutions and expansions may nest before the walk stops descending.
/// Hand-written scripts stay far below it; past it the text is generated, and every level copies the text of the
/// words around it, so the work grows with the square of the depth.
pub(crate) const MAX_NESTING: usize = 256;

/// How much script text the cache holds in each of its two generations. A lint reads every RUN of a document
/// again for each fix it checks, so the cache must hold a whole document's scripts: a limit on their number (as
/// there was) makes a document with more RUNs than that parse every one of them again for each fix.
const GENERATION_BYTES: usize = 16 << 20;

/// Parsed scripts by text, in two generations: a hit in the old one moves to the young one, and when the young one
/// holds [`GENERATION_BYTES`] of text the old one is dropped and the young one takes its place. Whatever the last
/// lint read stays; what no lint has read for two generations goes, a little at a time instead of all at once.
#[derive(Default)]
struct Cache {
    young: HashMap<String, Rc<RawScript>>,
    young_bytes: usize,
    old: HashMap<String, Rc<RawScript>>,
}

impl Cache {
    fn get(&mut self, text: &str) -> Option<Rc<RawScript>> {
        if let Some(hit) = self.young.get(text) {
            return Some(hit.clone());
        }
        let (key, hit) = self.old.remove_entry(text)?;
        self.insert(key, hit.clone());
        Some(hit)
    }

    fn insert(&mut self, text: String, parsed: Rc<RawScript>) {
        if self.young_bytes + text.len() > GENERATION_BYTES && !self.young.is_empty() {
            self.old = std::mem::take(&mut self.young);
            self.young_bytes = 0;
        }
        let len = text.len();
        // A parse with the findings replaces one without them: the text is counted once.
        if self.young.insert(text, parsed).is_none() {
            self.young_bytes += len;
        }
    }
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new({
        let mut p = Parser::new();
        p.set_language(&tree_sitter_bash::LANGUAGE.into())
            .expect("tree-sitter-bash is built for the tree-sitter version in use");
        p
    });
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// A node's children, each with the field it fills, in one walk of a cursor (`Node::field_name_for_child` searches
/// the node's field map from its first child for every child: several hundred instructions a word).
pub(crate) fn fielded_children<'t>(
    n: Node<'t>,
) -> impl Iterator<Item = (Node<'t>, Option<&'t str>)> + 't {
    let mut cursor = n.walk();
    let mut started = false;
    std::iter::from_fn(move || {
        let moved = if started {
            cursor.goto_next_sibling()
        } else {
            started = true;
            cursor.goto_first_child()
        };
        moved.then(|| (cursor.node(), cursor.field_name()))
    })
}

/// Parses `text` as a POSIX/bash script, with ShellCheck's common findings when `lints` asks for them. Results are
/// cached per text (rules ask about the same RUN many times); a cached parse without the findings is parsed again
/// when they are asked for.
pub(crate) fn parse(text: &str, lints: bool) -> Rc<RawScript> {
    if let Some(hit) = CACHE.with(|c| c.borrow_mut().get(text)) {
        if hit.lints.is_some() || !lints {
            return hit;
        }
    }
    let parsed = Rc::new(parse_uncached(text, lints));
    CACHE.with(|c| c.borrow_mut().insert(text.to_string(), parsed.clone()));
    parsed
}

fn parse_uncached(text: &str, lints: bool) -> RawScript {
    let Some(tree) = PARSER.with(|p| p.borrow_mut().parse(text, None)) else {
        return RawScript {
            has_errors: true,
            ..RawScript::default()
        };
    };
    let root = tree.root_node();
    let mut w = Walker {
        text,
        out: Vec::new(),
        too_deep: None,
        late_redirects: Vec::new(),
    };
    w.walk(root);
    let mut cursor = root.walk();
    let last_statement_end = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .last()
        .map(|n| n.end_byte());
    let statements: Vec<Node> = {
        let mut c = root.walk();
        root.named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect()
    };
    let exec_point = match statements.as_slice() {
        [only] if !root.has_error() => exec_point(*only),
        _ => None,
    };
    RawScript {
        commands: w.out,
        has_errors: root.has_error(),
        last_statement_end,
        exec_point,
        too_deep: w.too_deep,
        lints: lints.then(|| super::lint::lint(text, root)),
    }
}

/// The start of the command `exec` would prefix: a simple command, or the last of an `&&` chain of simple commands.
fn exec_point(n: Node) -> Option<usize> {
    match n.kind() {
        "command" => Some(n.start_byte()),
        "list" => {
            let mut cursor = n.walk();
            let children: Vec<Node> = n.children(&mut cursor).collect();
            let all_and = children
                .iter()
                .filter(|c| !c.is_named())
                .all(|c| c.kind() == "&&");
            let all_commands = children
                .iter()
                .filter(|c| c.is_named())
                .all(|c| c.kind() == "command");
            (all_and && all_commands)
                .then(|| children.last().map(|c| c.start_byte()))
                .flatten()
        }
        _ => None,
    }
}

#[derive(Clone, Copy, Default)]
struct Flags {
    conditional: bool,
    nested: bool,
    /// Nesting constructs around the node (see [`nests`]).
    depth: usize,
}

/// Whether a node opens a level of nesting; `a && b && c` and pipelines are deep trees but not nesting.
fn nests(kind: &str) -> bool {
    matches!(
        kind,
        "subshell"
            | "compound_statement"
            | "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition"
            | "command_substitution"
            | "process_substitution"
            | "arithmetic_expansion"
            | "parenthesized_expression"
            | "expansion"
    )
}

fn is_substitution(kind: &str) -> bool {
    matches!(kind, "command_substitution" | "process_substitution")
}

struct Walker<'a> {
    text: &'a str,
    out: Vec<RawCommand>,
    too_deep: Option<usize>,
    /// Redirects written after a list or pipeline (`a && b > f`, which the grammar reads as redirecting the whole
    /// list): the shell applies them to its last command, found by its byte range when the walk reaches it.
    late_redirects: Vec<(Range<usize>, Vec<RawWord>)>,
}

/// Work left for the walker. The walk is a loop over an explicit stack, so no nesting or chain length can exhaust the
/// thread's stack (`a && b && ...` is a left-nested tree as deep as the chain is long).
enum Task<'t> {
    Walk(Node<'t>, Flags),
    /// The command and process substitutions inside a word, assignment or redirect.
    Substitutions(Node<'t>, Flags),
    /// The targets of a redirect (`> $(cmd)`), but not its heredoc body.
    RedirectTargets(Node<'t>, Flags),
}

impl<'t> Walker<'_> {
    fn t(&self, n: Node) -> &str {
        &self.text[n.byte_range()]
    }

    /// Every simple command under `root`, in source order (a command before the substitutions in its words).
    fn walk(&mut self, root: Node<'t>) {
        let mut stack = vec![Task::Walk(root, Flags::default())];
        let mut cursor = root.walk();
        let mut found: Vec<Task<'t>> = Vec::new();
        while let Some(mut task) = stack.pop() {
            // A substitution reached while looking for substitutions is counted once, by the walk it becomes.
            let handed_over =
                matches!(&task, Task::Substitutions(n, _) if is_substitution(n.kind()));
            let (Task::Walk(n, f) | Task::Substitutions(n, f) | Task::RedirectTargets(n, f)) =
                &mut task;
            if nests(n.kind()) && !handed_over {
                f.depth += 1;
                if f.depth > MAX_NESTING {
                    self.too_deep.get_or_insert(n.start_byte());
                    continue;
                }
            }
            // Tasks for the children go to `found` in source order, then onto the stack reversed.
            match task {
                Task::Walk(n, f) => self.visit(n, f, &mut cursor, &mut found),
                Task::Substitutions(n, f) => {
                    if matches!(n.kind(), "command_substitution" | "process_substitution") {
                        found.push(Task::Walk(n, f));
                    } else {
                        for c in n.named_children(&mut cursor) {
                            match c.kind() {
                                "command_substitution" | "process_substitution" => {
                                    found.push(Task::Walk(c, f))
                                }
                                "heredoc_body" => {}
                                _ => found.push(Task::Substitutions(c, f)),
                            }
                        }
                    }
                }
                Task::RedirectTargets(n, f) => {
                    for c in n.named_children(&mut cursor) {
                        if c.kind() != "heredoc_body" {
                            found.push(Task::Walk(c, f));
                        }
                    }
                }
            }
            stack.extend(found.drain(..).rev());
        }
    }

    fn visit(
        &mut self,
        n: Node<'t>,
        f: Flags,
        cursor: &mut TreeCursor<'t>,
        found: &mut Vec<Task<'t>>,
    ) {
        let children = |cursor: &mut TreeCursor<'t>, found: &mut Vec<Task<'t>>, f: Flags| {
            found.extend(n.named_children(cursor).map(|c| Task::Walk(c, f)));
        };
        match n.kind() {
            "command" => self.command(n, f, &[], found),
            "redirected_statement" => {
                let redirects: Vec<Node> = n
                    .children(cursor)
                    .filter(|c| {
                        matches!(
                            c.kind(),
                            "file_redirect" | "heredoc_redirect" | "herestring_redirect"
                        )
                    })
                    .collect();
                match F_BODY.of(n) {
                    Some(body) if body.kind() == "command" => {
                        self.command(body, f, &redirects, found)
                    }
                    Some(body) => {
                        let mut last = body;
                        while matches!(last.kind(), "list" | "pipeline") {
                            match last
                                .named_child((last.named_child_count() as u32).saturating_sub(1))
                            {
                                Some(c) => last = c,
                                None => break,
                            }
                        }
                        if last.kind() == "command" {
                            let mut words = Vec::new();
                            for r in redirects.iter().filter(|r| r.kind() == "file_redirect") {
                                if let Some(d) = F_DESTINATION.of(*r) {
                                    words.push(self.word(d));
                                }
                            }
                            self.late_redirects.push((last.byte_range(), words));
                        }
                        found.push(Task::Walk(body, f));
                    }
                    None => {}
                }
                // Commands inside redirect targets (`> $(cmd)`) still run.
                found.extend(redirects.into_iter().map(|r| Task::RedirectTargets(r, f)));
            }
            "list" => {
                // `a || b`: b runs only when a fails.
                let mut after_or = false;
                for c in n.children(cursor) {
                    match c.kind() {
                        "||" => after_or = true,
                        "&&" => {}
                        _ if c.is_named() => found.push(Task::Walk(
                            c,
                            Flags {
                                conditional: f.conditional || after_or,
                                ..f
                            },
                        )),
                        _ => {}
                    }
                }
            }
            "if_statement"
            | "while_statement"
            | "for_statement"
            | "c_style_for_statement"
            | "case_statement"
            | "function_definition" => children(
                cursor,
                found,
                Flags {
                    conditional: true,
                    ..f
                },
            ),
            "command_substitution" | "process_substitution" => {
                children(cursor, found, Flags { nested: true, ..f })
            }
            "heredoc_body" | "comment" => {}
            _ => children(cursor, found, f),
        }
    }

    fn command(
        &mut self,
        n: Node<'t>,
        f: Flags,
        redirect_nodes: &[Node<'t>],
        found: &mut Vec<Task<'t>>,
    ) {
        let mut assignments = Vec::new();
        let mut words = Vec::new();
        let mut redirects = Vec::new();
        let mut heredoc_body = None;
        let mut nested_nodes = Vec::new();
        for (c, field) in fielded_children(n) {
            match (c.kind(), field) {
                ("variable_assignment", _) => {
                    let name = F_NAME
                        .of(c)
                        .map(|x| self.t(x).to_string())
                        .unwrap_or_default();
                    let value = F_VALUE
                        .of(c)
                        .map(|v| self.word(v).value)
                        .unwrap_or_default();
                    assignments.push((name, value));
                    nested_nodes.push(c);
                }
                (_, Some("name")) => {
                    let inner = c.named_child(0).unwrap_or(c);
                    words.push(self.word(inner));
                    nested_nodes.push(c);
                }
                (_, Some("argument")) => {
                    words.push(self.word(c));
                    nested_nodes.push(c);
                }
                (k, _) if k.ends_with("_redirect") => {
                    self.redirect(c, &mut redirects, &mut heredoc_body);
                    nested_nodes.push(c);
                }
                _ => {}
            }
        }
        for r in redirect_nodes {
            self.redirect(*r, &mut redirects, &mut heredoc_body);
        }
        if let Some(k) = self
            .late_redirects
            .iter()
            .position(|(range, _)| *range == n.byte_range())
        {
            redirects.extend(self.late_redirects.swap_remove(k).1);
        }
        let end = redirect_nodes
            .iter()
            .map(|r| r.end_byte())
            .filter(|_| heredoc_body.is_none())
            .fold(n.end_byte(), usize::max);
        self.out.push(RawCommand {
            range: n.start_byte()..end,
            assignments,
            words,
            redirects,
            conditional: f.conditional,
            nested: f.nested,
            heredoc_body,
        });
        // Substitutions inside the words run too.
        found.extend(nested_nodes.into_iter().map(|c| Task::Substitutions(c, f)));
    }

    fn redirect(&self, r: Node, redirects: &mut Vec<RawWord>, heredoc: &mut Option<Range<usize>>) {
        if let Some(d) = F_DESTINATION.of(r) {
            redirects.push(self.word(d));
        }
        if r.kind() == "heredoc_redirect" {
            let mut cursor = r.walk();
            for c in r.named_children(&mut cursor) {
                if c.kind() == "heredoc_body" {
                    *heredoc = Some(c.byte_range());
                }
                if c.kind() == "file_redirect" {
                    if let Some(d) = F_DESTINATION.of(c) {
                        redirects.push(self.word(d));
                    }
                }
            }
        }
    }

    /// A word's static value (quotes removed, escapes resolved); `dynamic` when it holds an expansion.
    fn word(&self, n: Node) -> RawWord {
        let mut value = String::new();
        let dynamic = self.value_into(n, &mut value);
        RawWord {
            range: n.byte_range(),
            value,
            dynamic,
        }
    }

    fn value_into(&self, n: Node, out: &mut String) -> bool {
        match n.kind() {
            "word" | "number" | "special_variable_name" => {
                unescape_unquoted(self.t(n), out);
                false
            }
            "raw_string" => {
                let t = self.t(n);
                out.push_str(
                    t.strip_prefix('\'')
                        .unwrap_or(t)
                        .strip_suffix('\'')
                        .unwrap_or(t),
                );
                false
            }
            "ansi_c_string" => {
                let t = self.t(n);
                let inner = t
                    .strip_prefix("$'")
                    .and_then(|x| x.strip_suffix('\''))
                    .unwrap_or(t);
                out.push_str(inner);
                false
            }
            "string" | "translated_string" => {
                let mut dynamic = false;
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    match c.kind() {
                        "string_content" => unescape_double_quoted(self.t(c), out),
                        _ => {
                            dynamic = true;
                            out.push_str(self.t(c));
                        }
                    }
                }
                // Gaps between children (raw text tree-sitter does not name) are literal.
                if n.named_child_count() == 0 {
                    let t = self.t(n);
                    let inner = t.trim_start_matches('$');
                    let inner = inner.strip_prefix('"').unwrap_or(inner);
                    unescape_double_quoted(inner.strip_suffix('"').unwrap_or(inner), out);
                }
                dynamic
            }
            "concatenation" => {
                let mut dynamic = false;
                let mut cursor = n.walk();
                let mut pos = n.start_byte();
                for c in n.children(&mut cursor) {
                    if c.start_byte() > pos {
                        unescape_unquoted(&self.text[pos..c.start_byte()], out);
                    }
                    // One level only: the parts of a concatenation are never concatenations themselves, and the
                    // recursion stays bounded whatever the tree holds.
                    dynamic |= if c.kind() == "concatenation" {
                        out.push_str(self.t(c));
                        true
                    } else {
                        self.value_into(c, out)
                    };
                    pos = c.end_byte();
                }
                if pos < n.end_byte() {
                    unescape_unquoted(&self.text[pos..n.end_byte()], out);
                }
                dynamic
            }
            _ if n.child_count() == 0 && !n.is_named() => {
                out.push_str(self.t(n));
                false
            }
            _ => {
                out.push_str(self.t(n));
                true
            }
        }
    }
}

/// `a\ b` → `a b`; a backslash-newline disappears.
fn unescape_unquoted(s: &str, out: &mut String) {
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('\n') | None => {}
                Some(n) => out.push(n),
            }
        } else {
            out.push(c);
        }
    }
}

/// Inside `"..."` only `\$`, `` \` ``, `\"`, `\\` and backslash-newline are escapes.
fn unescape_double_quoted(s: &str, out: &mut String) {
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('$' | '`' | '"' | '\\') => {
                    out.push(it.next().expect("peeked"));
                }
                Some('\n') => {
                    it.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Rc<RawScript> {
        super::parse(text, true)
    }

    #[test]
    fn findings_come_when_asked_even_after_a_parse_without_them() {
        let text = "echo `date` # findings-cache-test";
        let without = super::parse(text, false);
        assert!(without.lints.is_none());
        let with = super::parse(text, true);
        let lints = with.lints.as_ref().expect("asked for");
        assert!(!lints.is_empty(), "a backtick substitution is a finding");
        assert_eq!(with.commands, without.commands);
        // The parse with findings replaced the other: both questions find it now.
        assert!(Rc::ptr_eq(&super::parse(text, false), &with));
        assert!(Rc::ptr_eq(&super::parse(text, true), &with));
    }

    fn names(s: &RawScript) -> Vec<Vec<String>> {
        s.commands
            .iter()
            .map(|c| c.words.iter().map(|w| w.value.clone()).collect())
            .collect()
    }

    #[test]
    fn simple_commands_and_values() {
        let s = parse(
            r#"apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "g cc" 'x' a\ b $PKG"#,
        );
        assert!(!s.has_errors);
        assert_eq!(
            names(&s),
            [
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "g cc", "x", "a b", "$PKG"]
            ]
        );
        assert_eq!(
            s.commands[1].assignments,
            [("DEBIAN_FRONTEND".to_string(), "noninteractive".to_string())]
        );
        assert!(s.commands[1].words[6].dynamic);
        assert!(!s.commands[1].words[3].dynamic);
    }

    #[test]
    fn conditional_nested_and_redirects() {
        let s = parse("set -e; if [ -f x ]; then make; fi; a || b; echo $(cat f) > out.txt");
        let n = names(&s);
        assert_eq!(
            n,
            [
                vec!["set", "-e"],
                vec!["make"],
                vec!["a"],
                vec!["b"],
                vec!["echo", "$(cat f)"],
                vec!["cat", "f"]
            ]
        );
        assert!(s.commands[1].conditional);
        assert!(!s.commands[2].conditional);
        assert!(s.commands[3].conditional);
        assert!(s.commands[5].nested);
        assert_eq!(s.commands[4].redirects[0].value, "out.txt");
    }

    #[test]
    fn heredoc_bodies_are_kept_for_shells() {
        let text = "sh -e <<EOF\napt-get update\nEOF\n";
        let s = parse(text);
        let body = s.commands[0].heredoc_body.clone().unwrap();
        assert_eq!(&text[body], "apt-get update\n");
        assert_eq!(s.commands.len(), 1);
    }

    #[test]
    fn concatenations_keep_literal_parts() {
        let text = "go build -o=/out/$NAME --tags=\"a b\" # note";
        let s = parse(text);
        assert_eq!(s.commands[0].words[2].value, "-o=/out/$NAME");
        assert!(s.commands[0].words[2].dynamic);
        assert_eq!(s.commands[0].words[3].value, "--tags=a b");
        assert_eq!(s.last_statement_end, text.find(" #"));
        assert_eq!(s.exec_point, Some(0));
        assert_eq!(parse("cd /app && node x.js").exec_point, Some(11));
        assert_eq!(parse("a | b").exec_point, None);
        assert_eq!(parse("a; b").exec_point, None);
        assert_eq!(parse("a || b").exec_point, None);
    }
}
