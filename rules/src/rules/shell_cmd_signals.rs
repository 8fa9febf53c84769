//! `shell-cmd-signals`: a shell-form CMD that keeps the shell as PID 1.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::optimizer::commands::{
    exec_array, has_exec, last_of, npm_start_replaced, plain_words, runs_a_program,
    shell_text_range,
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
    /// Not reported: a `CMD` that starts an interactive shell (`CMD /bin/bash`), where the same shell is PID 1 in
    /// exec form; one whose last command prints or reads something and exits (`CMD cat /build.txt`,
    /// `CMD echo a && ls b`), which is done before a signal could matter; and Windows stages, where shell form means
    /// `cmd /S /C` (a file whose `escape` directive is the backtick, a Windows base image, or a stage named for
    /// Windows).
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
    /// `npm start` (and `npm run start`, `yarn start`) keeps the package manager as PID 1 even in exec form: when
    /// the build context has the package.json the stage copies and its start script is a plain `node FILE [args]`
    /// (no `prestart`/`poststart` hooks, no shell syntax), the fix writes that command instead
    /// (`CMD ["node", "dist/server.js"]`).
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
        changes: [Rewrite, Config(Cmd), Config(Entrypoint)],
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

/// The last command (the one `exec` would hand PID 1 to) prints or reads something and exits.
fn ends_with_a_quick_command(script: &Script) -> bool {
    let Some(last) = script.commands.iter().rev().find(|c| !c.nested) else {
        return false;
    };
    let Some(program) = last.program() else {
        return false;
    };
    match program {
        "cat" | "echo" | "printf" | "ls" | "head" | "pwd" | "date" | "env" | "printenv"
        | "true" | "false" | "uname" | "whoami" | "id" | "hostname" | "wc" | "grep" | "cut"
        | "sort" | "which" | "test" | "[" | "mkdir" | "cp" | "mv" | "rm" | "touch" | "dir"
        | "stat" | "du" | "df" | "nproc" | "free" => true,
        "tail" => !last.args().iter().any(|a| {
            a.starts_with('-') && !a.starts_with("--") && a.contains(['f', 'F'])
                || *a == "--follow"
                || a.starts_with("--follow=")
        }),
        _ => false,
    }
}

fn is_windows_image(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    b.contains("windows") || b.contains("servercore") || b.contains("nanoserver")
}

impl Rule for ShellCmdSignals {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        // A backtick escape is the Windows convention (`C:\path` needs its backslashes).
        let windows = ctx
            .doc()
            .directive("escape")
            .is_some_and(|d| d.value == "`");
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
            // `CMD cat /build.txt`, `CMD echo a && ls b`: done before a signal could matter.
            if ends_with_a_quick_command(script) {
                continue;
            }
            // Windows runs shell-form commands with `cmd /S /C`, and stops containers its own way.
            if windows
                || stage
                    .name
                    .as_deref()
                    .is_some_and(|n| n.to_ascii_lowercase().contains("windows"))
                || is_windows_image(&stage.base)
            {
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
                let json = exec_array(&npm_start_replaced(f, stage, cmd.index, words));
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
                    "FROM a\nCMD tail -f /var/log/x.log\n",
                    &["tail -f /var/log/x.log"],
                ),
                (
                    "FROM a\nCMD mkdir -p /x && node app.js\n",
                    &["mkdir -p /x && node app.js"],
                ),
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
                // Short-lived commands: nothing runs long enough to be stopped.
                "FROM a\nCMD cat /build.txt\n",
                "FROM a\nCMD echo app- && ls app && echo docs- && ls docs\n",
                "FROM a\nCMD head /logs/init.txt\n",
                // Windows: `cmd /S /C`, not `/bin/sh`.
                "# escape=`\nFROM a\nCMD C:\\generate-certs.bat x\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD app.exe\n",
                "FROM a AS windows\nCMD start /B app.exe && tail.exe\n",
            ],
        );
    }

    #[test]
    fn npm_start_becomes_the_node_command_of_the_start_script() {
        use crate::engine::{fix, FixMode, MemoryBuildContext, Settings};
        let settings = Settings::select([R.code]);
        let ctx = MemoryBuildContext::new().with_file(
            "web/package.json",
            "{\"scripts\": {\"start\": \"node src/index.js --port 3000\"}}",
        );
        for (cmd, pkg_copy) in [
            (
                "npm start",
                "COPY web/package.json ./\nRUN npm ci\nCOPY web/ .\n",
            ),
            ("yarn run start", "COPY web/ .\n"),
        ] {
            let src = format!("FROM node:20-slim\nWORKDIR /app\n{pkg_copy}CMD {cmd}\n");
            let out = fix(&src, &settings, Some(&ctx), FixMode::Unsafe).text;
            assert!(
                out.ends_with("CMD [\"node\", \"src/index.js\", \"--port\", \"3000\"]\n"),
                "{out}"
            );
        }
        // Without the build context, or when package.json is not where the CMD runs: npm stays.
        let src = "FROM node:20-slim\nWORKDIR /app\nCOPY web/ .\nCMD npm start\n";
        assert!(fix(src, &settings, None, FixMode::Unsafe)
            .text
            .ends_with("CMD [\"npm\", \"start\"]\n"));
        let elsewhere = "FROM node:20-slim\nWORKDIR /app\nCOPY web/ /srv/\nCMD npm start\n";
        assert!(fix(elsewhere, &settings, Some(&ctx), FixMode::Unsafe)
            .text
            .ends_with("CMD [\"npm\", \"start\"]\n"));
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
