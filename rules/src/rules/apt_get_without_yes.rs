//! `apt-get-without-yes`: `apt-get install` that would stop at apt's confirmation prompt.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_without_yes;
use crate::shell::{Manager, PackageCommand};

declare_rule! {
    /// Reports `apt-get install` (and `upgrade`, `dist-upgrade`, `remove`, `purge`, `autoremove`, `build-dep`; `apt` too) without `-y`.
    ///
    /// ## Why is this bad?
    /// When an install pulls in more packages than the ones named (dependencies, recommends) or removes any,
    /// apt-get asks "Do you want to continue? [Y/n]".
    /// A build has no terminal: the question reads the end of its input, apt-get prints `Abort.` and the build
    /// fails, or it works today and fails the day a dependency is added.
    ///
    /// Answered: `-y`, `--yes`, `--assume-yes`, `-qq` (quiet level 2 implies `-y`), `-o APT::Get::Assume-Yes=true`,
    /// a command fed by `yes |`, and a simulation (`-s`).
    /// hadolint reads only `apt-get install`, and no `-o` setting, `yes |` or `-s`.
    /// A setting in `/etc/apt/apt.conf.d` is not seen: add `-y` anyway.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
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
    /// The fix adds `-y` after the subcommand.
    /// Safe: where apt-get would not have asked, `-y` changes nothing; where it would have asked, the build
    /// failed (`-y` still refuses what it refuses without asking: held packages, removing essential ones).
    /// Checked with apt 2.6 (Debian 12), input at end of file as in a build: `apt-get install --download-only gimp`
    /// prints `Do you want to continue? [Y/n] Abort.` and exits 1, `apt-get install --download-only hello`, which
    /// needs nothing else, asks nothing.
    ///
    /// ## References
    /// - [apt-get(8)](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - hadolint's [`DL3014`](https://github.com/hadolint/hadolint/wiki/DL3014)
    pub struct AptGetWithoutYes {
        code: "DF130",
        name: "apt-get-without-yes",
        category: Correctness,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3014")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for AptGetWithoutYes {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_without_yes(ctx, out, prompts, answered);
    }
}

fn prompts(p: &PackageCommand) -> bool {
    matches!(p.manager, Manager::AptGet | Manager::Apt)
        && matches!(
            p.sub(),
            Some(
                "install"
                    | "reinstall"
                    | "upgrade"
                    | "dist-upgrade"
                    | "full-upgrade"
                    | "remove"
                    | "purge"
                    | "autoremove"
                    | "autopurge"
                    | "build-dep"
            )
        )
}

fn answered(p: &PackageCommand) -> bool {
    let quiet_two = p.count("--quiet", 'q') >= 2
        || p.values(&["-q", "--quiet"]).iter().any(|v| {
            v.trim_start_matches('=')
                .parse::<u32>()
                .is_ok_and(|n| n >= 2)
        });
    let setting = p.values(&["-o", "--option"]).iter().any(|s| {
        s.split_once('=').is_some_and(|(k, v)| {
            k.eq_ignore_ascii_case("APT::Get::Assume-Yes")
                && matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
        })
    });
    p.has(
        &[
            "--yes",
            "--assume-yes",
            "--simulate",
            "--just-print",
            "--dry-run",
            "--recon",
            "--no-act",
        ],
        &['y', 's'],
    ) || quiet_two
        || setting
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &AptGetWithoutYes::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN apt-get install curl\n", &["install"]),
                (
                    "FROM a\nRUN apt-get update && sudo apt-get -q install curl\n",
                    &["install"],
                ),
                (
                    "FROM a\nRUN apt-get -o Dpkg::Options::=--force-confnew upgrade\n",
                    &["upgrade"],
                ),
                ("FROM a\nRUN apt install curl\n", &["install"]),
                ("FROM a\nRUN echo y && apt-get remove curl\n", &["remove"]),
                ("FROM a\nRUN xargs apt-get install < /pkgs\n", &["install"]),
                (
                    "FROM a\nRUN sh -c 'apt-get update && apt-get install curl'\n",
                    &["install"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get install -y curl\n",
                "FROM a\nRUN apt-get -yq install curl\n",
                "FROM a\nRUN apt-get install --yes curl && apt-get --assume-yes remove x\n",
                "FROM a\nRUN apt-get -qq install curl && apt-get -q -q install y && apt-get -q=2 install z\n",
                "FROM a\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n",
                "FROM a\nRUN yes | apt-get install curl\n",
                "FROM a\nRUN apt-get install $APT_FLAGS curl\n",
                "FROM a\nRUN apt-get update && apt-get clean\n",
                "FROM a\nRUN apt-get install -s curl\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a\nRUN apt-get update \\\n && apt-get install curl \\\n && apt-get -q autoremove\n",
                "FROM a\nRUN apt-get update \\\n && apt-get install -y curl \\\n && apt-get -q autoremove -y\n",
            ), (
                "FROM a\nRUN bash -c \"apt-get install curl\"\n",
                "FROM a\nRUN bash -c \"apt-get install -y curl\"\n",
            )],
        );
    }
}
