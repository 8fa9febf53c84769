//! Resolved configuration: `.dflint.toml` (or a peer's `.hadolint.yaml`) plus command-line overrides, as plain data.
//!
//! Consumers (the CLI and the language server) see only [`Config`]; the serde shapes of the files stay private.
mod dflint_toml;
mod discover;
mod error;
mod excludes;
mod hadolint;
mod overrides;

use std::path::{Path, PathBuf};

use dflint_rules::engine::Severity;

pub use discover::{find_config_file, ConfigResolver, DFLINT_CONFIG_NAMES, HADOLINT_CONFIG_NAMES};
pub use error::{ConfigError, Location};
pub use excludes::Excludes;
pub use overrides::Overrides;

/// Where a [`Config`] came from. Selectors from a hadolint file are peer codes (`DL3006`), which the engine maps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigSource {
    /// No file applied: built-in defaults (plus command-line overrides).
    #[default]
    Default,
    Dflint(PathBuf),
    Hadolint(PathBuf),
}

/// A rule selector as written by the user: a code (`DF301`), a code prefix (`DF3`), a rule name or a category.
/// The engine resolves it; the location lets it report an unknown selector where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSelector {
    pub text: String,
    /// `None` when it came from the command line or a settings object.
    pub location: Option<Location>,
}

impl RuleSelector {
    pub fn new(text: impl Into<String>) -> RuleSelector {
        RuleSelector {
            text: text.into(),
            location: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    pub rule: RuleSelector,
    pub severity: Severity,
}

/// Free-form options for one rule, handed to the rule by name.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleOptions {
    pub rule: RuleSelector,
    pub options: toml::Table,
}

/// The lowest severity that makes the run fail (exit code 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    /// Findings never fail the run (`none`, hadolint's `no-fail`).
    Never,
    AtLeast(Severity),
}

impl Default for Threshold {
    /// Any finding fails, as in ruff: what is reported is worth fixing, and `severity-threshold` relaxes it.
    fn default() -> Threshold {
        Threshold::AtLeast(Severity::Style)
    }
}

impl Threshold {
    /// `error`, `warning`, `info`, `style`, or `none` (hadolint's `ignore` too).
    pub fn parse(text: &str) -> Option<Threshold> {
        match text.to_ascii_lowercase().as_str() {
            "none" | "ignore" => Some(Threshold::Never),
            other => Severity::parse(other).map(Threshold::AtLeast),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            Threshold::Never => false,
            Threshold::AtLeast(min) => severity >= min,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Threshold::Never => "none",
            Threshold::AtLeast(severity) => severity.as_str(),
        }
    }
}

impl std::str::FromStr for Threshold {
    type Err = String;
    fn from_str(text: &str) -> Result<Threshold, String> {
        Threshold::parse(text).ok_or_else(|| {
            format!("invalid severity threshold `{text}`, expected one of `error`, `warning`, `info`, `style`, `none`")
        })
    }
}

/// Everything the engine, the fixer and the reporters need to know about the user's wishes for one file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub source: ConfigSource,
    /// `None`: the engine's default rule set.
    pub select: Option<Vec<RuleSelector>>,
    /// Added to `select` (or to the default set).
    pub extend_select: Vec<RuleSelector>,
    pub ignore: Vec<RuleSelector>,
    /// In file order; a later entry for the same rule wins.
    pub severity: Vec<SeverityOverride>,
    pub rule_options: Vec<RuleOptions>,
    pub threshold: Threshold,
    pub excludes: Excludes,
    pub unsafe_fixes: bool,
    /// Registries an image may come from (hadolint's `trustedRegistries`); also in the options of `untrusted-registry`.
    pub trusted_registries: Vec<String>,
    /// Inline `# dflint: ignore` / `# hadolint ignore=` comments are not honoured.
    pub disable_ignore_pragma: bool,
    /// Run the `shellcheck` program on every RUN script for the codes dflint does not read natively.
    pub shellcheck: bool,
    /// No colour in the report (hadolint's `no-color`, `.dflint.toml`'s `no-color`), unless `--color` asks for it.
    pub no_color: bool,
    /// Accepted but suspicious input (unknown hadolint keys); the CLI prints them to stderr.
    pub warnings: Vec<ConfigError>,
}

/// Rule name whose options receive `trusted-registries`.
pub const UNTRUSTED_REGISTRY_RULE: &str = "untrusted-registry";

/// The types a label schema may give (hadolint's `label-schema`; an empty type is `text`).
pub const LABEL_TYPES: &[&str] = &["text", "url", "email", "hash", "rfc3339", "semver", "spdx"];

