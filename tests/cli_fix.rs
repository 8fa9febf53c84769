//! `--fix`, `--unsafe-fixes` and `--diff` on disk: what is written, what is kept (line endings, BOM, permissions),
//! idempotence, and files with syntax errors.
#[path = "cli_support/mod.rs"]
mod support;

use support::Project;

/// `instruction-casing` (safe fix) on lines 2 and 4, `maintainer-deprecated` (unsafe fix) on line 3.
const MIXED: &str =
    "FROM alpine:3.20\nrun echo a\nMAINTAINER me@example.org\nrun echo b\nRUN echo c\nRUN echo d\n";
const SAFE_FIXED: &str =
    "FROM alpine:3.20\nRUN echo a\nMAINTAINER me@example.org\nRUN echo b\nRUN echo c\nRUN echo d\n";
const SELECT: &str = "--select=DF501,DF505";

#[test]
fn fix_writes_safe_fixes_and_reports_what_remains() {
    let p = Project::new();
    p.file("Dockerfile", MIXED);
    let run = p.run(&["--fix", SELECT, "Dockerfile"]);
    // The unsafe fix is not applied, so `maintainer-deprecated` remains and fails the run.
    run.expect_code(1);
    assert_eq!(p.read_string("Dockerfile"), SAFE_FIXED);
    assert!(
        run.stdout.contains("DF505/maintainer-deprecated"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("DF501"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Found 1 problem (1 fixable with --fix --unsafe-fixes)."),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("Fixed 2 problems in 1 file.\n"),
        "{}",
        run.stdout
    );
    // Idempotent: a second run changes nothing.
    let again = p.run(&["--fix", SELECT, "Dockerfile"]);
    again.expect_code(1);
    assert_eq!(p.read_string("Dockerfile"), SAFE_FIXED);
    assert!(!again.stdout.contains("Fixed"), "{}", again.stdout);
}

#[test]
fn unsafe_fixes_need_their_flag() {
    let p = Project::new();
    p.file("Dockerfile", MIXED);
    let run = p.run(&["--fix", "--unsafe-fixes", SELECT, "Dockerfile"]);
    run.expect_code(0);
    let fixed = p.read_string("Dockerfile");
    assert!(!fixed.contains("MAINTAINER"), "{fixed}");
    assert!(fixed.contains("LABEL"), "{fixed}");
    assert!(fixed.contains("me@example.org"), "{fixed}");
    assert!(
        fixed.contains("RUN echo a\n") && fixed.contains("RUN echo b\n"),
        "{fixed}"
    );
    assert_eq!(
        run.stdout,
        "No problems found.\nFixed 3 problems in 1 file.\n"
    );
    let again = p.run(&["--fix", "--unsafe-fixes", SELECT, "Dockerfile"]);
    again.expect_code(0);
    assert_eq!(p.read_string("Dockerfile"), fixed);
}

#[test]
fn config_can_turn_unsafe_fixes_on() {
    let p = Project::new();
    p.file("Dockerfile", MIXED)
        .file(".dflint.toml", "unsafe-fixes = true\n");
    let run = p.run(&["--fix", SELECT, "Dockerfile"]);
    run.expect_code(0);
    assert!(p.read_string("Dockerfile").contains("LABEL"));
    // `--no-unsafe-fixes` on the command line wins over the config.
    p.file("Dockerfile", MIXED);
    let run = p.run(&["--diff", "--no-unsafe-fixes", SELECT, "Dockerfile"]);
    run.expect_code(1);
    assert!(!run.stdout.contains("LABEL"), "{}", run.stdout);
    let check = p.run(&[SELECT, "Dockerfile"]);
    assert!(
        check
            .stdout
            .ends_with("Found 3 problems (3 fixable with --fix --unsafe-fixes).\n"),
        "{}",
        check.stdout
    );
}

#[test]
fn fix_keeps_crlf_bom_and_permissions() {
    let p = Project::new();
    let crlf = MIXED.replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    p.file("Dockerfile", &bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p.path("Dockerfile"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
    }
    p.run(&["--fix", "--unsafe-fixes", SELECT, "Dockerfile"])
        .expect_code(0);
    let written = p.read("Dockerfile");
    assert!(written.starts_with(b"\xEF\xBB\xBF"), "BOM kept");
    let text = String::from_utf8(written[3..].to_vec()).unwrap();
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF: {text:?}"
    );
    assert!(text.contains("RUN echo a\r\n"), "{text:?}");
    assert!(text.contains("LABEL"), "{text:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p.path("Dockerfile"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["Dockerfile"]);
    let again = p.run(&["--fix", "--unsafe-fixes", SELECT, "Dockerfile"]);
    again.expect_code(0);
    assert_eq!(p.read("Dockerfile"), written);
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let p = Project::new();
    p.file("Dockerfile", MIXED)
        .file("clean/Dockerfile", SAFE_FIXED);
    let run = p.run(&["--diff", SELECT, "Dockerfile"]);
    run.expect_code(1);
    assert_eq!(p.read_string("Dockerfile"), MIXED, "--diff writes nothing");
    assert!(
        run.stdout
            .starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\n-run echo a\n+RUN echo a\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("LABEL"),
        "unsafe fixes need --unsafe-fixes"
    );
    assert!(
        run.stderr.contains("Would fix 2 problems in 1 file."),
        "{}",
        run.stderr
    );
    let with_unsafe = p.run(&["--diff", "--unsafe-fixes", SELECT, "Dockerfile"]);
    assert!(
        with_unsafe.stdout.contains("+LABEL"),
        "{}",
        with_unsafe.stdout
    );
    // The diff applies: patching a copy gives what --fix writes.
    let fixed = Project::new();
    fixed.file("Dockerfile", MIXED);
    fixed.run(&["--fix", SELECT, "Dockerfile"]);
    assert_eq!(
        apply_unified(MIXED, &run.stdout),
        fixed.read_string("Dockerfile")
    );
    // Nothing to fix: no output, exit 0, even though a finding without a fix remains.
    let nothing = p.run(&["--diff", SELECT, "clean/Dockerfile"]);
    nothing.expect_code(0);
    assert_eq!(nothing.stdout, "");
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let p = Project::new();
    let run = p.run_stdin(&["--fix", SELECT, "-"], MIXED);
    run.expect_code(1);
    assert_eq!(run.stdout, SAFE_FIXED, "stdout is only the fixed text");
    assert!(
        run.stderr.contains("DF505/maintainer-deprecated"),
        "{}",
        run.stderr
    );
    let diff = p.run_stdin(
        &["--diff", SELECT, "--stdin-filename", "x/Dockerfile", "-"],
        MIXED,
    );
    diff.expect_code(1);
    assert!(
        diff.stdout.starts_with("--- a/x/Dockerfile\n"),
        "{}",
        diff.stdout
    );
}

#[test]
fn syntax_error_lines_are_left_alone() {
    let p = Project::new();
    // Line 2 is a syntax error (mixed ENV forms) and has a casing fix; line 1's fix is elsewhere.
    let source = "FROM alpine:3.20 as build\nenv a=1 b 2\nRUN echo\n";
    p.file("Dockerfile", source);
    let run = p.run(&["--fix", "--select=DF501,DF502,DF901", "Dockerfile"]);
    run.expect_code(1);
    assert_eq!(
        p.read_string("Dockerfile"),
        "FROM alpine:3.20 AS build\nenv a=1 b 2\nRUN echo\n"
    );
    assert!(run.stderr.contains("instruction-casing"), "{}", run.stderr);
    assert!(run.stdout.contains("DF901/syntax-error"), "{}", run.stdout);
    assert!(
        run.stdout.contains("DF501/instruction-casing"),
        "the skipped finding is still reported: {}",
        run.stdout
    );
    // A file whose only fixes touch the error is not rewritten at all.
    let only = "FROM alpine:3.20\nenv a=1 b 2\n";
    p.file("other/Dockerfile", only);
    p.run(&["--fix", "--select=DF501,DF901", "other/Dockerfile"])
        .expect_code(1);
    assert_eq!(p.read_string("other/Dockerfile"), only);
}

#[test]
fn fix_in_a_folder_fixes_every_file() {
    let p = Project::new();
    p.file("a/Dockerfile", MIXED)
        .file("b/Dockerfile", MIXED)
        .file("c/Dockerfile", SAFE_FIXED);
    let run = p.run(&["--fix", "--quiet", SELECT, "."]);
    run.expect_code(1);
    assert_eq!(p.read_string("a/Dockerfile"), SAFE_FIXED);
    assert_eq!(p.read_string("b/Dockerfile"), SAFE_FIXED);
    assert_eq!(p.read_string("c/Dockerfile"), SAFE_FIXED);
    assert!(!run.stdout.contains("Fixed"), "--quiet: {}", run.stdout);
}

/// Several Dockerfiles of one folder that all lack a `.dockerignore` create one between them, never one over
/// another, whether they are fixed in parallel or not; a check run of the same folder (which shares folder
/// listings between files) then finds it.
#[test]
fn dockerfiles_of_one_folder_create_one_dockerignore() {
    let p = Project::new();
    let names: Vec<String> = (0..8).map(|i| format!("app{i}.Dockerfile")).collect();
    for name in &names {
        p.file(name, "FROM alpine:3.20\nCOPY . /app\n");
    }
    let before = p.run(&["--select", "missing-dockerignore", "--format", "json", "."]);
    before.expect_code(1);
    assert_eq!(before.json().as_array().unwrap().len(), names.len());
    let run = p.run(&[
        "--fix",
        "--unsafe-fixes",
        "--select",
        "missing-dockerignore",
        ".",
    ]);
    run.expect_code(0);
    let ignore = p.read_string(".dockerignore");
    assert!(ignore.starts_with("# Generated by dflint"), "{ignore}");
    let files: Vec<String> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(files, [".dockerignore"], "no temporary file is left behind");
    let after = p.run(&["--select", "missing-dockerignore", "."]);
    after.expect_code(0);
}

/// Applies a unified diff of one file with `-`/`+`/` ` lines (no fuzz), enough to check `--diff` output.
fn apply_unified(old: &str, diff: &str) -> String {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut at = 0;
    for line in diff.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("@@ -") {
            let start: usize = header.split([',', ' ']).next().unwrap().parse().unwrap();
            while at + 1 < start {
                out.push_str(old_lines[at]);
                at += 1;
            }
        } else if line.starts_with("---") || line.starts_with("+++") {
        } else if let Some(rest) = line.strip_prefix('-') {
            assert_eq!(old_lines[at], rest);
            at += 1;
        } else if let Some(rest) = line.strip_prefix('+') {
            out.push_str(rest);
        } else if let Some(rest) = line.strip_prefix(' ') {
            assert_eq!(old_lines[at], rest);
            out.push_str(rest);
            at += 1;
        }
    }
    for line in &old_lines[at..] {
        out.push_str(line);
    }
    out
}
