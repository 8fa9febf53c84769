//! `.hadolint.yaml`, read when no dflint config applies, so a project moving from hadolint keeps its settings.
//! Codes stay hadolint's (`DL3006`); the engine maps them to dflint rules.
use std::collections::BTreeMap;
use std::path::Path;

use dflint_rules::engine::Severity;
use serde::Deserialize;

use super::{
    label_rule_options, Config, ConfigError, ConfigSource, Excludes, Location, RuleOptions,
    RuleSelector, SeverityOverride, Threshold, UNTRUSTED_REGISTRY_RULE,
};

/// Lenient by design: hadolint accepts these keys, and unknown ones only warn, so an existing file keeps working.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
struct RawHadolint {
    failure_threshold: Option<String>,
    ignored: Option<Vec<String>>,
    #[serde(rename = "override")]
    overrides: Option<RawOverride>,
    #[serde(rename = "trustedRegistries")]
    trusted_registries: Option<OneOrMany>,
    #[serde(rename = "allowedRegistries")]
    allowed_registries: Option<OneOrMany>,
    no_fail: Option<bool>,
    disable_ignore_pragma: Option<bool>,
    no_color: Option<bool>,
    strict_labels: Option<bool>,
    label_schema: Option<BTreeMap<String, String>>,
    // Accepted for their types' sake and otherwise ignored: the output format and verbosity are the command line's.
    #[allow(dead_code)]
    format: Option<String>,
    #[allow(dead_code)]
    verbose: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    error: Option<Vec<String>>,
    warning: Option<Vec<String>>,
    info: Option<Vec<String>>,
    style: Option<Vec<String>>,
}

/// hadolint takes `trustedRegistries: docker.io` as well as a list.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

const KNOWN_KEYS: &[&str] = &[
    "failure-threshold",
    "ignored",
    "override",
    "trustedRegistries",
    "allowedRegistries",
    "no-fail",
    "disable-ignore-pragma",
    "format",
    "no-color",
    "strict-labels",
    "label-schema",
    "verbose",
];

pub(super) fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    // An empty or comment-only file is a null document; hadolint treats it as defaults.
    let raw: Option<RawHadolint> = serde_norway::from_str(text).map_err(|e| yaml_error(e, path))?;
    let raw = raw.unwrap_or_default();
    let mut config = Config {
        source: ConfigSource::Hadolint(path.to_path_buf()),
        warnings: unknown_keys(text, path)?,
        disable_ignore_pragma: raw.disable_ignore_pragma.unwrap_or(false),
        no_color: raw.no_color.unwrap_or(false),
        ..Config::default()
    };
    let selector = |code: String| {
        let location =
            find_scalar(text, &code).map(|offset| Location::from_offset(path, text, offset));
        RuleSelector {
            text: code,
            location,
        }
    };
    config.ignore = raw
        .ignored
        .unwrap_or_default()
        .into_iter()
        .map(selector)
        .collect();
    if let Some(threshold) = raw.failure_threshold {
        config.threshold = Threshold::parse(&threshold).ok_or_else(|| {
            let message = format!(
                "invalid failure-threshold `{threshold}`, expected one of `error`, `warning`, `info`, `style`, `ignore`, `none`"
            );
            match find_scalar(text, &threshold) {
                Some(offset) => ConfigError::at(path, text, offset..offset, message),
                None => ConfigError::new(path, message),
            }
        })?;
    }
    if raw.no_fail == Some(true) {
        config.threshold = Threshold::Never;
    }
    // Least severe first so that a code listed twice ends up at its most severe level (the last entry wins).
    let overrides = raw.overrides.unwrap_or_default();
    let levels = [
        (Severity::Style, overrides.style),
        (Severity::Info, overrides.info),
        (Severity::Warning, overrides.warning),
        (Severity::Error, overrides.error),
    ];
    for (severity, codes) in levels {
        for code in codes.unwrap_or_default() {
            config.severity.push(SeverityOverride {
                rule: selector(code),
                severity,
            });
        }
    }
    // hadolint merges `allowedRegistries` into `trustedRegistries`: both lists are the registries DL3026 allows.
    let list_of = |registries: OneOrMany| match registries {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    };
    let registries = match (raw.trusted_registries, raw.allowed_registries) {
        (None, None) => None,
        (trusted, allowed) => {
            let mut list: Vec<String> = trusted.map(list_of).unwrap_or_default();
            for r in allowed.map(list_of).unwrap_or_default() {
                if !list.contains(&r) {
                    list.push(r);
                }
            }
            Some(list)
        }
    };
    if let Some(list) = registries {
        let array = list
            .iter()
            .map(|r| toml::Value::String(r.clone()))
            .collect();
        let options =
            toml::Table::from_iter([("trusted-registries".to_string(), toml::Value::Array(array))]);
        config.rule_options.push(RuleOptions {
            rule: RuleSelector::new(UNTRUSTED_REGISTRY_RULE),
            options,
        });
        config.trusted_registries = list;
    }
    let schema = raw.label_schema.unwrap_or_default();
    let labels =
        label_rule_options(&schema, raw.strict_labels).map_err(|message| {
            match find_key(text, "label-schema") {
                Some(offset) => ConfigError::at(path, text, offset..offset, message),
                None => ConfigError::new(path, message),
            }
        })?;
    config.rule_options.extend(labels);
    let root = path.parent().unwrap_or(Path::new("."));
    config.excludes = Excludes::new(root, &[]).unwrap_or_default();
    Ok(config)
}

