//! The closing line of the text report: how many problems, and how many `--fix` would take care of.
use dflint_rules::engine::Applicability;

use super::FileResult;

/// Problem counts over all files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub problems: usize,
    /// With a safe fix: `--fix` applies them.
    pub fixable: usize,
    /// With an unsafe fix: `--fix --unsafe-fixes` applies them too.
    pub unsafe_fixable: usize,
}

impl Counts {
    pub fn of(results: &[FileResult]) -> Counts {
        let mut counts = Counts::default();
        for diagnostic in results.iter().flat_map(|r| r.diagnostics) {
            counts.problems += 1;
            match diagnostic.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => counts.fixable += 1,
                Some(Applicability::Unsafe) => counts.unsafe_fixable += 1,
                Some(Applicability::DisplayOnly) | None => {}
            }
        }
        counts
    }
}

/// "Found 3 problems (2 fixable with --fix)." With `unsafe_fixes` on, unsafe fixes count as fixable; otherwise
/// they are mentioned as a hint.
pub fn summary_line(counts: Counts, unsafe_fixes: bool) -> String {
    if counts.problems == 0 {
        return "No problems found.".to_string();
    }
    let problems = plural(counts.problems, "problem");
    let (fixable, hidden) = if unsafe_fixes {
        (counts.fixable + counts.unsafe_fixable, 0)
    } else {
        (counts.fixable, counts.unsafe_fixable)
    };
    let flag = if unsafe_fixes {
        "--fix --unsafe-fixes"
    } else {
        "--fix"
    };
    match (fixable, hidden) {
        (0, 0) => format!("Found {problems}."),
        (0, hidden) => format!("Found {problems} ({hidden} fixable with --fix --unsafe-fixes)."),
        (fixable, 0) => format!("Found {problems} ({fixable} fixable with {flag})."),
        (fixable, hidden) => {
            format!("Found {problems} ({fixable} fixable with --fix, {hidden} more with --unsafe-fixes).")
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(problems: usize, fixable: usize, unsafe_fixable: usize) -> Counts {
        Counts {
            problems,
            fixable,
            unsafe_fixable,
        }
    }

    #[test]
    fn lines() {
        assert_eq!(summary_line(counts(0, 0, 0), false), "No problems found.");
        assert_eq!(summary_line(counts(1, 0, 0), false), "Found 1 problem.");
        assert_eq!(
            summary_line(counts(3, 2, 0), false),
            "Found 3 problems (2 fixable with --fix)."
        );
        assert_eq!(
            summary_line(counts(3, 1, 1), false),
            "Found 3 problems (1 fixable with --fix, 1 more with --unsafe-fixes)."
        );
        assert_eq!(
            summary_line(counts(2, 0, 1), false),
            "Found 2 problems (1 fixable with --fix --unsafe-fixes)."
        );
        assert_eq!(
            summary_line(counts(3, 1, 1), true),
            "Found 3 problems (2 fixable with --fix --unsafe-fixes)."
        );
    }
}
