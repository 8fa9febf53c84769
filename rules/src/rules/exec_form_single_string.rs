//! `exec-form-single-string`: an exec form whose program element holds a whole command line.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
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
    /// A split changes what runs, so the fix is always unsafe, and it is offered only when the element is surely a
    /// command line: its first word is a well-known program (`node`, `python3`, `java`, `npm`, `nginx` ...), bare or
    /// in a standard `bin` folder (`/usr/local/bin/node`), and the rest are plain words (no quotes, variables or
    /// shell operators).
    /// A name that is not known may be a program with a space in its name (`["Media Server"]`): no fix, split it by
    /// hand when it is a command line.
    /// When the element holds shell syntax (`["npm start && tail -f log"]`) and is the only element, the fix runs it
    /// through `/bin/sh -c`.
    ///
    /// A `CMD` is the argument list of the `ENTRYPOINT` in force (the stage's, or one it inherits through
    /// `FROM <stage>`).
    /// Under an `ENTRYPOINT` that takes one string (`["sh", "-c"]`, `["bash", "-lc"]`, `["su", "app", "-c"]`: its last
    /// element is a `-c` option) the single string is right and nothing is reported.
    /// Under any other `ENTRYPOINT` written in the file there is no fix: only the entrypoint knows how it reads its
    /// arguments.
    /// An `ENTRYPOINT` inherited from a base image is not visible in the file; that is one more reason the fix is
    /// unsafe.
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
        changes: [Rewrite, Config(Cmd), Config(Entrypoint), Config(Healthcheck)],
    }
}

const SHELL_CHARS: &[char] = &[
    '$', '`', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', '\'', '"', '\\', '~', '{', '}',
    '#', '=',
];

/// Programs that are run by name often enough that a first word naming one starts a command line: no program is
/// installed under `node server.js`. A name with a version suffix (`python3.12`, `php8.2`) counts as the name.
const KNOWN_PROGRAMS: &[&str] = &[
    "ash",
    "bash",
    "bun",
    "bundle",
    "caddy",
    "cat",
    "celery",
    "composer",
    "curl",
    "dash",
    "deno",
    "dotnet",
    "dumb-init",
    "echo",
    "elixir",
    "env",
    "erl",
    "flask",
    "gosu",
    "gradle",
    "gunicorn",
    "httpd",
    "iex",
    "java",
    "jupyter",
    "ls",
    "lua",
    "mix",
    "mongod",
    "mvn",
    "mysqld",
    "nginx",
    "node",
    "nodemon",
    "npm",
    "npx",
    "perl",
    "php",
    "php-fpm",
    "pm2",
    "pm2-runtime",
    "pnpm",
    "postgres",
    "printenv",
    "python",
    "rails",
    "rake",
    "redis-server",
    "ruby",
    "sh",
    "sleep",
    "streamlit",
    "su-exec",
    "supervisord",
    "tail",
    "tini",
    "uvicorn",
    "uwsgi",
    "wget",
    "yarn",
    "zsh",
];

/// Folders a program's absolute path may start with and still be the well-known program.
const BIN_DIRS: &[&str] = &[
    "/bin/",
    "/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
];

/// Whether `word` (the first word of the element) names a well-known program, bare or in a standard bin folder.
fn known_program(word: &str) -> bool {
    let name = if word.starts_with('/') {
        match BIN_DIRS.iter().find_map(|d| word.strip_prefix(d)) {
            Some(n) if !n.contains('/') => n,
            _ => return false,
        }
    } else {
        word
    };
    let unversioned = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    KNOWN_PROGRAMS.contains(&name) || KNOWN_PROGRAMS.contains(&unversioned)
}

