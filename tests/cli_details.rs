//! The command-line details users of ruff and hadolint expect: `--format concise`, `dflint graph -` and its refusal
//! of folders, the file a fix creates in `--format json`, and `dflint rule` for the peers' codes.
#[path = "cli_support/mod.rs"]
mod support;

use dflint_rules::engine::{all_rules, peer_tool_of, rules_for_peer, ABSENCES};
use support::Project;

const TWO_WARNINGS: &str = "FROM alpine:latest\nRUN echo a\nrun echo b\n";

#[test]
fn concise_is_one_line_per_finding() {
    let p = Project::new();
    p.file("sub/Dockerfile", TWO_WARNINGS);
    let run = p.run(&["check", "--select=DF301,DF501", "--format", "concise", "."]);
    run.expect_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("sub/Dockerfile:1:13: DF301 [latest-tag] "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("sub/Dockerfile:3:1: DF501 [instruction-casing] "),
        "{}",
        lines[1]
    );
    // Nothing but the findings: no summary, no source lines.
    let clean = p.run(&["check", "--select=DF301", "--format", "concise", "-"]);
    clean.expect_code(0);
    assert_eq!(clean.stdout, "");
}

#[test]
fn graph_reads_stdin_and_refuses_a_folder() {
    let p = Project::new();
    p.file(
        "app/Dockerfile",
        "FROM alpine:3 AS build\nRUN echo hi > /x\nFROM scratch\nCOPY --from=build /x /x\n",
    );
    let text = std::fs::read_to_string(p.path("app/Dockerfile")).unwrap();
    let from_stdin = p.run_stdin(&["graph", "-"], &text);
    from_stdin.expect_code(0);
    let from_file = p.run(&["graph", "app/Dockerfile"]);
    from_file.expect_code(0);
    assert_eq!(from_stdin.stdout, from_file.stdout);
    assert!(
        from_stdin.stdout.contains("COPY --from"),
        "{}",
        from_stdin.stdout
    );

    let folder = p.run(&["graph", "app"]);
    folder.expect_code(2);
    assert!(folder.stderr.contains("is a folder"), "{}", folder.stderr);
    assert!(
        folder.stderr.contains("app/Dockerfile"),
        "names the file inside: {}",
        folder.stderr
    );

    let help = p.run(&["graph", "--help"]);
    help.expect_code(0);
    assert!(help.stdout.contains("`-` reads stdin"), "{}", help.stdout);
}

#[test]
fn json_shows_the_file_a_fix_creates() {
    let p = Project::new();
    p.file("app/Dockerfile", "FROM alpine:3.20\nCOPY . /app\n")
        .file("app/main.sh", "echo hi\n");
    let run = p.run(&[
        "check",
        "--select=DF404",
        "--format",
        "json",
        "app/Dockerfile",
    ]);
    run.expect_code(1);
    let all = run.json();
    let fix = &all[0]["fix"];
    assert_eq!(all[0]["code"], "DF404", "{all}");
    assert_eq!(fix["edits"], serde_json::json!([]));
    let created = fix["create_files"].as_array().expect("create_files");
    assert_eq!(created.len(), 1, "{fix}");
    assert_eq!(created[0]["path"], "app/.dockerignore");
    let content = created[0]["content"].as_str().unwrap();
    // What --fix writes is what the report shows.
    p.run(&[
        "check",
        "--select=DF404",
        "--fix",
        "--unsafe-fixes",
        "app/Dockerfile",
    ]);
    assert_eq!(p.read_string("app/.dockerignore"), content);
    // A fix that creates nothing has no such field.
    let other = p.run_stdin(
        &["check", "--select=DF501", "--format", "json", "-"],
        "from alpine:3\n",
    );
    assert!(other.json()[0]["fix"].get("create_files").is_none());
}

#[test]
fn rule_answers_for_every_kind_of_peer_code() {
    let p = Project::new();
    // A code one rule declares: that rule's page.
    let declared = all_rules()
        .iter()
        .flat_map(|r| r.peers.iter().map(move |peer| (r, peer.code())))
        .find(|(_, code)| rules_for_peer(code).len() == 1)
        .expect("a peer code with one rule");
    let page = p.run(&["rule", declared.1]);
    page.expect_code(0);
    assert!(page
        .stdout
        .starts_with(&format!("# {} ({})", declared.0.name, declared.0.code)));

    // A deliberate absence: says so, why, and what to use instead.
    for a in ABSENCES {
        let run = p.run(&["rule", &a.peer.code().to_ascii_lowercase()]);
        run.expect_code(0);
        assert!(
            run.stdout.contains("no dflint equivalent"),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains(a.why), "{}", run.stdout);
        for name in a.instead {
            assert!(run.stdout.contains(name), "{}", run.stdout);
        }
    }

    // A hadolint code no rule declares (today DL3020, the one the issue named, unless a rule now covers it).
    let uncovered = (3000..3070)
        .map(|n| format!("DL{n}"))
        .find(|code| {
            rules_for_peer(code).is_empty() && ABSENCES.iter().all(|a| a.peer.code() != code)
        })
        .expect("some DL30xx without a rule");
    assert_eq!(peer_tool_of(&uncovered), Some("hadolint"));
    let run = p.run(&["rule", &uncovered]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(&format!(
            "`{uncovered}` is a hadolint check that no dflint rule covers yet"
        )),
        "{}",
        run.stderr
    );

    // Not a code of anyone's.
    let run = p.run(&["rule", "XY123"]);
    run.expect_code(2);
    assert!(run.stderr.contains("no rule `XY123`"), "{}", run.stderr);
}
