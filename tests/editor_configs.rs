//! The shipped editor set-ups and hooks files, checked against the formats their tools document.
//! The real editors run them in tests/editors/ (scripts/test-editors); this catches a broken file in `cargo test`.
use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys_within(what: &str, keys: impl IntoIterator<Item = String>, allowed: &[&str]) {
    let unknown: BTreeSet<String> = keys
        .into_iter()
        .filter(|k| !allowed.contains(&k.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "{what}: keys {unknown:?} are not among the documented {allowed:?}"
    );
}

/// JSON with `//` line comments (Zed's settings.json) to plain JSON; `//` inside strings is kept.
fn strip_line_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let (mut in_string, mut escaped, mut cut) = (false, false, line.len());
        let bytes = line.as_bytes();
        for i in 0..bytes.len() {
            match bytes[i] {
                _ if escaped => escaped = false,
                b'\\' if in_string => escaped = true,
                b'"' => in_string = !in_string,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

#[test]
fn helix_languages_toml_uses_documented_keys() {
    // Keys from Helix's book, "Languages": language-server options and language options.
    let doc: toml::Table =
        toml::from_str(&read("editors/helix/languages.toml")).expect("valid TOML");
    let server = doc["language-server"]["dflint"]
        .as_table()
        .expect("[language-server.dflint]");
    keys_within(
        "language-server.dflint",
        server.keys().cloned(),
        &[
            "command",
            "args",
            "config",
            "timeout",
            "environment",
            "required-root-patterns",
        ],
    );
    assert_eq!(server["command"].as_str(), Some("dflint"));
    assert_eq!(
        server["args"].as_array().unwrap(),
        &vec![toml::Value::from("server")]
    );

    let languages = doc["language"].as_array().expect("[[language]]");
    let docker = languages
        .iter()
        .find(|l| l["name"].as_str() == Some("dockerfile"))
        .expect("a dockerfile language entry");
    let docker = docker.as_table().unwrap();
    keys_within(
        "language dockerfile",
        docker.keys().cloned(),
        &[
            "name",
            "language-id",
            "scope",
            "injection-regex",
            "file-types",
            "shebangs",
            "roots",
            "auto-format",
            "diagnostic-severity",
            "comment-tokens",
            "block-comment-tokens",
            "indent",
            "language-servers",
            "grammar",
            "formatter",
            "soft-wrap",
            "text-width",
            "rulers",
            "workspace-lsp-roots",
        ],
    );
    let servers = docker["language-servers"].as_array().unwrap();
    assert!(
        servers.iter().any(|s| s.as_str() == Some("dflint")),
        "dflint is not in language-servers"
    );
    for ft in docker["file-types"].as_array().unwrap() {
        let ok = ft.is_str()
            || ft
                .as_table()
                .is_some_and(|t| t.len() == 1 && t.get("glob").is_some_and(toml::Value::is_str));
        assert!(
            ok,
            "file-types entries are strings or {{ glob = \"...\" }}, not {ft}"
        );
    }
}

#[test]
fn zed_settings_use_documented_keys() {
    // Zed's "Configuring Languages": lsp.<server>.{binary, initialization_options, settings}; binary.{path, arguments, env}.
    let settings: Value =
        serde_json::from_str(&strip_line_comments(&read("editors/zed/settings.json")))
            .expect("valid JSON");
    let server = &settings["lsp"]["dockerfile-language-server"];
    keys_within(
        "lsp.dockerfile-language-server",
        server.as_object().expect("an lsp entry").keys().cloned(),
        &["binary", "initialization_options", "settings"],
    );
    let binary = server["binary"].as_object().unwrap();
    keys_within(
        "binary",
        binary.keys().cloned(),
        &["path", "arguments", "env", "ignore_system_version"],
    );
    assert_eq!(binary["arguments"], serde_json::json!(["server"]));
    assert!(settings["file_types"]["Dockerfile"].is_array());
}

#[test]
fn pre_commit_hooks_run_dflint_check() {
    let hooks: Vec<serde_json::Map<String, Value>> =
        serde_norway::from_str(&read(".pre-commit-hooks.yaml")).expect("valid YAML list of hooks");
    let by_id = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    for (id, args, language) in [
        ("dflint", vec!["check"], "rust"),
        ("dflint-fix", vec!["check", "--fix"], "rust"),
        ("dflint-system", vec!["check"], "system"),
        ("dflint-fix-system", vec!["check", "--fix"], "system"),
    ] {
        let hook = by_id(id);
        keys_within(
            id,
            hook.keys().cloned(),
            &[
                "id",
                "name",
                "entry",
                "language",
                "files",
                "exclude",
                "types",
                "types_or",
                "exclude_types",
                "always_run",
                "fail_fast",
                "verbose",
                "pass_filenames",
                "require_serial",
                "description",
                "language_version",
                "minimum_pre_commit_version",
                "args",
                "stages",
            ],
        );
        assert_eq!(hook["entry"], "dflint");
        assert_eq!(hook["language"], language);
        assert_eq!(hook["args"], serde_json::json!(args));
        // Both flavours of a hook pick the same files.
        assert_eq!(hook["files"], by_id("dflint")["files"], "{id}");
        assert!(hook["types_or"]
            .as_array()
            .unwrap()
            .contains(&Value::from("dockerfile")));
    }
}

#[test]
fn vscode_extension_manifest_matches_the_binary() {
    let manifest: Value = serde_json::from_str(&read("vscode-extension/package.json")).unwrap();
    // The extension warns when the server's major.minor differs from its own: keep them in step.
    let major_minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    assert_eq!(
        major_minor(manifest["version"].as_str().unwrap()),
        major_minor(env!("CARGO_PKG_VERSION")),
        "vscode-extension/package.json version and the dflint crate version differ in major.minor"
    );
    let props = manifest["contributes"]["configuration"]["properties"]
        .as_object()
        .unwrap();
    for key in [
        "dflint.path",
        "dflint.select",
        "dflint.ignore",
        "dflint.severity",
        "dflint.unsafeFixes",
        "dflint.trace.server",
    ] {
        assert!(props.contains_key(key), "setting {key} is not contributed");
    }
    let commands: Vec<&str> = manifest["contributes"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    for c in [
        "dflint.fixAll",
        "dflint.restartServer",
        "dflint.showStageGraph",
    ] {
        assert!(commands.contains(&c), "command {c} is not contributed");
    }
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "dockerfile");
    for pattern in ["Containerfile.*", "Dockerfile.*"] {
        assert!(language["filenamePatterns"]
            .as_array()
            .unwrap()
            .contains(&Value::from(pattern)));
    }
    assert!(language["filenames"]
        .as_array()
        .unwrap()
        .contains(&Value::from("Containerfile")));
    assert!(language["extensions"]
        .as_array()
        .unwrap()
        .contains(&Value::from(".dockerfile")));
}

#[test]
fn comment_stripping_keeps_strings() {
    assert_eq!(
        strip_line_comments("{\"a\": \"x//y\" // note\n}"),
        "{\"a\": \"x//y\" \n}\n"
    );
}
