//! `shell-cmd-signals`: a shell-form CMD that keeps the shell as PID 1.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::optimizer::commands::{
    exec_array, has_exec, last_of, plain_words, runs_a_program, shell_text_range,
};
use crate::optimizer::facts::Facts;
use crate::shell::{basename, Script, ScriptForm};
use crate::syntax::Kind;

declare_rule! {
    /// Reports a shell-form `CMD` whose shell stays PID 1 and swallows signals.
    ///
    /// ## Why is this bad?
    /// `CMD node server.js` runs as `/bin/sh -c "node server.js"`.
    /// The shell is the container's PID 1 and does not forward SIGTERM: `docker stop` waits ten seconds and then
    /// kills the app, which never gets to close connections or flush data.
    /// The exec form runs the app as PID 1; when the shell is needed (variables, `&&`), `exec` makes it hand over.
    ///
    /// A `CMD` that starts an interactive shell (`CMD /bin/bash`) is not reported: in exec form the same shell is
    /// PID 1.
    /// `CMD`s that are not in effect (an earlier one in the stage) are left to `multiple-cmd`; a `CMD` that feeds an
    /// exec-form `ENTRYPOINT` is `cmd-shell-form-with-entrypoint`'s; shell-form `ENTRYPOINT`s are
    /// `entrypoint-shell-form`'s.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD node server.js
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Plain words become a JSON array; a command that needs the shell gets `exec` before its last command
    /// (`cd /app && exec node server.js`).
    /// The app then receives signals itself, which changes how the container stops: the fix is unsafe.
    ///
    /// ## References
    /// - [CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    /// - BuildKit's [`JSONArgsRecommended`](https://docs.docker.com/reference/build-checks/json-args-recommended/), hadolint's [`DL3025`](https://github.com/hadolint/hadolint/wiki/DL3025)
    pub struct ShellCmdSignals {
        code: "DF468",
        name: "shell-cmd-signals",
        category: Entrypoint,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::BuildKit("JSONArgsRecommended"), Peer::Hadolint("DL3025")],
        options: [],
    }
}

/// The command is an interactive shell and nothing else (`/bin/sh`, `bash -l`).
fn runs_a_bare_shell(script: &Script) -> bool {
    let [cmd] = &script.commands[..] else {
        return false;
    };
    let argv = cmd.argv();
    argv.first().is_some_and(|w| {
        !w.dynamic
            && matches!(
                basename(&w.value),
                "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh"
            )
    }) && argv[1..]
        .iter()
        .all(|w| w.value.starts_with('-') && w.value != "-c")
}

impl Rule for ShellCmdSignals {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for stage in ctx.doc().stages() {
            let Some(cmd) = last_of(f, stage, Kind::Cmd) else {
                continue;
            };
            let Some(script) = &cmd.script else { continue };
            if script.form != ScriptForm::Shell || has_exec(script) {
                continue;
            }
            // With an ENTRYPOINT, CMD is its arguments: another rule's business.
            if f.effective(stage, Kind::Entrypoint).is_some() {
                continue;
            }
            // `CMD /bin/bash`: in exec form the same shell is PID 1, so nothing changes.
            if runs_a_bare_shell(script) {
                continue;
            }
            let Some(range) = shell_text_range(script) else {
                continue;
            };
            let written = ctx.slice(range.clone()).trim().to_string();
            let d = ctx.diagnostic(
                range.clone(),
                "shell-form `CMD` keeps `/bin/sh` as PID 1: the app does not receive SIGTERM on `docker stop`",
            );
            let fix = if !runs_a_program(ctx.text(), f.ins(cmd.index), script) {
                // `CMD --flag`: BuildKit fails on the flag (`unknown-flag`), and what was meant is not known.
                None
            } else if let Some(words) = plain_words(script) {
                let json = exec_array(&words);
                Some(Fix::unsafe_(
                    format!("Replace `{written}` with `{json}`"),
                    vec![Edit::replace(range, json)],
                ))
            } else if let (Some(at), Some(m), false) =
                (script.exec_point, &script.text, script.has_errors)
            {
                Some(Fix::unsafe_(
                    "Add `exec` before the last command",
                    vec![Edit::insert(m.source(at), "exec ")],
                ))
            } else {
                None
            };
            out.push(d.with_fix_opt(fix));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ShellCmdSignals::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCMD node server.js\n", &["node server.js"]),
                ("FROM a\nCMD cd /app && node x\n", &["cd /app && node x"]),
                ("FROM a\nCMD bash /run.sh\n", &["bash /run.sh"]),
                (
                    "FROM a\nCMD [\"x\"]\nFROM b\nCMD python app.py\n",
                    &["python app.py"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCMD [\"node\", \"server.js\"]\n",
                "FROM a\nCMD exec node server.js\n",
                "FROM a\nCMD cd /app && exec node x\n",
                "FROM a\nENTRYPOINT [\"x\"]\nCMD y\n",
                "FROM a\nCMD x y\nCMD [\"z\"]\n",
                // An interactive shell is PID 1 in exec form too.
                "FROM a\nCMD /bin/bash\n",
                "FROM a\nCMD sh -l\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM a\nCMD node server.js\n",
                    "FROM a\nCMD [\"node\", \"server.js\"]\n",
                ),
                (
                    "FROM a\nCMD cd /app \\\n && node x $Y\n",
                    "FROM a\nCMD cd /app \\\n && exec node x $Y\n",
                ),
                ("FROM a\nCMD a | b\n", "FROM a\nCMD a | b\n"),
                // BuildKit reads `--port` as a flag of CMD: an exec form would keep it in front, `exec` would not help.
                ("FROM a\nCMD --port 80 x\n", "FROM a\nCMD --port 80 x\n"),
                ("FROM a\nCMD -- --port 80\n", "FROM a\nCMD -- --port 80\n"),
            ],
        );
    }
}
