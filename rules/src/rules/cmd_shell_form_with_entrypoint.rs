//! `cmd-shell-form-with-entrypoint`: a shell-form CMD in a stage whose ENTRYPOINT is in exec form.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::commands::{exec_array, last_of, plain_command, shell_text_range};
use crate::optimizer::facts::Facts;
use crate::shell::ScriptForm;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a shell-form `CMD` in a stage whose `ENTRYPOINT` is in exec form.
    ///
    /// ## Why is this bad?
    /// With an `ENTRYPOINT`, `CMD` supplies its default arguments.
    /// A shell-form `CMD -p 8080` becomes `["/bin/sh", "-c", "-p 8080"]`, so the entrypoint receives
    /// `/bin/sh`, `-c` and the whole line as three arguments, which is never what was meant.
    /// Write the arguments as a JSON array.
    ///
    /// The `ENTRYPOINT` may come from an earlier stage this one is built `FROM`.
    /// When the `ENTRYPOINT` is itself in shell form, `CMD` is ignored altogether: see `entrypoint-shell-form`.
    ///
    /// Arguments that start with `--` are worse: BuildKit reads `CMD --listen :9090` as the instruction flag
    /// `--listen`, and since `CMD` takes no flags the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// CMD -p 8080
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// CMD ["-p", "8080"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// ENTRYPOINT ["node", "server.js"]
    /// CMD ["-p", "8080"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes plain words as a JSON array, so the entrypoint receives them as separate arguments instead of
    /// `/bin/sh -c ...`: the container's command line changes, so the fix is unsafe.
    /// Leading `--` words are part of the array (`CMD --listen :9090 --verbose` becomes
    /// `CMD ["--listen", ":9090", "--verbose"]`), never left in front of it where BuildKit would still read them as
    /// flags.
    /// A `CMD` that uses variables or shell syntax gets no fix: in exec form the variables would reach the entrypoint
    /// unexpanded, so decide by hand what it should receive.
    ///
    /// ## References
    /// - [Understand how CMD and ENTRYPOINT interact](https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact)
    pub struct CmdShellFormWithEntrypoint {
        code: "DF462",
        name: "cmd-shell-form-with-entrypoint",
        category: Entrypoint,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        changes: [Rewrite, Config(Cmd)],
    }
}

impl Rule for CmdShellFormWithEntrypoint {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for stage in ctx.doc().stages() {
            // Only the CMD that takes effect; earlier ones are `multiple-cmd`'s.
            let Some(cmd) = last_of(f, stage, Kind::Cmd) else {
                continue;
            };
            let Some(script) = &cmd.script else { continue };
            if script.form != ScriptForm::Shell {
                continue;
            }
            // The ENTRYPOINT in effect: this stage's last, or the one it inherits from an earlier stage.
            let Some(ep) = f.effective(stage, Kind::Entrypoint) else {
                continue;
            };
            let ep_exec = f.steps[ep]
                .script
                .as_ref()
                .is_some_and(|s| s.form != ScriptForm::Shell);
            if !ep_exec {
                continue;
            }
            let Some(body) = shell_text_range(script) else {
                continue;
            };
            let ins = f.ins(cmd.index);
            let plain = plain_command(ctx.text(), ins, script);
            // BuildKit reads leading `--words` as flags of CMD, which takes none: the build fails.
            let first_flag = ins
                .flags
                .iter()
                .find(|fl| fl.range.end <= body.start)
                .map(|fl| fl.range.clone());
            let flagged = first_flag
                .as_ref()
                .is_some_and(|r| ctx.slice(r.clone()) != "--");
            let range = match (&plain, &first_flag) {
                (Some((r, _)), _) => r.clone(),
                (None, Some(fl)) => fl.start..body.end,
                (None, None) => body,
            };
            let written = ctx.slice(range.clone()).trim().to_string();
            let message = if flagged {
                format!("BuildKit reads `{}` in `CMD {written}` as a flag of `CMD`, which takes none, and the build fails: write the entrypoint's arguments as a JSON array", ctx.slice(first_flag.clone().unwrap_or_default()))
            } else {
                format!("shell-form `CMD` reaches the `ENTRYPOINT` as `/bin/sh -c {written}`: write its arguments as a JSON array")
            };
            let d = ctx.diagnostic(range, message);
            let d = match plain {
                Some((range, words)) => {
                    let json = exec_array(&words);
                    d.with_fix(Fix::unsafe_(
                        format!("Replace `{written}` with `{json}`"),
                        vec![Edit::replace(range, json)],
                    ))
                }
                None => d,
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &CmdShellFormWithEntrypoint::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nENTRYPOINT [\"x\"]\nCMD -p 80\n", &["-p 80"]),
                (
                    "FROM a AS base\nENTRYPOINT [\"x\"]\nFROM base\nCMD serve $DIR\n",
                    &["serve $DIR"],
                ),
                ("FROM a\nCMD -v\nENTRYPOINT [\"x\"]\n", &["-v"]),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen :9090 --verbose\n",
                    &["--listen :9090 --verbose"],
                ),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --port=$PORT -v\n",
                    &["--port=$PORT -v"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"-p\", \"80\"]\n",
                "FROM a\nCMD node x\n",
                "FROM a\nENTRYPOINT x y\nCMD z\n",
                "FROM a AS base\nENTRYPOINT [\"x\"]\nFROM b\nCMD z\n",
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
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD -p 80\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"-p\", \"80\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD serve $DIR\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD serve $DIR\n",
                ),
                // Leading `--` words that BuildKit reads as flags go into the array, not in front of it.
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen :9090 --verbose\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"--listen\", \":9090\", \"--verbose\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen=:9090 --tls --cert \"my cert.pem\"\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"--listen=:9090\", \"--tls\", \"--cert\", \"my cert.pem\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD -- --listen :9090\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD [\"--listen\", \":9090\"]\n",
                ),
                // A variable in a flag or an argument: the shell expanded it, an exec form would not.
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --port=$PORT -v\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --port=$PORT -v\n",
                ),
                (
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen :$PORT\n",
                    "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen :$PORT\n",
                ),
            ],
        );
        let d = spec::diagnostics(R, "FROM a\nENTRYPOINT [\"x\"]\nCMD --listen :9090\n");
        assert!(
            d[0].message.contains("BuildKit reads `--listen`"),
            "{}",
            d[0].message
        );
    }
}
