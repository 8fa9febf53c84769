//! Every report format on one fixed set of diagnostics: exact text where the format is line-based, structure
//! where it is JSON (SARIF's required properties checked one by one).
use std::path::Path;

use dflint::output::{
    render, render_statistics, statistics, FileResult, Format, RenderOptions, RuleInfo, RuleStat,
};
use dflint_rules::engine::{Diagnostic, Edit, Fix, Severity};
use serde_json::Value;

const MAIN: &str = "FROM ubuntu:latest\nRUN apt-get install -y curl\n";
// CRLF, a two-byte character before the finding, and a message full of characters formats must escape.
const DEV: &str = "FROM alpine\r\nRUN echo é && cd /x\r\n";

fn diagnostic(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    range: std::ops::Range<usize>,
    message: &str,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        code,
        name,
        severity,
        range,
        message: message.to_string(),
        fix,
        tags: Vec::new(),
    }
}

fn main_diagnostics() -> Vec<Diagnostic> {
    vec![
        diagnostic(
            "DF301",
            "latest-tag",
            Severity::Warning,
            12..18,
            "Image `ubuntu` uses the `latest` tag",
            Some(Fix::unsafe_(
                "Pin `ubuntu` to `24.04`",
                vec![Edit::replace(12..18, "24.04")],
            )),
        ),
        diagnostic(
            "DF401",
            "apt-no-recommends",
            Severity::Info,
            23..38,
            "`apt-get install` without `--no-install-recommends`",
            Some(Fix::safe(
                "Add `--no-install-recommends`",
                vec![Edit::insert(39, "--no-install-recommends ")],
            )),
        ),
    ]
}

fn dev_diagnostics() -> Vec<Diagnostic> {
    let start = DEV.find("cd").unwrap();
    vec![diagnostic(
        "DF101",
        "cd-in-run",
        Severity::Error,
        start..start + 5,
        "50% <bad> & \"odd\": use WORKDIR, not cd",
        None,
    )]
}

fn with_results<T>(f: impl FnOnce(&[FileResult]) -> T) -> T {
    let main = main_diagnostics();
    let dev = dev_diagnostics();
    let results = [
        FileResult {
            path: Path::new("Dockerfile"),
            source: MAIN,
            diagnostics: &main,
        },
        FileResult {
            path: Path::new("sub/Dockerfile.dev"),
            source: DEV,
            diagnostics: &dev,
        },
        FileResult {
            path: Path::new("ok/Dockerfile"),
            source: "FROM scratch\n",
            diagnostics: &[],
        },
    ];
    f(&results)
}

const RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "DF301",
        name: "latest-tag",
        short_description: "Image without a pinned tag",
        default_severity: Severity::Warning,
    },
    RuleInfo {
        code: "DF999",
        name: "never-fires",
        short_description: "A rule that found nothing",
        default_severity: Severity::Style,
    },
];

