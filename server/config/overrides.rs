//! Command-line settings layered on top of whatever config file applies to a Dockerfile.
use super::{Config, RuleSelector, Threshold};

/// What `--select`, `--extend-select`, `--ignore`, `--severity-threshold` and `--unsafe-fixes` say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces the config's `select`.
    pub select: Option<Vec<String>>,
    /// Added to whatever is selected.
    pub extend_select: Vec<String>,
    /// Added to the config's `ignore`.
    pub ignore: Vec<String>,
    pub threshold: Option<Threshold>,
    pub unsafe_fixes: Option<bool>,
    /// `--shellcheck`: run the `shellcheck` program too.
    pub shellcheck: Option<bool>,
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }
}

impl Config {
    /// This config with the command line's choices applied; the command line wins.
    pub fn with_overrides(mut self, overrides: &Overrides) -> Config {
        let selectors = |list: &[String]| list.iter().map(RuleSelector::new).collect::<Vec<_>>();
        if let Some(select) = &overrides.select {
            self.select = Some(selectors(select));
        }
        self.extend_select
            .extend(selectors(&overrides.extend_select));
        self.ignore.extend(selectors(&overrides.ignore));
        if let Some(threshold) = overrides.threshold {
            self.threshold = threshold;
        }
        if let Some(unsafe_fixes) = overrides.unsafe_fixes {
            self.unsafe_fixes = unsafe_fixes;
        }
        if let Some(shellcheck) = overrides.shellcheck {
            self.shellcheck = shellcheck;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dflint_rules::engine::Severity;
    use std::path::Path;

    #[test]
    fn command_line_wins() {
        let text = "select = [\"DF1\"]\nignore = [\"DF101\"]\nseverity-threshold = \"error\"\n";
        let config = Config::from_toml_str(text, Path::new("/p/.dflint.toml")).unwrap();
        let overrides = Overrides {
            select: Some(vec!["DF2".into()]),
            extend_select: vec!["DF3".into()],
            ignore: vec!["DF201".into()],
            threshold: Some(Threshold::AtLeast(Severity::Info)),
            unsafe_fixes: Some(true),
            shellcheck: None,
        };
        let merged = config.with_overrides(&overrides);
        let texts = |list: &[RuleSelector]| list.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(merged.select.as_deref().unwrap()), ["DF2"]);
        assert_eq!(texts(&merged.extend_select), ["DF3"]);
        assert_eq!(texts(&merged.ignore), ["DF101", "DF201"]);
        assert_eq!(merged.threshold, Threshold::AtLeast(Severity::Info));
        assert!(merged.unsafe_fixes);
        assert!(merged.ignore[1].location.is_none());
    }

    #[test]
    fn empty_overrides_change_nothing() {
        let config =
            Config::from_toml_str("ignore = [\"DF101\"]", Path::new("/p/.dflint.toml")).unwrap();
        let merged = config.clone().with_overrides(&Overrides::default());
        assert_eq!(merged.ignore, config.ignore);
        assert_eq!(merged.threshold, config.threshold);
        assert!(Overrides::default().is_empty());
    }
}
