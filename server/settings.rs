//! From a resolved [`Config`] to the engine's [`Settings`]: one mapping for the command line and the language server.
//!
//! Problems come back as [`ConfigError`]s placed where the selector was written (file:line:col, or "command line").
//! Errors stop the CLI (exit 2); warnings are printed and the run goes on.
use std::path::Path;

use dflint_rules::engine::{OptValue, RuleOptions, Settings, SettingsError};

use crate::config::{Config, ConfigError, ConfigSource, RuleSelector};

/// What a config means to the engine, and what is wrong with it.
#[derive(Clone, Debug, Default)]
pub struct ResolvedSettings {
    pub settings: Settings,
    /// Unknown selectors, options for no rule, options of the wrong type. The settings still work (the engine
    /// ignores what it does not know), but the CLI refuses to run with them.
    pub errors: Vec<ConfigError>,
    /// The config's own warnings (unknown hadolint keys), and hadolint codes no dflint rule covers.
    pub warnings: Vec<ConfigError>,
}

impl ResolvedSettings {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Maps `config` to engine settings and validates every selector and option against the rule registry.
pub fn settings_for(config: &Config) -> ResolvedSettings {
    let texts = |list: &[RuleSelector]| list.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    let mut errors = Vec::new();
    let mut warnings = config.warnings.clone();
    let mut options = Vec::new();
    for entry in &config.rule_options {
        match convert_options(&entry.options) {
            Ok(converted) => options.push((entry.rule.text.clone(), converted)),
            Err(message) => errors.push(ConfigError::at_selector(
                &entry.rule,
                format!("options of `{}`: {message}", entry.rule.text),
            )),
        }
    }
    let settings = Settings {
        select: config.select.as_deref().map(texts),
        extend_select: texts(&config.extend_select),
        ignore: texts(&config.ignore),
        severity: config
            .severity
            .iter()
            .map(|s| (s.rule.text.clone(), s.severity))
            .collect(),
        options,
        unsafe_fixes: config.unsafe_fixes,
        disable_suppressions: config.disable_ignore_pragma,
    };
    let from_hadolint = matches!(config.source, ConfigSource::Hadolint(_));
    for problem in settings.validate() {
        let error = place(config, &problem);
        if from_hadolint && is_peer_only(&problem) {
            let message = format!(
                "`{}`: no dflint rule covers this hadolint check yet; ignored",
                problem.selector
            );
            let path = error.path.or_else(|| config.path().map(Path::to_path_buf));
            warnings.push(ConfigError {
                message,
                path,
                ..error
            });
        } else {
            errors.push(error);
        }
    }
    ResolvedSettings {
        settings,
        errors,
        warnings,
    }
}

/// A hadolint file names hadolint's checks (`DL3008`, ShellCheck's `SC2086`): when no dflint rule covers one, the
/// file still means what it meant to hadolint, so that is a warning, not an error.
fn is_peer_only(problem: &SettingsError) -> bool {
    let s = problem.selector.as_str();
    let peer_code = |prefix: &str| {
        s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            && s.len() > prefix.len()
            && s[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
    };
    peer_code("DL") || peer_code("SC")
}

/// The error placed at the first place the selector was written.
fn place(config: &Config, problem: &SettingsError) -> ConfigError {
    let written = config.selectors().find(|s| s.text == problem.selector);
    match written {
        Some(selector) => ConfigError::at_selector(selector, problem.message.clone()),
        None => ConfigError::at_selector(
            &RuleSelector::new(problem.selector.clone()),
            problem.message.clone(),
        ),
    }
}

/// TOML option values as the engine's [`OptValue`]s: booleans, integers, strings and lists of strings.
fn convert_options(table: &toml::Table) -> Result<RuleOptions, String> {
    let mut out = RuleOptions::new();
    for (key, value) in table {
        let converted = match value {
            toml::Value::Boolean(b) => OptValue::Bool(*b),
            toml::Value::Integer(i) => OptValue::Int(*i),
            toml::Value::String(s) => OptValue::Str(s.clone()),
            toml::Value::Array(items) => OptValue::List(
                items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("`{key}` must be a list of strings"))?,
            ),
            other => {
                return Err(format!(
                    "`{key}` is a {}; options are booleans, integers, strings or lists of strings",
                    other.type_str()
                ))
            }
        };
        out.insert(key.clone(), converted);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    #[test]
    fn unknown_selector_in_toml_is_placed() {
        let text = "select = [\"DF1\"]\nignore = [\n  \"no-such-rule\",\n]\n";
        let config = Config::from_toml_str(text, Path::new("/p/.dflint.toml")).unwrap();
        let resolved = settings_for(&config);
        assert_eq!(resolved.errors.len(), 1, "{:?}", resolved.errors);
        assert_eq!(
            resolved.errors[0].to_string(),
            "/p/.dflint.toml:3:3: unknown rule or selector `no-such-rule`"
        );
        assert_eq!(resolved.settings.select, Some(vec!["DF1".to_string()]));
    }

    #[test]
    fn command_line_selectors_are_checked_too() {
        let overrides = Overrides {
            ignore: vec!["bogus".into()],
            ..Overrides::default()
        };
        let config = Config::default().with_overrides(&overrides);
        let resolved = settings_for(&config);
        assert_eq!(
            resolved.errors[0].to_string(),
            "command line: unknown rule or selector `bogus`"
        );
    }

    #[test]
    fn hadolint_codes_without_a_rule_warn() {
        let text = "ignored:\n  - DL9999\n  - SC2034\n  - nonsense\n";
        let config = Config::from_hadolint_str(text, Path::new("/p/.hadolint.yaml")).unwrap();
        let resolved = settings_for(&config);
        assert_eq!(resolved.warnings.len(), 2, "{:?}", resolved.warnings);
        assert!(resolved.warnings[0]
            .to_string()
            .starts_with("/p/.hadolint.yaml:2:5: `DL9999`"));
        assert_eq!(resolved.errors.len(), 1);
        assert!(resolved.errors[0].message.contains("nonsense"));
        assert!(!resolved.settings.disable_suppressions);
    }

    #[test]
    fn option_values_convert() {
        let table: toml::Table = toml::from_str("a = true\nb = 3\nc = \"x\"\nd = [\"y\"]").unwrap();
        let options = convert_options(&table).unwrap();
        assert_eq!(options.get_bool("a"), Some(true));
        assert_eq!(options.get_int("b"), Some(3));
        assert_eq!(options.get("d"), Some(&OptValue::List(vec!["y".into()])));
        let bad: toml::Table = toml::from_str("e = 1.5").unwrap();
        assert!(convert_options(&bad).unwrap_err().contains("float"));
    }
}
