//! `--format checkstyle`: Checkstyle's XML, read by Jenkins' warnings plugin, reviewdog and many CI dashboards.
use std::io::{self, Write};

use dflint_rules::engine::Severity;

use super::xml::escape;
use super::{display_path, FileResult, LineIndex};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for result in results {
        let index = LineIndex::new(result.source);
        writeln!(
            out,
            r#"  <file name="{}">"#,
            escape(&display_path(result.path))
        )?;
        for diagnostic in result.diagnostics {
            let start = index.line_col(diagnostic.range.start);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="{}"/>"#,
                start.line,
                start.column,
                severity(diagnostic.severity),
                escape(&format!("{} ({})", diagnostic.message, diagnostic.name)),
                escape(diagnostic.code),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

/// Checkstyle knows error, warning and info.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}
