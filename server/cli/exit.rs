//! Exit codes, the contract with CI scripts: 0 clean, 1 findings at or above the threshold, 2 could not check.
use std::process::ExitCode;

use dflint_rules::engine::Severity;

use crate::config::Threshold;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Nothing at or above the failure threshold.
    Success = 0,
    /// Findings at or above the threshold.
    Failure = 1,
    /// Usage, IO or config error: the result says nothing about the Dockerfiles.
    Error = 2,
}

impl ExitStatus {
    /// The status for a run: errors win over findings, since a partial check must not pass as clean.
    pub fn for_run(failing_findings: bool, had_errors: bool) -> ExitStatus {
        match (had_errors, failing_findings) {
            (true, _) => ExitStatus::Error,
            (false, true) => ExitStatus::Failure,
            (false, false) => ExitStatus::Success,
        }
    }

    /// Whether any severity fails under `threshold` (each file may have its own threshold from its config).
    pub fn fails(threshold: Threshold, severities: impl IntoIterator<Item = Severity>) -> bool {
        severities.into_iter().any(|s| threshold.fails(s))
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_win_then_findings() {
        assert_eq!(ExitStatus::for_run(false, false).code(), 0);
        assert_eq!(ExitStatus::for_run(true, false).code(), 1);
        assert_eq!(ExitStatus::for_run(true, true).code(), 2);
        assert_eq!(ExitStatus::for_run(false, true).code(), 2);
    }

    #[test]
    fn threshold_decides() {
        let warning = Threshold::AtLeast(Severity::Warning);
        assert!(!ExitStatus::fails(
            warning,
            [Severity::Info, Severity::Style]
        ));
        assert!(ExitStatus::fails(
            warning,
            [Severity::Info, Severity::Error]
        ));
        assert!(!ExitStatus::fails(Threshold::Never, [Severity::Error]));
        assert!(!ExitStatus::fails(warning, []));
    }
}
