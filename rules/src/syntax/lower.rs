//! Turns the tree-sitter tree into the typed model (directives, instructions, stages, errors).
use tree_sitter::Node;

use super::buildkit;
use super::field::Field;
use super::model::*;
use super::words::unquote;

// The grammar's fields read here, each found by name once (see `syntax::field`).
static F_ARGUMENT: Field = Field::new("argument");
static F_DEFAULT: Field = Field::new("default");
static F_DIGEST: Field = Field::new("digest");
static F_KEY: Field = Field::new("key");
static F_KEYWORD: Field = Field::new("keyword");
static F_NAME: Field = Field::new("name");
static F_OPERATOR: Field = Field::new("operator");
static F_TAG: Field = Field::new("tag");
static F_VALUE: Field = Field::new("value");

/// The longest line (with its line break) BuildKit's line reader accepts.
const MAX_LINE: usize = 64 * 1024;

#[derive(Clone)]
pub(crate) struct Lowered {
    pub directives: Vec<Directive>,
    pub comments: Vec<Comment>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub errors: Vec<SyntaxError>,
    /// The errors of each instruction (parallel to `instructions`), kept for reuse after an edit.
    pub instr_errors: Vec<Vec<SyntaxError>>,
    pub escape: char,
    /// Whether any error belongs to no instruction (directives, stray tree-sitter errors, long
    /// lines, no instruction at all): then an edit is not confined to the lines it touches.
    pub has_global_errors: bool,
    /// Whether tree-sitter had to recover from an error (ERROR or MISSING nodes). Its recovery
    /// may reach across lines, so then an edit is not confined to the lines it touches either.
    pub has_tree_errors: bool,
}

impl Lowered {
    /// A placeholder while the old model is taken apart for reuse.
    pub fn empty() -> Lowered {
        Lowered {
            directives: Vec::new(),
            comments: Vec::new(),
            instructions: Vec::new(),
            stages: Vec::new(),
            errors: Vec::new(),
            instr_errors: Vec::new(),
            escape: '\\',
            has_global_errors: false,
            has_tree_errors: false,
        }
    }
}

/// What an incremental rebuild may take over from the model before an edit.
pub(crate) struct Reuse {
    /// The old model's instructions and their errors, taken (not copied) as they are reused.
    old: Vec<Option<(Instruction, Vec<SyntaxError>)>>,
    /// Where each old instruction starts (sorted), to find one by position.
    starts: Vec<usize>,
    /// Bytes of the new text whose syntax may have changed (the edit and tree-sitter's changed ranges).
    pub dirty: Span,
    /// The edit: start, old end, and how far later bytes and lines moved.
    pub edit_start: usize,
    pub old_end: usize,
    pub delta: isize,
    pub line_delta: isize,
}

impl Reuse {
    pub fn new(
        old: Lowered,
        dirty: Span,
        edit_start: usize,
        old_end: usize,
        delta: isize,
        line_delta: isize,
    ) -> Reuse {
        let starts = old.instructions.iter().map(|i| i.range.start).collect();
        let old = old
            .instructions
            .into_iter()
            .zip(old.instr_errors)
            .map(Some)
            .collect();
        Reuse {
            old,
            starts,
            dirty,
            edit_start,
            old_end,
            delta,
            line_delta,
        }
    }

