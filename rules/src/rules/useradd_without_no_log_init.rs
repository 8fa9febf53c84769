//! `useradd-without-no-log-init`: `useradd` with a large UID and without `--no-log-init`.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::shell::SimpleCommand;

declare_rule! {
    /// Reports `useradd` with a UID of six digits or more and without `-l` (`--no-log-init`).
    ///
    /// ## Why is this bad?
    /// `useradd` writes the new user's entry into `/var/log/lastlog` and `/var/log/faillog` at an offset
    /// proportional to the UID.
    /// The files are sparse on disk, but image layers store them in full: `useradd -u 123456789` adds gigabytes of
    /// zeros to the layer.
    /// `-l` (`--no-log-init`) skips those files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd -u 1000000 app
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:12-slim
    /// RUN useradd --no-log-init -u 1000000 app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN useradd -l -u 1000000 app
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the image no longer holds the user's `lastlog` and `faillog` entries (which is the point).
    ///
    /// ## References
    /// - [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [moby/moby#5419](https://github.com/moby/moby/issues/5419)
    /// - hadolint's [`DL3046`](https://github.com/hadolint/hadolint/wiki/DL3046)
    pub struct UseraddWithoutNoLogInit {
        code: "DF437",
        name: "useradd-without-no-log-init",
        category: Size,
        severity: Warning,
        fix: Always,
        peers: [Peer::Hadolint("DL3046")],
        options: [],
        changes: [Rewrite],
    }
}

/// The UID `useradd` is given (`-u N`, `-uN`, `--uid N`, `--uid=N`, `-ou N`), and whether it has `-l`.
fn uid_and_no_log_init(c: &SimpleCommand) -> (Option<&str>, bool) {
    let args = &c.argv()[1..];
    let (mut uid, mut no_log_init) = (None, false);
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_str();
        let next = args.get(i + 1).map(|w| w.value.as_str());
        if v == "--" {
            break;
        }
        if let Some(long) = v.strip_prefix("--") {
            match long.split_once('=') {
                Some(("uid", value)) => uid = Some(value),
                None if long == "uid" => {
                    uid = next;
                    i += 1;
                }
                None if long == "no-log-init" => no_log_init = true,
                _ => {}
            }
        } else if let Some(short) = v.strip_prefix('-') {
            for (at, ch) in short.char_indices() {
                match ch {
                    'l' => no_log_init = true,
                    'u' => {
                        let rest = &short[at + 1..];
                        if rest.is_empty() {
                            uid = next;
                            i += 1;
                        } else {
                            uid = Some(rest);
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        i += 1;
    }
    (uid, no_log_init)
}

impl Rule for UseraddWithoutNoLogInit {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                if c.program() != Some("useradd") {
                    continue;
                }
                let (Some(uid), false) = uid_and_no_log_init(c) else {
                    continue;
                };
                if uid.len() < 6 || !uid.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                let word = c.argv()[0].range.clone();
                let fix = Fix::unsafe_(
                    "Add `--no-log-init`",
                    vec![Edit::insert(word.end, " --no-log-init")],
                );
                out.push(
                    ctx.diagnostic(
                        word,
                        format!("`useradd` of UID {uid} without `-l` writes a lastlog of that size into the layer"),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &UseraddWithoutNoLogInit::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN useradd -u 123456 app\n", &["useradd"]),
                ("FROM a\nRUN useradd --uid=1000000 app\n", &["useradd"]),
                (
                    "FROM a\nRUN useradd -ms /bin/sh -u123456 app\n",
                    &["useradd"],
                ),
                ("FROM a\nRUN useradd --uid 123456 -g 0 app\n", &["useradd"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN useradd -u 1000 app\n",
                "FROM a\nRUN useradd -l -u 123456 app\n",
                "FROM a\nRUN useradd -lu 123456 app\n",
                "FROM a\nRUN useradd --no-log-init --uid 123456 app\n",
                "FROM a\nRUN useradd -u $UID app\n",
                "FROM a\nRUN adduser -u 123456 app\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nRUN useradd -u 123456 app\n",
                "FROM a\nRUN useradd --no-log-init -u 123456 app\n",
            )],
        );
    }
}
