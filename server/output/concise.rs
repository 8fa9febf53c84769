//! `--format concise`: one line per finding, `path:line:col: CODE [name] message`, as hadolint's default output
//! and ruff's concise output; editors and `grep` read it, and it is GNU's `file:line:col: message` shape.
use std::io::{self, Write};

use super::{display_path, FileResult, LineIndex};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    for result in results {
        let index = LineIndex::new(result.source);
        let file = display_path(result.path);
        for diagnostic in result.diagnostics {
            let at = index.line_col(diagnostic.range.start);
            writeln!(
                out,
                "{file}:{}:{}: {} [{}] {}",
                at.line,
                at.column,
                diagnostic.code,
                diagnostic.name,
                one_line(&diagnostic.message),
            )?;
        }
    }
    Ok(())
}

/// A message with a line break would read as two findings.
fn one_line(message: &str) -> String {
    message
        .split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(one_line("a\r\nb\nc"), "a b c");
    }
}