fn output(format: Format, color: bool, unsafe_fixes: bool) -> String {
    with_results(|results| {
        let options = RenderOptions {
            color,
            rules: RULES,
            unsafe_fixes,
            unchecked: 0,
        };
        let mut out = Vec::new();
        render(format, results, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    })
}

#[test]
fn text_shows_source_caret_code_help_and_docs() {
    let expected = r#"warning[DF301/latest-tag]: Image `ubuntu` uses the `latest` tag
  --> Dockerfile:1:13
  |
1 | FROM ubuntu:latest
  |             ^^^^^^
  |
  = help: Pin `ubuntu` to `24.04`
  = docs: `dflint rule DF301`

note[DF401/apt-no-recommends]: `apt-get install` without `--no-install-recommends`
  --> Dockerfile:2:5
  |
2 | RUN apt-get install -y curl
  |     ^^^^^^^^^^^^^^^
  |
  = help: Add `--no-install-recommends`
  = docs: `dflint rule DF401`

error[DF101/cd-in-run]: 50% <bad> & "odd": use WORKDIR, not cd
  --> sub/Dockerfile.dev:2:15
  |
2 | RUN echo é && cd /x
  |               ^^^^^
  |
  = docs: `dflint rule DF101`

Found 3 problems (1 fixable with --fix, 1 more with --unsafe-fixes).
"#;
    let text = output(Format::Text, false, false);
    assert_eq!(text, expected, "\n{text}");
    assert!(!text.contains('\r'));
    assert!(!text.contains('\x1b'));
}

#[test]
fn text_colours_only_when_asked() {
    let text = output(Format::Text, true, true);
    assert!(text.contains("\x1b["));
    assert!(text.ends_with("Found 3 problems (2 fixable with --fix --unsafe-fixes).\n"));
}

#[test]
fn text_for_a_clean_run() {
    let results = [FileResult {
        path: Path::new("Dockerfile"),
        source: "FROM a\n",
        diagnostics: &[],
    }];
    let mut out = Vec::new();
    render(Format::Text, &results, &RenderOptions::default(), &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "No problems found.\n");
}

#[test]
fn json_schema() {
    let json: Value = serde_json::from_str(&output(Format::Json, false, false)).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let expected_first = serde_json::json!({
        "file": "Dockerfile",
        "code": "DF301",
        "name": "latest-tag",
        "severity": "warning",
        "message": "Image `ubuntu` uses the `latest` tag",
        "url": null,
        "range": { "start": { "line": 1, "column": 13 }, "end": { "line": 1, "column": 19 } },
        "fix": {
            "title": "Pin `ubuntu` to `24.04`",
            "applicability": "unsafe",
            "edits": [{
                "range": { "start": { "line": 1, "column": 13 }, "end": { "line": 1, "column": 19 } },
                "content": "24.04"
            }]
        }
    });
    assert_eq!(items[0], expected_first);
    assert_eq!(items[1]["fix"]["applicability"], "safe");
    assert_eq!(
        items[1]["fix"]["edits"][0]["range"]["start"],
        serde_json::json!({"line": 2, "column": 21})
    );
    // Columns count characters: `é` is two bytes but one column.
    let dev = &items[2];
    assert_eq!(dev["file"], "sub/Dockerfile.dev");
    assert_eq!(
        dev["range"]["start"],
        serde_json::json!({"line": 2, "column": 15})
    );
    assert_eq!(
        dev["range"]["end"],
        serde_json::json!({"line": 2, "column": 20})
    );
    assert_eq!(dev["fix"], Value::Null);
}

#[test]
fn json_of_nothing_is_an_empty_array() {
    let mut out = Vec::new();
    render(Format::Json, &[], &RenderOptions::default(), &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "[]\n");
}

fn require<'a>(value: &'a Value, key: &str) -> &'a Value {
    value
        .get(key)
        .unwrap_or_else(|| panic!("missing required `{key}` in {value}"))
}

fn check_region(region: &Value) {
    for key in ["startLine", "startColumn", "endLine", "endColumn"] {
        let n = require(region, key)
            .as_u64()
            .unwrap_or_else(|| panic!("`{key}` not an integer"));
        assert!(n >= 1, "`{key}` must be 1-based, got {n}");
    }
    let start = (region["startLine"].as_u64(), region["startColumn"].as_u64());
    let end = (region["endLine"].as_u64(), region["endColumn"].as_u64());
    assert!(start <= end, "region ends before it starts: {region}");
}

