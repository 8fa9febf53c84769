//! `entrypoint-shell-form`: an ENTRYPOINT written in shell form.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::commands::{exec_form_for, shell_text_range};
use crate::optimizer::facts::Facts;
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `ENTRYPOINT` in shell form.
    ///
    /// ## Why is this bad?
    /// A shell-form `ENTRYPOINT node server.js` runs as `/bin/sh -c "node server.js"`.
    /// The shell is PID 1: `docker stop` sends SIGTERM to the shell, which does not pass it on, so the app is killed
    /// after the ten-second timeout instead of shutting down cleanly.
    /// Worse, a shell-form `ENTRYPOINT` ignores `CMD` and the arguments of `docker run IMAGE ARGS`: the image cannot
    /// be given options.
    /// The exec form (a JSON array) runs the program itself, and appends `CMD` and the run arguments to it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT node server.js
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// CMD ["--port", "8080"]
    /// ```
    ///
    /// ## Fix safety
    /// When the command is plain words, the fix writes them as a JSON array; `npm start` becomes the plain
    /// `node FILE [args]` of package.json's start script when the build context shows one (as in `shell-cmd-signals`).
    /// When it needs the shell (variables, `&&`), the fix keeps the shell but makes it hand over to the app:
    /// `["/bin/sh", "-c", "cd /app && exec node server.js"]` (the stage's `SHELL` is used when it sets one).
    /// Either way `CMD` and run arguments now reach the entrypoint where they were ignored before, and the app
    /// receives signals: the fix is unsafe.
    /// A command that is neither (a pipeline, a shell syntax error) gets no fix: write the exec form by hand, or move
    /// the logic into a script and run that script in exec form.
    ///
    /// ## References
    /// - [ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    /// - [Understand how CMD and ENTRYPOINT interact](https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact)
    /// - `shell-cmd-signals`, which covers `CMD` and carries the peers' codes (hadolint's `DL3025`, BuildKit's `JSONArgsRecommended`)
    pub struct EntrypointShellForm {
        code: "DF461",
        name: "entrypoint-shell-form",
        category: Entrypoint,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        changes: [Rewrite, Config(Entrypoint)],
    }
}

impl Rule for EntrypointShellForm {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for stage in ctx.doc().stages() {
            for i in stage.instructions.clone() {
                let step = &f.steps[i];
                if f.ins(i).kind != Kind::Entrypoint {
                    continue;
                }
                // Exec form, or a shell dflint cannot read (powershell): nothing to say.
                let Some(script) = &step.script else { continue };
                if script.text.is_none() || script.form != crate::shell::ScriptForm::Shell {
                    continue;
                }
                let Some(range) = shell_text_range(script) else {
                    continue;
                };
                let written = ctx.slice(range.clone()).trim().to_string();
                let d = ctx.diagnostic(
                    range.clone(),
                    "`ENTRYPOINT` in shell form runs under `/bin/sh -c`: the app gets no signals, and `CMD` and `docker run` arguments are ignored",
                );
                let fix = exec_form_for(f, stage, step).map(|(json, _)| {
                    Fix::unsafe_(
                        format!("Replace `{written}` with `{json}`"),
                        vec![Edit::replace(range.clone(), json)],
                    )
                });
                let d = match fix {
                    Some(fix) => d.with_fix(fix),
                    None => ctx.diagnostic(
                        range,
                        "`ENTRYPOINT` in shell form runs under `/bin/sh -c`: write it as a JSON array, moving shell logic into a script",
                    ),
                };
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &EntrypointShellForm::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nENTRYPOINT node server.js\n", &["node server.js"]),
                (
                    "FROM a\nENTRYPOINT cd /app \\\n  && node x.js\n",
                    &["cd /app \\\n  && node x.js"],
                ),
                ("FROM a\nENTRYPOINT a | b\n", &["a | b"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nENTRYPOINT [\"node\", \"server.js\"]\n",
                "FROM a\nCMD node server.js\n",
                "FROM a\nSHELL [\"powershell\", \"-Command\"]\nENTRYPOINT Write-Host hi\n",
            ],
        );
    }

    #[test]
    fn npm_start_runs_node_itself() {
        use crate::engine::{fix, FixMode, MemoryBuildContext, Settings};
        let ctx = MemoryBuildContext::new().with_file(
            "package.json",
            "{\"scripts\": {\"start\": \"node server.js\"}}",
        );
        let src = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT npm start\n";
        let out = fix(
            src,
            &Settings::select([R.code]),
            Some(&ctx),
            FixMode::Unsafe,
        );
        assert!(
            out.text.ends_with("ENTRYPOINT [\"node\", \"server.js\"]\n"),
            "{}",
            out.text
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                ("FROM a\nENTRYPOINT node server.js\n", "FROM a\nENTRYPOINT [\"node\", \"server.js\"]\n"),
                (
                    "FROM a\nENTRYPOINT cd /app && node x.js --port $PORT\n",
                    "FROM a\nENTRYPOINT [\"/bin/sh\", \"-c\", \"cd /app && exec node x.js --port $PORT\"]\n",
                ),
                (
                    "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nENTRYPOINT exec java $OPTS -jar app.jar\n",
                    "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nENTRYPOINT [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"exec java $OPTS -jar app.jar\"]\n",
                ),
                ("FROM a\nENTRYPOINT a | b\n", "FROM a\nENTRYPOINT a | b\n"),
                // Flags BuildKit reads off the front (and fails on): no program to run in exec form.
                (
                    "FROM a\nENTRYPOINT --config /etc/x.yml\n",
                    "FROM a\nENTRYPOINT --config /etc/x.yml\n",
                ),
            ],
        );
        assert!(spec::diagnostics(R, "FROM a\nENTRYPOINT a | b\n")[0]
            .fix
            .is_none());
    }
}
