//! Configuration end to end: `.dflint.toml`, `.hadolint.yaml`, `--config`, suppression comments, and config errors
//! reported as file:line:col with exit code 2.
#[path = "cli_support/mod.rs"]
mod support;

use support::Project;

const LATEST: &str = "FROM alpine:latest\nrun echo a\nRUN echo b\nRUN echo c\n";

fn codes(run: &support::Run) -> Vec<String> {
    run.findings().into_iter().map(|(_, c)| c).collect()
}

#[test]
fn dflint_toml_selects_ignores_and_sets_severity() {
    let p = Project::new();
    p.file("Dockerfile", LATEST);
    p.file(
        ".dflint.toml",
        "select = [\"DF3\", \"style\"]\nignore = [\"DF501\", \"DF54\"]\n[severity]\nlatest-tag = \"error\"\n",
    );
    let run = p.run(&["--format", "json", "Dockerfile"]);
    run.expect_code(1);
    assert_eq!(codes(&run), ["DF301"]);
    assert_eq!(run.json()[0]["severity"], "error");
    // The command line replaces the config's select and adds to its ignore list.
    let cli = p.run(&[
        "--format",
        "json",
        "--select",
        "DF3,DF501",
        "--ignore",
        "DF302",
        "Dockerfile",
    ]);
    assert_eq!(codes(&cli), ["DF301"], "DF501 stays ignored by the config");
    p.file(".dflint.toml", "select = [\"DF3\"]\n");
    let cli = p.run(&["--format", "json", "--select", "DF501", "Dockerfile"]);
    assert_eq!(codes(&cli), ["DF501"]);
    let cli = p.run(&["--format", "json", "--ignore", "DF301", "Dockerfile"]);
    assert_eq!(codes(&cli), Vec::<String>::new());
}

#[test]
fn metadata_after_volatile_is_opt_in() {
    let p = Project::new();
    p.file(
        "Dockerfile",
        "FROM alpine:3.20\nCOPY app.sh /app.sh\nEXPOSE 80\nCMD [\"/app.sh\"]\n",
    );
    let plain = p.run(&["--format", "json", "Dockerfile"]);
    assert!(
        !codes(&plain).contains(&"DF403".to_string()),
        "{}",
        plain.stdout
    );
    let cli = p.run(&[
        "--format",
        "json",
        "--extend-select",
        "metadata-after-volatile",
        "Dockerfile",
    ]);
    assert_eq!(codes(&cli), ["DF403", "DF403"], "{}", cli.stdout);
    p.file(".dflint.toml", "extend-select = [\"DF403\"]\n");
    let config = p.run(&["--format", "json", "Dockerfile"]);
    assert_eq!(codes(&config), ["DF403", "DF403"], "{}", config.stdout);
}

#[test]
fn config_threshold_and_nearest_config_wins() {
    let p = Project::new();
    p.file("Dockerfile", LATEST).file("sub/Dockerfile", LATEST);
    p.file(".dflint.toml", "select = [\"DF301\"]\n");
    p.file(
        "sub/.dflint.toml",
        "select = [\"DF301\"]\nseverity-threshold = \"error\"\n",
    );
    p.run(&["Dockerfile"]).expect_code(1);
    let sub = p.run(&["sub/Dockerfile"]);
    sub.expect_code(0);
    assert!(
        sub.stdout.contains("DF301"),
        "reported below the threshold: {}",
        sub.stdout
    );
    // One run over both files: each keeps its own config.
    p.run(&["."]).expect_code(1);
}

