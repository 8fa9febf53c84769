//! `--statistics`: how often each rule fired, most frequent first, to decide what to fix or ignore first.
use std::collections::BTreeMap;
use std::io::{self, Write};

use dflint_rules::engine::Applicability;
use serde::Serialize;

use super::{FileResult, Format};

/// Counts for one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleStat {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// How many of them `--fix` can fix (safe fixes).
    pub fixable: usize,
}

/// Per-rule counts, sorted by count (descending), then code.
pub fn statistics(results: &[FileResult]) -> Vec<RuleStat> {
    let mut by_code: BTreeMap<&'static str, RuleStat> = BTreeMap::new();
    for diagnostic in results.iter().flat_map(|r| r.diagnostics) {
        let stat = by_code.entry(diagnostic.code).or_insert_with(|| RuleStat {
            code: diagnostic.code,
            name: diagnostic.name,
            count: 0,
            fixable: 0,
        });
        stat.count += 1;
        if diagnostic
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
        {
            stat.fixable += 1;
        }
    }
    let mut stats: Vec<RuleStat> = by_code.into_values().collect();
    // Stable sort: equal counts keep code order from the map.
    stats.sort_by_key(|s| std::cmp::Reverse(s.count));
    stats
}

/// Writes the table: JSON for `--format json`, an aligned text table otherwise (`[*]` marks fixable rules).
pub fn render_statistics(
    stats: &[RuleStat],
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, stats)?;
        return writeln!(out);
    }
    let count_width = stats
        .iter()
        .map(|s| s.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = stats.iter().map(|s| s.code.len()).max().unwrap_or(0);
    for stat in stats {
        let mark = if stat.fixable > 0 { "[*]" } else { "   " };
        writeln!(
            out,
            "{:>count_width$}  {:<code_width$}  {mark} {}",
            stat.count, stat.code, stat.name
        )?;
    }
    Ok(())
}
