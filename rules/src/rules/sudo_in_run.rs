//! `sudo-in-run`: `sudo` in a `RUN`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::shell::basename;

declare_rule! {
    /// Reports `sudo` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A build step runs as the stage's `USER`; to run a step as root, switch with `USER root` before it and back
    /// after.
    /// `sudo` in a `RUN` needs `sudo` installed and a sudoers entry for the unprivileged user, both of which stay
    /// in the image and let anything running as that user become root.
    /// Its TTY and environment handling also make the step behave differently from the same command run directly.
    /// To drop privileges in an entrypoint, use `gosu` or `su-exec`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER node
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER root
    /// RUN apt-get update
    /// USER node
    /// ```
    ///
    /// ## References
    /// - [USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - hadolint's [`DL3004`](https://github.com/hadolint/hadolint/wiki/DL3004)
    pub struct SudoInRun {
        code: "DF211",
        name: "sudo-in-run",
        category: Security,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3004")],
        options: [],
    }
}

impl Rule for SudoInRun {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                // `argv` starts after wrappers such as `sudo`; the words before it show them.
                let start = c.argv().first().map_or(usize::MAX, |a| a.range.start);
                let Some(word) = c
                    .words
                    .iter()
                    .take_while(|w| w.range.start < start)
                    .find(|w| !w.dynamic && basename(&w.value) == "sudo")
                else {
                    continue;
                };
                out.push(ctx.diagnostic(
                    word.range.clone(),
                    "`sudo` in `RUN`: switch with `USER root` for the steps that need root instead",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &SudoInRun::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN sudo apt-get update\n", &["sudo"]),
                ("FROM a\nRUN make && sudo make install\n", &["sudo"]),
                ("FROM a\nRUN /usr/bin/sudo -u x id\n", &["/usr/bin/sudo"]),
                ("FROM a\nRUN env X=1 sudo id\n", &["sudo"]),
                ("FROM a\nONBUILD RUN sudo id\n", &["sudo"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get install -y sudo\n",
                "FROM a\nRUN echo sudo\n",
                "FROM a\nRUN gosu app id\n",
                "FROM a\nCMD sudo id\n",
            ],
        );
    }
}
