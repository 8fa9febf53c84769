//! `dflint check` end to end: the default command, every output format, exit codes, stdin, folder discovery,
//! missing files, selection, `--quiet`, `--statistics`, `--version` and completions.
#[path = "cli_support/mod.rs"]
mod support;

use serde_json::Value;
use support::Project;

/// Two warnings (`latest-tag` on line 1, `instruction-casing` on line 3) and nothing else from these rules.
const TWO_WARNINGS: &str = "FROM alpine:latest\nRUN echo a\nrun echo b\n";
const CLEAN: &str = "FROM alpine:3.20\nRUN echo a\n";
const SELECT: &str = "--select=DF301,DF501";

#[test]
fn check_is_the_default_command() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    let implicit = p.run(&[SELECT, "Dockerfile"]);
    let explicit = p.run(&["check", SELECT, "Dockerfile"]);
    implicit.expect_code(1);
    assert_eq!(implicit.stdout, explicit.stdout);
    assert!(
        implicit.stdout.contains("DF301/latest-tag"),
        "{}",
        implicit.stdout
    );
    assert!(
        implicit.stdout.contains("Dockerfile:3:1"),
        "{}",
        implicit.stdout
    );
    assert!(
        implicit
            .stdout
            .ends_with("Found 2 problems (1 fixable with --fix).\n"),
        "{}",
        implicit.stdout
    );
    // With no path at all, the current folder is searched.
    let bare = p.run(&[SELECT]);
    bare.expect_code(1);
    assert_eq!(bare.stdout, implicit.stdout);
}

