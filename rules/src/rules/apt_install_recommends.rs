//! `apt-install-recommends`: `apt-get install` that also installs recommended packages.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::shell::SimpleCommand;

declare_rule! {
    /// Reports `apt-get install` without `--no-install-recommends`.
    ///
    /// ## Why is this bad?
    /// By default apt installs every package the requested ones *recommend*: documentation, optional tools,
    /// often tens or hundreds of megabytes the image never uses (`apt-get install -y curl` on Debian pulls in
    /// `libldap-common`, `publicsuffix`, `ca-certificates` ...).
    /// `--no-install-recommends` installs what was asked for and what it depends on.
    ///
    /// An install that turns recommends off another way (`-o APT::Install-Recommends=false`) is not reported.
    /// A setting in `/etc/apt/apt.conf.d` is not seen: add `--no-install-recommends` anyway, or ignore the rule.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-install-recommends` after `install`.
    /// The image loses the recommended packages, which is the point, but a program that used one of them
    /// (`curl` with `ca-certificates` for HTTPS, `git` with `openssh-client`) then fails: the fix is unsafe; add the
    /// ones you need by name.
    ///
    /// ## References
    /// - [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - hadolint's [`DL3015`](https://github.com/hadolint/hadolint/wiki/DL3015)
    pub struct AptInstallRecommends {
        code: "DF451",
        name: "apt-install-recommends",
        category: Size,
        severity: Info,
        fix: Always,
        peers: [Peer::Hadolint("DL3015")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for AptInstallRecommends {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                let Some(install) = install_word(c) else {
                    continue;
                };
                let range = c.argv()[install].range.clone();
                let fix = Fix::unsafe_(
                    "Add `--no-install-recommends`",
                    vec![Edit::insert(range.end, " --no-install-recommends")],
                );
                out.push(
                    ctx.diagnostic(
                        range,
                        "`apt-get install` without `--no-install-recommends` installs recommended packages too",
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

/// The index (in `argv`) of the `install` of an `apt-get install` that leaves recommends on.
fn install_word(c: &SimpleCommand) -> Option<usize> {
    if c.program() != Some("apt-get") {
        return None;
    }
    let argv = c.argv();
    let mut install = None;
    let mut i = 1;
    while i < argv.len() {
        let w = &argv[i];
        let v = w.value.as_str();
        // An option or variable could say anything: leave the install alone.
        if w.dynamic || v == "--no-install-recommends" {
            return None;
        }
        let setting = if matches!(v, "-o" | "--option") {
            i += 1;
            argv.get(i).map(|w| w.value.as_str())
        } else {
            v.strip_prefix("-o").or_else(|| v.strip_prefix("--option="))
        };
        if let Some(s) = setting {
            let s = s.to_ascii_lowercase();
            if s.starts_with("apt::install-recommends=") {
                return None;
            }
        } else if matches!(v, "-c" | "--config-file" | "-t" | "--target-release") {
            i += 1;
        } else if install.is_none() && !v.starts_with('-') {
            if v != "install" {
                return None;
            }
            install = Some(i);
        }
        i += 1;
    }
    install
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &AptInstallRecommends::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN apt-get install -y curl\n", &["install"]),
                ("FROM a\nRUN apt-get -y install curl\n", &["install"]),
                (
                    "FROM a\nRUN apt-get update && sudo apt-get -o Dpkg::Options::=--force-confold install -y x\n",
                    &["install"],
                ),
                ("FROM a\nRUN if true; then apt-get install -y x; fi\n", &["install"]),
                ("FROM a\nONBUILD RUN apt-get install -y x\n", &["install"]),
                ("FROM a\nRUN <<EOF\napt-get install -y x\nEOF\n", &["install"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get install -y --no-install-recommends curl\n",
                "FROM a\nRUN apt-get --no-install-recommends install -y curl\n",
                "FROM a\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n",
                "FROM a\nRUN apt-get -oAPT::Install-Recommends=0 install -y curl\n",
                "FROM a\nRUN apt-get install $APT_OPTS curl\n",
                "FROM a\nRUN apt-get update\n",
                "FROM a\nRUN apt-get remove -y --purge curl\n",
                "FROM a\nRUN echo apt-get install x\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nRUN apt-get -y install curl \\\n && apt-get install -y git\n",
                "FROM a\nRUN apt-get -y install --no-install-recommends curl \\\n && apt-get install --no-install-recommends -y git\n",
            )],
        );
    }
}
