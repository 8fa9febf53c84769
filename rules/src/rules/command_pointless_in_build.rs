//! `command-pointless-in-build`: a command in `RUN` that does nothing useful while an image builds.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;

declare_rule! {
    /// Reports `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill` and `mount` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A build step runs in a throwaway container with no init system, no terminal and no other processes.
    /// `service x start` starts something that is gone when the step ends, `vim` waits for a terminal, `shutdown`
    /// and `mount` need privileges a build does not have, and `ps`, `top`, `free` and `kill` look at processes
    /// that are not there.
    /// Such a command is usually left over from an interactive session.
    ///
    /// ## Off by default
    /// Some of these are harmless in scripts that also run elsewhere (`kill` of a helper the same step started,
    /// `ps` in a check): `dflint check --extend-select DL3001` to see them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN service nginx start
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - hadolint's [`DL3001`](https://github.com/hadolint/hadolint/wiki/DL3001)
    pub struct CommandPointlessInBuild {
        code: "DF542",
        name: "command-pointless-in-build",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3001")],
        options: [],
        default_enabled: false,
    }
}

const POINTLESS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for CommandPointlessInBuild {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                let Some(program) = c.program() else {
                    continue;
                };
                if POINTLESS.contains(&program) {
                    out.push(ctx.diagnostic(
                        c.argv()[0].range.clone(),
                        format!("`{program}` does nothing useful while an image builds"),
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

    const R: &RuleMeta = &CommandPointlessInBuild::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN service nginx start\n", &["service"]),
                ("FROM a\nRUN make && vim x\n", &["vim"]),
                ("FROM a\nONBUILD RUN ps aux\n", &["ps"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get install -y vim procps\n",
                "FROM a\nRUN ssh-keyscan github.com\n",
                "FROM a\nCMD service nginx start\n",
            ],
        );
    }
}
