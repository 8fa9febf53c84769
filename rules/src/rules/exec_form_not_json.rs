//! `exec-form-not-json`: a bracketed command that is not valid JSON and so runs as shell form.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::commands::exec_array;
use crate::optimizer::facts::Facts;
use crate::syntax::Kind;

declare_rule! {
    /// Reports a bracketed `RUN`, `CMD` or `ENTRYPOINT` that is not valid JSON, such as `CMD ['node', 'server.js']`.
    ///
    /// A missing closing bracket (`CMD ["node", "server.js"`) is the same mistake.
    ///
    /// ## Why is this bad?
    /// Docker reads `[...]` as the exec form only when it is a valid JSON array of strings.
    /// Anything else (single quotes, a trailing comma, an unknown escape like `"C:\app"`) silently falls back to the
    /// shell form: `/bin/sh -c "['node', 'server.js']"`, which fails with a confusing `not found` error at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD ['node', 'server.js']
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
    /// The fix writes the same strings as valid JSON.
    /// The original runs as a shell command that starts with `[`, which no shell can run: it cannot have worked as
    /// written, so the fix is safe.
    /// One exception: a `CMD` under an `ENTRYPOINT` written in the file does not run on its own; the entrypoint
    /// receives `/bin/sh`, `-c` and the bracketed text as arguments, and what it does with them only it knows, so
    /// there the fix is unsafe.
    /// (An entrypoint script of the base image that runs its arguments, as most do with `exec "$@"`, runs the broken
    /// shell command too.)
    ///
    /// ## References
    /// - [Exec form](https://docs.docker.com/reference/dockerfile/#exec-form): "The exec form is parsed as a JSON array, which means that you must use double-quotes"
    pub struct ExecFormNotJson {
        code: "DF464",
        name: "exec-form-not-json",
        category: Entrypoint,
        severity: Error,
        fix: Always,
        peers: [],
        options: [],
        changes: [Rewrite, Config(Cmd), Config(Entrypoint), Config(Shell), Config(Healthcheck), Config(Volume)],
    }
}

/// Reads `[ 'a', "b", ]` (or without its `]`): strings in single or double quotes (double-quoted ones with JSON escapes where valid,
/// other backslashes kept), commas between them, a trailing comma allowed. `None` when it is not that shape.
fn lenient_array(text: &str) -> Option<Vec<String>> {
    let t = text.trim();
    let open = t.strip_prefix('[')?;
    // A missing `]` is the same mistake: `[` runs as the `test` command, which fails without its `]`.
    let inner = open.strip_suffix(']').unwrap_or(open);
    let chars: Vec<char> = inner.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip(&mut i);
        if i >= chars.len() {
            break;
        }
        let q = chars[i];
        if q != '"' && q != '\'' {
            return None;
        }
        i += 1;
        let mut s = String::new();
        loop {
            let c = *chars.get(i)?;
            i += 1;
            if c == q {
                break;
            }
            if c == '\\' && q == '"' {
                let n = *chars.get(i)?;
                match n {
                    '"' | '\\' | '/' => {
                        s.push(n);
                        i += 1;
                    }
                    'n' => {
                        s.push('\n');
                        i += 1;
                    }
                    't' => {
                        s.push('\t');
                        i += 1;
                    }
                    _ => s.push('\\'),
                }
                continue;
            }
            s.push(c);
        }
        out.push(s);
        skip(&mut i);
        match chars.get(i) {
            Some(',') => i += 1,
            None => break,
            Some(_) => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

impl Rule for ExecFormNotJson {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for (i, step) in f.steps.iter().enumerate() {
            if !matches!(f.ins(i).kind, Kind::Run | Kind::Cmd | Kind::Entrypoint) {
                continue;
            }
            // Valid JSON is the exec form already.
            if step.args.json.is_some() {
                continue;
            }
            let rest = &step.args.rest;
            let Some(words) = lenient_array(&rest.text) else {
                continue;
            };
            let lead = rest.text.len() - rest.text.trim_start().len();
            let end = rest.text.trim_end().len();
            let range = rest.source_range(lead..end);
            let json = exec_array(&words);
            let written = ctx.slice(range.clone()).to_string();
            // A CMD under an ENTRYPOINT is that entrypoint's arguments, which it may read in any way.
            let under_entrypoint = f.ins(i).kind == Kind::Cmd
                && ctx
                    .doc()
                    .stages()
                    .iter()
                    .find(|s| s.instructions.contains(&i))
                    .and_then(|s| f.effective(s, Kind::Entrypoint))
                    .is_some();
            let title = format!("Replace with `{json}`");
            let edits = vec![Edit::replace(range.clone(), json)];
            out.push(
                ctx.diagnostic(
                    range.clone(),
                    format!("`{written}` is not valid JSON, so Docker runs it as a shell command"),
                )
                .with_fix(if under_entrypoint {
                    Fix::unsafe_(title, edits)
                } else {
                    Fix::safe(title, edits)
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ExecFormNotJson::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nCMD ['node', 'server.js']\n",
                    &["['node', 'server.js']"],
                ),
                ("FROM a\nENTRYPOINT [\"a\", \"b\",]\n", &["[\"a\", \"b\",]"]),
                (
                    "FROM a\nRUN [\"C:\\app\\run.exe\"]\n",
                    &["[\"C:\\app\\run.exe\"]"],
                ),
                ("FROM a\nCMD [\"x\", 'y']  \n", &["[\"x\", 'y']"]),
                ("FROM a\nCMD [\"x\"\n", &["[\"x\""]),
                ("FROM a\nENTRYPOINT [\"a\", \"b\",\n", &["[\"a\", \"b\","]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nCMD [\"node\", \"server.js\"]\n",
                "FROM a\nRUN [ -f /x ] && echo yes\n",
                "FROM a\nRUN [ \"$A\" = \"b\" ] || exit 1\n",
                "FROM a\nCMD []\n",
                "FROM a\nCMD node x\n",
                "FROM a\nRUN [ \"$A\" = \"b\" && echo\n",
                "FROM a\nRUN [ \"a\" ] && b\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                (
                    "FROM a\nCMD ['node', 'server.js']\n",
                    "FROM a\nCMD [\"node\", \"server.js\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [\"a\", \"b\",]\r\n",
                    "FROM a\nENTRYPOINT [\"a\", \"b\"]\r\n",
                ),
                (
                    "FROM a\nRUN [\"C:\\app\\run.exe\"]\n",
                    "FROM a\nRUN [\"C:\\\\app\\\\run.exe\"]\n",
                ),
                (
                    "FROM a\nCMD [\"x\", \"y\"\n",
                    "FROM a\nCMD [\"x\", \"y\"]\n",
                ),
                // Under an ENTRYPOINT the CMD is its arguments: not safe.
                (
                    "FROM a\nENTRYPOINT [\"e\"]\nCMD ['-v']\n",
                    "FROM a\nENTRYPOINT [\"e\"]\nCMD ['-v']\n",
                ),
            ],
        );
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nENTRYPOINT [\"e\"]\nCMD ['-v']\n",
                "FROM a\nENTRYPOINT [\"e\"]\nCMD [\"-v\"]\n",
            )],
        );
    }
}
