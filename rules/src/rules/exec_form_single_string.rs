//! `exec-form-single-string`: an exec form whose program element holds a whole command line.
use crate::engine::{declare_rule, Applicability, Context, Diagnostic, Edit, Fix, Rule};
use crate::optimizer::commands::{exec_array, json_string};
use crate::optimizer::facts::Facts;
use crate::syntax::ext_optimizer::{json_array, ArrayElement};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an exec-form element that holds a whole command line, as in `CMD ["node server.js"]`.
    ///
    /// ## Why is this bad?
    /// The exec form runs its first element as the program, without a shell.
    /// `["node server.js"]` asks for a program literally named `node server.js`, which does not exist: the
    /// container fails to start with `exec: "node server.js": executable file not found`.
    /// Each word is its own element: `["node", "server.js"]`.
    ///
    /// Only the program (first element) is checked: later elements may legitimately hold spaces
    /// (`["sh", "-c", "a && b"]`, `["echo", "hello world"]`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// CMD ["node server.js"]
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
    /// When the element is plain words (no quotes, variables or shell operators), splitting it at spaces is what
    /// was meant, and the original cannot run at all: the fix is safe.
    /// When it holds shell syntax (`["npm start && tail -f log"]`) and is the only element, the fix runs it through
    /// `/bin/sh -c`, which is unsafe; otherwise there is no fix.
    ///
    /// ## References
    /// - [Exec form](https://docs.docker.com/reference/dockerfile/#exec-form)
    pub struct ExecFormSingleString {
        code: "DF463",
        name: "exec-form-single-string",
        category: Entrypoint,
        severity: Error,
        fix: Sometimes,
        peers: [],
        options: [],
    }
}

const SHELL_CHARS: &[char] = &[
    '$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', '\'', '"', '\\', '~', '{', '}',
    '#', '=',
];

/// The exec-form elements of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD.
fn elements(f: &Facts, i: usize) -> Option<Vec<ArrayElement>> {
    let step = &f.steps[i];
    match f.ins(i).kind {
        Kind::Run | Kind::Cmd | Kind::Entrypoint => step.args.json.clone(),
        Kind::Healthcheck => {
            let rest = &step.args.rest;
            let t = rest.text.trim_start();
            let lead = rest.text.len() - t.len();
            if !t.get(..3).is_some_and(|k| k.eq_ignore_ascii_case("CMD")) {
                return None;
            }
            json_array(&rest.slice(lead + 3..rest.text.len()))
        }
        _ => None,
    }
}

impl Rule for ExecFormSingleString {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for i in 0..f.steps.len() {
            let Some(elements) = elements(f, i) else {
                continue;
            };
            let Some(first) = elements.first() else {
                continue;
            };
            let program = first.value.trim();
            // A program name with no space in it is fine.
            if !program.contains(char::is_whitespace) {
                continue;
            }
            let d = ctx.diagnostic(
                first.range.clone(),
                format!("`{}` is one exec-form element: Docker looks for a program with that whole name", first.value),
            );
            let fix = if !program.contains(SHELL_CHARS) {
                let words: Vec<&str> = program.split_whitespace().collect();
                let json: Vec<String> = words.iter().map(|w| json_string(w)).collect();
                Some(Fix::new(
                    format!("Split `{program}` into words"),
                    Applicability::Safe,
                    vec![Edit::replace(first.range.clone(), json.join(", "))],
                ))
            } else if elements.len() == 1 {
                let json = exec_array(&["/bin/sh", "-c", program]);
                let range = f.steps[i]
                    .args
                    .rest
                    .source_range(0..f.steps[i].args.rest.text.len());
                let text = ctx.slice(range.clone());
                let lead = text.len() - text.trim_start().len();
                let tail = text.trim_end().len();
                Some(Fix::unsafe_(
                    format!("Run `{program}` through `/bin/sh -c`"),
                    vec![Edit::replace(range.start + lead..range.start + tail, json)],
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

    const R: &RuleMeta = &ExecFormSingleString::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nCMD [\"node server.js\"]\n",
                    &["\"node server.js\""],
                ),
                (
                    "FROM a\nENTRYPOINT [\"java -jar\", \"app.jar\"]\n",
                    &["\"java -jar\""],
                ),
                (
                    "FROM a\nRUN [\"npm ci && npm run build\"]\n",
                    &["\"npm ci && npm run build\""],
                ),
                (
                    "FROM a\nHEALTHCHECK --interval=5s CMD [\"curl -f http://localhost/\"]\n",
                    &["\"curl -f http://localhost/\""],
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
                "FROM a\nCMD [\"sh\", \"-c\", \"a && b\"]\n",
                "FROM a\nCMD [\"echo\", \"hello world\"]\n",
                "FROM a\nCMD node server.js\n",
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
                    "FROM a\nCMD [\"node server.js\"]\n",
                    "FROM a\nCMD [\"node\", \"server.js\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [ \"java -jar\", \"app.jar\" ]\n",
                    "FROM a\nENTRYPOINT [ \"java\", \"-jar\", \"app.jar\" ]\n",
                ),
            ],
        );
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM a\nCMD [\"npm start && tail -f x\"]\n",
                "FROM a\nCMD [\"/bin/sh\", \"-c\", \"npm start && tail -f x\"]\n",
            )],
        );
    }
}
