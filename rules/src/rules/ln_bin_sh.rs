//! `ln-bin-sh`: a `RUN` that relinks `/bin/sh` to change the shell.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::shell::SimpleCommand;

declare_rule! {
    /// Reports `ln` that replaces `/bin/sh` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// Relinking `/bin/sh` (`ln -sf /bin/bash /bin/sh`) to get another shell for later `RUN`s changes the shell
    /// of every program in the image that runs `sh`, at build time and when the container runs, and package
    /// upgrades may put the link back.
    /// The `SHELL` instruction changes the shell the Dockerfile's own shell-form instructions use, and nothing else.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL4005` reports any `ln` with a `/bin/sh` argument, also `ln -s /bin/sh /usr/local/bin/sh`,
    /// which leaves `/bin/sh` alone, and `ln -s /busybox/sh /bin/sh` in an image that has no `/bin/sh` (without
    /// `-f`, `ln` fails where the link exists), where `SHELL` cannot help.
    /// This rule reports a link made at `/bin/sh` with `-f`, or after an `rm` of it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## References
    /// - [SHELL](https://docs.docker.com/reference/dockerfile/#shell)
    /// - hadolint's [`DL4005`](https://github.com/hadolint/hadolint/wiki/DL4005)
    pub struct LnBinSh {
        code: "DF544",
        name: "ln-bin-sh",
        category: Style,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL4005")],
        options: [],
    }
}

/// Whether `ln` is told to replace an existing link (`-f`, `-sf`, `--force`).
fn forced(c: &SimpleCommand) -> bool {
    c.argv()[1..].iter().any(|w| {
        let v = w.value.as_str();
        v == "--force" || (v.starts_with('-') && !v.starts_with("--") && v.contains('f'))
    })
}

impl Rule for LnBinSh {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            let commands = &run.script.commands;
            for (k, c) in commands.iter().enumerate() {
                if c.program() != Some("ln") {
                    continue;
                }
                // The link made is the last operand; `/bin/sh` as the link's target changes nothing.
                let last = c.argv()[1..].iter().rfind(|w| !w.value.starts_with('-'));
                let Some(target) = last.filter(|w| w.value == "/bin/sh") else {
                    continue;
                };
                // Without `-f`, or an `rm /bin/sh` before it, `ln` only succeeds where there was no `/bin/sh`.
                let removed = commands[..k]
                    .iter()
                    .any(|p| p.program() == Some("rm") && p.args().contains(&"/bin/sh"));
                if forced(c) || removed {
                    out.push(ctx.diagnostic(
                        target.range.clone(),
                        "relinking `/bin/sh` changes the shell of the whole image: use `SHELL` for the Dockerfile's instructions",
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &LnBinSh::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN ln -sf /bin/bash /bin/sh\n", &["/bin/sh"]),
                (
                    "FROM a\nRUN rm /bin/sh && ln -s /bin/bash /bin/sh\n",
                    &["/bin/sh"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\n",
                "FROM a\nRUN ln -s /bin/sh /usr/local/bin/sh\n",
                "FROM a\nRUN ln -sf /bin/bash /bin/sh2\n",
                "FROM a\nRUN [\"/busybox/ln\", \"-s\", \"/busybox/sh\", \"/bin/sh\"]\n",
            ],
        );
    }
}