#[test]
fn bad_toml_is_an_error_with_its_location() {
    let p = Project::new();
    p.file("Dockerfile", LATEST);
    p.file(".dflint.toml", "select = [\"DF301\"]\nignore = \"DF501\"\n");
    let run = p.run(&["Dockerfile"]);
    run.expect_code(2);
    assert!(
        run.stderr.starts_with("error: .dflint.toml:2:10: "),
        "relative to the working folder: {}",
        run.stderr
    );
    assert_eq!(
        run.stdout.matches("DF301").count(),
        0,
        "the file is not checked"
    );

    p.file(".dflint.toml", "select = [\"DF301\"]\nunknown-key = true\n");
    let run = p.run(&["Dockerfile"]);
    run.expect_code(2);
    assert!(run.stderr.contains(".dflint.toml:2:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown-key"), "{}", run.stderr);
}

#[test]
fn unknown_selector_in_config_is_an_error_where_written() {
    let p = Project::new();
    p.file("Dockerfile", LATEST);
    p.file(
        ".dflint.toml",
        "select = [\"DF301\"]\nignore = [\n    \"lastest-tag\",\n]\n",
    );
    let run = p.run(&["Dockerfile"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains(".dflint.toml:3:5: unknown rule or selector `lastest-tag`"),
        "{}",
        run.stderr
    );
    // Options for a rule that has none of that name are errors too.
    p.file(".dflint.toml", "[rules.latest-tag]\nno-such-option = 1\n");
    let run = p.run(&["Dockerfile"]);
    run.expect_code(2);
    assert!(run.stderr.contains(".dflint.toml:1:8:"), "{}", run.stderr);
    assert!(run.stderr.contains("no-such-option"), "{}", run.stderr);
}

#[test]
fn a_bad_config_does_not_stop_other_folders() {
    let p = Project::new();
    p.file("good/Dockerfile", LATEST)
        .file("bad/Dockerfile", LATEST);
    p.file("bad/.dflint.toml", "ignore = [\"nope\"]\n");
    let run = p.run(&["--format", "json", "--select", "DF301", "."]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("bad/.dflint.toml:1:11"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.findings(),
        [("good/Dockerfile".to_string(), "DF301".to_string())]
    );
    assert_eq!(
        run.stderr.matches("unknown rule").count(),
        1,
        "printed once: {}",
        run.stderr
    );
}

#[test]
fn explicit_config_file() {
    let p = Project::new();
    p.file("Dockerfile", LATEST)
        .file("ci/lint.toml", "select = [\"DF501\"]\n");
    p.file(".dflint.toml", "select = [\"DF301\"]\n");
    let run = p.run(&["--format", "json", "--config", "ci/lint.toml", "Dockerfile"]);
    assert_eq!(codes(&run), ["DF501"]);
    let missing = p.run(&["--config", "ci/none.toml", "Dockerfile"]);
    missing.expect_code(2);
    assert!(
        missing.stderr.contains("ci/none.toml"),
        "{}",
        missing.stderr
    );
}

#[test]
fn config_excludes_discovered_files() {
    let p = Project::new();
    p.file("Dockerfile", LATEST)
        .file("vendor/x/Dockerfile", LATEST);
    p.file(
        ".dflint.toml",
        "select = [\"DF301\"]\nexclude = [\"vendor\"]\n",
    );
    let run = p.run(&["--format", "json", "."]);
    assert_eq!(
        run.findings(),
        [("Dockerfile".to_string(), "DF301".to_string())]
    );
}

#[test]
fn hadolint_yaml_maps_peer_codes() {
    let p = Project::new();
    p.file("Dockerfile", "FROM alpine:latest\nFROM ubuntu\n");
    p.file(".hadolint.yaml", "ignored:\n  - DL3007\n");
    let run = p.run(&["--format", "json", "--select", "DF3", "Dockerfile"]);
    run.expect_code(1);
    assert_eq!(
        codes(&run),
        ["DF302"],
        "DL3007 is latest-tag; DL3006 (untagged-image) still fires"
    );
    // Overrides and the failure threshold use hadolint's codes and names too.
    p.file(
        ".hadolint.yaml",
        "failure-threshold: error\noverride:\n  info:\n    - DL3006\n",
    );
    let run = p.run(&["--format", "json", "--select", "DF3", "Dockerfile"]);
    run.expect_code(0);
    let json = run.json();
    let untagged = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "DF302")
        .unwrap();
    assert_eq!(untagged["severity"], "info");
}

#[test]
fn hadolint_yaml_takes_buildkit_names_too() {
    let p = Project::new();
    p.file("Dockerfile", "FROM alpine:3.20 as build\nFROM build\n");
    p.file(".hadolint.yaml", "ignored:\n  - FromAsCasing\n");
    let run = p.run(&["--format", "json", "--select", "DF502,DF302", "Dockerfile"]);
    run.expect_code(0);
    assert_eq!(codes(&run), Vec::<String>::new());
    p.file(".hadolint.yaml", "ignored: []\n");
    let run = p.run(&["--format", "json", "--select", "DF502,DF302", "Dockerfile"]);
    assert_eq!(codes(&run), ["DF502"]);
}

#[test]
fn trusted_registries_from_either_config() {
    let p = Project::new();
    let source = "FROM quay.io/org/app:1 AS a\nFROM alpine:3.20\nFROM eu.gcr.io/p/base:2\nFROM a\n";
    p.file("Dockerfile", source);
    // No list: the rule has no policy to check.
    p.run(&["--select", "DF201", "Dockerfile"]).expect_code(0);
    p.file(
        ".hadolint.yaml",
        "trustedRegistries:\n  - docker.io\n  - \"*.gcr.io\"\n",
    );
    let run = p.run(&["--format", "json", "Dockerfile"]);
    run.expect_code(1);
    let hits: Vec<_> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "DF201")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(hits, [1], "only quay.io is untrusted: {}", run.stdout);
    assert!(!run.stderr.contains("trustedRegistries"), "{}", run.stderr);
    // hadolint's own comment for DL3026 suppresses it.
    p.file("Dockerfile", format!("# hadolint ignore=DL3026\n{source}"));
    assert_eq!(
        codes(&p.run(&["--format", "json", "--select", "DF201", "Dockerfile"])),
        Vec::<String>::new()
    );
    // The same list in .dflint.toml, which wins over .hadolint.yaml.
    p.file("Dockerfile", source);
    p.file(
        ".dflint.toml",
        "[rules.untrusted-registry]\ntrusted-registries = [\"quay.io\"]\n",
    );
    let run = p.run(&["--format", "json", "--select", "DF201", "Dockerfile"]);
    let lines: Vec<_> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn hadolint_codes_without_a_rule_only_warn() {
    let p = Project::new();
    p.file("Dockerfile", "FROM alpine:3.20\n");
    p.file(
        ".hadolint.yaml",
        "ignored:\n  - DL3005\n  - SC2034\n  - SC2086\n  - DL3007\n",
    );
    let run = p.run(&["Dockerfile"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains(".hadolint.yaml:2:5: `DL3005`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`SC2034`"), "{}", run.stderr);
    // SC2086 is `unquoted-expansion`'s.
    assert!(!run.stderr.contains("SC2086"), "{}", run.stderr);
    assert!(!run.stderr.contains("DL3007"), "{}", run.stderr);
    // Anything else that names no rule is an error.
    p.file(".hadolint.yaml", "ignored:\n  - not-a-rule\n");
    let bad = p.run(&["Dockerfile"]);
    bad.expect_code(2);
    assert!(
        bad.stderr
            .contains(".hadolint.yaml:2:5: unknown rule or selector `not-a-rule`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn broken_yaml_is_an_error_with_its_location() {
    let p = Project::new();
    p.file("Dockerfile", LATEST);
    p.file(".hadolint.yaml", "ignored:\n  - DL3007\n   bad: [\n");
    let run = p.run(&["Dockerfile"]);
    run.expect_code(2);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(".hadolint.yaml:"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let position: Vec<&str> = line
        .split(".hadolint.yaml:")
        .nth(1)
        .unwrap()
        .splitn(3, ':')
        .collect();
    assert!(
        position[0].parse::<usize>().is_ok() && position[1].parse::<usize>().is_ok(),
        "{line}"
    );
}

#[test]
fn suppression_comments_of_dflint_and_hadolint() {
    let p = Project::new();
    let source = "# hadolint ignore=DL3007\nFROM alpine:latest\n# dflint ignore=latest-tag\nFROM debian:latest\nFROM ubuntu:latest\n";
    p.file("Dockerfile", source);
    let run = p.run(&["--format", "json", "--select", "DF301", "Dockerfile"]);
    run.expect_code(1);
    let json = run.json();
    let lines: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [5]);
    // `disable-ignore-pragma` in hadolint's file turns them off.
    p.file(".hadolint.yaml", "disable-ignore-pragma: true\n");
    let all = p.run(&["--format", "json", "--select", "DF301", "Dockerfile"]);
    assert_eq!(all.findings().len(), 3);
}

/// (line, code) of each finding in a JSON report.
/// The findings as (line, code), sorted: the order of findings within a line is not what these tests check.
fn found(run: &support::Run) -> Vec<(u64, String)> {
    let mut found: Vec<_> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

const LABELLED: &str = "FROM quay.io/x/y:1\nFROM ghcr.io/x/y:1\nLABEL org.opencontainers.image.source=\"example.com\" extra=1\n";
const SELECT: &[&str] = &[
    "--format",
    "json",
    "--select",
    "DL3026,DL3049,DL3050,DL3052,DL3056",
    "Dockerfile",
];

#[test]
fn hadolint_label_schema_strict_labels_and_allowed_registries() {
    let p = Project::new();
    p.file("Dockerfile", LABELLED);
    p.file(
        ".hadolint.yaml",
        "trustedRegistries: docker.io\nallowedRegistries:\n  - quay.io\nlabel-schema:\n  org.opencontainers.image.source: url\n  org.opencontainers.image.version: semver\nstrict-labels: true\nno-color: true\n",
    );
    let run = p.run(SELECT);
    run.expect_code(1);
    // quay.io is allowed, ghcr.io is not; the version label is missing, `extra` is outside the strict schema and
    // the source is no URL.
    assert_eq!(
        found(&run),
        [
            (2, "DF201".to_string()),
            (2, "DF548".to_string()),
            (3, "DF549".to_string()),
            (3, "DF551".to_string()),
        ],
        "{}",
        run.stderr
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Not strict: `extra` is fine.
    p.file(
        ".hadolint.yaml",
        "label-schema:\n  org.opencontainers.image.source: url\n",
    );
    assert_eq!(found(&p.run(SELECT)), [(3, "DF551".to_string())]);
    // A type hadolint does not know is an error, as in hadolint.
    p.file(".hadolint.yaml", "label-schema:\n  version: number\n");
    let bad = p.run(SELECT);
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("label `version` has type `number`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn dflint_toml_labels_table() {
    let p = Project::new();
    p.file("Dockerfile", LABELLED);
    p.file(
        ".dflint.toml",
        "no-color = true\n[labels]\nschema = { \"org.opencontainers.image.source\" = \"url\", \"org.opencontainers.image.version\" = \"semver\" }\nstrict = true\n",
    );
    let run = p.run(SELECT);
    assert_eq!(
        found(&run),
        [
            (2, "DF548".to_string()),
            (3, "DF549".to_string()),
            (3, "DF551".to_string()),
        ],
        "{}",
        run.stderr
    );
    p.file(
        ".dflint.toml",
        "[labels]\nschema = { version = \"number\" }\n",
    );
    let bad = p.run(SELECT);
    bad.expect_code(2);
    assert!(
        bad.stderr
            .contains(".dflint.toml:1:1: label `version` has type `number`"),
        "{}",
        bad.stderr
    );
}
