//! `--format junit`: one test case per checked file, one failure per diagnostic, for CI test-report views.
use std::io::{self, Write};

use super::xml::escape;
use super::{display_path, FileResult, LineIndex};

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    let tests = results.len();
    // JUnit counts failed test cases, not failure elements.
    let failures = results.iter().filter(|r| !r.diagnostics.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="dflint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="dflint" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#
    )?;
    for result in results {
        let index = LineIndex::new(result.source);
        let path = display_path(result.path);
        let attr = escape(&path);
        let open = format!(r#"    <testcase name="{attr}" classname="dflint" file="{attr}""#);
        if result.diagnostics.is_empty() {
            writeln!(out, "{open}/>")?;
            continue;
        }
        writeln!(out, "{open}>")?;
        for diagnostic in result.diagnostics {
            let start = index.line_col(diagnostic.range.start);
            writeln!(
                out,
                r#"      <failure message="{}" type="{}/{}">{}</failure>"#,
                escape(&diagnostic.message),
                diagnostic.code,
                diagnostic.name,
                escape(&format!(
                    "{path}:{}:{}: {}[{}/{}]: {}",
                    start.line,
                    start.column,
                    diagnostic.severity,
                    diagnostic.code,
                    diagnostic.name,
                    diagnostic.message
                )),
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
