//! Typed views of a parsed Dockerfile: plain data with byte ranges into the source.
use std::ops::Range;

/// A byte range in the source.
pub type Span = Range<usize>;

/// The instructions Docker knows, plus anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    Unknown,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::From,
        Kind::Run,
        Kind::Cmd,
        Kind::Label,
        Kind::Maintainer,
        Kind::Expose,
        Kind::Env,
        Kind::Add,
        Kind::Copy,
        Kind::Entrypoint,
        Kind::Volume,
        Kind::User,
        Kind::Workdir,
        Kind::Arg,
        Kind::Onbuild,
        Kind::Stopsignal,
        Kind::Healthcheck,
        Kind::Shell,
    ];

    /// The keyword in upper case (`RUN`); `None` for unknown instructions.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::From => "FROM",
            Kind::Run => "RUN",
            Kind::Cmd => "CMD",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Expose => "EXPOSE",
            Kind::Env => "ENV",
            Kind::Add => "ADD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Volume => "VOLUME",
            Kind::User => "USER",
            Kind::Workdir => "WORKDIR",
            Kind::Arg => "ARG",
            Kind::Onbuild => "ONBUILD",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Shell => "SHELL",
            Kind::Unknown => "",
        }
    }

    pub fn from_keyword(word: &str) -> Kind {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.keyword().eq_ignore_ascii_case(word))
            .unwrap_or(Kind::Unknown)
    }

    /// Instructions whose arguments Docker expands `$VAR` in.
    pub fn expands_variables(self) -> bool {
        matches!(
            self,
            Kind::Add
                | Kind::Copy
                | Kind::Env
                | Kind::Expose
                | Kind::From
                | Kind::Label
                | Kind::Stopsignal
                | Kind::User
                | Kind::Volume
                | Kind::Workdir
                | Kind::Arg
                | Kind::Onbuild
        )
    }
}

/// `# name=value` at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub range: Span,
    /// Lower case: `syntax`, `escape` or `check`.
    pub name: String,
    pub name_range: Span,
    pub value: String,
    pub value_range: Span,
}

/// A `# ...` line (not a directive); also those inside line continuations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: Span,
    /// The text after `#`, trimmed.
    pub text: String,
}

/// `$NAME` or `${NAME<op>arg}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub range: Span,
    pub name: String,
    pub name_range: Span,
    /// `:-`, `-`, `:+`, `+`, `:?`, `?`, `#`, `##`, `%`, `%%`, `/`, `//`.
    pub operator: Option<String>,
    pub argument: Option<Span>,
}

/// A word (path, EXPOSE port, USER name, ...): its raw source range and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub range: Span,
    /// The source text with line continuations removed.
    pub raw: String,
    /// Quotes removed and escapes resolved (variables not expanded).
    pub value: String,
    pub vars: Vec<VarRef>,
}

/// `--name=value` or `--name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub range: Span,
    pub name: String,
    pub name_range: Span,
    /// Quotes removed.
    pub value: Option<String>,
    pub value_range: Option<Span>,
    pub vars: Vec<VarRef>,
}

impl Flag {
    /// The `key=value` parts of a comma-separated value, as in `--mount=type=cache,target=/x`.
    pub fn options(&self) -> Vec<(String, Option<String>)> {
        self.value
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), Some(v.to_string())),
                None => (p.trim().to_string(), None),
            })
            .collect()
    }
}

/// `KEY=value`, the legacy `KEY value`, or an `ARG NAME[=default]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub range: Span,
    pub key: String,
    pub key_range: Span,
    pub value: Option<Word>,
    /// Byte offset of `=`; `None` in the legacy form and in a bare `ARG NAME`.
    pub eq: Option<usize>,
    pub legacy: bool,
}

/// One string of an exec-form JSON array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonElement {
    /// Including the quotes.
    pub range: Span,
    /// Decoded.
    pub value: String,
}

/// `[ "a", "b" ]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecForm {
    pub range: Span,
    pub elements: Vec<JsonElement>,
}

/// The shell-form command: its range (the text with its continuations removed is the instruction's
/// [`Instruction::logical`] from there on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellForm {
    pub range: Span,
}

/// How a RUN, CMD, ENTRYPOINT, SHELL or HEALTHCHECK CMD gives its command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Exec(ExecForm),
    Shell(ShellForm),
}

