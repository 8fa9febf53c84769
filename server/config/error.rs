//! Config errors that name the file, line and column, like a compiler's, so an editor can jump to them.
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::output::LineIndex;

use super::RuleSelector;

/// A place in a config file; line and column are 1-based, the column in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` of `text`, the contents of `path`.
    pub fn from_offset(path: &Path, text: &str, offset: usize) -> Location {
        let at = LineIndex::new(text).line_col(offset);
        Location {
            path: path.to_path_buf(),
            line: at.line,
            column: at.column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// A config problem. Also used for warnings (accepted but suspicious input), which have the same shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// `None` when the value came from the command line.
    pub path: Option<PathBuf>,
    /// 1-based `(line, column)` when known.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl ConfigError {
    pub fn new(path: &Path, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: Some(path.to_path_buf()),
            position: None,
            message: message.into(),
        }
    }

    pub fn io(path: &Path, error: &std::io::Error) -> ConfigError {
        ConfigError::new(path, format!("cannot read config: {error}"))
    }

    /// An error at the start of `span` in `text`.
    pub fn at(
        path: &Path,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::at_location(Location::from_offset(path, text, span.start), message)
    }

    pub fn at_location(location: Location, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: Some(location.path),
            position: Some((location.line, location.column)),
            message: message.into(),
        }
    }

    /// An error about a selector, placed where it was written.
    pub fn at_selector(selector: &RuleSelector, message: impl Into<String>) -> ConfigError {
        match &selector.location {
            Some(location) => ConfigError::at_location(location.clone(), message),
            None => ConfigError {
                path: None,
                position: None,
                message: message.into(),
            },
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.position) {
            (None, _) => write!(f, "command line: {}", self.message),
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (Some(path), Some((line, column))) => {
                write!(f, "{}:{line}:{column}: {}", path.display(), self.message)
            }
        }
    }
}

impl std::error::Error for ConfigError {}
