//! RUN analysis: a RUN's (or CMD's) shell text parsed with tree-sitter-bash into simple commands whose words carry
//! byte ranges in the Dockerfile, and recognisers that say what each command does (installs, builds, downloads ...).
//!
//! The script of an instruction is its shell-form text (continuations removed), the bodies of heredocs that are run
//! as scripts (`RUN <<EOF`, `RUN bash <<EOF`), or the string after `-c` in an exec form `["sh", "-c", "..."]`;
//! an exec form that runs no shell is one simple command. Offsets are mapped back through the instruction's logical
//! text, so a word's range is where it is written.
mod lint;
mod packages;
mod parse;
mod recognize;

use crate::syntax::ext_optimizer::{self, Mapped, MappedBuilder};
use crate::syntax::{Instruction, Kind, Span};
use std::sync::Arc;

pub use lint::ShellCode;
pub use packages::{package_command, Manager, PackageCommand};
#[cfg(test)]
pub(crate) use parse::MAX_NESTING;
pub use recognize::*;

/// One of ShellCheck's common findings in a script (see `shell::lint`), with the conditions under which it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellLint {
    pub code: ShellCode,
    /// Where it is written in the Dockerfile.
    pub range: Span,
    /// A finding only when the Dockerfile does not define this variable (ARG or ENV in force).
    pub var: Option<String>,
    /// A finding only under a POSIX `sh` dialect (not bash, zsh or ksh).
    pub posix_only: bool,
    /// A finding only when the shell runs with `errexit` (the script does not set it itself).
    pub needs_errexit: bool,
}

/// A word of a simple command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Where it is written in the Dockerfile.
    pub range: Span,
    /// Quotes removed and escapes resolved; expansions are left as written.
    pub value: String,
    /// Holds a parameter expansion, command substitution or similar: the value is not known statically.
    pub dynamic: bool,
}

/// A simple command: assignments, a command name and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    /// Where it is written in the Dockerfile.
    pub range: Span,
    /// `VAR=value` prefixes.
    pub assignments: Vec<(String, String)>,
    /// The command name and its arguments (redirections left out).
    pub words: Vec<Word>,
    /// Targets of redirections (`> file`).
    pub redirects: Vec<Word>,
    /// Runs only sometimes: inside `if`/`case`/loops/functions, or after `||`.
    pub conditional: bool,
    /// Inside `$(...)`.
    pub nested: bool,
    /// Where the command actually run starts in `words` (past wrappers such as `sudo` and `env`): found once, as
    /// every rule asks.
    argv_start: usize,
}

/// Commands that run another command given as their arguments.
const WRAPPERS: &[&str] = &[
    "sudo",
    "env",
    "exec",
    "command",
    "nohup",
    "time",
    "nice",
    "timeout",
    "gosu",
    "su-exec",
    "chroot",
    "dumb-init",
    "tini",
    "setsid",
    "stdbuf",
    "eatmydata",
];

impl SimpleCommand {
    /// The words from the command actually run: `sudo -E env X=1 apt-get install` gives `apt-get install`.
    pub fn argv(&self) -> &[Word] {
        self.words.get(self.argv_start..).unwrap_or_default()
    }

    /// The program run (basename of the first word after wrappers), when it is static.
    pub fn program(&self) -> Option<&str> {
        let first = self.argv().first()?;
        (!first.dynamic).then(|| basename(&first.value))
    }

    /// The values of the arguments after the program.
    pub fn args(&self) -> Vec<&str> {
        self.argv()
            .iter()
            .skip(1)
            .map(|w| w.value.as_str())
            .collect()
    }
}

/// How many words at the start of `w` are wrappers and their options: `sudo -E env X=1 apt-get` gives 4.
pub(crate) fn skip_wrappers(w: &[Word]) -> usize {
    skip_wrappers_of(w, |w| &w.value)
}