    /// The old instruction (shifted into the new text) that `node` is, when nothing in it changed.
    fn find(&mut self, node: Node) -> Option<(Instruction, Vec<SyntaxError>)> {
        let start = node.start_byte();
        let new_end = (self.old_end as isize + self.delta) as usize;
        // Untouched: entirely before the edit, or entirely after it, and outside the dirty region.
        let after = if start < self.edit_start {
            false
        } else if start >= new_end && start > self.edit_start {
            true
        } else {
            return None;
        };
        let old_start = if after {
            (start as isize - self.delta) as usize
        } else {
            start
        };
        let i = self.starts.binary_search(&old_start).ok()?;
        let (cand, _) = self.old[i].as_ref()?;
        if cand.range.len() != node.byte_range().len() {
            return None;
        }
        let clear = if after {
            cand.full_range.start >= self.old_end
        } else {
            cand.full_range.end < self.edit_start
        };
        if !clear {
            return None;
        }
        let by = if after { self.delta } else { 0 };
        let (fs, fe) = (
            (cand.full_range.start as isize + by) as usize,
            (cand.full_range.end as isize + by) as usize,
        );
        if fs <= self.dirty.end && self.dirty.start <= fe {
            return None;
        }
        let (mut ins, mut errs) = self.old[i].take()?;
        if after {
            ins.shift(self.delta, self.line_delta);
            errs.shift(self.delta, self.line_delta);
        }
        Some((ins, errs))
    }
}

struct Lower<'a> {
    text: &'a str,
    escape: char,
    line_of: &'a dyn Fn(usize) -> usize,
    errors: Vec<SyntaxError>,
    comments: Vec<Comment>,
}

pub(crate) fn lower(
    root: Node,
    text: &str,
    line_of: &dyn Fn(usize) -> usize,
    mut reuse: Option<&mut Reuse>,
) -> Lowered {
    let mut directives: Vec<Directive> = Vec::new();
    let mut escape = '\\';
    let mut lw = Lower {
        text,
        escape,
        line_of,
        errors: Vec::new(),
        comments: Vec::new(),
    };
    let mut instructions: Vec<Instruction> = Vec::new();
    let mut instr_errors: Vec<Vec<SyntaxError>> = Vec::new();
    let mut reused: Vec<bool> = Vec::new();
    // Top-level nodes up to here belong to a reused instruction (its heredocs, a trailing continuation).
    let mut reused_until = 0;
    // A continuation at the start of a line (a line holding only `\`) begins the next instruction.
    let mut leading_continuation: Option<usize> = None;
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        match child.kind() {
            "parser_directive" => {
                let d = directive(child, text);
                if directives.iter().any(|o| o.name == d.name) {
                    lw.errors.push(SyntaxError {
                        range: d.range.clone(),
                        message: format!("only one `{}` parser directive can be used", d.name),
                    });
                } else if d.name == "escape" {
                    if d.value == "\\" || d.value == "`" {
                        escape = d.value.chars().next().unwrap_or('\\');
                        lw.escape = escape;
                    } else {
                        lw.errors.push(SyntaxError {
                            range: d.value_range.clone(),
                            message: format!(
                                "invalid escape character `{}`: use `\\` or a backtick",
                                d.value
                            ),
                        });
                    }
                }
                directives.push(d);
            }
            "comment_line" => {
                leading_continuation = None;
                if let Some(c) = child.named_child(0) {
                    lw.comment(c.byte_range());
                }
            }
            "line_continuation" | "heredoc" if child.start_byte() < reused_until => {}
            "line_continuation" => {
                // A continuation after an instruction's last token belongs to it.
                let attached = instructions.last_mut().is_some_and(|last| {
                    let between = &text[last.range.end.min(child.start_byte())..child.start_byte()];
                    between.chars().all(|c| c == ' ' || c == '\t') && last.heredocs.is_empty()
                });
                lw.continuation_comments(child.byte_range());
                if !attached {
                    leading_continuation.get_or_insert(child.start_byte());
                }
                if attached {
                    let last = instructions.last_mut().expect("checked above");
                    // The continuation ends the instruction (its logical text grows by what lies before it).
                    last.continuations.push(child.byte_range());
                    last.range.end = child.end_byte();
                    last.full_range.end = child.end_byte();
                    last.end_line = line_of(child.end_byte().saturating_sub(1));
                }
            }
            "heredoc" => {
                if let Some(last) = instructions.last_mut() {
                    lw.attach_heredoc(last, child);
                }
            }
            "ERROR" => lw.error_node(child, None),
            "byte_order_mark" => {}
            k if k.ends_with("_instruction") => {
                let found = if leading_continuation.is_none() {
                    reuse.as_mut().and_then(|r| r.find(child))
                } else {
                    None
                };
                // A reused instruction must still start on its keyword's line (no leading continuation).
                let found = found.filter(|(ins, _)| ins.start_line == line_of(ins.range.start));
                if let Some((ins, errs)) = found {
                    for c in &ins.continuations {
                        lw.continuation_comments(c.clone());
                    }
                    reused_until = ins.full_range.end;
                    instructions.push(ins);
                    instr_errors.push(errs);
                    reused.push(true);
                    continue;
                }
                let before = lw.errors.len();
                let mut ins = lw.instruction(child);
                if let Some(start) = leading_continuation.take() {
                    ins.start_line = line_of(start);
                }
                instructions.push(ins);
                instr_errors.push(lw.errors.split_off(before));
                reused.push(false);
            }
            _ => {}
        }
    }
    for ((ins, errs), reused) in instructions.iter().zip(&mut instr_errors).zip(&reused) {
        if *reused {
            continue;
        }
        check_heredocs(ins, errs);
        if let Err(e) = buildkit::check(ins, text, escape) {
            errs.push(SyntaxError {
                range: ins.range.clone(),
                message: e,
            });
        }
    }
    // BuildKit reads lines with a 64 KiB buffer and rejects longer ones.
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.len() > MAX_LINE {
            let r = line_start..line_start + line.len();
            lw.errors.push(SyntaxError {
                range: r,
                message: format!(
                    "line longer than {} bytes: Docker cannot read it",
                    MAX_LINE - 1
                ),
            });
        }
        line_start += line.len();
    }
    if instructions.is_empty() {
        let end = text.len();
        lw.errors.push(SyntaxError {
            range: end..end,
            message: "file with no instructions: a Dockerfile needs at least a `FROM`".into(),
        });
    }
    let stages = stages(&instructions);
    let has_global_errors = !lw.errors.is_empty();
    lw.errors.extend(instr_errors.iter().flatten().cloned());
    lw.errors.sort_by_key(|e| (e.range.start, e.range.end));
    lw.errors.dedup();
    lw.comments.sort_by_key(|c| c.range.start);
    Lowered {
        directives,
        comments: lw.comments,
        instructions,
        stages,
        errors: lw.errors,
        instr_errors,
        escape,
        has_global_errors,
        has_tree_errors: root.has_error(),
    }
}

