//! ShellCheck's most common findings, read from the tree-sitter-bash tree the commands come from (one parse, one
//! walk per text). What depends on the Dockerfile (the ARG and ENV in force, the SHELL's dialect and `-e`) is left to
//! the rules as conditions on each finding.
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::parse::MAX_NESTING;
use crate::syntax::field::Field;

// The grammar's fields read here, each found by name once (see `syntax::field`).
static F_BODY: Field = Field::new("body");
static F_NAME: Field = Field::new("name");
static F_VALUE: Field = Field::new("value");
static F_VARIABLE: Field = Field::new("variable");

/// A ShellCheck code dflint reads natively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShellCode {
    /// Unquoted expansion: word splitting and globbing.
    Sc2086,
    /// Unquoted command substitution.
    Sc2046,
    /// Backticks.
    Sc2006,
    /// `export x=$(cmd)`: the declaration's status masks the command's.
    Sc2155,
    /// `$x` in single quotes.
    Sc2016,
    /// `echo` with backslash escapes.
    Sc2028,
    /// `! cmd` as a statement under `set -e`.
    Sc2251,
    /// A `for` loop over one constant word.
    Sc2043,
    /// A lowercase variable read but never assigned.
    Sc2154,
    /// The script does not parse.
    Sc1072,
}

impl ShellCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ShellCode::Sc2086 => "SC2086",
            ShellCode::Sc2046 => "SC2046",
            ShellCode::Sc2006 => "SC2006",
            ShellCode::Sc2155 => "SC2155",
            ShellCode::Sc2016 => "SC2016",
            ShellCode::Sc2028 => "SC2028",
            ShellCode::Sc2251 => "SC2251",
            ShellCode::Sc2043 => "SC2043",
            ShellCode::Sc2154 => "SC2154",
            ShellCode::Sc1072 => "SC1072",
        }
    }
}

/// One finding, in the coordinates of the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawLint {
    pub code: ShellCode,
    pub range: Range<usize>,
    /// A finding only when this variable is not defined by the Dockerfile (ARG/ENV): the script never assigns it.
    pub var: Option<String>,
    /// A finding only under a POSIX `sh` (dash and ash split the arguments of `export`/`local`, bash does not).
    pub posix_only: bool,
    /// A finding only when `errexit` is on, which the script itself does not turn on (the SHELL may).
    pub needs_errexit: bool,
}

impl RawLint {
    fn new(code: ShellCode, range: Range<usize>) -> RawLint {
        RawLint {
            code,
            range,
            var: None,
            posix_only: false,
            needs_errexit: false,
        }
    }
}

/// Commands whose single-quoted arguments are scripts or formats of their own, where `$x` is meant literally.
const SINGLE_QUOTE_OK: &[&str] = &[
    "awk",
    "gawk",
    "mawk",
    "nawk",
    "perl",
    "jq",
    "sh",
    "bash",
    "ksh",
    "zsh",
    "trap",
    "ssh",
    "eval",
    "rename",
    "docker",
    "alias",
    "rg",
    "dpkg-query",
    "sudo",
];

/// Shells whose `-c` string a command may be given (`find -exec sh -c '...'`).
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "ksh", "zsh"];

/// Variables the shell sets; their expansions are numbers or flags.
fn special_is_safe(name: &str) -> bool {
    matches!(name, "?" | "#" | "$" | "!" | "-" | "@")
}

/// How a variable is assigned in the script.
#[derive(Clone, Debug)]
enum Value {
    /// A literal with no blanks or glob characters: expanding it unquoted is harmless.
    Safe,
    Unsafe,
    /// The value of another variable.
    Alias(String),
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    /// An expansion here is split and globbed (a command's words, redirect targets, `[ ]` operands).
    split: bool,
    /// Inside double quotes.
    quoted: bool,
    /// Inside the value of `export`/`local`/`readonly`/`declare`: split by POSIX shells only.
    decl: bool,
    /// Inside arithmetic: names are numbers.
    arith: bool,
    /// Single-quoted `$` here is intended (awk programs, `sh -c` scripts ...).
    sq_ok: bool,
    depth: usize,
}

struct Candidate {
    range: Range<usize>,
    /// `None`: a positional parameter or `$*`, never defined by the Dockerfile.
    name: Option<String>,
    posix_only: bool,
}

struct Walker<'a> {
    text: &'a str,
    lints: Vec<RawLint>,
    unquoted: Vec<Candidate>,
    assigned: HashMap<String, Vec<Value>>,
    /// First reference of each variable, in source order.
    references: Vec<(String, Range<usize>)>,
    referenced: HashSet<String>,
    errexit: bool,
    first_error: Option<Range<usize>>,
}

