//! What the rules with ShellCheck codes share: one code's findings in every RUN, with the Dockerfile applied (the
//! ARG and ENV in force are defined variables, the SHELL's dialect and `-e`).
use std::ops::Range;

use crate::engine::{Context, Diagnostic};
use crate::optimizer::facts::Facts;
use crate::rules::run_scripts::{run_scripts, Runs};
use crate::shell::{basename, ScriptForm, ShellCode, ShellLint};
use crate::syntax::ext_optimizer::Mapped;
use crate::syntax::Document;

/// Build arguments Docker defines in every RUN without an `ARG` line (its predefined proxy arguments).
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The findings of `code` in every RUN of a POSIX shell stage (`ONBUILD RUN` included), in document order.
pub(crate) fn shellcheck_findings(ctx: &Context, code: ShellCode) -> Vec<ShellLint> {
    let facts = Facts::new(ctx);
    let doc = ctx.doc();
    let mut out = Vec::new();
    for run in run_scripts(ctx) {
        let reread;
        let found = match &run.script.lints {
            Some(found) => found,
            None => {
                // The engine reads the findings for every rule with a ShellCheck code; a rule without one reading
                // them is a mistake the tests catch, and a build without those checks reads the script again.
                debug_assert!(
                    false,
                    "{} reads ShellCheck's findings without a ShellCheck code",
                    ctx.meta().code
                );
                let ins = &doc.instructions()[run.index];
                let ins = ins.onbuild.as_deref().unwrap_or(ins);
                reread = crate::shell::script_with(doc.text(), ins, doc.escape(), true)
                    .and_then(|s| s.lints)
                    .unwrap_or_default();
                &reread
            }
        };
        let mut lints = found.iter().filter(|l| l.code == code).peekable();
        if lints.peek().is_none() {
            continue;
        }
        let states = facts.states();
        let shell = states.at.get(run.index).and_then(|s| s.shell.as_deref());
        let posix = shell
            .and_then(|w| w.first())
            .is_none_or(|p| matches!(basename(p), "sh" | "dash" | "ash"));
        let errexit = shell.is_some_and(shell_errexit);
        let stage = doc
            .stages()
            .iter()
            .find(|s| s.instructions.contains(&run.index));
        let vars = stage.map_or(&[][..], |s| states.vars_at(s.index, run.index));
        for l in lints {
            if l.posix_only && !posix {
                continue;
            }
            if l.needs_errexit && !errexit {
                continue;
            }
            if let Some(v) = &l.var {
                if PREDEFINED.contains(&v.as_str()) || vars.iter().any(|d| &d.name == v) {
                    continue;
                }
            }
            out.push(l.clone());
        }
    }
    out
}

/// `SHELL ["/bin/sh", "-ec"]`, `["bash", "-euo", "pipefail", "-c"]`, `["sh", "-o", "errexit", "-c"]`.
fn shell_errexit(words: &[String]) -> bool {
    words.iter().skip(1).enumerate().any(|(i, w)| {
        (w.starts_with('-') && !w.starts_with("--") && w[1..].contains('e'))
            || (w == "errexit" && i > 0 && words[i] == "-o")
    })
}

/// Reports every finding of `code` with `message`.
pub(crate) fn report(
    ctx: &Context,
    code: ShellCode,
    out: &mut Vec<Diagnostic>,
    message: impl Fn(&ShellLint, &str) -> String,
) {
    for l in shellcheck_findings(ctx, code) {
        let text = ctx.slice(l.range.clone());
        out.push(ctx.diagnostic(l.range.clone(), message(&l, text)));
    }
}

/// A RUN script as the `shellcheck` program reads it: a shebang naming the stage's shell, `export NAME=1` for
/// every variable the Dockerfile defines there (as hadolint does), then the script.
pub struct ExternalScript {
    pub text: String,
    /// Lines before the script.
    header_lines: usize,
    script: Mapped,
}

impl ExternalScript {
    /// The Dockerfile range of a span of `text` given as 1-based lines and columns counted in characters (a tab is
    /// one, as `shellcheck --format=json1` counts), or `None` when it falls in the header.
    pub fn source_range(
        &self,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
    ) -> Option<Range<usize>> {
        let start = self.offset(line, column)?;
        let end = self
            .offset(end_line, end_column)
            .unwrap_or(start)
            .max(start);
        let r = self.script.source_range(start..end);
        Some(r.start..r.end.max(r.start))
    }

    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let line = line.checked_sub(2 + self.header_lines)?;
        let text = &self.script.text;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..].find('\n')? + 1;
        }
        let rest = &text[start..];
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        Some(start + within)
    }
}

/// Every RUN script of a POSIX shell stage (`ONBUILD RUN` included), ready for the `shellcheck` program.
pub fn external_scripts(doc: &Document) -> Vec<ExternalScript> {
    let facts = Facts::of(doc, None);
    let states = facts.states();
    let mut out = Vec::new();
    for run in &Runs::of(doc, &facts).list {
        let script = match (&run.script.text, run.script.form) {
            (Some(m), _) => Mapped::clone(m),
            (None, ScriptForm::Heredoc) => {
                let ins = &doc.instructions()[run.index];
                let ins = ins.onbuild.as_deref().unwrap_or(ins);
                let Some(h) = ins.heredocs.first() else {
                    continue;
                };
                Mapped::verbatim(&doc.text()[h.body_range.clone()], h.body_range.start)
            }
            _ => continue,
        };
        let shell = states.at.get(run.index).and_then(|s| s.shell.as_deref());
        let program = shell
            .and_then(|w| w.first())
            .map_or("sh", |p| basename(p))
            .to_string();
        let stage = doc
            .stages()
            .iter()
            .find(|s| s.instructions.contains(&run.index));
        let vars = stage.map_or(&[][..], |s| states.vars_at(s.index, run.index));
        let mut names: Vec<&str> = vars
            .iter()
            .map(|v| v.name.as_str())
            .chain(PREDEFINED.iter().copied())
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut text = format!("#!/bin/{program}\n");
        for n in &names {
            text.push_str(&format!("export {n}=1\n"));
        }
        text.push_str(&script.text);
        out.push(ExternalScript {
            text,
            header_lines: names.len(),
            script,
        });
    }
    out
}