/// [`skip_wrappers`] over any words, given their values.
fn skip_wrappers_of<T>(w: &[T], value: impl Fn(&T) -> &str) -> usize {
    let mut i = 0;
    while i < w.len() {
        let name = basename(value(&w[i]));
        if !WRAPPERS.contains(&name) {
            break;
        }
        i += 1;
        // The wrapper's own options and operands.
        while i < w.len() {
            let v = value(&w[i]);
            let takes_value = match name {
                "sudo" => matches!(
                    v,
                    "-u" | "-g" | "-C" | "-p" | "-U" | "-r" | "-t" | "-h" | "-D"
                ),
                "nice" => v == "-n",
                "timeout" => matches!(v, "-s" | "-k" | "--signal" | "--kill-after"),
                "stdbuf" => false,
                _ => false,
            };
            if v == "--" {
                i += 1;
                break;
            }
            if v.starts_with('-') && v.len() > 1 {
                i += if takes_value { 2 } else { 1 };
                continue;
            }
            match name {
                "env" if v.contains('=') => i += 1,
                "timeout" if v.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
                    i += 1;
                    break;
                }
                "gosu" | "su-exec" | "chroot" => {
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
    }
    i.min(w.len())
}

/// `/usr/bin/apt-get` → `apt-get`.
pub fn basename(path: &str) -> &str {
    // A byte loop: words are short, and every rule asks this of every command.
    match path.bytes().rposition(|b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Where the script came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptForm {
    /// Shell-form text.
    Shell,
    /// The body of a heredoc run as a script.
    Heredoc,
    /// The string after `-c` in `["sh", "-c", "..."]`.
    ExecShell,
    /// An exec form that runs no shell: one command.
    Exec,
}

/// Where text can be added to run after the script's last command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Append {
    /// Insert ` && <command>` at this offset.
    Inline(usize),
    /// Insert `<command>` plus a line break at this offset (the start of a heredoc's terminator line).
    Line(usize),
}

/// The commands of one RUN, CMD or ENTRYPOINT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub form: ScriptForm,
    pub commands: Vec<SimpleCommand>,
    /// tree-sitter-bash found syntax errors: the commands are a best effort.
    pub has_errors: bool,
    pub append: Option<Append>,
    /// The shell text (`Shell` and `ExecShell` forms), mapped to the source (for a shell form, the instruction's
    /// arguments as [`ext_optimizer::Args::rest`] holds them, shared).
    pub text: Option<Arc<Mapped>>,
    /// Where `exec ` goes so that the shell replaces itself with the last command (logical offset into `text`).
    pub exec_point: Option<usize>,
    /// Where the analysis stopped descending, in the source: constructs (or heredocs run by shells) nested deeper
    /// than it follows. The commands inside are not in `commands`.
    pub too_deep: Option<Span>,
    /// ShellCheck's common findings, heredocs run by shells included; `None` when the script was read without
    /// them (see [`script_with`]).
    pub lints: Option<Vec<ShellLint>>,
}

impl Script {
    /// Every recognised action, in command order.
    pub fn actions(&self) -> Vec<Action> {
        let out: Vec<Action> = self
            .commands
            .iter()
            .enumerate()
            .flat_map(|(i, c)| recognize::recognize(c, i))
            .collect();
        // Kept per RUN by the analysis: no room for actions that will never come.
        crate::syntax::exact(out)
    }
}

fn is_shell(program: &str) -> bool {
    matches!(
        basename(program),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh"
    )
}

/// Whether an exec-form shell option (`-c`, `-ec`, `-euxc`) ends with `c`: the next element is the script.
fn is_dash_c(arg: &str) -> bool {
    arg.len() >= 2
        && arg.starts_with('-')
        && !arg.starts_with("--")
        && arg.ends_with('c')
        && arg[1..].chars().all(|c| c.is_ascii_alphabetic())
}

/// The script of a RUN, CMD, ENTRYPOINT (or any instruction whose arguments are a command), read from the source,
/// with ShellCheck's common findings.
pub fn script(text: &str, ins: &Instruction, escape: char) -> Option<Script> {
    script_with(text, ins, escape, true)
}

/// [`script`], with the findings only when `lints` asks for them.
pub fn script_with(text: &str, ins: &Instruction, escape: char, lints: bool) -> Option<Script> {
    script_of(text, ins, &ext_optimizer::args(text, ins, escape), lints)
}

/// [`script_with`], from the instruction's arguments already read.
pub fn script_of(
    text: &str,
    ins: &Instruction,
    args: &ext_optimizer::Args,
    lints: bool,
) -> Option<Script> {
    if let Some(elements) = &args.json {
        let first = elements.first()?;
        if is_shell(&first.value) {
            if let Some(i) = elements.iter().position(|e| is_dash_c(&e.value)) {
                let body = elements.get(i + 1)?;
                return Some(from_text(
                    &Arc::new(body.mapped.clone()),
                    ScriptForm::ExecShell,
                    true,
                    lints,
                ));
            }
        }
        let words = elements
            .iter()
            .map(|e| Word {
                range: e.range.clone(),
                value: e.value.clone(),
                dynamic: false,
            })
            .collect::<Vec<_>>();
        return Some(Script {
            form: ScriptForm::Exec,
            commands: vec![SimpleCommand {
                range: args.rest.source_range(0..args.rest.text.len()),
                assignments: Vec::new(),
                argv_start: skip_wrappers(&words),
                words,
                redirects: Vec::new(),
                conditional: false,
                nested: false,
            }],
            has_errors: false,
            append: None,
            text: None,
            exec_point: None,
            too_deep: None,
            lints: lints.then(Vec::new),
        });
    }
    let rest = &args.rest;
    let heredocs = if ins.kind == Kind::Run {
        &ins.heredocs[..]
    } else {
        &[]
    };
    if heredocs.is_empty() {
        return Some(from_text(rest, ScriptForm::Shell, true, lints));
    }
    // `RUN <<EOF`: the first heredoc's body is the script.
    let only_markers = rest.text.split_whitespace().all(|w| w.starts_with("<<"));
    if only_markers {
        let h = &heredocs[0];
        let body = Mapped::verbatim(&text[h.body_range.clone()], h.body_range.start);
        let mut s = from_text(&Arc::new(body), ScriptForm::Heredoc, false, lints);
        s.append = (!h.end_range.is_empty()).then_some(Append::Line(h.end_range.start));
        return Some(s);
    }
    // A command line with heredocs: give tree-sitter-bash the whole thing, bodies included.
    let mut combined = MappedBuilder::default();
    combined.mapped(rest, 0..rest.text.len());
    let line_end = rest.source(rest.text.len());
    combined.decoded("\n", line_end..line_end);
    let mut end = line_end;
    for h in heredocs {
        let whole = h.body_range.start..h.end_range.end.max(h.body_range.end);
        combined.verbatim(&text[whole.clone()], whole.start);
        end = whole.end;
        if !combined.text().ends_with('\n') {
            combined.decoded("\n", end..end);
        }
    }
    let m = combined.finish(end);
    let mut s = from_text(&Arc::new(m), ScriptForm::Shell, true, lints);
    // Appending after the command line would land inside the heredoc syntax: only bodies run as scripts get appends.
    s.append = None;
    Some(s)
}

/// The script a shell command runs from its `-c` string (`sh -c 'apt-get install -y x'`), when the string is one
/// word written in quotes (or none) whose text is the source byte for byte, so every range maps back.
pub fn dash_c_script(text: &str, cmd: &SimpleCommand) -> Option<Script> {
    let argv = cmd.argv();
    let first = argv.first()?;
    if first.dynamic || !is_shell(&first.value) {
        return None;
    }
    let at = argv.iter().position(|w| is_dash_c(&w.value))?;
    let body = argv.get(at + 1).filter(|b| !b.dynamic)?;
    let src = text.get(body.range.clone())?;
    let quoted = src
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| {
            src.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .filter(|s| !s.contains(['\\', '$', '`']))
        });
    let inner = quoted.unwrap_or(src);
    if inner != body.value {
        return None;
    }
    let start = body.range.start + usize::from(quoted.is_some());
    // Read for the commands it runs: ShellCheck's findings are read in RUN scripts only.
    Some(from_text(
        &Arc::new(Mapped::verbatim(inner, start)),
        ScriptForm::ExecShell,
        false,
        false,
    ))
}

fn from_text(m: &Arc<Mapped>, form: ScriptForm, inline_append: bool, want_lints: bool) -> Script {
    let mut commands = Vec::new();
    let mut has_errors = false;
    let mut too_deep = None;
    let mut lints = want_lints.then(Vec::new);
    let raw = parse::parse(&m.text, want_lints);
    collect_parsed(
        m,
        &raw,
        &mut commands,
        &mut lints,
        &mut has_errors,
        &mut too_deep,
        0,
    );
    // Pushed one by one, the vectors would keep room for four commands however many there are: most scripts have
    // one or two, and a document may have a hundred thousand RUNs.
    let commands = crate::syntax::exact(commands);
    let lints = lints.map(crate::syntax::exact);
    let append = if inline_append {
        raw.last_statement_end
            .map(|e| Append::Inline(m.source_range(0..e).end))
    } else {
        None
    };
    Script {
        form,
        commands,
        has_errors,
        append,
        text: matches!(form, ScriptForm::Shell | ScriptForm::ExecShell).then(|| m.clone()),
        exec_point: raw.exec_point,
        too_deep,
        lints,
    }
}

/// The length of the character at `at` (0 at the end), so a one-character range never splits one.
fn char_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|t| t.chars().next())
        .map_or(0, char::len_utf8)
}

