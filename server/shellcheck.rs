//! The `shellcheck` program over every RUN script of a Dockerfile (`--shellcheck`, `shellcheck = true`): one process
//! per Dockerfile with all its scripts, for the ShellCheck codes dflint does not read natively, positions mapped back.
use std::process::Command;

use dflint_rules::engine::{all_rules, Diagnostic, Peer, Severity};
use dflint_rules::rules::external_scripts;
use dflint_rules::syntax::Document;
use serde::Deserialize;

/// The code and name the findings of the external program carry.
pub const CODE: &str = "DF799";
pub const NAME: &str = "shellcheck";

#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
struct Comment {
    file: String,
    line: usize,
    #[serde(rename = "endLine")]
    end_line: usize,
    column: usize,
    #[serde(rename = "endColumn")]
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

/// The ShellCheck code of one of the program's findings (`SC2034`).
pub fn code_of(d: &Diagnostic) -> Option<&str> {
    (d.code == CODE).then(|| d.message.split(':').next())?
}

/// ShellCheck's own page for a finding of the program (its wiki has one per code).
pub fn wiki_url(d: &Diagnostic) -> Option<String> {
    code_of(d).map(|code| format!("https://www.shellcheck.net/wiki/{code}"))
}

/// What `dflint rule DF799` (or `shellcheck`) prints.
pub fn page() -> String {
    format!(
        "# {CODE} `{NAME}`: the findings of the `shellcheck` program\n\n\
         `dflint check --shellcheck` (or `shellcheck = true` in `.dflint.toml`) runs the `shellcheck` program, when it \
         is installed, on every RUN script of each Dockerfile, for the ShellCheck codes that no dflint rule reads \
         natively; its findings carry the code {CODE} and name their ShellCheck code at the start of the message \
         (`SC2034: ...`).\n\
         Each ShellCheck code has its page at https://www.shellcheck.net/wiki/SC<number>.\n\
         Suppress one with `# dflint ignore=SC2034` (or `# hadolint ignore=SC2034`) above the instruction, or all of \
         them with `--ignore {CODE}`.\n"
    )
}

/// The ShellCheck codes dflint's own rules read (`all`: none, so the program reports everything).
fn native_codes() -> Vec<&'static str> {
    all_rules()
        .iter()
        .flat_map(|r| r.peers.iter())
        .filter_map(|p| match p {
            Peer::ShellCheck(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// Runs `shellcheck` on the RUN scripts of `doc`. `all_codes`: the natively read codes too (to compare them).
pub fn check(doc: &Document, all_codes: bool) -> Result<Vec<Diagnostic>, String> {
    let scripts = external_scripts(doc);
    if scripts.is_empty() {
        return Ok(Vec::new());
    }
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let mut paths = Vec::new();
    for (i, s) in scripts.iter().enumerate() {
        let path = dir.path().join(format!("{i}.sh"));
        std::fs::write(&path, &s.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        paths.push(path);
    }
    let mut cmd = Command::new("shellcheck");
    cmd.arg("--format=json1").arg("--norc");
    // hadolint's exclusions: ash is read as sh, and `source` cannot be followed.
    let mut exclude = vec!["SC2187", "SC1090", "SC1091"];
    if !all_codes {
        exclude.extend(native_codes());
    }
    cmd.arg(format!("--exclude={}", exclude.join(",")));
    cmd.arg("--").args(&paths);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `shellcheck` (is it installed?): {e}"))?;
    // Exit status 1 means findings; anything but JSON on stdout is a failure.
    let parsed: Output = serde_json::from_slice(&out.stdout).map_err(|_| {
        format!(
            "`shellcheck` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    let mut diags = Vec::new();
    for c in parsed.comments {
        let Some(i) = paths.iter().position(|p| p.to_string_lossy() == c.file) else {
            continue;
        };
        let Some(range) = scripts[i].source_range(c.line, c.column, c.end_line, c.end_column)
        else {
            continue;
        };
        let severity = match c.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => Severity::Style,
        };
        diags.push(Diagnostic {
            code: CODE,
            name: NAME,
            severity,
            range,
            message: format!("SC{}: {}", c.code, c.message),
            fix: None,
            tags: Vec::new(),
        });
    }
    diags.sort_by_key(|d| d.range.start);
    Ok(diags)
}
