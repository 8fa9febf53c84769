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
    /// Files that were checked.
    pub checked: usize,
    /// Files that could not be checked (unreadable, or a broken config): their errors are on stderr.
    pub unchecked: usize,
}

impl Counts {
    pub fn of(results: &[FileResult]) -> Counts {
        let mut counts = Counts {
            checked: results.len(),
            ..Counts::default()
        };
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

    pub fn with_unchecked(self, unchecked: usize) -> Counts {
        Counts { unchecked, ..self }
    }
}

/// "Found 3 problems (2 fixable with --fix)." With `unsafe_fixes` on, unsafe fixes count as fixable; otherwise
/// they are mentioned as a hint. Files that could not be checked are counted too, so that "No problems found"
/// never stands for files nobody read.
pub fn summary_line(counts: Counts, unsafe_fixes: bool) -> String {
    let findings = findings_line(counts, unsafe_fixes);
    if counts.unchecked == 0 {
        return findings;
    }
    let unchecked = format!(
        "{} could not be checked (see the errors above).",
        plural(counts.unchecked, "file")
    );
    match (counts.checked, counts.problems) {
        (0, _) => format!("No file checked: {unchecked}"),
        (_, 0) => format!("No problems found in the files checked; {unchecked}"),
        _ => format!("{findings} {unchecked}"),
    }
}

fn findings_line(counts: Counts, unsafe_fixes: bool) -> String {
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
            checked: 1,
            unchecked: 0,
        }
    }

    #[test]
    fn files_that_could_not_be_checked_are_counted() {
        let none = Counts {
            checked: 0,
            ..counts(0, 0, 0)
        };
        assert_eq!(
            summary_line(none.with_unchecked(1), false),
            "No file checked: 1 file could not be checked (see the errors above)."
        );
        assert_eq!(
            summary_line(counts(0, 0, 0).with_unchecked(2), false),
            "No problems found in the files checked; 2 files could not be checked (see the errors above)."
        );
        assert_eq!(
            summary_line(counts(1, 1, 0).with_unchecked(1), false),
            "Found 1 problem (1 fixable with --fix). 1 file could not be checked (see the errors above)."
        );
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