/// The ShellCheck findings of one parsed text.
pub(crate) fn lint(text: &str, root: Node) -> Vec<RawLint> {
    let mut w = Walker {
        text,
        lints: Vec::new(),
        unquoted: Vec::new(),
        assigned: HashMap::new(),
        references: Vec::new(),
        referenced: HashSet::new(),
        errexit: false,
        first_error: None,
    };
    w.walk(root);
    if root.has_error() {
        w.first_error = first_error(root);
    }
    w.finish()
}

/// The first error or missing node, descending only where tree-sitter marks an error below.
fn first_error(root: Node) -> Option<Range<usize>> {
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            let at = n.start_byte();
            return Some(at..n.end_byte().max(at));
        }
        let children: Vec<Node> = n.children(&mut cursor).filter(|c| c.has_error()).collect();
        stack.extend(children.into_iter().rev());
    }
    None
}

fn is_constant(n: Node) -> bool {
    match n.kind() {
        "word" | "number" | "raw_string" => true,
        "string" => {
            let mut c = n.walk();
            let all = n
                .named_children(&mut c)
                .all(|c| c.kind() == "string_content");
            all
        }
        "concatenation" => {
            let mut c = n.walk();
            let all = n.children(&mut c).all(|c| {
                matches!(c.kind(), "word" | "number" | "raw_string")
                    || (c.kind() == "string" && c.named_child_count() <= 1 && is_constant(c))
            });
            all
        }
        _ => false,
    }
}