#[test]
fn sarif_required_properties_levels_and_regions() {
    let sarif: Value = serde_json::from_str(&output(Format::Sarif, false, false)).unwrap();
    assert_eq!(require(&sarif, "version"), "2.1.0");
    assert!(require(&sarif, "$schema")
        .as_str()
        .unwrap()
        .contains("sarif-2.1.0"));
    let runs = require(&sarif, "runs").as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let driver = require(require(run, "tool"), "driver");
    assert_eq!(require(driver, "name"), "dflint");
    assert_eq!(require(driver, "version"), env!("CARGO_PKG_VERSION"));
    // A link only to a home the package metadata names; it names none.
    assert_eq!(dflint_rules::engine::REPOSITORY, None);
    assert!(driver.get("informationUri").is_none());
    let rules = require(driver, "rules").as_array().unwrap();
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| require(r, "id").as_str().unwrap())
        .collect();
    // The given rules first (also those that never fired), then the ones that fired without a descriptor.
    assert_eq!(ids, ["DF301", "DF999", "DF401", "DF101"]);
    for rule in rules {
        require(rule, "name");
        assert!(require(require(rule, "shortDescription"), "text").is_string());
        assert!(rule.get("helpUri").is_none());
        let help = require(require(rule, "help"), "text").as_str().unwrap();
        assert!(help.contains("`dflint rule DF"), "{help}");
        let level = require(require(rule, "defaultConfiguration"), "level")
            .as_str()
            .unwrap();
        assert!(["error", "warning", "note"].contains(&level));
    }
    assert_eq!(
        rules[0]["shortDescription"]["text"],
        "Image without a pinned tag"
    );
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "note");

    let results = require(run, "results").as_array().unwrap();
    assert_eq!(results.len(), 3);
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["warning", "note", "error"]);
    for (i, result) in results.iter().enumerate() {
        let rule_id = require(result, "ruleId").as_str().unwrap();
        let rule_index = require(result, "ruleIndex").as_u64().unwrap() as usize;
        assert_eq!(rules[rule_index]["id"], rule_id, "result {i}");
        assert!(require(require(result, "message"), "text").is_string());
        let locations = require(result, "locations").as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = require(&locations[0], "physicalLocation");
        assert!(require(require(physical, "artifactLocation"), "uri").is_string());
        check_region(require(physical, "region"));
    }
    let region = &results[2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 2, "startColumn": 15, "endLine": 2, "endColumn": 20})
    );
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sub/Dockerfile.dev"
    );

    // Fixes: only where the diagnostic has one, with the edit as a replacement.
    assert!(results[2].get("fixes").is_none());
    let fix = &require(&results[0], "fixes")[0];
    assert_eq!(
        require(require(fix, "description"), "text"),
        "Pin `ubuntu` to `24.04`"
    );
    let change = &require(fix, "artifactChanges")[0];
    assert_eq!(change["artifactLocation"]["uri"], "Dockerfile");
    let replacement = &require(change, "replacements")[0];
    check_region(require(replacement, "deletedRegion"));
    assert_eq!(replacement["insertedContent"]["text"], "24.04");
    // An insertion deletes an empty region.
    let insertion =
        &results[1]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"];
    assert_eq!(insertion["startColumn"], insertion["endColumn"]);
}

#[test]
fn github_workflow_commands() {
    let expected = "\
::warning file=Dockerfile,line=1,col=13,endLine=1,endColumn=19,title=DF301 latest-tag::Image `ubuntu` uses the `latest` tag
::notice file=Dockerfile,line=2,col=5,endLine=2,endColumn=20,title=DF401 apt-no-recommends::`apt-get install` without `--no-install-recommends`
::error file=sub/Dockerfile.dev,line=2,col=15,endLine=2,endColumn=20,title=DF101 cd-in-run::50%25 <bad> & \"odd\": use WORKDIR, not cd
";
    assert_eq!(output(Format::Github, false, false), expected);
}

#[test]
fn gitlab_code_quality() {
    let json: Value = serde_json::from_str(&output(Format::Gitlab, false, false)).unwrap();
    let issues = json.as_array().unwrap();
    assert_eq!(issues.len(), 3);
    for issue in issues {
        for key in [
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location",
        ] {
            require(issue, key);
        }
        assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 16);
    }
    assert_eq!(issues[0]["check_name"], "DF301");
    assert_eq!(
        issues[0]["description"],
        "Image `ubuntu` uses the `latest` tag"
    );
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["major", "minor", "critical"]);
    assert_eq!(
        issues[2]["location"],
        serde_json::json!({"path": "sub/Dockerfile.dev", "lines": {"begin": 2}})
    );
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 3);
    // Stable across runs, and independent of the line number (only path, code and the line's text count).
    assert_eq!(
        output(Format::Gitlab, false, false),
        output(Format::Gitlab, false, false)
    );
}