impl Command {
    pub fn range(&self) -> Span {
        match self {
            Command::Exec(e) => e.range.clone(),
            Command::Shell(s) => s.range.clone(),
        }
    }
}

/// A heredoc: `<<EOF` in the instruction and its body below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub marker_range: Span,
    pub name: String,
    /// `<<-`: leading tabs are stripped.
    pub strip_tabs: bool,
    /// A quoted delimiter: the body is not expanded.
    pub quoted: bool,
    /// The lines between the marker's line and the terminator.
    pub body_range: Span,
    /// The terminator line (empty when the heredoc is unterminated).
    pub end_range: Span,
}

/// The image of a `FROM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub range: Span,
    pub text: String,
    pub name: String,
    pub name_range: Span,
    pub tag: Option<(String, Span)>,
    pub digest: Option<(String, Span)>,
    pub vars: Vec<VarRef>,
}

/// `HEALTHCHECK NONE` or `HEALTHCHECK [flags] CMD ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Healthcheck {
    None(Span),
    Cmd {
        keyword: Span,
        command: Option<Command>,
    },
}

/// One instruction with everything a rule needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    /// From the keyword to the end of its last line (heredocs excluded).
    pub range: Span,
    /// Including heredoc bodies.
    pub full_range: Span,
    pub keyword: Span,
    pub flags: Vec<Flag>,
    /// The arguments after the flags (empty range when there are none).
    pub args_range: Span,
    /// RUN, CMD, ENTRYPOINT, SHELL; and for HEALTHCHECK CMD, see `healthcheck`.
    pub command: Option<Command>,
    /// COPY/ADD/VOLUME paths (non-JSON), EXPOSE/USER/WORKDIR/STOPSIGNAL/MAINTAINER words, FROM's extra words.
    pub words: Vec<Word>,
    /// For JSON-form COPY/ADD/VOLUME.
    pub exec_form: Option<Box<ExecForm>>,
    /// ENV, LABEL, ARG.
    pub pairs: Vec<KeyValue>,
    pub heredocs: Vec<Heredoc>,
    pub image: Option<Box<ImageRef>>,
    /// FROM's `AS name`: the `AS` keyword range and the name.
    pub as_keyword: Option<Span>,
    pub stage_name: Option<Box<(String, Span)>>,
    pub healthcheck: Option<Box<Healthcheck>>,
    /// The instruction after ONBUILD.
    pub onbuild: Option<Box<Instruction>>,
    /// Line continuations inside the instruction (escape through the last skipped line).
    pub continuations: Vec<Span>,
    /// 0-based first and last line (heredocs included).
    pub start_line: usize,
    pub end_line: usize,
}

/// The continuations (sorted, as [`Instruction::continuations`] is) that start inside `range`, found by binary search.
pub(crate) fn continuations_within<'c>(continuations: &'c [Span], range: &Span) -> &'c [Span] {
    let from = continuations.partition_point(|c| c.start < range.start);
    let to = continuations.partition_point(|c| c.start < range.end);
    &continuations[from..to.max(from)]
}

impl Instruction {
    /// The keyword as written (`text` is the document's).
    pub fn keyword_text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.keyword.clone()).unwrap_or("")
    }

    /// The whole instruction as BuildKit reads it: its range in `text` (the document's) with the continuations
    /// removed. Computed when asked rather than kept: a document may have a hundred thousand instructions, and most
    /// have no continuation, so this borrows the text.
    pub fn logical<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let range = self.range.clone();
        let within = continuations_within(&self.continuations, &range);
        let Some(whole) = text.get(range.clone()) else {
            return std::borrow::Cow::Borrowed("");
        };
        if within.is_empty() {
            return std::borrow::Cow::Borrowed(whole);
        }
        let mut out = String::with_capacity(range.len());
        let mut pos = range.start;
        for c in within {
            if c.start < pos {
                continue;
            }
            out.push_str(&text[pos..c.start]);
            pos = c.end.min(range.end);
        }
        if pos < range.end {
            out.push_str(&text[pos..range.end]);
        }
        std::borrow::Cow::Owned(out)
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Every variable reference Docker expands in this instruction.
    pub fn var_refs(&self) -> Vec<&VarRef> {
        let mut out: Vec<&VarRef> = Vec::new();
        out.extend(self.flags.iter().flat_map(|f| f.vars.iter()));
        out.extend(self.words.iter().flat_map(|w| w.vars.iter()));
        out.extend(
            self.pairs
                .iter()
                .flat_map(|p| p.value.iter().flat_map(|w| w.vars.iter())),
        );
        if let Some(img) = &self.image {
            out.extend(img.vars.iter());
        }
        out
    }

    /// Whether this is the exec (JSON) form of a command-like instruction.
    pub fn is_exec_form(&self) -> bool {
        matches!(self.command, Some(Command::Exec(_))) || self.exec_form.is_some()
    }
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Index of the FROM in `Document::instructions`.
    pub from: usize,
    /// Indices into `Document::instructions`, the FROM included.
    pub instructions: Range<usize>,
    pub name: Option<String>,
    pub name_range: Option<Span>,
    /// The base image as written (`golang:1.22`) or an earlier stage's name.
    pub base: String,
    pub platform: Option<String>,
}