fn directive(node: Node, text: &str) -> Directive {
    let range = node.byte_range();
    let s = &text[range.clone()];
    let after_hash = s.find('#').map_or(0, |i| i + 1);
    let eq = s.find('=').unwrap_or(s.len());
    let name_part = &s[after_hash..eq];
    let name_start = range.start + after_hash + (name_part.len() - name_part.trim_start().len());
    let name = name_part.trim();
    let value_part = s.get(eq + 1..).unwrap_or("");
    let value_start = range.start + eq + 1 + (value_part.len() - value_part.trim_start().len());
    let value = value_part.trim();
    Directive {
        range: range.clone(),
        name: name.to_ascii_lowercase(),
        name_range: name_start..name_start + name.len(),
        value: value.to_string(),
        value_range: value_start..value_start + value.len(),
    }
}

fn check_heredocs(ins: &Instruction, errors: &mut Vec<SyntaxError>) {
    for h in &ins.heredocs {
        if h.end_range.is_empty() {
            errors.push(SyntaxError {
                range: h.marker_range.clone(),
                message: format!("unterminated heredoc: no line `{}` ends it", h.name),
            });
        }
    }
}

pub(crate) fn stages(instructions: &[Instruction]) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for (i, ins) in instructions.iter().enumerate() {
        if ins.kind != Kind::From {
            continue;
        }
        if let Some(prev) = stages.last_mut() {
            prev.instructions.end = i;
        }
        stages.push(Stage {
            index: stages.len(),
            from: i,
            instructions: i..instructions.len(),
            name: ins.stage_name.as_deref().map(|(n, _)| n.clone()),
            name_range: ins.stage_name.as_deref().map(|(_, r)| r.clone()),
            base: ins
                .image
                .as_ref()
                .map(|i| i.text.clone())
                .unwrap_or_default(),
            platform: ins.flag("platform").and_then(|f| f.value.clone()),
        });
    }
    stages
}

