//! What the rules with ShellCheck codes share: one code's findings in every RUN, with the Dockerfile applied (the
//! ARG and ENV in force are defined variables, the SHELL's dialect and `-e`).
use crate::engine::{Context, Diagnostic};
use crate::optimizer::facts::Facts;
use crate::rules::run_scripts::run_scripts;
use crate::shell::{basename, ShellCode, ShellLint};

/// Build arguments Docker defines in every RUN without an `ARG` line (its predefined proxy arguments).
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The findings of `code` in every RUN of a POSIX shell stage (`ONBUILD RUN` included), in document order.
pub(crate) fn shellcheck_findings(ctx: &Context, code: ShellCode) -> Vec<ShellLint> {
    let facts = Facts::new(ctx);
    let doc = ctx.doc();
    let mut out = Vec::new();
    for run in run_scripts(ctx) {
        let mut lints = run
            .script
            .lints
            .iter()
            .filter(|l| l.code == code)
            .peekable();
        if lints.peek().is_none() {
            continue;
        }
        let states = facts.states();
        let shell = states.at.get(run.index).and_then(|s| s.shell.as_deref());
        let posix = shell
            .and_then(|w| w.first())
            .is_none_or(|p| matches!(basename(p), "sh" | "dash" | "ash"));
        let errexit = shell.is_some_and(shell_errexit);
        let stage = doc
            .stages()
            .iter()
            .find(|s| s.instructions.contains(&run.index));
        let vars = stage.map_or(&[][..], |s| states.vars_at(s.index, run.index));
        for l in lints {
            if l.posix_only && !posix {
                continue;
            }
            if l.needs_errexit && !errexit {
                continue;
            }
            if let Some(v) = &l.var {
                if PREDEFINED.contains(&v.as_str()) || vars.iter().any(|d| &d.name == v) {
                    continue;
                }
            }
            out.push(l.clone());
        }
    }
    out
}

/// `SHELL ["/bin/sh", "-ec"]`, `["bash", "-euo", "pipefail", "-c"]`, `["sh", "-o", "errexit", "-c"]`.
fn shell_errexit(words: &[String]) -> bool {
    words.iter().skip(1).enumerate().any(|(i, w)| {
        (w.starts_with('-') && !w.starts_with("--") && w[1..].contains('e'))
            || (w == "errexit" && i > 0 && words[i] == "-o")
    })
}

/// Reports every finding of `code` with `message`.
pub(crate) fn report(
    ctx: &Context,
    code: ShellCode,
    out: &mut Vec<Diagnostic>,
    message: impl Fn(&ShellLint, &str) -> String,
) {
    for l in shellcheck_findings(ctx, code) {
        let text = ctx.slice(l.range.clone());
        out.push(ctx.diagnostic(l.range.clone(), message(&l, text)));
    }
}
