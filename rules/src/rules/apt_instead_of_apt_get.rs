//! `apt-instead-of-apt-get`: `apt`, the interactive front end, in a RUN.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::package_checks::each_package_command;
use crate::shell::Manager;

declare_rule! {
    /// Reports `apt` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// `apt` is apt's front end for people at a terminal: its output and behaviour may change between releases,
    /// and it says so on every run ("WARNING: apt does not have a stable CLI interface. Use with caution in
    /// scripts.").
    /// `apt-get` (and `apt-cache` for `search`, `show`, `policy`) is the interface meant for scripts.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt update && apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// For `update`, `install`, `reinstall`, `remove`, `purge` and `autoremove`, the fix writes `apt-get`.
    /// Unsafe: `apt` deletes the package files it downloaded once they are installed, `apt-get` keeps them in
    /// `/var/cache/apt/archives` (unless the image is configured not to, as Docker's official Debian and Ubuntu
    /// images are), so the image may grow.
    /// Other subcommands (`upgrade`, which also installs new dependencies, `list`, `search`, `show`) have no
    /// word-for-word equivalent: no fix.
    ///
    /// ## References
    /// - [apt(8): Script usage](https://manpages.debian.org/bookworm/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS)
    /// - hadolint's [`DL3027`](https://github.com/hadolint/hadolint/wiki/DL3027)
    pub struct AptInsteadOfAptGet {
        code: "DF134",
        name: "apt-instead-of-apt-get",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::Hadolint("DL3027")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for AptInsteadOfAptGet {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        each_package_command(ctx, |p, _, _| {
            if p.manager != Manager::Apt {
                return;
            }
            let range = p.program.range.clone();
            let mut d = ctx.diagnostic(
                range.clone(),
                "`apt` is meant for terminals; scripts use `apt-get`",
            );
            let word_for_word = matches!(
                p.sub(),
                Some("update" | "install" | "reinstall" | "remove" | "purge" | "autoremove")
            );
            // Only a word written plainly (`apt`, `/usr/bin/apt`) is rewritten, never a quoted one.
            if word_for_word && ctx.slice(range.clone()).ends_with("apt") {
                d = d.with_fix(Fix::unsafe_(
                    "Use `apt-get`",
                    vec![Edit::insert(range.end, "-get")],
                ));
            }
            out.push(d);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &AptInsteadOfAptGet::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN apt update && apt install -y curl\n",
                    &["apt", "apt"],
                ),
                (
                    "FROM a\nRUN sudo /usr/bin/apt list --installed\n",
                    &["/usr/bin/apt"],
                ),
                ("FROM a\nONBUILD RUN apt upgrade -y\n", &["apt"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get update && apt-get install -y curl\n",
                "FROM a\nRUN apt-cache policy curl\n",
                "FROM a\nRUN echo apt install\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nRUN apt update && apt install -y curl && apt list\n",
                "FROM a\nRUN apt-get update && apt-get install -y curl && apt list\n",
            )],
        );
    }
}
