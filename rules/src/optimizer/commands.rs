//! CMD and ENTRYPOINT: reading a shell form as words, writing exec forms, and the shell a stage uses.
use super::facts::{Facts, Step};
use crate::shell::{Script, ScriptForm};
use crate::syntax::{Instruction, Kind, Span, Stage};

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `["a", "b"]`.
pub(crate) fn exec_array<S: AsRef<str>>(words: &[S]) -> String {
    let items: Vec<String> = words.iter().map(|w| json_string(w.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// Characters that make a word mean something else without a shell (globs, tilde).
fn needs_shell(word: &str) -> bool {
    word.starts_with('~') || word.contains(['*', '?', '['])
}

/// The words of a shell-form command that is one plain simple command: no variables, globs, redirections,
/// assignments or operators. Then the exec form runs exactly the same program with the same arguments.
pub(crate) fn plain_words(script: &Script) -> Option<Vec<String>> {
    if script.form != ScriptForm::Shell
        || script.has_errors
        || script.exec_point != Some(first_offset(script)?)
    {
        return None;
    }
    let [cmd] = script.commands.as_slice() else {
        return None;
    };
    if !cmd.assignments.is_empty() || !cmd.redirects.is_empty() || cmd.conditional {
        return None;
    }
    let words: Vec<String> = cmd.words.iter().map(|w| w.value.clone()).collect();
    if words.is_empty() || cmd.words.iter().any(|w| w.dynamic || needs_shell(&w.value)) {
        return None;
    }
    // `exec node x` in shell form is `node x` in exec form.
    let words = match words.split_first() {
        Some((first, rest)) if first == "exec" && !rest.is_empty() => rest.to_vec(),
        _ => words,
    };
    Some(words)
}

/// The logical offset of the first non-space character of the script's text.
fn first_offset(script: &Script) -> Option<usize> {
    let t = &script.text.as_ref()?.text;
    Some(t.len() - t.trim_start().len())
}

/// The source range of a shell-form command's text (leading and trailing spaces excluded).
pub(crate) fn shell_text_range(script: &Script) -> Option<Span> {
    let m = script.text.as_ref()?;
    let start = m.text.len() - m.text.trim_start().len();
    let end = m.text.trim_end().len();
    (start < end).then(|| m.source_range(start..end))
}

/// What BuildKit splits off the front of a shell-form CMD/ENTRYPOINT as instruction flags: every leading word that
/// starts with `--` (`CMD --listen :9090` has the flag `--listen`, and the build fails because CMD takes none), up
/// to a `--` that ends them. Returns where a replacement of the whole command must start (the first flag, or that
/// `--`) and the flags as command words; `None` when a flag is not plain text (quotes, variables, escapes, globs),
/// whose words only the shell could tell.
pub(crate) fn leading_flags(
    text: &str,
    ins: &Instruction,
    script: &Script,
) -> Option<(usize, Vec<String>)> {
    let body = shell_text_range(script)?;
    let mut start = body.start;
    let mut words = Vec::new();
    // The syntax layer also keeps the words after a `--` as flags; BuildKit's flags are those before the command.
    for fl in ins.flags.iter().filter(|fl| fl.range.end <= body.start) {
        let raw = text.get(fl.range.clone())?;
        start = start.min(fl.range.start);
        if raw == "--" {
            break;
        }
        if raw.contains(|c: char| c.is_whitespace() || "\"'$`\\*?[~".contains(c)) {
            return None;
        }
        words.push(raw.to_string());
    }
    Some((start, words))
}

/// A shell-form CMD/ENTRYPOINT as exec-form words when it is plain words, with the range its replacement covers:
/// the flags BuildKit would split off come first, so the JSON array replaces them too (an array left behind
/// `CMD --listen` would still fail the build).
pub(crate) fn plain_command(
    text: &str,
    ins: &Instruction,
    script: &Script,
) -> Option<(Span, Vec<String>)> {
    let (start, mut words) = leading_flags(text, ins, script)?;
    let body = shell_text_range(script)?;
    let rest = plain_words(script)?;
    // `exec` after flags is an argument, not the shell's builtin.
    if !words.is_empty() && script_starts_with_exec(script) {
        return None;
    }
    words.extend(rest);
    Some((start..body.end, words))
}

/// Whether a shell-form CMD/ENTRYPOINT starts with its program: no leading `--` words that BuildKit splits off as
/// flags (the build fails on them) and no `--` that ends them (what follows is an option, not a program). A fix of
/// such a command cannot know what was meant.
pub(crate) fn runs_a_program(text: &str, ins: &Instruction, script: &Script) -> bool {
    let Some(body) = shell_text_range(script) else {
        return false;
    };
    leading_flags(text, ins, script).is_some_and(|(start, _)| start == body.start)
}

fn script_starts_with_exec(script: &Script) -> bool {
    script
        .commands
        .first()
        .and_then(|c| c.words.first())
        .is_some_and(|w| w.value == "exec")
}

/// `npm start`, `npm run start`, `npm run-script start`, `yarn start`, `yarn run start`: commands that run
/// package.json's start script with the package manager as the container's main process.
pub(crate) fn is_npm_start<S: AsRef<str>>(words: &[S]) -> bool {
    let w: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
    matches!(
        w.as_slice(),
        ["npm" | "yarn", "start"]
            | ["npm", "run" | "run-script", "start"]
            | ["yarn", "run", "start"]
    )
}

/// The words of a plain command, with `npm start` replaced by the `node FILE` its start script runs when the build
/// context shows it (npm would otherwise stay PID 1 even in exec form).
pub(crate) fn npm_start_replaced(
    f: &Facts,
    stage: &Stage,
    at: usize,
    words: Vec<String>,
) -> Vec<String> {
    if !is_npm_start(&words) {
        return words;
    }
    package_json_for(f, stage, at)
        .and_then(|path| node_start_words(&f.build_context?.read(&path)?))
        .unwrap_or(words)
}

/// The `scripts` object's `name` entry of a package.json text.
fn package_script(package_json: &str, name: &str) -> Option<String> {
    let at = package_json.find("\"scripts\"")?;
    let body = &package_json[at..];
    let end = body.find('}')?;
    crate::knowledge::json_string_field(&body[..end], name)
}

/// The words of package.json's start script when it is a plain `node FILE [args]` (no hooks around it, no shell
/// syntax, variables or quotes): what `npm start` ends up running, as an exec form runs it.
pub(crate) fn node_start_words(package_json: &str) -> Option<Vec<String>> {
    if ["prestart", "poststart"]
        .iter()
        .any(|hook| package_script(package_json, hook).is_some())
    {
        return None;
    }
    let script = package_script(package_json, "start")?;
    let words: Vec<String> = script.split_whitespace().map(str::to_string).collect();
    let plain = words.iter().all(|w| {
        !w.is_empty()
            && w.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '-' | '_' | '.' | '/' | '=' | ':' | ',' | '@' | '+')
            })
    });
    (plain && words.len() >= 2 && words[0] == "node" && !words[1].contains('=')).then_some(words)
}

