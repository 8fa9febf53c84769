//! `--format gitlab`: GitLab Code Quality report (a JSON array), shown in merge requests.
use std::collections::HashMap;
use std::io::{self, Write};

use dflint_rules::engine::Severity;
use serde::Serialize;

use super::{display_path, FileResult, LineIndex};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub(super) fn render(results: &[FileResult], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    // GitLab needs distinct fingerprints: the same finding twice on one line text gets an occurrence number.
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for result in results {
        let index = LineIndex::new(result.source);
        let path = display_path(result.path);
        for diagnostic in result.diagnostics {
            let start = index.line_col(diagnostic.range.start);
            let line_text = index.line_text(start.line - 1).trim();
            let base = fnv1a(&[
                path.as_bytes(),
                diagnostic.code.as_bytes(),
                line_text.as_bytes(),
            ]);
            let occurrence = seen.entry(base).or_default();
            let fingerprint = fnv1a(&[&base.to_le_bytes(), &occurrence.to_le_bytes()]);
            *occurrence += 1;
            issues.push(Issue {
                description: diagnostic.message.clone(),
                check_name: diagnostic.code.to_string(),
                fingerprint: format!("{fingerprint:016x}"),
                severity: severity(diagnostic.severity),
                location: Location {
                    path: path.clone(),
                    lines: Lines { begin: start.line },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// GitLab's scale is info, minor, major, critical, blocker; nothing dflint finds blocks on its own.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "minor",
        Severity::Style => "info",
    }
}

/// FNV-1a, 64 bit, over the parts with a separator byte between them. The fingerprint must be stable across runs
/// and versions, so no `std` hasher (their output may change).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        let separator: &[u8] = if i == 0 { &[] } else { &[0] };
        for &byte in separator.iter().chain(part.iter()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_values() {
        assert_eq!(fnv1a(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }
}
