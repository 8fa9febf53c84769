//! The build context is found, not assumed: `--context`, else the nearest folder at or above the Dockerfile that
//! holds every file it copies; `.dockerignore` looked up as BuildKit does; templates and dependency folders left
//! out of folder scans; `--diff` output that `git apply` and `patch -p1` accept.
mod cli_support;

use std::path::Path;
use std::process::Command;

use cli_support::Project;

/// A Go project whose Dockerfile lives in `docker/` and is built from the repository root
/// (`docker build -f docker/Dockerfile .`).
const GO_FROM_ROOT: &str = "FROM golang:1.22
WORKDIR /app
COPY go.mod ./
COPY src ./src
RUN go build -o /app/bin ./src
COPY . .
CMD [\"/app/bin\"]
";

fn go_repo() -> Project {
    let p = Project::new();
    p.file(".git/HEAD", "ref: refs/heads/main\n")
        .file("go.mod", "module example.com/x\n\ngo 1.22\n")
        .file("src/main.go", "package main\n\nfunc main() {}\n")
        .file("docker/Dockerfile", GO_FROM_ROOT);
    p
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("no line starting with {needle:?} in\n{text}"))
}

#[test]
fn a_dockerfile_in_a_subfolder_is_fixed_against_the_repository_root() {
    let p = go_repo();
    let run = p.run(&["--fix", "--unsafe-fixes", "-v", "docker/Dockerfile"]);
    let fixed = p.read_string("docker/Dockerfile");
    // The build reads `src`: it may not move above the copy that brings it in.
    assert!(
        line_of(&fixed, "COPY src") < line_of(&fixed, "RUN go build"),
        "{fixed}\n{run:#?}"
    );
    // The `.dockerignore` goes where BuildKit reads it: the context root, not the Dockerfile's folder.
    assert!(p.path(".dockerignore").is_file(), "{run:#?}");
    assert!(!p.path("docker/.dockerignore").exists());
    assert!(
        run.stderr.contains(
            "docker/Dockerfile: build context `.` (1 folder above the Dockerfile: the nearest that holds `go.mod`, `src`)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_context_is_found_from_inside_the_dockerfiles_folder_too() {
    let p = go_repo();
    let run = cli_support::run_in(&p.path("docker"), &["-v", "Dockerfile"], None);
    let root = std::fs::canonicalize(p.dir.path()).unwrap();
    let said = run
        .stderr
        .contains(&format!("build context `{}`", root.display()))
        || run
            .stderr
            .contains(&format!("build context `{}`", p.dir.path().display()));
    assert!(said, "{}", run.stderr);
}

#[test]
fn given_context_wins() {
    let p = go_repo();
    p.file("docker/.dockerignore", ".git\n");
    let run = p.run(&[
        "--format=json",
        "-v",
        "--context",
        "docker",
        "docker/Dockerfile",
    ]);
    assert!(
        run.stderr.contains("build context `docker` (--context)"),
        "{}",
        run.stderr
    );
    // `docker/.dockerignore` is at the given root: nothing is missing.
    assert!(
        !run.findings().iter().any(|(_, code)| code == "DF404"),
        "{}",
        run.stdout
    );
    // Found by discovery instead, the root has no `.dockerignore`.
    let found = p.run(&["--format=json", "docker/Dockerfile"]);
    assert!(
        found.findings().iter().any(|(_, code)| code == "DF404"),
        "{}",
        found.stdout
    );
}

#[test]
fn without_a_context_the_rules_that_need_one_stay_quiet_and_say_why() {
    let p = Project::new();
    p.file(".git/HEAD", "ref: refs/heads/main\n").file(
        "app/Dockerfile",
        "FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCOPY dist-not-built-yet /srv\n",
    );
    p.file("app/package.json", "{}");
    let run = p.run(&["--format=json", "--fix", "--unsafe-fixes", "app/Dockerfile"]);
    assert!(
        !run.findings().iter().any(|(_, code)| code == "DF404"),
        "{}",
        run.stdout
    );
    assert!(!p.path("app/.dockerignore").exists());
    assert!(!p.path(".dockerignore").exists());
    assert!(
        run.stderr.contains("app/Dockerfile: build context not found: no folder from the Dockerfile's up to `.` holds every file it copies (`dist-not-built-yet` not beside it); checks that read the context were skipped; pass --context"),
        "{}",
        run.stderr
    );
    // Two such files: one line, pointing at -v.
    p.file(
        "app/web.Dockerfile",
        "FROM nginx\nCOPY site/ /usr/share/nginx/html/\n",
    );
    let run = p.run(&["app"]);
    assert!(
        run.stderr
            .contains("note: build context not found for 2 files"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_dockerfiles_own_ignore_file_comes_first() {
    let p = go_repo();
    p.file("docker/api.Dockerfile", GO_FROM_ROOT)
        .file("docker/api.Dockerfile.dockerignore", ".git\n")
        .file("docker/web.Dockerfile", GO_FROM_ROOT);
    let run = p.run(&["--format=json", "-v", "--select=DF404", "docker"]);
    let mut flagged: Vec<String> = run.findings().into_iter().map(|(f, _)| f).collect();
    flagged.sort();
    // `api.Dockerfile.dockerignore` applies to api.Dockerfile only.
    assert_eq!(
        flagged,
        ["docker/Dockerfile", "docker/web.Dockerfile"],
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("; ignore file `docker/api.Dockerfile.dockerignore`"),
        "{}",
        run.stderr
    );
    // A `.dockerignore` at the context root serves the others.
    p.file(".dockerignore", ".git\n");
    let run = p.run(&["--format=json", "-v", "--select=DF404", "docker"]);
    assert!(run.findings().is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains("; ignore file `.dockerignore`"),
        "{}",
        run.stderr
    );
}

#[test]
fn folder_scans_skip_templates_but_named_templates_are_linted_not_fixed() {
    let p = Project::new();
    let lower = "FROM alpine:3.20\nrun echo hi\n";
    p.file("Dockerfile", lower)
        .file("Dockerfile.template", lower)
        .file("Dockerfile.j2", lower)
        .file("x/Dockerfile.tmpl", lower)
        .file("go/Dockerfile", "FROM {{ .Base }}\nrun echo hi\n")
        .file(
            "inspect/Dockerfile",
            "FROM alpine:3.20\nrun docker inspect -f '{{.Id}}' x\n",
        );
    let run = p.run(&["--format=json", "-v", "--select=DF501"]);
    let mut files: Vec<String> = run.findings().into_iter().map(|(f, _)| f).collect();
    files.sort();
    // A Go template inside a shell command is not template markup.
    assert_eq!(files, ["Dockerfile", "inspect/Dockerfile"], "{run:#?}");
    assert!(
        run.stderr
            .contains("note: go/Dockerfile: skipped: a template (template markup on line 1)"),
        "{}",
        run.stderr
    );
    let named = p.run(&["--fix", "--select=DF501", "Dockerfile.template"]);
    named.expect_code(1);
    assert_eq!(p.read_string("Dockerfile.template"), lower);
    assert!(
        named.stderr.contains("Dockerfile.template: not fixing a template (its name ends with `.template`): it is not the Dockerfile that gets built"),
        "{}",
        named.stderr
    );
    assert!(named.stdout.contains("DF501"), "{}", named.stdout);
}

#[test]
fn folder_scans_skip_dependency_build_and_hidden_folders_without_git() {
    let p = Project::new();
    for rel in [
        "Dockerfile",
        "node_modules/pkg/Dockerfile",
        ".venv/lib/Dockerfile",
        "venv/Dockerfile",
        "target/Dockerfile",
        ".cache/Dockerfile",
        ".devcontainer/Dockerfile",
        ".github/actions/x/Dockerfile",
        "svc/Dockerfile",
    ] {
        p.file(rel, "FROM alpine:3.20\nrun echo hi\n");
    }
    let run = p.run(&["--format=json", "--select=DF501"]);
    let mut files: Vec<String> = run.findings().into_iter().map(|(f, _)| f).collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".devcontainer/Dockerfile",
            ".github/actions/x/Dockerfile",
            "Dockerfile",
            "svc/Dockerfile"
        ]
    );
}

/// Runs a command in `dir`, returning its exit status and what it printed.
fn sh(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const LOWER: &str = "FROM alpine:3.20\nrun echo a\nRUN echo b\nrun echo c";

/// Files whose bytes a diff must keep: CRLF, no final newline, a BOM, and a folder that gets a `.dockerignore`.
fn awkward_files(p: &Project) {
    p.file("crlf/Dockerfile", LOWER.replace('\n', "\r\n") + "\r\n")
        .file("no-eol/Dockerfile", LOWER)
        .file("bom/Dockerfile", format!("\u{feff}{LOWER}\n"))
        .file("crlf-no-eol/Dockerfile", LOWER.replace('\n', "\r\n"))
        .file("node/package.json", "{}\n")
        .file(
            "node/Dockerfile",
            "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n",
        );
}

#[test]
fn diffs_apply_with_git_apply_and_patch_and_equal_the_fix() {
    let diffed = Project::new();
    let fixed = Project::new();
    awkward_files(&diffed);
    awkward_files(&fixed);
    let args = ["--select=DF501,DF404", "--unsafe-fixes"];
    let run = diffed.run(&[&["--diff"][..], &args].concat());
    run.expect_code(1);
    let diff = &run.stdout;
    assert!(
        diff.contains("--- /dev/null\n+++ b/node/.dockerignore\n"),
        "{diff}"
    );
    assert!(diff.contains("\\ No newline at end of file\n"), "{diff}");
    assert!(diff.contains("+RUN echo a\r\n"), "{diff}");
    assert!(diff.contains("--- a/bom/Dockerfile\n"), "{diff}");
    std::fs::write(diffed.path("fix.patch"), diff).unwrap();

    let root = diffed.dir.path();
    let (ok, out) = sh(root, "git", &["apply", "--check", "-v", "fix.patch"]);
    assert!(ok, "git apply --check: {out}\n{diff}");
    let (ok, out) = sh(root, "patch", &["-p1", "--dry-run", "-i", "fix.patch"]);
    assert!(ok, "patch -p1 --dry-run: {out}\n{diff}");
    assert!(!out.contains("Hunk"), "patch needed fuzz or offsets: {out}");

    fixed.run(&[&["--fix"][..], &args].concat()).expect_code(0);
    let (ok, out) = sh(root, "patch", &["-p1", "-i", "fix.patch"]);
    assert!(ok, "patch -p1: {out}");
    for rel in [
        "crlf/Dockerfile",
        "no-eol/Dockerfile",
        "bom/Dockerfile",
        "crlf-no-eol/Dockerfile",
        "node/Dockerfile",
        "node/.dockerignore",
    ] {
        assert_eq!(
            diffed.read(rel),
            fixed.read(rel),
            "{rel}: the patched file differs from --fix's"
        );
    }
    assert!(fixed.read_string("bom/Dockerfile").starts_with('\u{feff}'));
    assert!(fixed
        .read_string("no-eol/Dockerfile")
        .ends_with("RUN echo c"));
    assert!(fixed
        .read_string("crlf-no-eol/Dockerfile")
        .ends_with("b\r\nRUN echo c"));
}

#[test]
fn a_diff_applies_with_git_apply_too() {
    let p = Project::new();
    awkward_files(&p);
    let run = p.run(&["--diff", "--select=DF501,DF404", "--unsafe-fixes"]);
    std::fs::write(p.path("fix.patch"), &run.stdout).unwrap();
    let (ok, out) = sh(p.dir.path(), "git", &["apply", "fix.patch"]);
    assert!(ok, "git apply: {out}\n{}", run.stdout);
    assert!(p.read_string("crlf/Dockerfile").contains("RUN echo a\r\n"));
    assert!(p.path("node/.dockerignore").is_file());
}

#[test]
fn the_search_does_not_leave_the_working_folder_above_the_dockerfile() {
    // No git repository: only the working folder bounds the search.
    let p = Project::new();
    p.file("README.md", "# a project\n").file(
        "work/app/Dockerfile",
        "FROM nginx\nCOPY README.md /usr/share/doc/\n",
    );
    let inside = cli_support::run_in(&p.path("work"), &["-v", "app/Dockerfile"], None);
    assert!(
        inside
            .stderr
            .contains("app/Dockerfile: build context not found: no folder from the Dockerfile's up to `.` holds every file it copies (`README.md` not beside it)"),
        "{}",
        inside.stderr
    );
    let above = p.run(&["-v", "work/app/Dockerfile"]);
    assert!(
        above.stderr.contains(
            "work/app/Dockerfile: build context `.` (2 folders above the Dockerfile: the nearest that holds `README.md`)"
        ),
        "{}",
        above.stderr
    );
}