/// The package.json (a build context path) that a stage's instruction `at` sees in its working directory: copied
/// there by name (`COPY app/package.json ./`) or with a folder (`COPY app/ .`).
pub(crate) fn package_json_for(f: &Facts, stage: &Stage, at: usize) -> Option<String> {
    use super::layers::{resolve, workdir_at};
    let wd = workdir_at(f, stage, at, true)?;
    let wd = wd.trim_end_matches('/');
    (stage.instructions.start..at).rev().find_map(|i| {
        let c = f.steps[i].copy.as_ref().filter(|c| c.in_context())?;
        let dest = resolve(workdir_at(f, stage, i, true).as_deref(), &c.dest.value)?;
        let dest = dest.trim_end_matches('/');
        if let Some(src) = c.sources.iter().find(|s| {
            let v = s.value.trim_start_matches("./");
            v == "package.json" || v.ends_with("/package.json")
        }) {
            let lands = dest == wd || dest == format!("{wd}/package.json");
            return lands.then(|| src.value.trim_start_matches("./").to_string());
        }
        let [one] = c.sources.as_slice() else {
            return None;
        };
        let v = one.value.trim_start_matches("./").trim_end_matches('/');
        if dest != wd || v.contains(['*', '?', '$']) {
            return None;
        }
        Some(if v.is_empty() || v == "." {
            "package.json".to_string()
        } else {
            format!("{v}/package.json")
        })
    })
}

