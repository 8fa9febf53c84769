//! `--format sarif` validated against the official SARIF 2.1.0 JSON schema, on the real binary's output: findings
//! of every severity with fixes (text edits and a file to create), a clean file, many files (odd paths, CRLF,
//! non-ASCII text), syntax errors, stdin, absolute paths and a missing file.
//!
//! The schema is `sarif-2.1.0.json` from the npm package `@microsoft/sarif-multitool-linux` 5.7.0 (what Microsoft's
//! SARIF Multitool validates with), installed by `scripts/install-test-deps` into
//! `tests/sarif_schema/node_modules`; `tests/sarif_schema/validate.py` checks a log with Python's `jsonschema`
//! (JSON Schema 2020-12, formats included). `DFLINT_SARIF_SCHEMA` names another copy of the schema and
//! `DFLINT_PYTHON` the interpreter. A missing validator fails the test; `DFLINT_SKIP_SARIF_SCHEMA=1` skips it,
//! except under CI (`CI` set), where nothing may be skipped.
#[path = "cli_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use support::{Project, Run};

/// One finding of each severity, once `SEVERITIES` is the config: `error` (DF101, unknown instruction, with a fix),
/// `warning` (DF505 and more, with fixes; DF404 with a `.dockerignore` to create), `info` (DF403, opted into, with a fix that
/// moves lines) and `style` (DF501 with its casing fix).
const EVERY_SEVERITY: &str = "\
from node:20-slim as build
MAINTAINER someone@example.com
WORKDIR app
COPY . .
RUN npm ci && npm run build
ENV NODE_ENV production
RUN apt-get update && apt-get install -y curl
RUNN echo typo
LABEL version=1
CMD [\"node\", \"a.js\"]
CMD node server.js
";
const SEVERITIES: &str = "extend-select = [\"DF403\"]\n[severity]\nDF501 = \"style\"\n";
const CLEAN: &str = "FROM alpine:3.20\nRUN echo ok\n";
/// Mixed `ENV` forms (a syntax error), an unterminated heredoc, and findings around them.
const BROKEN: &str = "FROM alpine:latest as build\nenv a=1 b 2\nRUN <<EOF\necho\n";

#[test]
fn every_severity_with_fixes() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file("Dockerfile", EVERY_SEVERITY)
        .file(".dflint.toml", SEVERITIES);
    // The input really has what this test claims to cover.
    let json = p.run(&["--format", "json", "Dockerfile"]);
    json.expect_code(1);
    let findings = json.json();
    for severity in ["error", "warning", "info", "style"] {
        assert!(
            findings
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["severity"] == severity && !d["fix"].is_null()),
            "no fixable `{severity}` finding: {}",
            json.stdout
        );
    }

    let run = p.run(&["--format", "sarif", "Dockerfile"]);
    run.expect_code(1);
    validator.check("every severity", &run);
    let log = run.json();
    let results = log["runs"][0]["results"].as_array().unwrap();
    for level in ["error", "warning", "note"] {
        assert!(
            results.iter().any(|r| r["level"] == level),
            "no `{level}` result"
        );
    }
    let changes: Vec<&Value> = results
        .iter()
        .filter_map(|r| r["fixes"].as_array())
        .flatten()
        .flat_map(|f| f["artifactChanges"].as_array().unwrap())
        .collect();
    assert!(
        changes
            .iter()
            .any(|c| c["artifactLocation"]["uri"] == "Dockerfile"),
        "no fix edits the Dockerfile: {}",
        run.stdout
    );
    assert!(
        changes
            .iter()
            .any(|c| c["artifactLocation"]["uri"] == ".dockerignore"),
        "the `.dockerignore` to create is not in the fixes: {}",
        run.stdout
    );

    // With `--unsafe-fixes` and in a subfolder (the created file's URI gets the folder).
    p.file("sub/Dockerfile", EVERY_SEVERITY);
    let run = p.run(&["--format", "sarif", "--unsafe-fixes", "sub/Dockerfile"]);
    run.expect_code(1);
    validator.check("every severity, unsafe fixes, subfolder", &run);
    assert!(
        run.stdout.contains("\"sub/.dockerignore\""),
        "{}",
        run.stdout
    );
}

