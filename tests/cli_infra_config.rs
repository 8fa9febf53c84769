//! Config files: the full `.dflint.toml` schema, every kind of bad file with its exact `file:line:col: message`,
//! the `.hadolint.yaml` mapping, and which file applies to a Dockerfile.
use std::fs;
use std::path::{Path, PathBuf};

use dflint::config::{Config, ConfigResolver, ConfigSource, Overrides, Threshold};
use dflint_rules::engine::Severity;

const FULL: &str = r#"select = ["DF1", "cache", "latest-tag"]   # codes, code prefixes, rule names or categories
ignore = ["DF501"]
severity-threshold = "warning"
exclude = ["vendor/**", "**/*.template"]
unsafe-fixes = true

[severity]
latest-tag = "error"
DF401 = "style"

[rules.latest-tag]
allowed = ["scratch"]

[rules.untrusted-registry]
trusted-registries = ["docker.io", "ghcr.io"]
"#;

fn texts<'a>(selectors: impl IntoIterator<Item = &'a dflint::config::RuleSelector>) -> Vec<String> {
    selectors.into_iter().map(|s| s.text.clone()).collect()
}

#[test]
fn full_dflint_toml() {
    let path = Path::new("/repo/.dflint.toml");
    let config = Config::from_toml_str(FULL, path).unwrap();
    assert_eq!(config.source, ConfigSource::Dflint(path.to_path_buf()));
    assert_eq!(config.path(), Some(path));
    assert_eq!(
        texts(config.select.as_ref().unwrap()),
        ["DF1", "cache", "latest-tag"]
    );
    assert_eq!(texts(&config.ignore), ["DF501"]);
    assert_eq!(config.threshold, Threshold::AtLeast(Severity::Warning));
    assert!(config.unsafe_fixes);
    assert_eq!(
        config.severity_for("DF301", "latest-tag"),
        Some(Severity::Error)
    );
    assert_eq!(config.severity_for("DF401", "apt"), Some(Severity::Style));
    let options = config.options_for("DF301", "latest-tag").unwrap();
    assert_eq!(
        options["allowed"],
        toml::Value::Array(vec!["scratch".into()])
    );
    assert_eq!(config.trusted_registries, ["docker.io", "ghcr.io"]);
    assert_eq!(config.excludes.patterns(), ["vendor/**", "**/*.template"]);
    assert!(config
        .excludes
        .is_excluded(Path::new("/repo/vendor/a/Dockerfile")));
    assert!(config
        .excludes
        .is_excluded(Path::new("/repo/x/Dockerfile.template")));
    assert!(!config.excludes.is_excluded(Path::new("/repo/Dockerfile")));
    assert!(config.warnings.is_empty());

    // Selectors remember where they were written, so the engine can report unknown ones there.
    let cache = &config.select.as_ref().unwrap()[1];
    let location = cache.location.as_ref().unwrap();
    assert_eq!((location.line, location.column), (1, 18));
    let errors = config.unknown_selectors(|s| s != "cache");
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].to_string(),
        "/repo/.dflint.toml:1:18: unknown rule or selector `cache`"
    );
}

#[test]
fn empty_file_is_all_defaults() {
    let config = Config::from_toml_str("# nothing yet\n", Path::new("/repo/.dflint.toml")).unwrap();
    assert!(config.select.is_none());
    assert!(config.ignore.is_empty());
    assert_eq!(config.threshold, Threshold::AtLeast(Severity::Style));
    assert!(!config.unsafe_fixes);
    assert!(config.excludes.is_empty());
}

#[test]
fn threshold_none_never_fails() {
    let config = Config::from_toml_str(
        "severity-threshold = \"none\"",
        Path::new("/r/.dflint.toml"),
    )
    .unwrap();
    assert_eq!(config.threshold, Threshold::Never);
}