/// Whether the command's last step already replaces the shell (`exec node x`).
pub(crate) fn has_exec(script: &Script) -> bool {
    let (Some(m), Some(at)) = (&script.text, script.exec_point) else {
        return false;
    };
    m.text[at..].starts_with("exec ") || m.text[at..].starts_with("exec\t")
}

/// The shell text with `exec ` before its last command, when the structure allows it.
pub(crate) fn with_exec(script: &Script) -> Option<String> {
    let m = script.text.as_ref()?;
    let at = script.exec_point?;
    if script.has_errors {
        return None;
    }
    let t = &m.text;
    let body = format!("{}exec {}", &t[..at], &t[at..]);
    Some(body.trim().to_string())
}

/// The shell a stage's shell form runs with (`SHELL`, else `/bin/sh -c`), as exec-form words.
pub(crate) fn stage_shell(f: &Facts, stage: &Stage, before: usize) -> Vec<String> {
    let own = stage.instructions.start..before;
    let shell_ins = own
        .rev()
        .find(|&i| f.ins(i).kind == Kind::Shell)
        .or_else(|| {
            f.ancestors(stage)
                .iter()
                .find_map(|s| f.effective(s, Kind::Shell))
        });
    shell_ins
        .and_then(|i| {
            f.steps[i]
                .args
                .json
                .as_ref()
                .map(|e| e.iter().map(|x| x.value.clone()).collect())
        })
        .unwrap_or_else(|| vec!["/bin/sh".to_string(), "-c".to_string()])
}

/// The effective (last) instruction of a kind in a stage, with its step.
pub(crate) fn last_of<'f>(f: &'f Facts, stage: &Stage, kind: Kind) -> Option<&'f Step> {
    stage
        .instructions
        .clone()
        .rev()
        .find(|&i| f.ins(i).kind == kind)
        .map(|i| &f.steps[i])
}

/// Instructions of a kind that a later one in the same stage overrides (all but the last).
pub(crate) fn overridden(f: &Facts, stage: &Stage, kind: Kind) -> Vec<usize> {
    let all: Vec<usize> = stage
        .instructions
        .clone()
        .filter(|&i| f.ins(i).kind == kind)
        .collect();
    all.split_last()
        .map(|(_, dead)| dead.to_vec())
        .unwrap_or_default()
}

/// Diagnostics (with a removal fix) for every overridden instruction of a kind: `multiple-cmd` and its siblings.
pub(crate) fn report_overridden(
    ctx: &crate::engine::Context,
    kind: Kind,
    out: &mut Vec<crate::engine::Diagnostic>,
) {
    use crate::engine::{DiagnosticTag, Fix};
    let f = Facts::new(ctx);
    let kw = kind.keyword();
    for stage in ctx.doc().stages() {
        for i in overridden(f, stage, kind) {
            let ins = f.ins(i);
            let b = super::lines::block(ctx.doc(), i, false, ctx.newline());
            let line = ctx
                .slice(ins.range.clone())
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            out.push(
                ctx.diagnostic(
                    ins.keyword.clone(),
                    format!("this `{kw}` has no effect: a later `{kw}` in the stage replaces it"),
                )
                .with_tag(DiagnosticTag::Unnecessary)
                .with_fix(Fix::unsafe_(
                    format!("Remove `{line}`"),
                    vec![super::lines::removal(ctx.doc(), &b)],
                )),
            );
        }
    }
}

