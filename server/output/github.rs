//! `--format github`: GitHub Actions workflow commands, which annotate the pull request's changed lines.
use std::io::{self, Write};

use dflint_rules::engine::Severity;

use super::{display_path, FileResult, LineIndex};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    for result in results {
        let index = LineIndex::new(result.source);
        let file = escape_property(&display_path(result.path));
        for diagnostic in result.diagnostics {
            let start = index.line_col(diagnostic.range.start);
            let end = index.line_col(diagnostic.range.end.max(diagnostic.range.start));
            let title = escape_property(&format!("{} {}", diagnostic.code, diagnostic.name));
            writeln!(
                out,
                "::{} file={file},line={},col={},endLine={},endColumn={},title={title}::{}",
                command(diagnostic.severity),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_data(&diagnostic.message),
            )?;
        }
    }
    Ok(())
}

/// Actions has three annotation levels.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

/// The message part: `%`, CR and LF would end or corrupt the command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
