//! `.dflint.toml`: the serde shape (strict: unknown keys are errors) and its translation into [`Config`].
use std::collections::BTreeMap;
use std::path::Path;

use dflint_rules::engine::Severity;
use serde::Deserialize;
use toml::Spanned;

use super::{
    label_rule_options, Config, ConfigError, ConfigSource, Excludes, Location, RuleOptions,
    RuleSelector, SeverityOverride, Threshold, UNTRUSTED_REGISTRY_RULE,
};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity_threshold: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    unsafe_fixes: Option<bool>,
    shellcheck: Option<bool>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    rules: Option<BTreeMap<Spanned<String>, toml::Table>>,
    labels: Option<Spanned<RawLabels>>,
    no_color: Option<bool>,
}

/// `[labels]`: the label schema every label rule reads (hadolint's `label-schema` and `strict-labels`).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLabels {
    schema: Option<BTreeMap<String, String>>,
    strict: Option<bool>,
}

const SEVERITIES: &str = "`error`, `warning`, `info`, `style`";

/// Parses `text`, the contents of `path`; `exclude` globs are relative to `root`.
pub(super) fn parse(text: &str, path: &Path, root: &Path) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(e, text, path))?;
    let selector = |s: Spanned<String>| -> Result<RuleSelector, ConfigError> {
        let location = Location::from_offset(path, text, s.span().start);
        let value = s.into_inner();
        if value.trim().is_empty() {
            return Err(ConfigError::at_location(location, "empty rule selector"));
        }
        Ok(RuleSelector {
            text: value,
            location: Some(location),
        })
    };
    let selectors = |list: Option<Vec<Spanned<String>>>| -> Result<Vec<RuleSelector>, ConfigError> {
        list.unwrap_or_default().into_iter().map(selector).collect()
    };

    let mut config = Config {
        source: ConfigSource::Dflint(path.to_path_buf()),
        select: raw.select.map(|list| selectors(Some(list))).transpose()?,
        extend_select: selectors(raw.extend_select)?,
        ignore: selectors(raw.ignore)?,
        unsafe_fixes: raw.unsafe_fixes.unwrap_or(false),
        shellcheck: raw.shellcheck.unwrap_or(false),
        no_color: raw.no_color.unwrap_or(false),
        ..Config::default()
    };
    if let Some(threshold) = raw.severity_threshold {
        config.threshold = Threshold::parse(threshold.get_ref()).ok_or_else(|| {
            let message = format!(
                "invalid severity threshold `{}`, expected one of {SEVERITIES}, `none`",
                threshold.get_ref()
            );
            ConfigError::at(path, text, threshold.span(), message)
        })?;
    }
    for (rule, severity) in raw.severity.unwrap_or_default() {
        let Some(parsed) = Severity::parse(severity.get_ref()) else {
            let message = format!(
                "invalid severity `{}`, expected one of {SEVERITIES}",
                severity.get_ref()
            );
            return Err(ConfigError::at(path, text, severity.span(), message));
        };
        config.severity.push(SeverityOverride {
            rule: selector(rule)?,
            severity: parsed,
        });
    }
    // The schema first, so that a `[rules.<name>]` table can still override it for one rule.
    if let Some(labels) = raw.labels {
        let span = labels.span();
        let labels = labels.into_inner();
        let options = label_rule_options(&labels.schema.unwrap_or_default(), labels.strict)
            .map_err(|message| ConfigError::at(path, text, span, message))?;
        config.rule_options.extend(options);
    }
    for (rule, options) in raw.rules.unwrap_or_default() {
        config.rule_options.push(RuleOptions {
            rule: selector(rule)?,
            options,
        });
    }
    config.trusted_registries = trusted_registries(&config, path)?;
    config.excludes = excludes(raw.exclude.unwrap_or_default(), text, path, root)?;
    Ok(config)
}

/// `[rules.untrusted-registry] trusted-registries = [...]` also fills the top-level field, so both sources agree.
fn trusted_registries(config: &Config, path: &Path) -> Result<Vec<String>, ConfigError> {
    let Some(options) = config.options_for("", UNTRUSTED_REGISTRY_RULE) else {
        return Ok(Vec::new());
    };
    let Some(value) = options.get("trusted-registries") else {
        return Ok(Vec::new());
    };
    let list = value
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str()).collect::<Option<Vec<_>>>());
    match list.flatten() {
        Some(list) => Ok(list.into_iter().map(str::to_string).collect()),
        None => Err(ConfigError::new(
            path,
            "`rules.untrusted-registry.trusted-registries` must be a list of strings",
        )),
    }
}

fn excludes(
    patterns: Vec<Spanned<String>>,
    text: &str,
    path: &Path,
    root: &Path,
) -> Result<Excludes, ConfigError> {
    let plain: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
    Excludes::new(root, &plain).map_err(|(index, reason)| {
        let message = format!("invalid glob `{}`: {reason}", plain[index]);
        ConfigError::at(path, text, patterns[index].span(), message)
    })
}

fn toml_error(error: toml::de::Error, text: &str, path: &Path) -> ConfigError {
    // toml's messages can span lines (a snippet is only added by its Display); keep the first, which says it all.
    let message = error
        .message()
        .trim()
        .lines()
        .next()
        .unwrap_or("invalid TOML");
    // serde's words for TOML's arrays and tables.
    let message = message
        .replace("a sequence", "an array")
        .replace("expected a map", "expected a table");
    match error.span() {
        Some(span) => ConfigError::at(path, text, span, message),
        None => ConfigError::new(path, message),
    }
}

/// The same schema from a JSON object (a language client's settings). JSON carries no positions, so the object
/// goes through TOML text to reuse every check and message, and positions in that text are dropped.
pub(super) fn parse_json(
    value: &serde_json::Value,
    label: &Path,
    root: &Path,
) -> Result<Config, ConfigError> {
    let unplaced = |message: String| ConfigError {
        path: Some(label.to_path_buf()),
        position: None,
        message,
    };
    let table = toml::Table::deserialize(value)
        .map_err(|e| unplaced(format!("settings must be an object: {e}")))?;
    let text = toml::to_string(&table).map_err(|e| unplaced(e.to_string()))?;
    let mut config = parse(&text, label, root).map_err(|e| unplaced(e.message))?;
    config.source = ConfigSource::Default;
    for selector in config.select.iter_mut().flatten().chain(&mut config.ignore) {
        selector.location = None;
    }
    for entry in &mut config.severity {
        entry.rule.location = None;
    }
    for entry in &mut config.rule_options {
        entry.rule.location = None;
    }
    Ok(config)
}