#[test]
fn clean_file() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file("Dockerfile", CLEAN);
    let run = p.run(&["--format", "sarif", "Dockerfile"]);
    run.expect_code(0);
    validator.check("clean file", &run);
    assert_eq!(run.json()["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn many_files() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file("Dockerfile", EVERY_SEVERITY)
        .file("clean/Dockerfile", CLEAN)
        .file("empty/Dockerfile", "")
        .file(
            "crlf/Dockerfile",
            "from alpine:latest\r\nRUN apt-get install -y curl\r\n",
        )
        .file(
            "unicode/Dockerfile",
            "FROM alpine:latest\nLABEL description=\"café ☕ 𝄞\"\nrun echo \"naïve 𝄞\"\n",
        )
        .file("with space/é #1.Dockerfile", "from ubuntu\n")
        .file("broken/Containerfile", BROKEN);
    let run = p.run(&["--format", "sarif", "."]);
    run.expect_code(1);
    validator.check("many files", &run);
    let log = run.json();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    for uri in [
        "Dockerfile",
        "crlf/Dockerfile",
        "unicode/Dockerfile",
        "with%20space/%C3%A9%20%231.Dockerfile",
        "broken/Containerfile",
    ] {
        assert!(uris.contains(&uri), "no result in `{uri}`: {uris:?}");
    }

    // The same files named one by one, and by absolute path (`file://` URIs).
    let run = p.run(&[
        "--format",
        "sarif",
        "Dockerfile",
        "clean/Dockerfile",
        "unicode/Dockerfile",
    ]);
    run.expect_code(1);
    validator.check("files named one by one", &run);
    let absolute = p.path("crlf/Dockerfile");
    let run = p.run(&["--format", "sarif", absolute.to_str().unwrap()]);
    run.expect_code(1);
    validator.check("absolute path", &run);
    assert!(run.stdout.contains("\"file:///"), "{}", run.stdout);
}

#[test]
fn syntax_errors() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file("Dockerfile", BROKEN);
    let run = p.run(&["--format", "sarif", "Dockerfile"]);
    run.expect_code(1);
    validator.check("syntax errors", &run);
    let log = run.json();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["ruleId"] == "DF901"),
        "no syntax error reported: {}",
        run.stdout
    );
    // Bytes that are not UTF-8 are read too.
    p.file(
        "bytes/Dockerfile",
        b"FROM alpine:3.20\nRUN echo \xff\xfe\nLABEL \x80=1\n",
    );
    let run = p.run(&["--format", "sarif", "bytes/Dockerfile"]);
    validator.check("invalid UTF-8", &run);
}

#[test]
fn stdin() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file(".dflint.toml", SEVERITIES);
    let named = p.run_stdin(
        &[
            "--format",
            "sarif",
            "--stdin-filename",
            "app/Dockerfile",
            "-",
        ],
        EVERY_SEVERITY,
    );
    named.expect_code(1);
    validator.check("stdin with --stdin-filename", &named);
    assert!(
        named.stdout.contains("\"app/Dockerfile\""),
        "{}",
        named.stdout
    );

    let unnamed = p.run_stdin(&["--format", "sarif", "-"], EVERY_SEVERITY);
    unnamed.expect_code(1);
    validator.check("stdin without a name", &unnamed);

    let clean = p.run_stdin(&["--format", "sarif", "-"], CLEAN);
    clean.expect_code(0);
    validator.check("clean stdin", &clean);
}

#[test]
fn missing_file() {
    let Some(validator) = validator() else { return };
    let p = Project::new();
    p.file("Dockerfile", EVERY_SEVERITY);
    let run = p.run(&["--format", "sarif", "Dockerfile", "missing/Dockerfile"]);
    run.expect_code(2);
    assert!(run.stderr.contains("missing/Dockerfile"), "{}", run.stderr);
    validator.check("a missing file beside a present one", &run);

    let run = p.run(&["--format", "sarif", "missing/Dockerfile"]);
    run.expect_code(2);
    validator.check("only a missing file", &run);
}