#[test]
fn clean_file_exits_zero() {
    let p = Project::new();
    p.file("Dockerfile", CLEAN);
    let run = p.run(&["Dockerfile"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "No problems found.\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn severity_threshold_decides_the_exit_code() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    p.run(&[SELECT, "--severity-threshold", "warning", "Dockerfile"])
        .expect_code(1);
    p.run(&[SELECT, "--severity-threshold", "error", "Dockerfile"])
        .expect_code(0);
    p.run(&[SELECT, "--severity-threshold", "none", "Dockerfile"])
        .expect_code(0);
    // The findings are still reported below the threshold.
    let run = p.run(&[
        SELECT,
        "--severity-threshold=error",
        "--format=json",
        "Dockerfile",
    ]);
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn usage_errors_exit_two() {
    let p = Project::new();
    p.file("Dockerfile", CLEAN);
    let run = p.run(&["--format", "xml", "Dockerfile"]);
    run.expect_code(2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
    p.run(&["--fix", "--diff", "Dockerfile"]).expect_code(2);
    p.run(&["--no-such-flag"]).expect_code(2);
    let unknown = p.run(&["--select", "DF301,no-such-rule", "Dockerfile"]);
    unknown.expect_code(2);
    assert!(
        unknown
            .stderr
            .contains("command line: unknown rule or selector `no-such-rule`"),
        "{}",
        unknown.stderr
    );
    assert_eq!(unknown.stdout, "", "nothing is checked after a usage error");
}

#[test]
fn json_format_fields() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    let run = p.run(&[SELECT, "--format", "json", "Dockerfile"]);
    run.expect_code(1);
    let all = run.json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    let latest = &all[0];
    assert_eq!(latest["file"], "Dockerfile");
    assert_eq!(latest["code"], "DF301");
    assert_eq!(latest["name"], "latest-tag");
    assert_eq!(latest["severity"], "warning");
    assert!(latest["message"].as_str().unwrap().contains("latest"));
    // No public home in the package metadata, so no link that leads nowhere.
    match dflint_rules::engine::REPOSITORY {
        Some(_) => assert!(latest["url"].as_str().unwrap().ends_with("latest-tag.md")),
        None => assert_eq!(latest["url"], Value::Null),
    }
    assert_eq!(latest["range"]["start"]["line"], 1);
    assert_eq!(latest["range"]["start"]["column"], 13);
    assert_eq!(latest["range"]["end"]["column"], 19);
    assert_eq!(latest["fix"], Value::Null);
    let casing = &all[1];
    assert_eq!(casing["code"], "DF501");
    assert_eq!(casing["range"]["start"]["line"], 3);
    let fix = &casing["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["title"].as_str().unwrap().contains("RUN"));
    assert_eq!(fix["edits"][0]["content"], "RUN");
    assert_eq!(fix["edits"][0]["range"]["start"]["line"], 3);
}

#[test]
fn sarif_format_structure() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    let run = p.run(&[SELECT, "--format", "sarif", "Dockerfile"]);
    run.expect_code(1);
    let log = run.json();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "dflint");
    let rules = driver["rules"].as_array().unwrap();
    // Every known rule is described, not only those that fired.
    let listed = p.run(&["rules", "--format", "json"]).json();
    assert_eq!(rules.len(), listed.as_array().unwrap().len());
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        assert_eq!(result["level"], "warning");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    assert_eq!(results[0]["ruleId"], "DF301");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
}

#[test]
fn line_based_and_xml_formats() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    let github = p.run(&[SELECT, "--format", "github", "Dockerfile"]);
    github.expect_code(1);
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", github.stdout);
    assert!(
        lines[0].starts_with("::warning file=Dockerfile,line=1,col=13,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::warning file=Dockerfile,line=3,col=1,"),
        "{}",
        lines[1]
    );

    let gitlab = p.run(&[SELECT, "--format", "gitlab", "Dockerfile"]).json();
    let issues = gitlab.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0]["check_name"], "DF301");
    assert_eq!(issues[0]["location"]["path"], "Dockerfile");
    assert_eq!(issues[0]["location"]["lines"]["begin"], 1);
    assert_ne!(issues[0]["fingerprint"], issues[1]["fingerprint"]);

    let checkstyle = p.run(&[SELECT, "--format", "checkstyle", "Dockerfile"]);
    checkstyle.expect_code(1);
    assert!(checkstyle.stdout.starts_with("<?xml"));
    assert!(checkstyle.stdout.contains("<file name=\"Dockerfile\">"));
    assert_eq!(checkstyle.stdout.matches("<error ").count(), 2);
    assert!(checkstyle.stdout.contains("source=\"DF501\""));

    let junit = p.run(&[SELECT, "--format", "junit", "Dockerfile"]);
    junit.expect_code(1);
    assert!(junit.stdout.contains("<testsuites"));
    assert!(junit.stdout.contains("<testcase name=\"Dockerfile\""));
    assert_eq!(junit.stdout.matches("<failure ").count(), 2);
}

#[test]
fn clean_runs_in_machine_formats_are_still_valid() {
    let p = Project::new();
    p.file("Dockerfile", CLEAN);
    for format in ["json", "gitlab"] {
        let run = p.run(&["--format", format, "Dockerfile"]);
        run.expect_code(0);
        assert_eq!(run.json(), Value::Array(vec![]), "{format}");
    }
    let sarif = p.run(&["--format", "sarif", "Dockerfile"]);
    sarif.expect_code(0);
    assert_eq!(sarif.json()["runs"][0]["results"], Value::Array(vec![]));
    p.run(&["--format", "github", "Dockerfile"]).expect_code(0);
}

#[test]
fn stdin_is_read_with_its_name() {
    let p = Project::new();
    p.file("sub/.dflint.toml", "ignore = [\"DF501\"]\n");
    let run = p.run_stdin(&["--format", "json", SELECT, "-"], TWO_WARNINGS);
    run.expect_code(1);
    assert_eq!(
        run.findings(),
        [
            ("-".to_string(), "DF301".to_string()),
            ("-".to_string(), "DF501".to_string())
        ]
    );
    // The name shows in reports and chooses the config (sub/.dflint.toml ignores DF501).
    let named = p.run_stdin(
        &[
            "--format",
            "json",
            "--stdin-filename",
            "sub/Dockerfile",
            "-",
        ],
        TWO_WARNINGS,
    );
    named.expect_code(1);
    assert_eq!(
        named.findings(),
        [("sub/Dockerfile".to_string(), "DF301".to_string())]
    );
    let clean = p.run_stdin(&["-"], CLEAN);
    clean.expect_code(0);
}