/// The options of every label rule for a label schema (label → type) and `strict` (hadolint's `strict-labels`):
/// `label-schema` for the rules that read it, `strict-labels` for those that read that. `Err` names a type that is
/// none of [`LABEL_TYPES`].
pub(crate) fn label_rule_options(
    schema: &std::collections::BTreeMap<String, String>,
    strict: Option<bool>,
) -> Result<Vec<RuleOptions>, String> {
    if let Some((label, ty)) = schema
        .iter()
        .find(|(_, ty)| !ty.is_empty() && !LABEL_TYPES.contains(&ty.as_str()))
    {
        return Err(format!(
            "label `{label}` has type `{ty}`, expected one of {}",
            LABEL_TYPES
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let entries: Vec<toml::Value> = schema
        .iter()
        .map(|(label, ty)| toml::Value::String(format!("{label}={ty}")))
        .collect();
    let mut out = Vec::new();
    for rule in dflint_rules::engine::all_rules() {
        let mut options = toml::Table::new();
        if rule.option("label-schema").is_some() && !schema.is_empty() {
            options.insert("label-schema".into(), toml::Value::Array(entries.clone()));
        }
        if let (Some(strict), Some(_)) = (strict, rule.option("strict-labels")) {
            options.insert("strict-labels".into(), toml::Value::Boolean(strict));
        }
        if !options.is_empty() {
            out.push(RuleOptions {
                rule: RuleSelector::new(rule.name),
                options,
            });
        }
    }
    Ok(out)
}

impl Config {
    /// Parses `.dflint.toml` text; `path` names the file in errors and roots the `exclude` globs at its folder.
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        dflint_toml::parse(text, path, path.parent().unwrap_or(Path::new(".")))
    }

    /// Builds a config from a JSON object with the `.dflint.toml` schema (a language client's settings).
    /// `label` names the settings in errors; `exclude` globs are relative to `root` (the workspace folder).
    pub fn from_json(
        value: &serde_json::Value,
        label: &Path,
        root: &Path,
    ) -> Result<Config, ConfigError> {
        dflint_toml::parse_json(value, label, root)
    }

    /// Parses `.hadolint.yaml` text.
    pub fn from_hadolint_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        hadolint::parse(text, path)
    }

    /// Reads a config file, choosing the format by its name (`*.yaml`/`*.yml` are hadolint's).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml {
            Config::from_hadolint_str(&text, path)
        } else {
            Config::from_toml_str(&text, path)
        }
    }

    /// The file this came from.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            ConfigSource::Default => None,
            ConfigSource::Dflint(path) | ConfigSource::Hadolint(path) => Some(path),
        }
    }

    /// The effective severity override for a rule, matched by its code or name; the last matching entry wins.
    pub fn severity_for(&self, code: &str, name: &str) -> Option<Severity> {
        let hit = |s: &&SeverityOverride| s.rule.text == code || s.rule.text == name;
        self.severity.iter().rev().find(hit).map(|s| s.severity)
    }

    /// Options for a rule, by name or code. Tables given for both are merged, the name's keys winning.
    pub fn options_for(&self, code: &str, name: &str) -> Option<toml::Table> {
        let mut merged: Option<toml::Table> = None;
        for key in [code, name] {
            for entry in self.rule_options.iter().filter(|o| o.rule.text == key) {
                merged
                    .get_or_insert_with(toml::Table::new)
                    .extend(entry.options.clone());
            }
        }
        merged
    }

    /// Every selector the user wrote, with where. The engine calls this with its lookup to report unknown ones.
    pub fn selectors(&self) -> impl Iterator<Item = &RuleSelector> {
        let select = self.select.iter().flatten();
        let severity = self.severity.iter().map(|s| &s.rule);
        let options = self.rule_options.iter().map(|o| &o.rule);
        select
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .chain(severity)
            .chain(options)
    }

    /// Errors for selectors that `known` does not recognise, so a typo in `ignore` is not silently a no-op.
    pub fn unknown_selectors(&self, known: impl Fn(&str) -> bool) -> Vec<ConfigError> {
        self.selectors()
            .filter(|s| !known(&s.text))
            .map(|s| ConfigError::at_selector(s, format!("unknown rule or selector `{}`", s.text)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_parse_and_fails() {
        assert_eq!(
            Threshold::parse("WARNING"),
            Some(Threshold::AtLeast(Severity::Warning))
        );
        assert_eq!(Threshold::parse("ignore"), Some(Threshold::Never));
        assert_eq!(Threshold::parse("fatal"), None);
        let warning = Threshold::AtLeast(Severity::Warning);
        assert!(warning.fails(Severity::Error));
        assert!(warning.fails(Severity::Warning));
        assert!(!warning.fails(Severity::Info));
        assert!(!Threshold::Never.fails(Severity::Error));
        assert!(Threshold::default().fails(Severity::Style));
    }

    #[test]
    fn later_severity_override_wins_by_code_or_name() {
        let mut config = Config::default();
        config.severity.push(SeverityOverride {
            rule: RuleSelector::new("DF301"),
            severity: Severity::Info,
        });
        config.severity.push(SeverityOverride {
            rule: RuleSelector::new("latest-tag"),
            severity: Severity::Error,
        });
        assert_eq!(
            config.severity_for("DF301", "latest-tag"),
            Some(Severity::Error)
        );
        assert_eq!(config.severity_for("DF302", "other"), None);
    }

    #[test]
    fn unknown_selectors_are_reported() {
        let config = Config {
            ignore: vec![RuleSelector::new("DF1"), RuleSelector::new("nope")],
            ..Config::default()
        };
        let errors = config.unknown_selectors(|s| s.starts_with("DF"));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "command line: unknown rule or selector `nope`"
        );
    }
}
