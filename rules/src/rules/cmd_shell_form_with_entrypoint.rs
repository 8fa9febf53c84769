//! `cmd-shell-form-with-entrypoint`: a shell-form CMD in a stage whose ENTRYPOINT is in exec form.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::commands::{exec_array, last_of, plain_words, shell_text_range};
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
    /// A `CMD` that uses variables or shell syntax gets no fix: decide by hand what the entrypoint should receive.
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
            let Some(range) = shell_text_range(script) else {
                continue;
            };
            let written = ctx.slice(range.clone()).trim().to_string();
            let d = ctx.diagnostic(
                range.clone(),
                format!("shell-form `CMD` reaches the `ENTRYPOINT` as `/bin/sh -c {written}`: write its arguments as a JSON array"),
            );
            let d = match plain_words(script) {
                Some(words) => {
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
            ],
        );
    }
}
