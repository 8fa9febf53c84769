//! Puts the git commit dflint is built from into `dflint --version` (`DFLINT_VERSION`).
//!
//! From a git checkout the commit comes from git; from a
//! `git archive` tarball, from `server/commit.txt`, which git fills in when it writes the archive (`export-subst`
//! in `.gitattributes`); `DFLINT_COMMIT` overrides both (for packagers building from other sources). With none of
//! them the version is shown alone.
//!
//! Only release builds (`cargo install`, scripts/release, the `profiling` profile) ask git: watching git's HEAD
//! would rebuild the whole package, the library and every test, on each commit of a debug build.
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DFLINT_COMMIT");
    println!("cargo:rerun-if-changed=server/commit.txt");
    let commit = std::env::var("DFLINT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_string())
        .or_else(|| {
            if std::env::var("PROFILE").as_deref() == Ok("release") {
                from_git()
            } else {
                None
            }
        })
        .or_else(from_archive);
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=DFLINT_VERSION={full}");
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

fn from_git() -> Option<String> {
    // Only this checkout's own repository: a tarball unpacked inside some other repository must not take its commit.
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let here = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    if Path::new(&top).canonicalize().ok()? != Path::new(&here).canonicalize().ok()? {
        return None;
    }
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    // A new commit or a branch switch changes these files, so the version follows without a clean build.
    for path in ["HEAD", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(head_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
        if let Some(p) = git(&["rev-parse", "--git-path", &head_ref]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    Some(match git(&["show", "-s", "--format=%cs", "HEAD"]) {
        Some(date) => format!("{commit} {date}"),
        None => commit,
    })
}

fn from_archive() -> Option<String> {
    let text = std::fs::read_to_string("server/commit.txt").ok()?;
    let line = text.lines().next()?.trim();
    // Not substituted: a copy of the sources that did not come from `git archive`.
    if line.is_empty() || line.contains("$Format") {
        return None;
    }
    Some(line.to_string())
}