/// A parse problem, with a message a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Span,
    pub message: String,
}

/// Moves every byte range by `by` and every line by `lines` (for reusing a view after an edit).
pub(crate) trait Shift {
    fn shift(&mut self, by: isize, lines: isize);
}

fn mv(p: &mut usize, by: isize) {
    *p = (*p as isize + by) as usize;
}

impl Shift for Span {
    fn shift(&mut self, by: isize, _: isize) {
        mv(&mut self.start, by);
        mv(&mut self.end, by);
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, by: isize, lines: isize) {
        if let Some(x) = self {
            x.shift(by, lines);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, by: isize, lines: isize) {
        for x in self {
            x.shift(by, lines);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, by: isize, lines: isize) {
        (**self).shift(by, lines);
    }
}

impl<T> Shift for (T, Span) {
    fn shift(&mut self, by: isize, lines: isize) {
        self.1.shift(by, lines);
    }
}

impl Shift for usize {
    fn shift(&mut self, by: isize, _: isize) {
        mv(self, by);
    }
}

impl Shift for VarRef {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.name_range.shift(by, l);
        self.argument.shift(by, l);
    }
}

impl Shift for Word {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.vars.shift(by, l);
    }
}

impl Shift for Flag {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.name_range.shift(by, l);
        self.value_range.shift(by, l);
        self.vars.shift(by, l);
    }
}

impl Shift for KeyValue {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.key_range.shift(by, l);
        self.value.shift(by, l);
        self.eq.shift(by, l);
    }
}

impl Shift for JsonElement {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
    }
}

impl Shift for ExecForm {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.elements.shift(by, l);
    }
}

impl Shift for Command {
    fn shift(&mut self, by: isize, l: isize) {
        match self {
            Command::Exec(e) => e.shift(by, l),
            Command::Shell(s) => s.range.shift(by, l),
        }
    }
}

impl Shift for Heredoc {
    fn shift(&mut self, by: isize, l: isize) {
        self.marker_range.shift(by, l);
        self.body_range.shift(by, l);
        self.end_range.shift(by, l);
    }
}

impl Shift for ImageRef {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.name_range.shift(by, l);
        self.tag.shift(by, l);
        self.digest.shift(by, l);
        self.vars.shift(by, l);
    }
}

impl Shift for Healthcheck {
    fn shift(&mut self, by: isize, l: isize) {
        match self {
            Healthcheck::None(s) => s.shift(by, l),
            Healthcheck::Cmd { keyword, command } => {
                keyword.shift(by, l);
                command.shift(by, l);
            }
        }
    }
}

impl Shift for Comment {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
    }
}

impl Shift for SyntaxError {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
    }
}

impl Shift for Instruction {
    fn shift(&mut self, by: isize, l: isize) {
        self.range.shift(by, l);
        self.full_range.shift(by, l);
        self.keyword.shift(by, l);
        self.flags.shift(by, l);
        self.args_range.shift(by, l);
        self.command.shift(by, l);
        self.words.shift(by, l);
        self.exec_form.shift(by, l);
        self.pairs.shift(by, l);
        self.heredocs.shift(by, l);
        self.image.shift(by, l);
        self.as_keyword.shift(by, l);
        self.stage_name.shift(by, l);
        self.healthcheck.shift(by, l);
        self.onbuild.shift(by, l);
        self.continuations.shift(by, l);
        self.start_line = (self.start_line as isize + l) as usize;
        self.end_line = (self.end_line as isize + l) as usize;
    }
}