/// An exec-form `ENTRYPOINT` whose last element is a `-c` option (`-c`, `-lc`, `-ec`): it runs one string.
fn takes_one_string(f: &Facts, ep: usize) -> bool {
    f.steps[ep].args.json.as_ref().is_some_and(|els| {
        els.last().is_some_and(|l| {
            let v = l.value.as_str();
            v == "--command"
                || v.strip_prefix('-').is_some_and(|o| {
                    !o.is_empty() && o.ends_with('c') && o.chars().all(|c| c.is_ascii_alphabetic())
                })
        })
    })
}

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
            // A CMD is the ENTRYPOINT's argument list when one is in force.
            let entrypoint = (f.ins(i).kind == Kind::Cmd)
                .then(|| {
                    let stage = ctx
                        .doc()
                        .stages()
                        .iter()
                        .find(|s| s.instructions.contains(&i))?;
                    f.effective(stage, Kind::Entrypoint)
                })
                .flatten();
            // `ENTRYPOINT ["sh", "-c"]` runs the CMD's one string: that is what it is for.
            if entrypoint.is_some_and(|ep| takes_one_string(f, ep)) {
                continue;
            }
            let first_word = program.split_whitespace().next().unwrap_or("");
            let plain = !program.contains(SHELL_CHARS);
            let fix = if entrypoint.is_some() || !known_program(first_word) {
                None
            } else if plain {
                let words: Vec<&str> = program.split_whitespace().collect();
                let json: Vec<String> = words.iter().map(|w| json_string(w)).collect();
                Some(Fix::unsafe_(
                    format!("Split `{program}` into words"),
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
            let value = &first.value;
            let message = if entrypoint.is_some() {
                format!("`{value}` is one exec-form element: the `ENTRYPOINT` receives it as one argument; write each word as its own element if it expects them apart")
            } else if fix.is_none() {
                format!("`{value}` is one exec-form element: Docker looks for a program with that whole name; if it is a command line, write each word as its own element")
            } else {
                format!("`{value}` is one exec-form element: Docker looks for a program with that whole name")
            };
            out.push(
                ctx.diagnostic(first.range.clone(), message)
                    .with_fix_opt(fix),
            );
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
    fn under_an_entrypoint() {
        // A shell's `-c` takes the one string: right as written.
        spec::valid(
            R,
            &[
                "FROM a\nENTRYPOINT [\"sh\", \"-c\"]\nCMD [\"node app.js\"]\n",
                "FROM a\nENTRYPOINT [\"/bin/bash\", \"-lc\"]\nCMD [\"node app.js\"]\n",
                "FROM a\nENTRYPOINT [\"su\", \"app\", \"-c\"]\nCMD [\"node app.js\"]\n",
                "FROM a AS base\nENTRYPOINT [\"sh\", \"-c\"]\nFROM base\nCMD [\"node app.js\"]\n",
            ],
        );
        // Another entrypoint: reported, but only it knows how it reads its arguments.
        for src in [
            "FROM a\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"node app.js\"]\n",
            "FROM a AS base\nENTRYPOINT [\"sh\", \"-c\", \"exec $0 $@\"]\nFROM base\nCMD [\"node app.js\"]\n",
        ] {
            let d = spec::diagnostics(R, src);
            assert_eq!(d.len(), 1, "{src}");
            assert!(d[0].fix.is_none(), "{src}");
        }
    }

    #[test]
    fn a_name_that_is_not_a_known_program_gets_no_fix() {
        for src in [
            "FROM a\nCMD [\"Media Server\"]\n",
            "FROM a\nCMD [\"/opt/Media Server\"]\n",
            "FROM a\nCMD [\"/opt/app/node server.js\"]\n",
            "FROM a\nCMD [\"My App && x\"]\n",
        ] {
            let d = spec::diagnostics(R, src);
            assert_eq!(d.len(), 1, "{src}");
            assert!(d[0].fix.is_none(), "{src}");
        }
    }

    #[test]
    fn fix() {
        // Nothing is safe: a split changes what runs.
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a\nCMD [\"node server.js\"]\n",
                "FROM a\nCMD [\"node server.js\"]\n",
            )],
        );
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM a\nCMD [\"node server.js\"]\n",
                    "FROM a\nCMD [\"node\", \"server.js\"]\n",
                ),
                (
                    "FROM a\nENTRYPOINT [ \"java -jar\", \"app.jar\" ]\n",
                    "FROM a\nENTRYPOINT [ \"java\", \"-jar\", \"app.jar\" ]\n",
                ),
                (
                    "FROM a\nCMD [\"/usr/local/bin/python3.12 -m app\"]\n",
                    "FROM a\nCMD [\"/usr/local/bin/python3.12\", \"-m\", \"app\"]\n",
                ),
                (
                    "FROM a\nCMD [\"npm start && tail -f x\"]\n",
                    "FROM a\nCMD [\"/bin/sh\", \"-c\", \"npm start && tail -f x\"]\n",
                ),
            ],
        );
    }
}
