//! The human report: each diagnostic with its source line underlined (codespan-reporting), then a summary line.
use std::borrow::Cow;
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Chars};
use dflint_rules::engine::{docs_command, Diagnostic, Severity};

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
        let shown = without_lone_cr(result.source);
        let file = SimpleFile::new(display_path(result.path), shown.as_ref());
        for diagnostic in result.diagnostics {
            let report = report(diagnostic, &shown);
            term::emit_to_write_style(out, &config, &file, &report).map_err(into_io)?;
        }
    }
    writeln!(
        out,
        "{}",
        summary_line(
            Counts::of(results).with_unchecked(options.unchecked),
            options.unsafe_fixes
        )
    )
}

fn report(diagnostic: &Diagnostic, source: &str) -> Report<()> {
    let start = floor_char_boundary(source, diagnostic.range.start);
    let end = floor_char_boundary(source, diagnostic.range.end.max(start));
    let mut notes = Vec::new();
    if let Some(fix) = &diagnostic.fix {
        notes.push(format!("help: {}", fix.title));
    }
    // The page is always at hand offline; a link only where the project has a public home.
    let url = crate::shellcheck::wiki_url(diagnostic).or_else(|| diagnostic.docs_url());
    notes.push(match url {
        Some(url) => format!("docs: {url} (or `{}`)", docs_command(diagnostic.code)),
        None => format!("docs: `{}`", docs_command(diagnostic.code)),
    });
    Report::new(level(diagnostic.severity))
        .with_code(format!("{}/{}", diagnostic.code, diagnostic.name))
        .with_message(&diagnostic.message)
        .with_labels(vec![Label::primary((), start..end)])
        .with_notes(notes)
}

/// A lone `\r` would send the terminal's cursor back to the line start; a space keeps every byte offset valid.
/// (codespan already drops the `\r` of a CRLF line ending.)
fn without_lone_cr(source: &str) -> Cow<'_, str> {
    let bytes = source.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return Cow::Borrowed(source);
    }
    let mut shown = bytes.to_vec();
    for (i, byte) in shown.iter_mut().enumerate() {
        if lone(i) {
            *byte = b' ';
        }
    }
    // Only ASCII `\r` bytes were replaced by ASCII spaces, so the text is still UTF-8.
    Cow::Owned(String::from_utf8(shown).unwrap_or_else(|_| source.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lone_carriage_returns_are_blanked() {
        assert!(matches!(without_lone_cr("a\r\nb"), Cow::Borrowed(_)));
        assert_eq!(without_lone_cr("a\rb\r\n"), "a b\r\n");
        assert_eq!(without_lone_cr("é\r"), "é ");
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let diagnostic = Diagnostic {
            code: "DF001",
            name: "x",
            severity: Severity::Style,
            range: 5..99,
            message: "m".into(),
            fix: None,
            tags: Vec::new(),
        };
        let results = [FileResult {
            path: std::path::Path::new("D"),
            source: "é",
            diagnostics: &[diagnostic],
        }];
        let mut out = Vec::new();
        render(&results, &RenderOptions::default(), &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("note[DF001/x]: m"));
    }
}