/// The exec-form replacement of a shell-form CMD/ENTRYPOINT: plain words as they are, anything else through the
/// stage's shell with `exec` before the last command. `None` when neither is possible.
pub(crate) fn exec_form_for(f: &Facts, stage: &Stage, step: &Step) -> Option<(String, bool)> {
    let script = step.script.as_ref()?;
    if !runs_a_program(f.doc.text(), f.ins(step.index), script) {
        return None;
    }
    if let Some(words) = plain_words(script) {
        return Some((
            exec_array(&npm_start_replaced(f, stage, step.index, words)),
            true,
        ));
    }
    let body = if has_exec(script) {
        script.text.as_ref()?.text.trim().to_string()
    } else {
        with_exec(script)?
    };
    let mut words = stage_shell(f, stage, step.index);
    words.push(body);
    Some((exec_array(&words), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    fn script(cmd: &str) -> Script {
        let src = format!("FROM a\nCMD {cmd}\n");
        let doc = Document::parse(&src);
        crate::shell::script(&src, &doc.instructions()[1], '\\').unwrap()
    }

    #[test]
    fn plain_commands_become_exec_forms() {
        assert_eq!(
            plain_words(&script("node server.js --port 80")).unwrap(),
            ["node", "server.js", "--port", "80"]
        );
        assert_eq!(
            plain_words(&script("java -jar \"my app.jar\"")).unwrap(),
            ["java", "-jar", "my app.jar"]
        );
        assert_eq!(
            plain_words(&script("exec nginx -g 'daemon off;'")).unwrap(),
            ["nginx", "-g", "daemon off;"]
        );
        for not_plain in [
            "node $APP",
            "cd /app && node x",
            "java -jar *.jar",
            "a > log",
            "X=1 node x",
            "a | b",
            "~/bin/x",
        ] {
            assert!(plain_words(&script(not_plain)).is_none(), "{not_plain}");
        }
    }

    #[test]
    fn exec_goes_before_the_last_command() {
        assert_eq!(
            with_exec(&script("cd /app && node x.js $ARGS")).unwrap(),
            "cd /app && exec node x.js $ARGS"
        );
        assert_eq!(
            with_exec(&script("node x.js --port=$PORT")).unwrap(),
            "exec node x.js --port=$PORT"
        );
        assert!(with_exec(&script("a | b")).is_none());
        assert!(has_exec(&script("exec node x")));
        assert!(!has_exec(&script("node x")));
    }

    #[test]
    fn npm_start_reads_the_start_script() {
        assert!(is_npm_start(&["npm", "start"]) && is_npm_start(&["yarn", "run", "start"]));
        assert!(
            !is_npm_start(&["npm", "run", "dev"]) && !is_npm_start(&["npm", "start", "--", "-p"])
        );
        let pkg = |scripts: &str| {
            format!("{{\"name\": \"x\", \"scripts\": {{{scripts}}}, \"start\": \"no\"}}")
        };
        assert_eq!(
            node_start_words(&pkg(
                "\"build\": \"tsc\", \"start\": \"node dist/server.js --port 8080\""
            ))
            .unwrap(),
            ["node", "dist/server.js", "--port", "8080"]
        );
        for not_plain in [
            "\"start\": \"NODE_ENV=production node server.js\"",
            "\"start\": \"node server.js && echo done\"",
            "\"start\": \"nodemon server.js\"",
            "\"start\": \"node $ENTRY\"",
            "\"start\": \"node\"",
            "\"prestart\": \"npm run build\", \"start\": \"node server.js\"",
            "\"build\": \"tsc\"",
        ] {
            assert_eq!(node_start_words(&pkg(not_plain)), None, "{not_plain}");
        }
    }

    #[test]
    fn json() {
        assert_eq!(exec_array(&["a \"b\"", "c\\d"]), r#"["a \"b\"", "c\\d"]"#);
    }
}