fn toml_error(text: &str) -> String {
    Config::from_toml_str(text, Path::new("/repo/.dflint.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_dflint_toml_files_name_line_column_and_expectation() {
    let cases = [
        (
            "select = [\"DF1\"]\nselec = [\"a\"]\n",
            "/repo/.dflint.toml:2:1: unknown field `selec`, expected one of `select`, `extend-select`, `ignore`, `severity-threshold`, `exclude`, `unsafe-fixes`, `shellcheck`, `severity`, `rules`, `labels`, `no-color`",
        ),
        (
            "[rules.latest-tag]\nallowed = []\n[bogus]\n",
            "/repo/.dflint.toml:3:2: unknown field `bogus`, expected one of `select`, `extend-select`, `ignore`, `severity-threshold`, `exclude`, `unsafe-fixes`, `shellcheck`, `severity`, `rules`, `labels`, `no-color`",
        ),
        ("select = \"DF1\"\n", "/repo/.dflint.toml:1:10: invalid type: string \"DF1\", expected an array"),
        ("ignore = [\"DF1\", 2]\n", "/repo/.dflint.toml:1:18: invalid type: integer `2`, expected a string"),
        ("unsafe-fixes = \"yes\"\n", "/repo/.dflint.toml:1:16: invalid type: string \"yes\", expected a boolean"),
        (
            "[severity]\nlatest-tag = \"fatal\"\n",
            "/repo/.dflint.toml:2:14: invalid severity `fatal`, expected one of `error`, `warning`, `info`, `style`",
        ),
        ("[severity]\nlatest-tag = 1\n", "/repo/.dflint.toml:2:14: invalid type: integer `1`, expected a string"),
        (
            "severity-threshold = \"high\"\n",
            "/repo/.dflint.toml:1:22: invalid severity threshold `high`, expected one of `error`, `warning`, `info`, `style`, `none`",
        ),
        (
            "exclude = [\"ok/**\", \"a[\"]\n",
            "/repo/.dflint.toml:1:21: invalid glob `a[`: unclosed character class; missing ']'",
        ),
        ("[rules]\nlatest-tag = 3\n", "/repo/.dflint.toml:2:14: invalid type: integer `3`, expected a table"),
        ("select = [\"\"]\n", "/repo/.dflint.toml:1:11: empty rule selector"),
        ("select = [\n", "/repo/.dflint.toml:1:11: unclosed array, expected `]`"),
        (
            "[rules.untrusted-registry]\ntrusted-registries = \"docker.io\"\n",
            "/repo/.dflint.toml: `rules.untrusted-registry.trusted-registries` must be a list of strings",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(toml_error(text), expected, "for {text:?}");
    }
}

#[test]
fn columns_count_characters() {
    // `é` is two bytes; the column of the bad value is still counted in characters.
    let text = "[severity]\n\"é\" = \"fatal\"\n";
    assert!(toml_error(text).starts_with("/repo/.dflint.toml:2:7: invalid severity `fatal`"));
}

const HADOLINT: &str = "\
failure-threshold: warning
ignored:
  - DL3006
  - DL3008
override:
  error:
    - DL3001
  warning: [DL3002, DL3001]
  info: [DL3003]
  style: [DL3004]
trustedRegistries:
  - docker.io
  - my-company.com:5000
format: json
no-color: true
strict-labels: false
label-schema:
  author: text
disable-ignore-pragma: true
";

#[test]
fn hadolint_yaml_maps_to_config() {
    let path = Path::new("/repo/.hadolint.yaml");
    let config = Config::from_hadolint_str(HADOLINT, path).unwrap();
    assert_eq!(config.source, ConfigSource::Hadolint(path.to_path_buf()));
    assert_eq!(texts(&config.ignore), ["DL3006", "DL3008"]);
    let location = config.ignore[1].location.as_ref().unwrap();
    assert_eq!((location.line, location.column), (4, 5));
    assert_eq!(config.threshold, Threshold::AtLeast(Severity::Warning));
    // A code under two levels ends up at the more severe one.
    assert_eq!(config.severity_for("DL3001", ""), Some(Severity::Error));
    assert_eq!(config.severity_for("DL3002", ""), Some(Severity::Warning));
    assert_eq!(config.severity_for("DL3003", ""), Some(Severity::Info));
    assert_eq!(config.severity_for("DL3004", ""), Some(Severity::Style));
    assert_eq!(
        config.trusted_registries,
        ["docker.io", "my-company.com:5000"]
    );
    let options = config.options_for("DF2xx", "untrusted-registry").unwrap();
    assert_eq!(
        options["trusted-registries"],
        toml::Value::Array(vec!["docker.io".into(), "my-company.com:5000".into()])
    );
    assert!(config.disable_ignore_pragma);
    assert!(config.no_color);
    // `label-schema` reaches every rule that reads it.
    let labels = config.options_for("DF548", "missing-label").unwrap();
    assert_eq!(
        labels["label-schema"],
        toml::Value::Array(vec!["author=text".into()])
    );
    let strict = config.options_for("DF549", "superfluous-label").unwrap();
    assert_eq!(strict["strict-labels"], toml::Value::Boolean(false));
    assert!(config.warnings.is_empty());
    assert!(config.select.is_none());
}

#[test]
fn hadolint_scalars_and_no_fail() {
    let text = "trustedRegistries: docker.io\nno-fail: true\nfailure-threshold: error\n";
    let config = Config::from_hadolint_str(text, Path::new("/r/.hadolint.yml")).unwrap();
    assert_eq!(config.trusted_registries, ["docker.io"]);
    assert_eq!(config.threshold, Threshold::Never);
    let empty = Config::from_hadolint_str("", Path::new("/r/.hadolint.yml")).unwrap();
    assert!(empty.ignore.is_empty());
    assert_eq!(empty.threshold, Threshold::default());
}

#[test]
fn hadolint_unknown_keys_warn() {
    let text = "ignored: [DL3006]\nfancy-new-option: 3\n";
    let config = Config::from_hadolint_str(text, Path::new("/r/.hadolint.yaml")).unwrap();
    let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["/r/.hadolint.yaml:2:1: unknown hadolint key `fancy-new-option` ignored"]
    );
}

#[test]
fn bad_hadolint_files() {
    let error = |text: &str| {
        Config::from_hadolint_str(text, Path::new("/r/.hadolint.yaml"))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error("ignored: DL3006\n"),
        "/r/.hadolint.yaml:1:10: ignored: invalid type: string \"DL3006\", expected a sequence"
    );
    assert_eq!(
        error("ignored: [DL3006]\nfailure-threshold: high\n"),
        "/r/.hadolint.yaml:2:20: invalid failure-threshold `high`, expected one of `error`, `warning`, `info`, `style`, `ignore`, `none`"
    );
    assert_eq!(
        error("override:\n  fatal: [DL3006]\n"),
        "/r/.hadolint.yaml:2:3: override: unknown field `fatal`, expected one of `error`, `warning`, `info`, `style`"
    );
    assert_eq!(
        error("no-fail: maybe\n"),
        "/r/.hadolint.yaml:1:10: no-fail: invalid type: string \"maybe\", expected a boolean"
    );
    assert_eq!(
        error("ignored: [\n"),
        "/r/.hadolint.yaml:2:1: did not find expected node content"
    );
}

/// A temporary tree: `write(rel, text)` creates folders as needed.
struct Tree(tempfile::TempDir);

impl Tree {
    fn new() -> Tree {
        Tree(tempfile::tempdir().unwrap())
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.0.path().join(rel)
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }
}

#[test]
fn nearest_dflint_config_wins_then_hadolint_then_defaults() {
    let tree = Tree::new();
    tree.write("a/.hadolint.yaml", "ignored: [DL3006]\n");
    let top = tree.write(".dflint.toml", "ignore = [\"top\"]\n");
    let inner = tree.write("a/b/dflint.toml", "ignore = [\"inner\"]\n");
    tree.write("a/b/.dflint.toml", "ignore = [\"dotted\"]\n");
    let dotted = tree.path("a/b/.dflint.toml");

    let resolver = ConfigResolver::new(Overrides::default());
    let config_of = |rel: &str| resolver.config_for(&tree.path(rel)).unwrap();
    // `.dflint.toml` beats `dflint.toml` in one folder.
    assert_eq!(config_of("a/b/c/Dockerfile").path(), Some(dotted.as_path()));
    fs::remove_file(&dotted).unwrap();
    resolver.invalidate();
    assert_eq!(config_of("a/b/Dockerfile").path(), Some(inner.as_path()));
    // A dflint file anywhere up the tree beats a nearer hadolint file.
    assert_eq!(config_of("a/Dockerfile").path(), Some(top.as_path()));
    assert_eq!(texts(&config_of("a/Dockerfile").ignore), ["top"]);

    let lone = Tree::new();
    let hadolint = lone.write("x/.hadolint.yml", "ignored: [DL3006]\n");
    let resolver = ConfigResolver::new(Overrides::default());
    let config = resolver.config_for(&lone.path("x/y/Dockerfile")).unwrap();
    assert_eq!(config.source, ConfigSource::Hadolint(hadolint));
    assert_eq!(texts(&config.ignore), ["DL3006"]);
}

#[test]
fn no_config_gives_defaults_with_overrides() {
    let tree = Tree::new();
    // Only valid if no config exists above the temporary folder; skip if the machine has one there.
    if dflint::config::find_config_file(tree.0.path()).is_some() {
        return;
    }
    let overrides = Overrides {
        ignore: vec!["DF101".into()],
        ..Overrides::default()
    };
    let resolver = ConfigResolver::new(overrides);
    let config = resolver.config_for(&tree.path("Dockerfile")).unwrap();
    assert_eq!(config.source, ConfigSource::Default);
    assert_eq!(texts(&config.ignore), ["DF101"]);
}

#[test]
fn explicit_config_and_overrides_apply_everywhere() {
    let tree = Tree::new();
    tree.write(".dflint.toml", "ignore = [\"discovered\"]\n");
    let explicit = tree.write(
        "conf/custom.toml",
        "ignore = [\"explicit\"]\nseverity-threshold = \"error\"\n",
    );
    let overrides = Overrides {
        ignore: vec!["cli".into()],
        threshold: Some(Threshold::AtLeast(Severity::Info)),
        ..Overrides::default()
    };
    let resolver = ConfigResolver::with_config_file(&explicit, overrides).unwrap();
    let config = resolver.config_for(&tree.path("a/Dockerfile")).unwrap();
    assert_eq!(texts(&config.ignore), ["explicit", "cli"]);
    assert_eq!(config.threshold, Threshold::AtLeast(Severity::Info));

    let hadolint = tree.write("conf/h.yaml", "ignored: [DL3006]\n");
    let resolver = ConfigResolver::with_config_file(&hadolint, Overrides::default()).unwrap();
    let config = resolver.config_for(&tree.path("Dockerfile")).unwrap();
    assert_eq!(config.source, ConfigSource::Hadolint(hadolint));

    let missing = ConfigResolver::with_config_file(&tree.path("nope.toml"), Overrides::default())
        .unwrap_err();
    assert!(missing.to_string().starts_with(&format!(
        "{}: cannot read config:",
        tree.path("nope.toml").display()
    )));
}

#[test]
fn broken_discovered_config_is_an_error_for_its_files_only() {
    let tree = Tree::new();
    tree.write(".dflint.toml", "ignore = [\"ok\"]\n");
    let bad = tree.write("bad/.dflint.toml", "ignore = 1\n");
    let resolver = ConfigResolver::new(Overrides::default());
    let error = resolver
        .config_for(&tree.path("bad/Dockerfile"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:1:10: invalid type: integer `1`, expected an array",
            bad.display()
        )
    );
    assert!(resolver.config_for(&tree.path("good/Dockerfile")).is_ok());
    // A broken config excludes nothing: the error shows when its files are checked.
    assert!(!resolver.is_excluded(&tree.path("bad/Dockerfile")));
}

#[test]
fn excludes_are_relative_to_the_config_folder() {
    let tree = Tree::new();
    tree.write(
        "proj/.dflint.toml",
        "exclude = [\"vendor/**\", \"*.template\"]\n",
    );
    let resolver = ConfigResolver::new(Overrides::default());
    assert!(resolver.is_excluded(&tree.path("proj/vendor/Dockerfile")));
    assert!(resolver.is_excluded(&tree.path("proj/a/Dockerfile.template")));
    assert!(!resolver.is_excluded(&tree.path("proj/a/vendor/Dockerfile")));
    assert!(!resolver.is_excluded(&tree.path("proj/Dockerfile")));
}

#[test]
fn json_settings_use_the_same_schema() {
    let settings = serde_json::json!({
        "select": ["DF1"],
        "severity-threshold": "error",
        "exclude": ["vendor/**"],
        "severity": { "latest-tag": "info" },
        "rules": { "latest-tag": { "allowed": ["scratch"] } }
    });
    let label = Path::new("dflint settings");
    let config = Config::from_json(&settings, label, Path::new("/ws")).unwrap();
    assert_eq!(config.source, ConfigSource::Default);
    assert_eq!(texts(config.select.as_ref().unwrap()), ["DF1"]);
    assert!(config.select.as_ref().unwrap()[0].location.is_none());
    assert_eq!(config.threshold, Threshold::AtLeast(Severity::Error));
    assert_eq!(
        config.severity_for("DF301", "latest-tag"),
        Some(Severity::Info)
    );
    assert!(config.options_for("DF301", "latest-tag").is_some());
    assert!(config
        .excludes
        .is_excluded(Path::new("/ws/vendor/Dockerfile")));

    let error = |value: serde_json::Value| {
        Config::from_json(&value, label, Path::new("/ws"))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error(serde_json::json!({"severity": {"latest-tag": "loud"}})),
        "dflint settings: invalid severity `loud`, expected one of `error`, `warning`, `info`, `style`"
    );
    assert!(error(serde_json::json!({"selec": []}))
        .starts_with("dflint settings: unknown field `selec`"));
    assert!(error(serde_json::json!(["DF1"]))
        .starts_with("dflint settings: settings must be an object"));
}