/// Warnings for top-level keys hadolint would not know either (a typo, or a newer hadolint's key).
fn unknown_keys(text: &str, path: &Path) -> Result<Vec<ConfigError>, ConfigError> {
    let keys: Option<BTreeMap<String, serde_norway::Value>> =
        serde_norway::from_str(text).map_err(|e| yaml_error(e, path))?;
    let unknown = keys
        .unwrap_or_default()
        .into_keys()
        .filter(|k| !KNOWN_KEYS.contains(&k.as_str()));
    Ok(unknown
        .map(|key| {
            let message = format!("unknown hadolint key `{key}` ignored");
            match find_key(text, &key) {
                Some(offset) => ConfigError::at(path, text, offset..offset, message),
                None => ConfigError::new(path, message),
            }
        })
        .collect())
}

/// Offset of a top-level `key:` (serde_norway values carry no positions, and top-level keys start a line).
fn find_key(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let unquoted = line
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        let quoted = [format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .any(|q| line.starts_with(q.as_str()));
        if unquoted || quoted {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Offset of the first occurrence of `value` as a whole word outside comments: good enough to point at a code.
fn find_scalar(text: &str, value: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        let hit = code.match_indices(value).find(|(i, _)| {
            let before = code[..*i].chars().next_back();
            let after = code[i + value.len()..].chars().next();
            let word =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
            !word(before) && !word(after)
        });
        if let Some((i, _)) = hit {
            return Some(offset + i);
        }
        offset += line.len();
    }
    None
}

fn yaml_error(error: serde_norway::Error, path: &Path) -> ConfigError {
    let text = error.to_string();
    // serde_norway appends " at line L column C" to the message; the position goes in front instead.
    let message = match text.rfind(" at line ") {
        Some(at) if error.location().is_some() => text[..at].to_string(),
        _ => text,
    };
    match error.location() {
        Some(at) => ConfigError {
            path: Some(path.to_path_buf()),
            position: Some((at.line(), at.column())),
            message,
        },
        None => ConfigError::new(path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_key_only_matches_top_level_keys() {
        let text = "ignored:\n  - DL3006\nfoo: 1\n  bar: 2\n";
        assert_eq!(find_key(text, "foo"), Some(20));
        assert_eq!(find_key(text, "bar"), None);
    }

    #[test]
    fn find_scalar_is_word_bounded() {
        let text = "# DL3006\nignored: [DL30060, DL3006]\n";
        assert_eq!(find_scalar(text, "DL3006"), Some(9 + 19));
    }
}
