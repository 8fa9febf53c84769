//! The human report: each diagnostic with its source line underlined (codespan-reporting), then a summary line.
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Chars};
use dflint_rules::engine::{Diagnostic, Severity};

use super::summary::{summary_line, Counts};
use super::{display_path, floor_char_boundary, FileResult, RenderOptions};

pub(super) fn render(
    results: &[FileResult],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if options.color {
        render_to(results, options, &mut Ansi::new(out))
    } else {
        render_to(results, options, &mut NoColor::new(out))
    }
}

fn render_to(
    results: &[FileResult],
    options: &RenderOptions,
    out: &mut dyn WriteColor,
) -> io::Result<()> {
    let mut config = term::Config {
        chars: Chars::ascii(),
        ..term::Config::default()
    };
    config.tab_width = 4;
    for result in results.iter().filter(|r| !r.diagnostics.is_empty()) {
        // A `\r` would send the terminal's cursor back to the line start; a space keeps every byte offset valid.
        let shown = result.source.replace('\r', " ");
        let file = SimpleFile::new(display_path(result.path), shown.as_str());
        for diagnostic in result.diagnostics {
            let report = report(diagnostic, &shown);
            term::emit_to_write_style(out, &config, &file, &report).map_err(into_io)?;
        }
    }
    writeln!(
        out,
        "{}",
        summary_line(Counts::of(results), options.unsafe_fixes)
    )
}

fn report(diagnostic: &Diagnostic, source: &str) -> Report<()> {
    let start = floor_char_boundary(source, diagnostic.range.start);
    let end = floor_char_boundary(source, diagnostic.range.end.max(start));
    let mut notes = Vec::new();
    if let Some(fix) = &diagnostic.fix {
        notes.push(format!("help: {}", fix.title));
    }
    notes.push(format!("docs: {}", diagnostic.docs_url()));
    Report::new(level(diagnostic.severity))
        .with_code(format!("{}/{}", diagnostic.code, diagnostic.name))
        .with_message(&diagnostic.message)
        .with_labels(vec![Label::primary((), start..end)])
        .with_notes(notes)
}

/// codespan has no "style"; a note reads right for both advisory levels.
fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info | Severity::Style => Level::Note,
    }
}

fn into_io(error: codespan_reporting::files::Error) -> io::Error {
    match error {
        codespan_reporting::files::Error::Io(error) => error,
        other => io::Error::other(other.to_string()),
    }
}
