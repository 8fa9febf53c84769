//! Reports: diagnostics rendered for people (text), machines (JSON, SARIF) and CI systems (GitHub, GitLab, ...).
//!
//! Every format takes the same input, one [`FileResult`] per checked file (clean files included, so formats that
//! list files, like JUnit, can show them passing), and writes to any `io::Write`.
mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod json;
mod junit;
mod line_index;
mod sarif;
mod statistics;
mod summary;
mod text;
mod xml;

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use dflint_rules::engine::{Diagnostic, Severity};

pub use line_index::{floor_char_boundary, LineCol, LineIndex};
pub use statistics::{render_statistics, statistics, RuleStat};
pub use summary::{summary_line, Counts};

/// The diagnostics of one checked file, with the text they point into.
#[derive(Clone, Copy, Debug)]
pub struct FileResult<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub diagnostics: &'a [Diagnostic],
}

/// What a report needs to know about a rule (SARIF lists every rule, not only those that fired).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub short_description: &'a str,
    pub default_severity: Severity,
}

impl<'a> From<(&'a str, &'a str, &'a str, Severity)> for RuleInfo<'a> {
    fn from(
        (code, name, short_description, default_severity): (&'a str, &'a str, &'a str, Severity),
    ) -> Self {
        RuleInfo {
            code,
            name,
            short_description,
            default_severity,
        }
    }
}

/// `--format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    #[default]
    Text,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Checkstyle,
    Junit,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Checkstyle,
        Format::Junit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Checkstyle => "checkstyle",
            Format::Junit => "junit",
        }
    }

    /// Whether the output is for people, so a summary line and hints belong in it.
    pub fn is_human(self) -> bool {
        self == Format::Text
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown format `{text}`, expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Settings shared by the formats.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions<'a> {
    /// ANSI colours in `text`; the caller decides (terminal, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Every known rule, for SARIF's rule list. Rules that fired but are missing here are added from the diagnostic.
    pub rules: &'a [RuleInfo<'a>],
    /// `--unsafe-fixes` is on, so unsafe fixes count as fixable in the summary.
    pub unsafe_fixes: bool,
    /// Files named or found that could not be checked (unreadable, or a broken config), for the text summary.
    pub unchecked: usize,
}

/// Writes `results` in `format`. `text` ends with the summary line; the others are exactly the format.
pub fn render(
    format: Format,
    results: &[FileResult],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(results, options, out),
        Format::Concise => concise::render(results, out),
        Format::Json => json::render(results, out),
        Format::Sarif => sarif::render(results, options.rules, out),
        Format::Github => github::render(results, out),
        Format::Gitlab => gitlab::render(results, out),
        Format::Checkstyle => checkstyle::render(results, out),
        Format::Junit => junit::render(results, out),
    }
}

/// Where a file a fix creates (`rel`, relative to the build context) goes: next to the Dockerfile, the build
/// context the CLI gives rules unless `--context` names another, which the report does not know.
pub(super) fn created_file_path(dockerfile: &Path, rel: &str) -> PathBuf {
    match dockerfile.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(rel),
        _ => PathBuf::from(rel),
    }
}

/// A path as reports show it: as given, with `/` separators on every platform.
fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        let error = "xml".parse::<Format>().unwrap_err();
        assert_eq!(error, "unknown format `xml`, expected one of text, concise, json, sarif, github, gitlab, checkstyle, junit");
    }
}
