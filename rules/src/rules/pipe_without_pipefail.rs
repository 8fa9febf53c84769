//! `pipe-without-pipefail`: a RUN pipeline whose failures the shell ignores.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::optimizer::facts::Facts;
use crate::rules::run_scripts::{operator_after, run_scripts};
use crate::shell::SimpleCommand;
use crate::syntax::{Document, Kind};

declare_rule! {
    /// Reports a pipe in a `RUN` whose shell does not run with `-o pipefail`.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is its last command's.
    /// In `RUN curl -fsSL https://example.com/install.sh | sh`, a failed download gives `sh` an empty script, `sh`
    /// succeeds, and the build goes on without what the script installs.
    /// With `pipefail`, any failing command in the pipeline fails the `RUN`.
    ///
    /// Set it once for the stage with `SHELL` (a shell that has the option: bash, zsh, or busybox's ash in Alpine;
    /// Debian's `/bin/sh` is dash, whose version in bookworm does not).
    /// A stage built `FROM` an earlier stage inherits that stage's `SHELL`.
    ///
    /// Not reported: a pipe whose left side only prints (`echo`, `printf`, `yes`, `true`), which has nothing to
    /// report (and `yes | command` would fail under `pipefail`, killed by the closed pipe); a `RUN` that runs
    /// `set -o pipefail` itself before the pipe; stages whose `SHELL` is not a POSIX shell.
    /// hadolint reports the last two kinds of `RUN` as well, and a stage built from a stage that set
    /// `SHELL [..., "-o", "pipefail", ...]`; dflint follows what the shell does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/install.sh | bash
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which shell has the option depends on the image, and `pipefail` can make a `RUN` that worked fail.
    ///
    /// ## References
    /// - [SHELL](https://docs.docker.com/reference/dockerfile/#shell)
    /// - [Best practices: using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
    /// - hadolint's [`DL4006`](https://github.com/hadolint/hadolint/wiki/DL4006)
    pub struct PipeWithoutPipefail {
        code: "DF141",
        name: "pipe-without-pipefail",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL4006")],
        options: [],
    }
}

/// Commands whose output is all they do: a pipe from them loses no failure.
const PRINTERS: &[&str] = &["echo", "printf", "yes", "true"];

impl Rule for PipeWithoutPipefail {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for run in run_scripts(ctx) {
            // `SHELL ["bash", "-o", "pipefail", "-c"]` in force: every pipe fails as it should.
            if shell_has_pipefail(ctx, doc, run.index) {
                continue;
            }
            let cmds = &run.script.commands;
            // The command after each one is the first that starts where it ends: a substitution's commands sit
            // inside the command that holds them.
            let pipe = cmds.iter().enumerate().find_map(|(i, c)| {
                let next = cmds[i + 1..]
                    .iter()
                    .find(|n| n.range.start >= c.range.end)?;
                let (at, op) = operator_after(ctx.text(), c.range.end, next.range.start)?;
                if !op.starts_with('|') || op.starts_with("||") {
                    return None;
                }
                // The shell's own `set -o pipefail` earlier in the script.
                if cmds[..=i].iter().any(sets_pipefail) {
                    return None;
                }
                if c.program().is_some_and(|p| PRINTERS.contains(&p)) {
                    return None;
                }
                let len = if op.starts_with("|&") { 2 } else { 1 };
                Some(at..at + len)
            });
            if let Some(range) = pipe {
                out.push(ctx.diagnostic(
                    range,
                    "pipe without `pipefail`: a failure on its left is ignored; set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or ash's, zsh's) before this `RUN`",
                ));
            }
        }
    }
}

/// `set -o pipefail`, `set -euo pipefail`, `set -eo pipefail`.
fn sets_pipefail(c: &SimpleCommand) -> bool {
    if c.conditional || c.program() != Some("set") {
        return false;
    }
    has_pipefail_option(&c.args())
}

/// An `-o pipefail` (or `-eo pipefail`) among shell options.
fn has_pipefail_option(args: &[&str]) -> bool {
    args.windows(2).any(|w| {
        w[1] == "pipefail"
            && w[0].starts_with('-')
            && !w[0].starts_with("--")
            && w[0].ends_with('o')
    })
}

/// Whether the `SHELL` in force at instruction `at` (in its stage, or inherited from the stage it builds on) sets
/// `pipefail`.
fn shell_has_pipefail(ctx: &Context, doc: &Document, at: usize) -> bool {
    let facts = Facts::new(ctx);
    let Some(stage) = doc.stage_of(at) else {
        return false;
    };
    let own = (stage.instructions.start..at)
        .rev()
        .find(|&i| facts.ins(i).kind == Kind::Shell);
    // The parent's effective SHELL already looks up its own chain (and remembers the answer).
    let shell = own.or_else(|| {
        facts
            .parent(stage)
            .and_then(|p| facts.effective(p, Kind::Shell))
    });
    let Some(i) = shell else {
        return false;
    };
    let Some(elements) = &facts.steps[i].args.json else {
        return false;
    };
    let args: Vec<&str> = elements.iter().map(|e| e.value.as_str()).collect();
    has_pipefail_option(&args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &PipeWithoutPipefail::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN curl -fsSL x | sh\n", &["|"]),
                ("FROM a\nRUN wget -O- x \\\n  | tar -xz\n", &["|"]),
                ("FROM a\nRUN if true; then curl x | sh; fi\n", &["|"]),
                ("FROM a\nRUN echo $(curl x | head -1)\n", &["|"]),
                ("FROM a\nRUN curl x |& tee log\n", &["|&"]),
                ("FROM a\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\n", &["|"]),
                ("FROM a\nRUN <<EOF\ncurl x | sh\nEOF\n", &["|"]),
                ("FROM a\nONBUILD RUN curl x | sh\n", &["|"]),
                // Only the first pipe of a RUN.
                ("FROM a\nRUN curl x | sh && curl y | sh\n", &["|"]),
                // A SHELL without the option, and one in another stage.
                (
                    "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nRUN curl x | sh\n",
                    &["|"],
                ),
                (
                    "FROM a AS one\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN curl x | sh\n",
                    &["|"],
                ),
                // pipefail set after the pipe.
                ("FROM a\nRUN curl x | sh; set -o pipefail\n", &["|"]),
                ("FROM a\nRUN echo a | grep a | sort\n", &["|"]),
                ("FROM a\nRUN curl x-$(uname -m).tgz | tar -xz\n", &["|"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN echo a || echo b\n",
                "FROM a\nRUN echo 'a | b'\n",
                "FROM a\nRUN echo root:x | chpasswd\n",
                "FROM a\nRUN yes | sdkmanager --licenses\n",
                "FROM a\nRUN set -o pipefail && curl x | sh\n",
                "FROM a\nRUN set -euxo pipefail; curl x | sh\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n",
                "FROM a\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl x | sh\n",
                "FROM a AS one\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM one\nRUN curl x | sh\n",
                "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN curl x | sh\n",
                "FROM a\nCMD curl x | sh\n",
                "FROM a\nRUN case $x in a|b) echo;; esac\n",
            ],
        );
    }
}
