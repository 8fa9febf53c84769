//! `--shellcheck` and `shellcheck = true`: the real `shellcheck` program (Debian's, installed by
//! scripts/install-test-deps) over the RUN scripts, its positions mapped back into the Dockerfile.
#[path = "cli_support/mod.rs"]
mod support;

use support::Project;

const SRC: &str = "FROM debian:bookworm-slim\nARG VERSION=1\nRUN set -e; \\\n    echo \"$VERSION\"; \\\n    unused=1\nRUN <<EOF\ncd /tmp\ncp `ls` /x\nEOF\n";

/// (line, message) of the findings the program gave.
fn external(run: &support::Run) -> Vec<(u64, String)> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "DF799")
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn shellcheck_findings_map_to_dockerfile_lines() {
    let p = Project::new();
    p.file("Dockerfile", SRC);
    let run = p.run(&[
        "--format",
        "json",
        "--select",
        "shell",
        "--shellcheck",
        "Dockerfile",
    ]);
    let found = external(&run);
    // SC2034 on `unused` (a continuation line), SC2164 on the heredoc's `cd`; the ARG is defined, so no SC2154.
    assert!(
        found
            .iter()
            .any(|(l, m)| *l == 5 && m.starts_with("SC2034")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(l, m)| *l == 7 && m.starts_with("SC2164")),
        "{found:?}"
    );
    // Codes read natively are left to dflint's own rules (SC2006 is `backtick-substitution`).
    assert!(
        !found.iter().any(|(_, m)| m.starts_with("SC2006")),
        "{found:?}"
    );
    let all = p.run(&[
        "--format",
        "json",
        "--select",
        "shell",
        "--shellcheck",
        "--shellcheck-all-codes",
        "Dockerfile",
    ]);
    let found = external(&all);
    assert!(
        found
            .iter()
            .any(|(l, m)| *l == 8 && m.starts_with("SC2006")),
        "{found:?}"
    );
}

#[test]
fn config_key_turns_it_on() {
    let p = Project::new();
    p.file("Dockerfile", SRC);
    let run = p.run(&["--format", "json", "--select", "shell", "Dockerfile"]);
    assert!(external(&run).is_empty());
    p.file(".dflint.toml", "shellcheck = true\n");
    let run = p.run(&["--format", "json", "--select", "shell", "Dockerfile"]);
    assert!(!external(&run).is_empty());
}

#[test]
fn suppression_comments_name_shellcheck_codes() {
    let p = Project::new();
    p.file(
        "Dockerfile",
        "FROM debian:bookworm-slim\n# hadolint ignore=SC2034\nRUN unused=1\nRUN other=1\n",
    );
    let run = p.run(&[
        "--format",
        "json",
        "--select",
        "shell",
        "--shellcheck",
        "Dockerfile",
    ]);
    let found = external(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, 4);
    assert!(found[0].1.starts_with("SC2034"));
}

#[test]
fn the_programs_findings_point_to_shellchecks_pages() {
    let p = Project::new();
    p.file("Dockerfile", SRC);
    let run = p.run(&[
        "--format",
        "json",
        "--select",
        "shell",
        "--shellcheck",
        "Dockerfile",
    ]);
    let json = run.json();
    let sc2034 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().starts_with("SC2034"))
        .expect("SC2034 reported");
    assert_eq!(sc2034["url"], "https://www.shellcheck.net/wiki/SC2034");
    let text = p.run(&["--select", "shell", "--shellcheck", "Dockerfile"]);
    assert!(
        text.stdout
            .contains("docs: https://www.shellcheck.net/wiki/SC2034 (or `dflint rule DF799`)"),
        "{}",
        text.stdout
    );
    // The code the findings carry has a page, and so has a ShellCheck code no rule reads.
    let page = p.run(&["rule", "DF799"]);
    page.expect_code(0);
    assert!(page.stdout.contains("--shellcheck"), "{}", page.stdout);
    let uncovered = p.run(&["rule", "SC2034"]);
    assert!(
        uncovered
            .stderr
            .contains("`dflint check --shellcheck` reports it"),
        "{}",
        uncovered.stderr
    );
}