/// How many heredocs run by shells inside heredocs run by shells (`sh <<A` whose body runs `sh <<B` ...) are read.
const MAX_HEREDOC_DEPTH: usize = 4;

/// Parses `m` and maps its commands to the source; heredocs fed to a shell (`sh <<EOF`) are parsed too.
fn collect(
    m: &Mapped,
    out: &mut Vec<SimpleCommand>,
    lints: &mut Option<Vec<ShellLint>>,
    has_errors: &mut bool,
    too_deep: &mut Option<Span>,
    depth: usize,
) {
    collect_parsed(
        m,
        &parse::parse(&m.text, lints.is_some()),
        out,
        lints,
        has_errors,
        too_deep,
        depth,
    );
}

/// [`collect`], with `m`'s text already parsed.
fn collect_parsed(
    m: &Mapped,
    raw: &parse::RawScript,
    out: &mut Vec<SimpleCommand>,
    lints: &mut Option<Vec<ShellLint>>,
    has_errors: &mut bool,
    too_deep: &mut Option<Span>,
    depth: usize,
) {
    *has_errors |= raw.has_errors;
    // Most scripts run no heredoc through a shell: their commands fill the vector exactly.
    out.reserve(raw.commands.len());
    if let (Some(at), None) = (raw.too_deep, &too_deep) {
        *too_deep = Some(m.source_range(at..at + char_len(&m.text, at)));
    }
    if let (Some(lints), Some(found)) = (lints.as_mut(), &raw.lints) {
        lints.extend(found.iter().map(|l| ShellLint {
            code: l.code,
            range: m.source_range(l.range.clone()),
            var: l.var.clone(),
            posix_only: l.posix_only,
            needs_errexit: l.needs_errexit,
        }));
    }
    for c in &raw.commands {
        let map_word = |w: &parse::RawWord| Word {
            range: m.source_range(w.range.clone()),
            value: w.value.clone(),
            dynamic: w.dynamic,
        };
        let cmd = SimpleCommand {
            range: m.source_range(c.range.clone()),
            assignments: c.assignments.clone(),
            words: c.words.iter().map(map_word).collect(),
            redirects: c.redirects.iter().map(map_word).collect(),
            conditional: c.conditional,
            nested: c.nested,
            argv_start: skip_wrappers_of(&c.words, |w| &w.value),
        };
        let runs_body =
            cmd.program().is_some_and(is_shell) && !cmd.args().iter().any(|a| is_dash_c(a));
        out.push(cmd);
        if let (Some(body), true) = (&c.heredoc_body, runs_body) {
            if depth < MAX_HEREDOC_DEPTH {
                collect(
                    &m.slice(body.clone()),
                    out,
                    lints,
                    has_errors,
                    too_deep,
                    depth + 1,
                );
            } else if too_deep.is_none() {
                let at = body.start;
                *too_deep = Some(m.source_range(at..at + char_len(&m.text, at)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    fn run(src: &str, i: usize) -> Script {
        let doc = Document::parse(src);
        script(src, &doc.instructions()[i], '\\').unwrap()
    }

    fn words_at(src: &str, s: &Script) -> Vec<Vec<String>> {
        s.commands
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| src[w.range.clone()].to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn shell_form_ranges_survive_continuations_and_flags() {
        let src = "FROM a\nRUN --mount=type=cache,target=/var/cache/apt apt-get update \\\n  # note\n  && apt-get install -y \\\n     \"gcc\"\n";
        let s = run(src, 1);
        assert_eq!(s.form, ScriptForm::Shell);
        assert_eq!(
            words_at(src, &s),
            [
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "\"gcc\""]
            ]
        );
        assert_eq!(s.commands[1].words[3].value, "gcc");
        let Some(Append::Inline(at)) = s.append else {
            panic!("no append point")
        };
        assert_eq!(at, src.len() - 1);
    }

    #[test]
    fn heredoc_scripts() {
        let src = "FROM a\nRUN <<EOF\napt-get update\n\tapt-get install -y curl\nEOF\nRUN bash -e <<'X'\nnpm ci\nX\n";
        let s = run(src, 1);
        assert_eq!(s.form, ScriptForm::Heredoc);
        assert_eq!(words_at(src, &s)[1], ["apt-get", "install", "-y", "curl"]);
        let Some(Append::Line(at)) = s.append else {
            panic!("no append point")
        };
        assert_eq!(&src[at..at + 4], "EOF\n");
        let s = run(src, 2);
        assert_eq!(words_at(src, &s), [vec!["bash", "-e"], vec!["npm", "ci"]]);
    }

    #[test]
    fn exec_forms() {
        let src = "FROM a\nRUN [\"sh\", \"-ec\", \"pip install --no-cache-dir -r req.txt\"]\nCMD [\"node\", \"server.js\"]\n";
        let s = run(src, 1);
        assert_eq!(s.form, ScriptForm::ExecShell);
        assert_eq!(
            words_at(src, &s)[0],
            ["pip", "install", "--no-cache-dir", "-r", "req.txt"]
        );
        let s = run(src, 2);
        assert_eq!(s.form, ScriptForm::Exec);
        assert_eq!(s.commands[0].program(), Some("node"));
        assert_eq!(&src[s.commands[0].words[1].range.clone()], "\"server.js\"");
    }

    #[test]
    fn wrappers_are_skipped() {
        let src = "FROM a\nRUN sudo -E -u root env A=1 /usr/bin/apt-get install x\n";
        let s = run(src, 1);
        assert_eq!(s.commands[0].program(), Some("apt-get"));
        assert_eq!(s.commands[0].args(), ["install", "x"]);
    }
}