impl Lower<'_> {
    fn t(&self, r: &Span) -> &str {
        &self.text[r.clone()]
    }

    fn comment(&mut self, range: Span) {
        let s = self.t(&range).trim_start();
        let text = s.strip_prefix('#').unwrap_or(s).trim().to_string();
        self.comments.push(Comment { range, text });
    }

    /// Records the comment lines a continuation skips over.
    fn continuation_comments(&mut self, range: Span) {
        let mut off = range.start;
        let s = self.t(&range).to_string();
        for line in s.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with('#') {
                let start = off + (line.len() - trimmed.len());
                let end = off + line.trim_end_matches(['\n', '\r']).len();
                self.comment(start..end);
            }
            off += line.len();
        }
    }

    /// The text of `range` with the continuations in it removed.
    fn logical(&self, range: Span, continuations: &[Span]) -> String {
        let mut out = String::with_capacity(range.len());
        let mut pos = range.start;
        // Only the continuations inside the range: an instruction with thousands of continued words reads each
        // word in time proportional to the word, not to the instruction.
        for c in continuations_within(continuations, &range) {
            if c.start < pos {
                continue;
            }
            out.push_str(&self.text[pos..c.start]);
            pos = c.end.min(range.end);
        }
        if pos < range.end {
            out.push_str(&self.text[pos..range.end]);
        }
        out
    }

    fn error_node(&mut self, node: Node, within: Option<Kind>) {
        let r = node.byte_range();
        let snippet: String = self
            .t(&r)
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        let message = match within {
            Some(k) if k != Kind::Unknown => {
                format!(
                    "could not read `{}` in this {} instruction",
                    snippet.trim(),
                    k.keyword()
                )
            }
            _ => format!("unexpected `{}`", snippet.trim()),
        };
        self.errors.push(SyntaxError { range: r, message });
    }

    fn scan_errors(&mut self, node: Node, kind: Kind) {
        if !node.has_error() {
            return;
        }
        let mut cursor = node.walk();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.is_error() {
                self.error_node(n, Some(kind));
                continue;
            }
            if n.is_missing() {
                let what = match n.kind() {
                    "heredoc_end" => "the end of a heredoc".to_string(),
                    k => format!("`{k}`"),
                };
                self.errors.push(SyntaxError {
                    range: n.start_byte()..n.end_byte(),
                    message: format!("missing {what} in this {} instruction", kind.keyword()),
                });
                continue;
            }
            if n.has_error() {
                stack.extend(n.children(&mut cursor));
            }
        }
    }

    fn continuations_in(&mut self, node: Node) -> Vec<Span> {
        let mut out = Vec::new();
        // A continuation ends with a line break, so a one-line instruction has none (the common case).
        if !self.t(&node.byte_range()).contains('\n') {
            return out;
        }
        let mut stack = vec![node];
        let mut cursor = node.walk();
        while let Some(n) = stack.pop() {
            if n.kind() == "line_continuation" {
                out.push(n.byte_range());
                continue;
            }
            if n.child_count() > 0 {
                stack.extend(n.children(&mut cursor));
            }
        }
        out.sort_by_key(|r| r.start);
        for r in &out {
            self.continuation_comments(r.clone());
        }
        out
    }

    fn instruction(&mut self, node: Node) -> Instruction {
        let conts = self.continuations_in(node);
        self.instruction_with(node, conts)
    }

    fn instruction_with(&mut self, node: Node, conts: Vec<Span>) -> Instruction {
        let keyword = F_KEYWORD
            .of(node)
            .map(|k| k.byte_range())
            .unwrap_or(node.start_byte()..node.start_byte());
        let kind = match node.kind() {
            "unknown_instruction" => Kind::Unknown,
            _ => Kind::from_keyword(self.t(&keyword)),
        };
        self.scan_errors(node, kind);
        let range = node.byte_range();
        let mut ins = Instruction {
            kind,
            range: range.clone(),
            full_range: range.clone(),
            keyword: keyword.clone(),
            flags: Vec::new(),
            args_range: keyword.end..keyword.end,
            command: None,
            words: Vec::new(),
            exec_form: None,
            pairs: Vec::new(),
            heredocs: Vec::new(),
            image: None,
            as_keyword: None,
            stage_name: None,
            healthcheck: None,
            onbuild: None,
            continuations: conts,
            start_line: (self.line_of)(range.start),
            end_line: (self.line_of)(range.end.saturating_sub(1).max(range.start)),
        };
        let mut cursor = node.walk();
        let mut args_start: Option<usize> = None;
        let mut children: Vec<(Node, Option<&str>)> =
            Vec::with_capacity(node.child_count() as usize);
        if cursor.goto_first_child() {
            loop {
                children.push((cursor.node(), cursor.field_name()));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        for (child, field) in children.iter() {
            let field = *field;
            let ck = child.kind();
            if field == Some("keyword") || ck == "line_continuation" {
                continue;
            }
            if ck == "flag" {
                ins.flags.push(self.flag(*child, &ins.continuations));
                continue;
            }
            if args_start.is_none() && !child.is_extra() {
                args_start = Some(child.start_byte());
            }
            match (ck, field) {
                ("image_spec", _) => {
                    ins.image = Some(Box::new(self.image(*child, &ins.continuations)))
                }
                (_, Some("as")) => ins.as_keyword = Some(child.byte_range()),
                ("stage_name", _) => {
                    ins.stage_name = Some(Box::new((
                        self.t(&child.byte_range()).to_string(),
                        child.byte_range(),
                    )))
                }
                (_, Some("none")) => {
                    ins.healthcheck = Some(Box::new(Healthcheck::None(child.byte_range())))
                }
                (_, Some("cmd")) => {
                    ins.healthcheck = Some(Box::new(Healthcheck::Cmd {
                        keyword: child.byte_range(),
                        command: None,
                    }))
                }
                ("exec_form", _) => {
                    let e = self.exec_form(*child);
                    match (kind, ins.healthcheck.as_deref_mut()) {
                        (Kind::Healthcheck, Some(Healthcheck::Cmd { command, .. })) => {
                            *command = Some(Command::Exec(e))
                        }
                        (Kind::Add | Kind::Copy | Kind::Volume, _) => {
                            ins.exec_form = Some(Box::new(e))
                        }
                        _ => ins.command = Some(Command::Exec(e)),
                    }
                }
                ("shell_command", _) => {
                    let s = self.shell_form(*child, &mut ins.heredocs);
                    match (kind, ins.healthcheck.as_deref_mut()) {
                        (Kind::Healthcheck, Some(Healthcheck::Cmd { command, .. })) => {
                            *command = Some(Command::Shell(s))
                        }
                        _ => ins.command = Some(Command::Shell(s)),
                    }
                }
                ("heredoc_marker", _) => ins.heredocs.push(self.heredoc_marker(*child)),
                ("path" | "word", _) => {
                    let w = self.word(*child, &ins.continuations);
                    ins.words.push(w);
                }
                ("key_value", _) => {
                    let kv = self.key_value(*child, &ins.continuations, false);
                    ins.pairs.push(kv);
                }
                ("legacy_key_value", _) => {
                    let kv = self.key_value(*child, &ins.continuations, true);
                    ins.pairs.push(kv);
                }
                ("arg_declaration", _) => {
                    let kv = self.arg_declaration(*child, &ins.continuations);
                    ins.pairs.push(kv);
                }
                (_, Some("instruction")) => {
                    let inner = self.instruction_with(*child, Vec::new());
                    ins.heredocs.extend(inner.heredocs.iter().cloned());
                    ins.onbuild = Some(Box::new(inner));
                }
                _ => {}
            }
        }
        let start = args_start.unwrap_or(range.end);
        ins.args_range = start..range.end.max(start);
        // Pushed one by one, each vector would keep room for four entries; an instruction has one or two.
        ins.flags = super::exact(std::mem::take(&mut ins.flags));
        ins.words = super::exact(std::mem::take(&mut ins.words));
        ins.pairs = super::exact(std::mem::take(&mut ins.pairs));
        ins.heredocs = super::exact(std::mem::take(&mut ins.heredocs));
        ins
    }

    fn vars_in(&self, node: Node) -> Vec<VarRef> {
        let mut out = Vec::new();
        if !self.t(&node.byte_range()).contains('$') {
            return out;
        }
        let mut stack = vec![node];
        let mut cursor = node.walk();
        while let Some(n) = stack.pop() {
            if n.kind() == "expansion" {
                out.push(self.var_ref(n));
            }
            if n.child_count() > 0 {
                stack.extend(n.children(&mut cursor));
            }
        }
        out.sort_by_key(|v| v.range.start);
        super::exact(out)
    }

    fn var_ref(&self, n: Node) -> VarRef {
        let r = n.byte_range();
        let text = self.t(&r);
        if !text.starts_with("${") {
            return VarRef {
                range: r.clone(),
                name: text[1..].to_string(),
                name_range: r.start + 1..r.end,
                operator: None,
                argument: None,
            };
        }
        let mut cursor = n.walk();
        let var = n.children(&mut cursor).find(|c| c.kind() == "variable");
        let name_range = var
            .map(|v| v.byte_range())
            .unwrap_or(r.start + 2..r.start + 2);
        VarRef {
            range: r.clone(),
            name: self.t(&name_range).to_string(),
            name_range,
            operator: F_OPERATOR
                .of(n)
                .map(|o| self.t(&o.byte_range()).to_string()),
            argument: F_ARGUMENT.of(n).map(|a| a.byte_range()),
        }
    }

    fn word(&self, node: Node, conts: &[Span]) -> Word {
        let range = node.byte_range();
        let raw = self.logical(range.clone(), conts);
        Word {
            value: unquote(&raw, self.escape),
            raw,
            vars: self.vars_in(node),
            range,
        }
    }

    fn flag(&self, node: Node, conts: &[Span]) -> Flag {
        let name = F_NAME.of(node);
        let value = F_VALUE.of(node);
        let name_range = name
            .map(|n| n.byte_range())
            .unwrap_or(node.start_byte()..node.start_byte());
        let has_eq = self.t(&node.byte_range()).contains('=');
        let value_text = value.map(|v| unquote(&self.logical(v.byte_range(), conts), '\\'));
        Flag {
            range: node.byte_range(),
            name: self.t(&name_range).to_string(),
            name_range,
            value: value_text.or_else(|| has_eq.then(String::new)),
            value_range: value.map(|v| v.byte_range()),
            vars: value.map(|v| self.vars_in(v)).unwrap_or_default(),
        }
    }

    fn image(&self, node: Node, conts: &[Span]) -> ImageRef {
        let range = node.byte_range();
        let name = F_NAME
            .of(node)
            .map(|n| n.byte_range())
            .unwrap_or(range.clone());
        let tag = F_TAG
            .of(node)
            .map(|n| (self.logical(n.byte_range(), conts), n.byte_range()));
        let digest = F_DIGEST
            .of(node)
            .map(|n| (self.logical(n.byte_range(), conts), n.byte_range()));
        ImageRef {
            text: self.logical(range.clone(), conts),
            name: self.logical(name.clone(), conts),
            name_range: name,
            tag,
            digest,
            vars: self.vars_in(node),
            range,
        }
    }

    fn exec_form(&self, node: Node) -> ExecForm {
        let mut cursor = node.walk();
        let elements = node
            .children(&mut cursor)
            .filter(|c| c.kind() == "json_string")
            .map(|c| {
                let r = c.byte_range();
                let body = &self.text[r.start + 1..r.end.saturating_sub(1).max(r.start + 1)];
                JsonElement {
                    value: super::json::decode_string_body(body),
                    range: r,
                }
            })
            .collect();
        ExecForm {
            range: node.byte_range(),
            elements,
        }
    }

    fn shell_form(&self, node: Node, heredocs: &mut Vec<Heredoc>) -> ShellForm {
        let mut cursor = node.walk();
        for c in node.children(&mut cursor) {
            if c.kind() == "heredoc_marker" {
                heredocs.push(self.heredoc_marker(c));
            }
        }
        ShellForm {
            range: node.byte_range(),
        }
    }

    fn heredoc_marker(&self, node: Node) -> Heredoc {
        let r = node.byte_range();
        let s = self.t(&r);
        let after = s.trim_start_matches(|c: char| c.is_ascii_digit());
        let after = after.strip_prefix("<<").unwrap_or(after);
        let strip_tabs = after.starts_with('-');
        let word = after.strip_prefix('-').unwrap_or(after);
        Heredoc {
            marker_range: r.clone(),
            name: unquote(word, '\\'),
            strip_tabs,
            quoted: word.contains(['"', '\'']),
            body_range: r.end..r.end,
            end_range: r.end..r.end,
        }
    }

    fn attach_heredoc(&self, ins: &mut Instruction, node: Node) {
        let Some(h) = ins.heredocs.iter_mut().find(|h| {
            h.end_range.is_empty()
                && h.body_range.start <= node.start_byte()
                && h.body_range.is_empty()
        }) else {
            return;
        };
        let mut cursor = node.walk();
        let mut body = node.start_byte()..node.start_byte();
        let mut end = node.end_byte()..node.end_byte();
        for c in node.children(&mut cursor) {
            match c.kind() {
                "heredoc_body" => body = c.byte_range(),
                "heredoc_end" if !c.is_missing() => end = c.byte_range(),
                _ => {}
            }
        }
        if body.is_empty() {
            body = end.start..end.start;
        }
        h.body_range = body;
        h.end_range = end.clone();
        let last = if end.is_empty() {
            h.body_range.end
        } else {
            end.end
        };
        ins.full_range.end = ins.full_range.end.max(last);
        ins.end_line = (self.line_of)(last.saturating_sub(1));
    }

    fn key_value(&self, node: Node, conts: &[Span], legacy: bool) -> KeyValue {
        let key = F_KEY
            .of(node)
            .map(|k| k.byte_range())
            .unwrap_or(node.byte_range());
        let value = F_VALUE.of(node).map(|v| self.word(v, conts));
        let eq = if legacy {
            None
        } else {
            self.text[key.end..node.end_byte()]
                .find('=')
                .map(|i| key.end + i)
        };
        KeyValue {
            range: node.byte_range(),
            key: unquote(&self.logical(key.clone(), conts), self.escape),
            key_range: key,
            value,
            eq,
            legacy,
        }
    }

    fn arg_declaration(&self, node: Node, conts: &[Span]) -> KeyValue {
        let name = F_NAME
            .of(node)
            .map(|k| k.byte_range())
            .unwrap_or(node.byte_range());
        let value = F_DEFAULT.of(node).map(|v| self.word(v, conts));
        let eq = self.text[name.end..node.end_byte()]
            .find('=')
            .map(|i| name.end + i);
        KeyValue {
            range: node.byte_range(),
            key: self.t(&name).to_string(),
            key_range: name,
            value,
            eq,
            legacy: false,
        }
    }
}