/// The schema and the script that checks a log against it.
struct Validator {
    python: String,
    script: PathBuf,
    schema: PathBuf,
}

impl Validator {
    /// Fails the test with the validator's findings and the log when `run`'s stdout is not valid SARIF 2.1.0.
    #[track_caller]
    fn check(&self, what: &str, run: &Run) {
        match self.validate(&run.stdout) {
            Ok(Ok(())) => {}
            Ok(Err(problems)) => panic!(
                "{what}: `dflint --format sarif` wrote SARIF that the SARIF 2.1.0 schema rejects:\n{problems}\n\
                 run: {run:#?}"
            ),
            Err(error) => panic!("{what}: {error}\nrun scripts/install-test-deps"),
        }
    }

    /// `Ok(Ok)` when `log` is valid, `Ok(Err)` with the validator's findings when it is not, `Err` when the
    /// validator could not run.
    fn validate(&self, log: &str) -> Result<Result<(), String>, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("dflint.sarif");
        std::fs::write(&path, log).unwrap();
        let output = Command::new(&self.python)
            .arg(&self.script)
            .arg(&self.schema)
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run `{}` ({e})", self.python))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => Ok(Ok(())),
            Some(1) if !stdout.trim().is_empty() => Ok(Err(stdout.into_owned())),
            _ => Err(format!(
                "the SARIF validator failed ({}):\n{stdout}{stderr}",
                output.status
            )),
        }
    }
}

/// The validator, checked once to accept a valid log and reject an invalid one. `None` (skip the test) only
/// when it is missing and `DFLINT_SKIP_SARIF_SCHEMA=1` outside CI; otherwise a missing validator fails.
fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    match VALIDATOR.get_or_init(find_validator) {
        Ok(validator) => Some(validator),
        Err(problem) => {
            let skip = std::env::var("DFLINT_SKIP_SARIF_SCHEMA").as_deref() == Ok("1");
            let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
            if skip && !ci {
                eprintln!("cli_sarif_schema: SKIPPED ({problem}; DFLINT_SKIP_SARIF_SCHEMA=1)");
                return None;
            }
            panic!(
                "{problem}\nrun scripts/install-test-deps (DFLINT_SKIP_SARIF_SCHEMA=1 skips this test outside CI)"
            );
        }
    }
}

fn find_validator() -> Result<Validator, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = match std::env::var_os("DFLINT_SARIF_SCHEMA") {
        Some(path) => PathBuf::from(path),
        None => root.join(
            "tests/sarif_schema/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json",
        ),
    };
    if !schema.is_file() {
        return Err(format!(
            "the SARIF 2.1.0 schema is missing: expected {}",
            schema.display()
        ));
    }
    let validator = Validator {
        python: std::env::var("DFLINT_PYTHON").unwrap_or_else(|_| "python3".to_string()),
        script: root.join("tests/sarif_schema/validate.py"),
        schema,
    };
    // The validator must tell a valid log from an invalid one, or the tests above prove nothing.
    let valid = r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"ruleId": "X1", "level": "note", "message": {"text": "m"}, "locations": [{"physicalLocation": {
        "artifactLocation": {"uri": "a%20b/Dockerfile"}, "region": {"startLine": 1, "startColumn": 1}}}]}]}]}"#;
    let invalid = valid
        .replace("\"note\"", "\"style\"")
        .replace("a%20b", "a b");
    if let Err(problems) = validator.validate(valid)? {
        return Err(format!(
            "the SARIF validator rejects a valid log:\n{problems}"
        ));
    }
    match validator.validate(&invalid)? {
        Ok(()) => Err("the SARIF validator accepts an invalid log".to_string()),
        Err(problems) if problems.contains(".level: 'style'") && problems.contains(".uri: 'a b/Dockerfile'") => {
            Ok(validator)
        }
        Err(problems) => Err(format!(
            "the SARIF validator misses problems in an invalid log (a wrong `level`, a URI with a space):\n{problems}"
        )),
    }
}