#[test]
fn folders_are_searched_respecting_gitignore() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS)
        .file("services/api/Dockerfile.dev", TWO_WARNINGS)
        .file("services/web.Dockerfile", TWO_WARNINGS)
        .file(".devcontainer/Dockerfile", TWO_WARNINGS)
        .file("build/Dockerfile", TWO_WARNINGS)
        .file("services/notes.txt", TWO_WARNINGS)
        .file(".gitignore", "build/\n");
    let run = p.run(&["--format", "json", "--select", "DF301", "."]);
    run.expect_code(1);
    let files: Vec<String> = run.findings().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        files,
        [
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "services/api/Dockerfile.dev",
            "services/web.Dockerfile"
        ]
    );
    // A file named on the command line is checked even when ignored.
    let named = p.run(&["--format", "json", "--select", "DF301", "build/Dockerfile"]);
    assert_eq!(named.findings().len(), 1);
}

#[test]
fn many_files_report_in_path_order() {
    let p = Project::new();
    for i in 0..40 {
        p.file(&format!("d{:02}/Dockerfile", 39 - i), TWO_WARNINGS);
    }
    let first = p.run(&["--format", "json", SELECT]);
    first.expect_code(1);
    let files: Vec<String> = first.findings().into_iter().map(|(f, _)| f).collect();
    assert_eq!(files.len(), 80);
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    for _ in 0..3 {
        assert_eq!(p.run(&["--format", "json", SELECT]).stdout, first.stdout);
    }
}

#[test]
fn missing_file_is_named_and_the_others_are_checked() {
    let p = Project::new();
    p.file("a/Dockerfile", TWO_WARNINGS)
        .file("b/Dockerfile", CLEAN);
    let run = p.run(&[
        "--format",
        "json",
        SELECT,
        "a/Dockerfile",
        "missing/Dockerfile",
        "b/Dockerfile",
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("missing/Dockerfile"), "{}", run.stderr);
    assert_eq!(run.findings().len(), 2, "a/Dockerfile is still reported");
    // Unreadable (not UTF-8) content is an error for that file only.
    p.file("c/Dockerfile", b"FROM alpine\n\xff\n");
    let bad = p.run(&["--format", "json", SELECT, "c/Dockerfile", "a/Dockerfile"]);
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("c/Dockerfile: not valid UTF-8"),
        "{}",
        bad.stderr
    );
    assert_eq!(bad.findings().len(), 2);
}

#[test]
fn the_text_summary_counts_files_that_could_not_be_checked() {
    let p = Project::new();
    p.file("a/Dockerfile", TWO_WARNINGS)
        .file("b/Dockerfile", CLEAN);
    let run = p.run(&[SELECT, "missing/Dockerfile"]);
    run.expect_code(2);
    assert_eq!(
        run.stdout,
        "No file checked: 1 file could not be checked (see the errors above).\n"
    );
    let run = p.run(&[SELECT, "b/Dockerfile", "missing/Dockerfile"]);
    run.expect_code(2);
    assert_eq!(
        run.stdout,
        "No problems found in the files checked; 1 file could not be checked (see the errors above).\n"
    );
    let run = p.run(&[SELECT, "a/Dockerfile", "missing/Dockerfile", "gone"]);
    run.expect_code(2);
    assert!(
        run.stdout
            .ends_with(" 2 files could not be checked (see the errors above).\n"),
        "{}",
        run.stdout
    );
    // A broken config leaves its files unchecked too.
    p.file("b/.dflint.toml", "select = 3\n");
    let run = p.run(&[SELECT, "b/Dockerfile"]);
    run.expect_code(2);
    assert!(run.stderr.contains("b/.dflint.toml:1:"), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "No file checked: 1 file could not be checked (see the errors above).\n"
    );
}