impl<'a> Walker<'a> {
    fn t(&self, n: Node) -> &'a str {
        &self.text[n.byte_range()]
    }

    fn assign(&mut self, name: &str, v: Value) {
        self.assigned.entry(name.to_string()).or_default().push(v);
    }

    /// The value an assignment gives, as far as splitting goes.
    fn value_of(&self, n: Option<Node>) -> Value {
        let Some(n) = n else { return Value::Unsafe };
        match n.kind() {
            "arithmetic_expansion" => Value::Safe,
            "simple_expansion" | "expansion" => match self.t(n).trim_start_matches('$') {
                name if name
                    .trim_start_matches('{')
                    .trim_end_matches('}')
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    Value::Alias(
                        name.trim_start_matches('{')
                            .trim_end_matches('}')
                            .to_string(),
                    )
                }
                _ => Value::Unsafe,
            },
            "string" if n.named_child_count() == 1 => {
                let c = n.named_child(0).expect("one child");
                match c.kind() {
                    "simple_expansion" | "expansion" => self.value_of(Some(c)),
                    "string_content" => self.literal_value(self.t(c)),
                    _ => Value::Unsafe,
                }
            }
            _ if is_constant(n) => {
                let t = self.t(n);
                let inner = t.trim_matches(|c| c == '"' || c == '\'');
                self.literal_value(inner)
            }
            _ => Value::Unsafe,
        }
    }

    fn literal_value(&self, s: &str) -> Value {
        if !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '*' | '?' | '[' | '\\'))
        {
            Value::Safe
        } else {
            Value::Unsafe
        }
    }

    fn walk(&mut self, root: Node<'a>) {
        let mut stack: Vec<(Node<'a>, Ctx)> = vec![(root, Ctx::default())];
        let mut cursor = root.walk();
        while let Some((n, mut ctx)) = stack.pop() {
            if matches!(
                n.kind(),
                "subshell"
                    | "compound_statement"
                    | "if_statement"
                    | "while_statement"
                    | "for_statement"
                    | "case_statement"
                    | "function_definition"
                    | "command_substitution"
                    | "expansion"
                    | "arithmetic_expansion"
            ) {
                ctx.depth += 1;
                if ctx.depth > MAX_NESTING {
                    continue;
                }
            }
            let mut next: Vec<(Node<'a>, Ctx)> = Vec::new();
            match n.kind() {
                "comment" | "heredoc_body" => {}
                "command" => self.command(n, ctx, &mut next),
                "declaration_command" => self.declaration(n, ctx, &mut next),
                "variable_assignment" => {
                    if let Some(name) = F_NAME.of(n) {
                        let v = self.value_of(F_VALUE.of(n));
                        let name = self.t(name).split('[').next().unwrap_or("").to_string();
                        self.assign(&name, v);
                    }
                    if let Some(v) = F_VALUE.of(n) {
                        next.push((
                            v,
                            Ctx {
                                split: ctx.decl,
                                ..ctx
                            },
                        ));
                    }
                }
                "for_statement" => self.for_loop(n, ctx, &mut next),
                "case_statement" | "arithmetic_expansion" => {
                    let arith = n.kind() == "arithmetic_expansion";
                    for c in n.named_children(&mut cursor) {
                        next.push((
                            c,
                            Ctx {
                                split: false,
                                arith: ctx.arith || arith,
                                ..ctx
                            },
                        ));
                    }
                }
                "test_command" => {
                    let split = !self.t(n).starts_with("[[");
                    for c in n.named_children(&mut cursor) {
                        next.push((c, Ctx { split, ..ctx }));
                    }
                }
                "string" => {
                    for c in n.named_children(&mut cursor) {
                        next.push((
                            c,
                            Ctx {
                                quoted: true,
                                ..ctx
                            },
                        ));
                    }
                }
                "raw_string" => self.single_quoted(n, ctx),
                "simple_expansion" | "expansion" => self.expansion(n, ctx, &mut next),
                "command_substitution" => {
                    if self.t(n).starts_with('`') {
                        self.lints.push(RawLint::new(
                            ShellCode::Sc2006,
                            n.start_byte()..n.end_byte(),
                        ));
                    }
                    if ctx.split && !ctx.quoted {
                        let mut l = RawLint::new(ShellCode::Sc2046, n.byte_range());
                        l.posix_only = ctx.decl;
                        self.lints.push(l);
                    }
                    let inner = Ctx {
                        depth: ctx.depth,
                        ..Ctx::default()
                    };
                    for c in n.named_children(&mut cursor) {
                        next.push((c, inner));
                    }
                }
                "negated_command" => {
                    if self.negation_is_statement(n) {
                        let mut l =
                            RawLint::new(ShellCode::Sc2251, n.start_byte()..n.start_byte() + 1);
                        l.needs_errexit = true;
                        self.lints.push(l);
                    }
                    for c in n.named_children(&mut cursor) {
                        next.push((c, ctx));
                    }
                }
                "file_redirect" | "herestring_redirect" => {
                    for c in n.named_children(&mut cursor) {
                        next.push((
                            c,
                            Ctx {
                                split: true,
                                quoted: false,
                                ..ctx
                            },
                        ));
                    }
                }
                "variable_name" if ctx.arith => {}
                _ => {
                    for c in n.named_children(&mut cursor) {
                        next.push((c, ctx));
                    }
                }
            }
            stack.extend(next.into_iter().rev());
        }
    }

    fn command(&mut self, n: Node<'a>, ctx: Ctx, next: &mut Vec<(Node<'a>, Ctx)>) {
        let mut name = "";
        let mut words: Vec<Node<'a>> = Vec::new();
        for (c, field) in super::parse::fielded_children(n) {
            match field {
                Some("name") => {
                    name = super::basename(self.t(c));
                    words.push(c);
                }
                Some("argument") => words.push(c),
                _ => {}
            }
        }
        let texts: Vec<&str> = words.iter().map(|w| self.t(*w)).collect();
        let sq_ok = SINGLE_QUOTE_OK.contains(&name)
            || texts
                .iter()
                .skip(1)
                .any(|t| SHELLS.contains(&super::basename(t)) || *t == "filter-branch");
        if name == "set" {
            let on = texts.iter().skip(1).any(|t| {
                (t.starts_with('-') && !t.starts_with("--") && t.contains('e')) || *t == "errexit"
            });
            self.errexit |= on;
        }
        if matches!(name, "read" | "getopts" | "mapfile" | "readarray") {
            for t in texts.iter().skip(1) {
                if !t.starts_with('-') && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    self.assign(t, Value::Unsafe);
                }
            }
        }
        if name == "printf" {
            if let Some(i) = texts.iter().position(|t| *t == "-v") {
                if let Some(v) = texts.get(i + 1) {
                    self.assign(v, Value::Unsafe);
                }
            }
        }
        if name == "echo"
            && !texts
                .get(1)
                .is_some_and(|t| t.starts_with("-") && t.contains('e'))
        {
            for w in words.iter().skip(1) {
                let quoted = match w.kind() {
                    "raw_string" | "string" => has_echo_escape(self.t(*w)),
                    "concatenation" => {
                        let mut c = w.walk();
                        let any = w.children(&mut c).any(|p| {
                            matches!(p.kind(), "raw_string" | "string")
                                && has_echo_escape(self.t(p))
                        });
                        any
                    }
                    _ => false,
                };
                if quoted {
                    self.lints
                        .push(RawLint::new(ShellCode::Sc2028, w.byte_range()));
                }
            }
        }
        for (c, field) in super::parse::fielded_children(n) {
            let split = match (c.kind(), field) {
                ("variable_assignment", _) => false,
                (_, Some("name" | "argument")) => true,
                (k, _) if k.ends_with("redirect") => true,
                _ => continue,
            };
            next.push((
                c,
                Ctx {
                    split,
                    quoted: false,
                    decl: false,
                    arith: false,
                    sq_ok,
                    depth: ctx.depth,
                },
            ));
        }
    }

    fn declaration(&mut self, n: Node<'a>, ctx: Ctx, next: &mut Vec<(Node<'a>, Ctx)>) {
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "variable_assignment" => {
                    if let (Some(name), Some(value)) = (F_NAME.of(c), F_VALUE.of(c)) {
                        if holds_substitution(value) {
                            self.lints
                                .push(RawLint::new(ShellCode::Sc2155, name.byte_range()));
                        }
                    }
                    next.push((
                        c,
                        Ctx {
                            split: false,
                            quoted: false,
                            decl: true,
                            arith: false,
                            sq_ok: false,
                            depth: ctx.depth,
                        },
                    ));
                }
                "variable_name" => {
                    let name = self.t(c).to_string();
                    self.assign(&name, Value::Unsafe);
                }
                _ => next.push((
                    c,
                    Ctx {
                        split: true,
                        quoted: false,
                        decl: false,
                        arith: false,
                        sq_ok: false,
                        depth: ctx.depth,
                    },
                )),
            }
        }
    }

    fn for_loop(&mut self, n: Node<'a>, ctx: Ctx, next: &mut Vec<(Node<'a>, Ctx)>) {
        let mut cursor = n.walk();
        let values: Vec<Node<'a>> = n.children_by_field_name("value", &mut cursor).collect();
        if let Some(var) = F_VARIABLE.of(n) {
            let all_safe = !values.is_empty()
                && values
                    .iter()
                    .all(|v| matches!(self.value_of(Some(*v)), Value::Safe));
            let name = self.t(var).to_string();
            self.assign(&name, if all_safe { Value::Safe } else { Value::Unsafe });
        }
        if let [only] = values.as_slice() {
            let t = self.t(*only);
            if is_constant(*only) && !t.contains(['*', '?', '[', '{']) {
                self.lints
                    .push(RawLint::new(ShellCode::Sc2043, only.byte_range()));
            }
        }
        for v in &values {
            next.push((
                *v,
                Ctx {
                    split: false,
                    quoted: false,
                    ..ctx
                },
            ));
        }
        if let Some(body) = F_BODY.of(n) {
            next.push((body, ctx));
        }
    }

    fn expansion(&mut self, n: Node<'a>, ctx: Ctx, next: &mut Vec<(Node<'a>, Ctx)>) {
        let t = self.t(n);
        let braced = n.kind() == "expansion";
        let body = if braced {
            t.strip_prefix("${").unwrap_or(t)
        } else {
            t.strip_prefix('$').unwrap_or(t)
        };
        let name_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let name = &body[..name_len];
        let special = if name.is_empty() {
            body.chars().next().map(|c| c.to_string())
        } else {
            None
        };
        let length = braced && body.starts_with('#') && body.len() > 2;
        let after = &body[name_len..];
        let has_default = braced
            && ["-", ":-", "=", ":=", "?", ":?", "+", ":+"]
                .iter()
                .any(|op| after.starts_with(op));
        let is_name = !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit());
        if is_name && !ctx.arith && !has_default && !self.referenced.contains(name) {
            self.referenced.insert(name.to_string());
            self.references.push((name.to_string(), n.byte_range()));
        }
        // `${x:+--flag}` is written unquoted on purpose: nothing or one option.
        let alternate = braced && (after.starts_with(":+") || after.starts_with('+'));
        if ctx.split && !ctx.quoted && !ctx.arith && !length && !alternate {
            let safe_special = special.as_deref().is_some_and(special_is_safe);
            if !safe_special {
                self.unquoted.push(Candidate {
                    range: n.byte_range(),
                    name: is_name.then(|| name.to_string()),
                    posix_only: ctx.decl,
                });
            }
        }
        // Words inside `${x:-...}` are not split on their own; substitutions in them still run.
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            next.push((
                c,
                Ctx {
                    split: false,
                    quoted: true,
                    ..ctx
                },
            ));
        }
    }

    fn single_quoted(&mut self, n: Node, ctx: Ctx) {
        if ctx.sq_ok {
            return;
        }
        // `PS1='$x'`: prompts expand when shown.
        if let Some(p) = n.parent() {
            if p.kind() == "variable_assignment" {
                let name = F_NAME.of(p).map(|x| self.t(x));
                if name.is_some_and(|x| x.starts_with("PS") || x == "PROMPT_COMMAND") {
                    return;
                }
            }
        }
        let t = self.t(n);
        let b = t.as_bytes();
        let hit = b.iter().enumerate().any(|(i, &c)| {
            c == b'`'
                || (c == b'$'
                    && match b.get(i + 1) {
                        Some(b'{') => b.get(i + 2).is_some_and(|d| {
                            d.is_ascii_alphanumeric() || matches!(d, b'_' | b'#' | b'!')
                        }),
                        Some(d) => d.is_ascii_alphanumeric() || matches!(d, b'_' | b'('),
                        None => false,
                    })
        });
        if hit {
            self.lints
                .push(RawLint::new(ShellCode::Sc2016, n.byte_range()));
        }
    }

    /// `! cmd` as a statement of its own, whose status nothing reads: not a condition, not in `&&`/`||`, not the
    /// last statement of the script or of a subshell.
    fn negation_is_statement(&self, n: Node) -> bool {
        let Some(p) = n.parent() else { return false };
        match p.kind() {
            "program" | "subshell" => {
                let mut c = p.walk();
                let last = p
                    .named_children(&mut c)
                    .filter(|x| x.kind() != "comment")
                    .last();
                last.is_some_and(|l| l.id() != n.id())
            }
            "compound_statement" | "do_group" | "else_clause" | "case_item" => true,
            "if_statement" | "elif_clause" | "while_statement" => {
                let mut c = p.walk();
                let is_condition = p
                    .children_by_field_name("condition", &mut c)
                    .any(|x| x.id() == n.id());
                !is_condition
            }
            _ => false,
        }
    }

    fn finish(mut self) -> Vec<RawLint> {
        if let Some(at) = self.first_error.clone() {
            self.lints.push(RawLint::new(ShellCode::Sc1072, at));
        }
        // A variable is safe to leave unquoted when every assignment gives a safe literal, through aliases.
        let mut safe: HashMap<&str, bool> = HashMap::new();
        for _ in 0..8 {
            let mut changed = false;
            for (name, values) in &self.assigned {
                let s = values.iter().all(|v| match v {
                    Value::Safe => true,
                    Value::Unsafe => false,
                    Value::Alias(other) => safe.get(other.as_str()).copied().unwrap_or(false),
                });
                if safe.get(name.as_str()) != Some(&s) {
                    safe.insert(name, s);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for c in &self.unquoted {
            let var = match &c.name {
                Some(name) if self.assigned.contains_key(name) => {
                    if safe.get(name.as_str()).copied().unwrap_or(false) {
                        continue;
                    }
                    None
                }
                Some(name) => Some(name.clone()),
                None => None,
            };
            self.lints.push(RawLint {
                code: ShellCode::Sc2086,
                range: c.range.clone(),
                var,
                posix_only: c.posix_only,
                needs_errexit: false,
            });
        }
        for (name, range) in &self.references {
            let lower = name.chars().any(|c| c.is_ascii_lowercase());
            if lower && !self.assigned.contains_key(name) {
                let mut l = RawLint::new(ShellCode::Sc2154, range.clone());
                l.var = Some(name.clone());
                self.lints.push(l);
            }
        }
        if self.errexit {
            for l in &mut self.lints {
                l.needs_errexit = false;
            }
        }
        self.lints.sort_by_key(|l| l.range.start);
        self.lints
    }
}

/// Whether a word holds a command substitution anywhere inside.
fn holds_substitution(n: Node) -> bool {
    let mut stack = vec![n];
    let mut cursor = n.walk();
    let mut seen = 0;
    while let Some(x) = stack.pop() {
        if x.kind() == "command_substitution" {
            return true;
        }
        seen += 1;
        if seen > 10_000 {
            return false;
        }
        stack.extend(x.named_children(&mut cursor));
    }
    false
}

/// A quoted `echo` argument with a backslash escape that `echo` may or may not expand.
fn has_echo_escape(quoted: &str) -> bool {
    let b = quoted.as_bytes();
    b.windows(2).any(|w| {
        w[0] == b'\\'
            && matches!(
                w[1],
                b'a' | b'b' | b'e' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'0' | b'c'
            )
    })
}