#[test]
fn gitlab_fingerprints_survive_moved_lines_and_differ_for_duplicates() {
    let render_one = |source: &str, diagnostics: &[Diagnostic]| -> Vec<String> {
        let results = [FileResult {
            path: Path::new("Dockerfile"),
            source,
            diagnostics,
        }];
        let mut out = Vec::new();
        render(
            Format::Gitlab,
            &results,
            &RenderOptions::default(),
            &mut out,
        )
        .unwrap();
        let json: Value = serde_json::from_slice(&out).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let finding = |at: usize| {
        diagnostic(
            "DF301",
            "latest-tag",
            Severity::Warning,
            at..at + 6,
            "m",
            None,
        )
    };
    let before = render_one("FROM a:latest\n", &[finding(7)]);
    let after = render_one("# moved\nFROM a:latest\n", &[finding(15)]);
    assert_eq!(before, after);
    let twice = render_one("FROM a:latest\n", &[finding(7), finding(7)]);
    assert_ne!(twice[0], twice[1]);
    assert_eq!(twice[0], before[0]);
}

#[test]
fn checkstyle_xml() {
    let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="Dockerfile">
    <error line="1" column="13" severity="warning" message="Image `ubuntu` uses the `latest` tag (latest-tag)" source="DF301"/>
    <error line="2" column="5" severity="info" message="`apt-get install` without `--no-install-recommends` (apt-no-recommends)" source="DF401"/>
  </file>
  <file name="sub/Dockerfile.dev">
    <error line="2" column="15" severity="error" message="50% &lt;bad&gt; &amp; &quot;odd&quot;: use WORKDIR, not cd (cd-in-run)" source="DF101"/>
  </file>
  <file name="ok/Dockerfile">
  </file>
</checkstyle>
"#;
    assert_eq!(output(Format::Checkstyle, false, false), expected);
}

#[test]
fn junit_xml() {
    let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="dflint" tests="3" failures="2" errors="0">
  <testsuite name="dflint" tests="3" failures="2" errors="0" skipped="0">
    <testcase name="Dockerfile" classname="dflint" file="Dockerfile">
      <failure message="Image `ubuntu` uses the `latest` tag" type="DF301/latest-tag">Dockerfile:1:13: warning[DF301/latest-tag]: Image `ubuntu` uses the `latest` tag</failure>
      <failure message="`apt-get install` without `--no-install-recommends`" type="DF401/apt-no-recommends">Dockerfile:2:5: info[DF401/apt-no-recommends]: `apt-get install` without `--no-install-recommends`</failure>
    </testcase>
    <testcase name="sub/Dockerfile.dev" classname="dflint" file="sub/Dockerfile.dev">
      <failure message="50% &lt;bad&gt; &amp; &quot;odd&quot;: use WORKDIR, not cd" type="DF101/cd-in-run">sub/Dockerfile.dev:2:15: error[DF101/cd-in-run]: 50% &lt;bad&gt; &amp; &quot;odd&quot;: use WORKDIR, not cd</failure>
    </testcase>
    <testcase name="ok/Dockerfile" classname="dflint" file="ok/Dockerfile"/>
  </testsuite>
</testsuites>
"#;
    assert_eq!(output(Format::Junit, false, false), expected);
}

#[test]
fn statistics_sorted_by_count() {
    let mut main = main_diagnostics();
    main.push(main[1].clone());
    let results = [FileResult {
        path: Path::new("Dockerfile"),
        source: MAIN,
        diagnostics: &main,
    }];
    let stats = statistics(&results);
    assert_eq!(
        stats,
        [
            RuleStat {
                code: "DF401",
                name: "apt-no-recommends",
                count: 2,
                fixable: 2
            },
            RuleStat {
                code: "DF301",
                name: "latest-tag",
                count: 1,
                fixable: 0
            },
        ]
    );
    let mut out = Vec::new();
    render_statistics(&stats, Format::Text, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "2  DF401  [*] apt-no-recommends\n1  DF301      latest-tag\n"
    );
    let mut out = Vec::new();
    render_statistics(&stats, Format::Json, &mut out).unwrap();
    let json: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"code": "DF401", "name": "apt-no-recommends", "count": 2, "fixable": 2})
    );
}