#[test]
fn select_and_ignore() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS);
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        all.push("Dockerfile");
        p.run(&all).findings().into_iter().map(|(_, c)| c).collect()
    };
    assert_eq!(codes(&["--select", "DF301"]), ["DF301"]);
    assert_eq!(
        codes(&["--select", "latest-tag,instruction-casing"]),
        ["DF301", "DF501"]
    );
    assert_eq!(codes(&[SELECT, "--ignore", "DF501"]), ["DF301"]);
    // The more specific selector wins; on a tie, ignore wins.
    assert_eq!(codes(&[SELECT, "--ignore", "style"]), ["DF301", "DF501"]);
    assert_eq!(
        codes(&["--select", "reproducibility,style", "--ignore", "style"]),
        ["DF301"]
    );
    // Peers' codes select the rules that declare them.
    assert_eq!(codes(&["--select", "DL3007"]), ["DF301"]);
    assert_eq!(
        codes(&["--select", "DF3", "--extend-select", "DF501"]),
        ["DF301", "DF501"]
    );
}

#[test]
fn quiet_prints_only_findings() {
    let p = Project::new();
    p.file("Dockerfile", TWO_WARNINGS)
        .file("clean/Dockerfile", CLEAN);
    let loud = p.run(&[SELECT, "Dockerfile"]);
    let quiet = p.run(&["--quiet", SELECT, "Dockerfile"]);
    quiet.expect_code(1);
    assert!(quiet.stdout.contains("DF301/latest-tag"));
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    assert!(loud.stdout.starts_with(&quiet.stdout));
    let clean = p.run(&["-q", "clean/Dockerfile"]);
    clean.expect_code(0);
    assert_eq!(clean.stdout, "");
}

#[test]
fn statistics_count_by_rule() {
    let p = Project::new();
    p.file("a/Dockerfile", TWO_WARNINGS)
        .file("b/Dockerfile", TWO_WARNINGS);
    let run = p.run(&["--statistics", SELECT, "."]);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines
        .iter()
        .any(|l| l.contains("DF501") && l.contains("[*]") && l.trim_start().starts_with('2')));
    assert!(lines
        .iter()
        .any(|l| l.contains("DF301") && !l.contains("[*]")));
    let json = p
        .run(&["--statistics", "--format", "json", SELECT, "."])
        .json();
    let stats = json.as_array().unwrap();
    assert_eq!(stats.len(), 2);
    for s in stats {
        assert_eq!(s["count"], 2);
    }
}

#[test]
fn version_and_completions() {
    let p = Project::new();
    let version = p.run(&["--version"]);
    version.expect_code(0);
    let shown = version.stdout.trim();
    // Release builds add the commit (tests/release/run.sh checks it); a debug build shows the version alone.
    let plain = format!("dflint {}", env!("CARGO_PKG_VERSION"));
    assert!(
        shown == plain || shown.starts_with(&format!("{plain} (")),
        "{shown}"
    );
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = p.run(&["completions", shell]);
        run.expect_code(0);
        assert!(run.stdout.contains("dflint"), "{shell}");
        assert!(
            run.stdout.contains("unsafe-fixes"),
            "{shell}: check's flags are completed"
        );
    }
    p.run(&["completions", "tcsh"]).expect_code(2);
    let help = p.run(&["--help"]);
    help.expect_code(0);
    for word in ["check", "rules", "rule", "completions", "--fix"] {
        assert!(
            help.stdout.contains(word),
            "{word} in help: {}",
            help.stdout
        );
    }
}

#[test]
fn no_dockerfiles_is_a_warning_not_a_failure() {
    let p = Project::new();
    p.file("README.md", "# nothing\n");
    let run = p.run(&["."]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("no Dockerfiles found"),
        "{}",
        run.stderr
    );
}
