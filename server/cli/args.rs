//! Arguments of `dflint check`, as a clap `Args` struct to flatten into the binary's command enum.
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::builder::TypedValueParser;

use super::ColorChoice;
use crate::config::{Overrides, Threshold};
use crate::output::Format;

/// Lint Dockerfiles (and fix them with `--fix`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct CheckArgs {
    /// Files and folders to check; folders are searched for Dockerfiles. `-` reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Use this config file for every Dockerfile instead of discovering `.dflint.toml` (or `.hadolint.yaml`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Rules to enable, replacing the config's `select` (codes, code prefixes, names or categories; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Rules to enable on top of the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Rules to disable, in addition to the config's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the run fail (exit code 1).
    #[arg(long, value_name = "LEVEL", value_parser = threshold_parser())]
    pub severity_threshold: Option<Threshold>,

    /// Output format.
    #[arg(long, default_value = "text", value_parser = format_parser())]
    pub format: Format,

    /// Apply safe fixes in place.
    #[arg(long)]
    pub fix: bool,

    /// Also apply (and count) unsafe fixes.
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,

    /// Do not apply unsafe fixes, even if the config enables them.
    #[arg(long, overrides_with = "unsafe_fixes", hide = true)]
    pub no_unsafe_fixes: bool,

    /// Also run the `shellcheck` program (when installed) on every RUN script, for the ShellCheck codes dflint does
    /// not read natively (as `shellcheck = true` in `.dflint.toml`).
    #[arg(long)]
    pub shellcheck: bool,

    /// With `--shellcheck`: let the program report the codes dflint reads natively too (to compare them).
    #[arg(long, hide = true, requires = "shellcheck")]
    pub shellcheck_all_codes: bool,

    /// Print the fixes as a unified diff instead of writing them; exit 1 if there is any.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// Print how often each rule fired instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Name to use for the file read from stdin (chooses its config and appears in reports).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// The build context for checks that look at files (`.dockerignore`, manifests); default: for each Dockerfile,
    /// the nearest folder at or above it that holds every file it copies.
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Also say which build context each file was checked with and why, and which templates a scan skipped.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print the findings only: no summary line, notes or warnings.
    #[arg(short, long)]
    pub quiet: bool,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl CheckArgs {
    /// The settings that override every config file.
    pub fn overrides(&self) -> Overrides {
        let unsafe_fixes = match (self.unsafe_fixes, self.no_unsafe_fixes) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            (false, false) => None,
        };
        Overrides {
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            threshold: self.severity_threshold,
            unsafe_fixes,
            shellcheck: self.shellcheck.then_some(true),
        }
    }
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    let names = Format::ALL.map(Format::as_str);
    PossibleValuesParser::new(names).map(|name| name.parse::<Format>().unwrap_or_default())
}

fn threshold_parser() -> impl TypedValueParser<Value = Threshold> {
    let names = ["error", "warning", "info", "style", "none"];
    PossibleValuesParser::new(names).map(|name| Threshold::parse(&name).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use dflint_rules::engine::Severity;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        check: CheckArgs,
    }

    fn parse(args: &[&str]) -> CheckArgs {
        Cli::try_parse_from(std::iter::once("dflint").chain(args.iter().copied()))
            .unwrap()
            .check
    }

    #[test]
    fn defaults() {
        let args = parse(&[]);
        assert_eq!(args.paths, [PathBuf::from(".")]);
        assert_eq!(args.format, Format::Text);
        assert!(args.overrides().is_empty());
    }

    #[test]
    fn lists_and_values() {
        let args = parse(&[
            "--select=DF1,cache",
            "--ignore",
            "DF101",
            "--ignore=DF102",
            "--severity-threshold",
            "warning",
            "--format",
            "sarif",
            "--unsafe-fixes",
            "a/Dockerfile",
        ]);
        let overrides = args.overrides();
        assert_eq!(
            overrides.select,
            Some(vec!["DF1".to_string(), "cache".to_string()])
        );
        assert_eq!(overrides.ignore, ["DF101", "DF102"]);
        assert_eq!(
            overrides.threshold,
            Some(Threshold::AtLeast(Severity::Warning))
        );
        assert_eq!(overrides.unsafe_fixes, Some(true));
        assert_eq!(args.format, Format::Sarif);
        assert_eq!(args.paths, [PathBuf::from("a/Dockerfile")]);
    }

    #[test]
    fn last_unsafe_flag_wins() {
        assert_eq!(
            parse(&["--unsafe-fixes", "--no-unsafe-fixes"])
                .overrides()
                .unsafe_fixes,
            Some(false)
        );
        assert_eq!(
            parse(&["--no-unsafe-fixes", "--unsafe-fixes"])
                .overrides()
                .unsafe_fixes,
            Some(true)
        );
    }

    #[test]
    fn rejects_bad_values() {
        let bad = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("dflint").chain(args.iter().copied())).is_err()
        };
        assert!(bad(&["--format", "xml"]));
        assert!(bad(&["--severity-threshold", "fatal"]));
        assert!(bad(&["--fix", "--diff"]));
    }
}
