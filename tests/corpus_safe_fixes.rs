//! Safe fixes keep the image (BUILD-MODEL.md, point 3), checked over the whole public corpus by an independent
//! reading: `dflint check --fix --select ALL` (safe fixes only, every rule) runs on copies of every corpus file, and
//! BuildKit's own parser (the `dockerfile` package, through `oracle/buildkit_dump.py`) reads the original and the
//! fixed file. The two readings must give the same image, in this sense:
//!
//! - Parser directives (`# syntax=`, `# escape=`, read as BuildKit does: leading `# key=value` lines) are equal.
//! - Per stage, the *steps* are equal and in the same order: `FROM` (stage names and `AS` in any case), `RUN`,
//!   `COPY`, `ADD`, `WORKDIR`, `USER`, `SHELL`, `ONBUILD`, each with its flags (in any order), its JSON-or-shell form,
//!   its words and its heredocs. A `RUN` also carries every `ARG`/`ENV` value in force (its processes see them);
//!   an instruction the builder expands variables in (`FROM`, `COPY`, `ADD`, `WORKDIR`, `USER`, `ENV`, `LABEL`,
//!   `EXPOSE`, `VOLUME`, `STOPSIGNAL`) carries the values of the variables it names. `CMD`, `ENTRYPOINT` and
//!   `HEALTHCHECK` carry none: their shell expands at run time, with the image's final `ENV`.
//! - Per stage, the *config* the stage ends with is equal: `CMD` (reset by a later `ENTRYPOINT` when the stage set
//!   none, as BuildKit does), `ENTRYPOINT`, `HEALTHCHECK`, `STOPSIGNAL`, `MAINTAINER`, each `LABEL` key, `EXPOSE`d
//!   ports, `VOLUME`s and `ENV` values. So metadata may move between steps (`metadata-after-volatile`) unless its
//!   value expands a variable whose value differs at the new place.
//! - `ENV`, `LABEL` and `ARG` values are compared after BuildKit's quote removal; keyword case, whitespace between
//!   words and comments do not show in the reading.
//!
//! What that allows, per rule whose fix is safe, and nothing more:
//! - `instruction-casing`, `from-as-casing`: keywords and `AS` in another case.
//! - `empty-continuation-line`: BuildKit drops blank lines inside a continued instruction: the same words.
//! - `legacy-key-value-format`: `ENV a b c` and `ENV a="b c"` give the same value after quote removal.
//! - `redundant-target-platform`: `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`, with `:-`/`-` and a
//!   default, since the variable is always set) is read as `FROM` without the flag, unless a global `ARG` gives
//!   `TARGETPLATFORM` a default of its own: a stage is built for the target platform either way.
//! - `metadata-after-volatile`: config moved between steps, while the state each stage ends with is the same.
//! - `unused-suppression`: comments are not read; the directives are, so a removal that turns a later comment into
//!   a directive is caught.
//! - `exec-form-not-json`: the original could never have worked (a shell command that starts with `[`), so it is
//!   read as the JSON array of its quoted strings when the fixed file has that array; not for a `CMD` under an
//!   `ENTRYPOINT`, whose arguments it is.
//! - `unknown-instruction`, `unknown-flag`: BuildKit refuses the file, so an unknown instruction is read as the
//!   fixed file's known instruction whose first line reads the same after the keyword, and an unknown flag as the
//!   fixed file's flag with the same value on the same instruction.
//! - `add-instead-of-copy`: an `ADD` is read as a `COPY` of the fixed file with the same flags and words,
//!   when every source is a folder of the build context (the folder dflint ran in) or a text file there that is no
//!   tar archive: `ADD` copies those as `COPY` does.
//!
//! - `backtick-substitution`: `` `cmd` `` and `$(cmd)` run the same command when `cmd` holds no backslash, so an
//!   original shell-form `RUN` is read as the fixed file's `RUN` whose text is the original's with such backticks
//!   written as `$(...)`.
//!
//! A file that cannot build before or after (a template whose `{{ }}` lines BuildKit refuses as unknown
//! instructions) has no image to keep and is counted, not compared.
//!
//! `reading_catches_wrong_edits` is the test of this test: edits that change the image must be reported.
//!
//! Environment: `DFLINT_SKIP_CORPUS=1` skips the corpus test when `../shared` is absent; `DFLINT_PYTHON` picks the
//! interpreter with the `dockerfile` package (default `python3`).
mod oracle;

use std::collections::BTreeMap;
use std::process::Command;

use oracle::{buildkit, corpus_dir, files_under, python, say};
use serde_json::Value;

const KNOWN_INSTRUCTIONS: &[&str] = &[
    "from",
    "run",
    "cmd",
    "label",
    "maintainer",
    "expose",
    "env",
    "add",
    "copy",
    "entrypoint",
    "volume",
    "user",
    "workdir",
    "arg",
    "onbuild",
    "stopsignal",
    "healthcheck",
    "shell",
];

/// `--platform=$TARGETPLATFORM`, `${TARGETPLATFORM}`, `${TARGETPLATFORM:-x}` or `${TARGETPLATFORM-x}`: the default.
fn is_target_platform(flag: &str) -> bool {
    let Some(v) = flag.strip_prefix("--platform=") else {
        return false;
    };
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    v == "$TARGETPLATFORM"
        || v.strip_prefix("${TARGETPLATFORM")
            .and_then(|r| r.strip_suffix('}'))
            .is_some_and(|r| {
                r.is_empty() || ((r.starts_with(":-") || r.starts_with('-')) && !r.contains('}'))
            })
}

/// The flags each instruction accepts, from the Dockerfile reference.
fn known_flags(cmd: &str) -> &'static [&'static str] {
    match cmd {
        "from" => &["platform"],
        "run" => &["mount", "network", "security", "device"],
        "copy" => &["from", "chown", "chmod", "link", "parents", "exclude"],
        "add" => &[
            "chown",
            "chmod",
            "link",
            "checksum",
            "keep-git-dir",
            "unpack",
            "exclude",
        ],
        "healthcheck" => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        _ => &[],
    }
}

/// One instruction as BuildKit's parser gives it.
#[derive(Clone, Debug, PartialEq)]
struct Ins {
    line: u64,
    cmd: String,
    sub_cmd: Option<String>,
    json: bool,
    flags: Vec<String>,
    value: Vec<String>,
    heredocs: Vec<(String, String)>,
}

fn instructions(reading: &Value) -> Vec<Ins> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    reading["instructions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| Ins {
                    line: i["start_line"].as_u64().unwrap_or(0),
                    cmd: i["cmd"].as_str().unwrap_or("").to_string(),
                    sub_cmd: i["sub_cmd"].as_str().map(String::from),
                    json: i["json"] == true,
                    flags: strings(&i["flags"]),
                    value: strings(&i["value"]),
                    heredocs: i["heredocs"]
                        .as_array()
                        .map(|h| {
                            h.iter()
                                .map(|h| {
                                    let s = |k: &str| h[k].as_str().unwrap_or("").to_string();
                                    (s("name"), s("content"))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Leading `# key=value` lines, read as BuildKit reads parser directives (`syntax`, `escape`, `check`, in any case;
/// the first line that is not one ends them).
fn directives(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        let Some(rest) = line.trim_end_matches('\r').strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = rest.split_once('=') else {
            break;
        };
        // An unknown key is a comment, and it ends the directives.
        let key = key.trim().to_ascii_lowercase();
        if !["syntax", "escape", "check"].contains(&key.as_str()) {
            break;
        }
        out.insert(key, value.trim().to_string());
    }
    out
}

/// BuildKit's quote removal on a word (`ProcessWord`): quotes go, escapes resolve, and an expansion is marked with
/// `\u{1}` so that it differs from a literal `$`.
fn unquote(word: &str, escape: char) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\'' => {
                while i < chars.len() && chars[i] != '\'' {
                    out.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                while i < chars.len() && chars[i] != '"' {
                    let d = chars[i];
                    i += 1;
                    if d == escape && i < chars.len() && ['"', '$', escape].contains(&chars[i]) {
                        out.push(chars[i]);
                        i += 1;
                    } else if d == '$' {
                        out.push_str("\u{1}$");
                    } else {
                        out.push(d);
                    }
                }
                i += 1;
            }
            '$' => out.push_str("\u{1}$"),
            c if c == escape && i < chars.len() => {
                out.push(chars[i]);
                i += 1;
            }
            c => out.push(c),
        }
    }
    out
}

/// `[ 'a', "b" ]`: quoted strings between brackets, as a writer of a broken exec form meant them.
fn bracketed_strings(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let chars: Vec<char> = inner.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
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
            if c == '\\' && q == '"' && matches!(chars.get(i), Some('"' | '\\')) {
                s.push(chars[i]);
                i += 1;
                continue;
            }
            s.push(c);
        }
        out.push(s);
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        match chars.get(i) {
            Some(',') => i += 1,
            None => break,
            Some(_) => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The text of a (1-based) line after its first word.
fn after_keyword(text: &str, line: u64) -> &str {
    let l = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim_start();
    l.find(char::is_whitespace).map_or("", |at| l[at..].trim())
}

/// Indexes of the CMD instructions of stages that have an ENTRYPOINT, their own or one inherited through
/// `FROM <stage>`.
fn cmds_under_entrypoint(ins: &[Ins]) -> Vec<usize> {
    // (name, has an entrypoint) per stage, in order.
    let mut stages: Vec<(String, bool)> = Vec::new();
    let mut stage_of = Vec::with_capacity(ins.len());
    for i in ins {
        if i.cmd == "from" {
            let base = i
                .value
                .first()
                .map(|b| b.to_ascii_lowercase())
                .unwrap_or_default();
            let inherited = stages
                .iter()
                .rev()
                .find(|(n, _)| *n == base)
                .is_some_and(|s| s.1);
            let name = match &i.value[..] {
                [_, as_, name] if as_.eq_ignore_ascii_case("as") => name.to_ascii_lowercase(),
                _ => String::new(),
            };
            stages.push((name, inherited));
        } else if i.cmd == "entrypoint" {
            if let Some(s) = stages.last_mut() {
                s.1 = true;
            }
        }
        stage_of.push(stages.len());
    }
    ins.iter()
        .enumerate()
        .filter(|(k, i)| i.cmd == "cmd" && stage_of[*k] > 0 && stages[stage_of[*k] - 1].1)
        .map(|(k, _)| k)
        .collect()
}

/// Shell text with each `` `cmd` `` outside single quotes whose `cmd` holds no backslash (and does not start with `(`)
/// written as `$(cmd)`.
fn backticks_as_dollar(text: &str) -> String {
    let mut out = String::new();
    let (mut single, mut double) = (false, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '\\' if !single => {
                let n = rest.chars().nth(1).map_or(0, char::len_utf8);
                out.push_str(&rest[..1 + n]);
                rest = &rest[1 + n..];
                continue;
            }
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '`' if !single => {
                if let Some(end) = rest[1..].find('`') {
                    let inner = &rest[1..1 + end];
                    if !inner.contains('\\') && !inner.starts_with('(') {
                        out.push_str(&format!("$({inner})"));
                        rest = &rest[end + 2..];
                        continue;
                    }
                }
            }
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The original's instructions that could never have worked, read as the fixed file's counterpart (see the module
/// docs); everything else as it is.
fn as_meant(
    original_text: &str,
    original: &[Ins],
    fixed_text: &str,
    fixed: &[Ins],
    context: Option<&std::path::Path>,
) -> Vec<Ins> {
    let mut out = original.to_vec();
    let under_entrypoint = cmds_under_entrypoint(original);
    for (k, ins) in out.iter_mut().enumerate() {
        let execs = ["run", "cmd", "entrypoint"];
        // A CMD under an ENTRYPOINT is its arguments: the broken text may be what the entrypoint expects.
        if !execs.contains(&ins.cmd.as_str())
            || ins.json
            || ins.value.len() != 1
            || under_entrypoint.contains(&k)
        {
            continue;
        }
        if let Some(strings) = bracketed_strings(&ins.value[0]) {
            let made = fixed
                .iter()
                .any(|f| f.cmd == ins.cmd && f.json && f.value == strings);
            if made {
                ins.json = true;
                ins.value = strings;
            }
        }
    }
    for ins in out.iter_mut() {
        if ins.cmd != "run" || ins.json {
            continue;
        }
        let dollar: Vec<String> = ins.value.iter().map(|v| backticks_as_dollar(v)).collect();
        if dollar != ins.value
            && fixed
                .iter()
                .any(|f| f.cmd == "run" && !f.json && f.value == dollar)
        {
            ins.value = dollar;
        }
    }
    let same_words = |a: &Ins, b: &Ins| {
        a.value == b.value && a.heredocs == b.heredocs && a.json == b.json && a.sub_cmd == b.sub_cmd
    };
    // A folder, or a text file that is no (plain) tar: ADD copies it as COPY does.
    let plain = |source: &str| {
        let Some(dir) = context else {
            return false;
        };
        let path = dir.join(source.trim_start_matches('/'));
        path.is_dir()
            || std::fs::read_to_string(&path)
                .is_ok_and(|t| !t.starts_with("BZh") && t.get(257..262) != Some("ustar"))
    };
    // Other fixes may move lines, so an ADD is matched with a COPY of the same flags and words that the fixed file
    // has more of than the original.
    let same =
        |a: &Ins, b: &Ins| a.flags == b.flags && a.value == b.value && a.heredocs == b.heredocs;
    let copies = |list: &[Ins], like: &Ins| {
        list.iter()
            .filter(|i| i.cmd == "copy" && same(i, like))
            .count()
    };
    for k in 0..out.len() {
        if out[k].cmd != "add" || !out[k].heredocs.is_empty() {
            continue;
        }
        let slot = out[k].clone();
        let sources = &slot.value[..slot.value.len().saturating_sub(1)];
        if copies(fixed, &slot) > copies(&out, &slot) && sources.iter().all(|s| plain(s)) {
            out[k].cmd = "copy".to_string();
        }
    }
    for slot in &mut out {
        let ins = slot.clone();
        // BuildKit's parser gives an unknown instruction no words: read it as the fixed file's known instruction
        // whose first line reads the same after the keyword.
        if !KNOWN_INSTRUCTIONS.contains(&ins.cmd.as_str()) {
            let rest = after_keyword(original_text, ins.line);
            if let Some(f) = fixed.iter().find(|f| {
                KNOWN_INSTRUCTIONS.contains(&f.cmd.as_str())
                    && after_keyword(fixed_text, f.line) == rest
            }) {
                *slot = f.clone();
                slot.line = ins.line;
            }
            continue;
        }
        let unknown = |flag: &str| {
            let name = flag.trim_start_matches('-').split('=').next().unwrap_or("");
            !known_flags(&ins.cmd).contains(&name)
        };
        if !ins.flags.iter().any(|f| unknown(f)) {
            continue;
        }
        let value_of = |f: &str| f.split_once('=').map(|(_, v)| v.to_string());
        if let Some(f) = fixed.iter().find(|f| {
            f.cmd == ins.cmd
                && same_words(f, &ins)
                && f.flags.len() == ins.flags.len()
                && f.flags.iter().zip(&ins.flags).all(|(a, b)| {
                    a == b || (unknown(b) && !unknown(a) && value_of(a) == value_of(b))
                })
        }) {
            slot.flags = f.flags.clone();
        }
    }
    out
}

/// What one stage is and does.
#[derive(Debug, Default, PartialEq)]
struct Stage {
    /// (line in its file, reading): compared in order, lines left out.
    steps: Vec<(u64, String)>,
    /// key → (line, reading): compared as a map.
    config: BTreeMap<String, (u64, String)>,
}

/// What a whole file is and does.
#[derive(Debug, Default)]
struct Image {
    directives: BTreeMap<String, String>,
    stages: Vec<Stage>,
}

fn read_image(text: &str, ins: &[Ins]) -> Image {
    let directives = directives(text);
    let escape = match directives.get("escape").map(String::as_str) {
        Some("`") => '`',
        _ => '\\',
    };
    let mut stages = vec![Stage::default()];
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut global: Option<BTreeMap<String, String>> = None;
    let mut cmd_set = false;
    let render_env = |env: &BTreeMap<String, String>| {
        env.iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for i in ins {
        let words = |i: &Ins| -> String {
            let mut flags = i.flags.clone();
            flags.sort();
            let flags: Vec<String> = flags
                .into_iter()
                .map(|f| match f.split_once('=') {
                    // Stage names are read in any case.
                    Some(("--from", v)) => format!("--from={}", v.to_ascii_lowercase()),
                    _ => f,
                })
                .collect();
            format!(
                "{}{} {:?} json={} {:?} heredocs={:?}",
                i.cmd,
                i.sub_cmd
                    .as_deref()
                    .map(|s| format!(" {}", s.to_ascii_lowercase()))
                    .unwrap_or_default(),
                flags,
                i.json,
                i.value,
                i.heredocs
            )
        };
        // The builder expands variables in these instructions; RUN, CMD, ENTRYPOINT and HEALTHCHECK leave them to
        // the shell at run time, where a RUN sees every value in force and a command the image's final ENV.
        let with_env = |reading: String, i: &Ins, env: &BTreeMap<String, String>| {
            let texts: Vec<&str> = i.value.iter().chain(&i.flags).map(String::as_str).collect();
            let used = referenced(&texts, env);
            if used.is_empty() {
                reading
            } else {
                format!("{reading} env[{used}]")
            }
        };
        let stage = stages.last_mut().expect("a stage");
        let mut config = |key: String, value: String| {
            stage.config.insert(key, (i.line, value));
        };
        match i.cmd.as_str() {
            "from" => {
                let mut v = i.value.clone();
                if v.len() == 3 && v[1].eq_ignore_ascii_case("as") {
                    v[1] = "as".into();
                    v[2] = v[2].to_ascii_lowercase();
                }
                // Only global ARGs are seen by FROM; a stage starts with none in force.
                let global = global.get_or_insert_with(|| env.clone());
                let own_default = global.get("TARGETPLATFORM").is_some_and(|v| v != "(unset)");
                let mut read = i.clone();
                read.flags.retain(|f| own_default || !is_target_platform(f));
                let reading = with_env(format!("from {:?} {:?}", read.flags, v), &read, global);
                stages.push(Stage::default());
                stages.last_mut().unwrap().steps.push((i.line, reading));
                env.clear();
                cmd_set = false;
            }
            "arg" => {
                for w in &i.value {
                    let (k, v) = match w.split_once('=') {
                        Some((k, v)) => (k, Some(unquote(v, escape))),
                        None => (w.as_str(), None),
                    };
                    env.insert(unquote(k, escape), v.unwrap_or_else(|| "(unset)".into()));
                }
            }
            "env" | "label" => {
                for pair in i.value.chunks(2) {
                    let k = unquote(&pair[0], escape);
                    let v = unquote(pair.get(1).map(String::as_str).unwrap_or(""), escape);
                    if i.cmd == "env" {
                        let used =
                            referenced(&[pair.get(1).map(String::as_str).unwrap_or("")], &env);
                        env.insert(k.clone(), v.clone());
                        config(format!("env {k}"), format!("{v} env[{used}]"));
                    } else {
                        let used =
                            referenced(&[pair.get(1).map(String::as_str).unwrap_or("")], &env);
                        config(format!("label {k}"), format!("{v} env[{used}]"));
                    }
                }
            }
            "cmd" => {
                config("cmd".into(), words(i));
                cmd_set = true;
            }
            "entrypoint" => {
                config("entrypoint".into(), words(i));
                if !cmd_set {
                    config("cmd".into(), "(reset by ENTRYPOINT)".into());
                }
            }
            "healthcheck" | "stopsignal" | "maintainer" => {
                let mut i = i.clone();
                if i.cmd == "healthcheck" && !i.json {
                    if let Some(w) = i.value.first_mut() {
                        *w = w.to_ascii_lowercase();
                    }
                }
                let reading = words(&i);
                config(
                    i.cmd.clone(),
                    if i.cmd == "stopsignal" {
                        with_env(reading, &i, &env)
                    } else {
                        reading
                    },
                );
            }
            "expose" => {
                for p in &i.value {
                    config(format!("expose {p}"), with_env(String::new(), i, &env));
                }
            }
            "volume" => {
                for v in &i.value {
                    config(format!("volume {v}"), with_env(String::new(), i, &env));
                }
            }
            "run" => {
                let reading = format!("{} env[{}]", words(i), render_env(&env));
                stage.steps.push((i.line, reading));
            }
            _ => {
                let reading = with_env(words(i), i, &env);
                stage.steps.push((i.line, reading));
            }
        }
    }
    Image { directives, stages }
}

/// `name="value"` of each variable in `env` that `texts` reference (`$name`, `${name}`, `${name:-x}`).
fn referenced(texts: &[&str], env: &BTreeMap<String, String>) -> String {
    let mut used = Vec::new();
    for text in texts {
        let mut rest = *text;
        while let Some(at) = rest.find('$') {
            rest = &rest[at + 1..];
            let name: String = rest
                .trim_start_matches('{')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if let Some(v) = env.get(&name) {
                used.push(format!("{name}={v:?}"));
            }
        }
    }
    used.sort();
    used.dedup();
    used.join(" ")
}

/// The differences between two readings, each naming the instruction (line) in the original and the fixed file.
fn differences(original: &Image, fixed: &Image) -> Vec<String> {
    let mut out = Vec::new();
    if original.directives != fixed.directives {
        out.push(format!(
            "parser directives changed: {:?} became {:?}",
            original.directives, fixed.directives
        ));
    }
    if original.stages.len() != fixed.stages.len() {
        out.push(format!(
            "{} stages became {}",
            original.stages.len() - 1,
            fixed.stages.len() - 1
        ));
        return out;
    }
    for (n, (a, b)) in original.stages.iter().zip(&fixed.stages).enumerate() {
        let stage = if n == 0 {
            "before the first FROM".to_string()
        } else {
            format!("stage {n}")
        };
        let len = a.steps.len().max(b.steps.len());
        for k in 0..len {
            match (a.steps.get(k), b.steps.get(k)) {
                (Some((la, ra)), Some((lb, rb))) if ra != rb => {
                    out.push(format!("{stage}: line {la} `{ra}` became line {lb} `{rb}`"));
                    break;
                }
                (Some((la, ra)), None) => {
                    out.push(format!("{stage}: line {la} `{ra}` is gone"));
                    break;
                }
                (None, Some((lb, rb))) => {
                    out.push(format!("{stage}: line {lb} `{rb}` is new"));
                    break;
                }
                _ => {}
            }
        }
        for key in a.config.keys().chain(b.config.keys()) {
            match (a.config.get(key), b.config.get(key)) {
                (Some((la, va)), Some((lb, vb))) if va != vb => out.push(format!(
                    "{stage}: {key} of line {la} `{va}` became line {lb} `{vb}`"
                )),
                (Some((la, va)), None) => {
                    out.push(format!("{stage}: {key} of line {la} `{va}` is gone"))
                }
                (None, Some((lb, vb))) => {
                    out.push(format!("{stage}: {key} of line {lb} `{vb}` is new"))
                }
                _ => {}
            }
        }
    }
    out.dedup();
    out
}

/// Compares BuildKit's readings of an original and a fixed text: the differences, or `None` when neither file can
/// build (BuildKit parses them but refuses an unknown instruction) or BuildKit cannot parse the original.
fn compare(
    original_text: &str,
    original: &Value,
    fixed_text: &str,
    fixed: &Value,
    context: Option<&std::path::Path>,
) -> Option<Vec<String>> {
    if original["ok"] != true {
        return None;
    }
    if fixed["ok"] != true {
        return Some(vec![format!(
            "BuildKit reads the original but not the fixed file: {}",
            fixed["error"]
        )]);
    }
    let fixed_ins = instructions(fixed);
    // Neither file can build (a template, say): there is no image to keep.
    let unknown = |i: &Ins| !KNOWN_INSTRUCTIONS.contains(&i.cmd.as_str());
    if fixed_ins.iter().any(unknown) && instructions(original).iter().any(unknown) {
        return None;
    }
    let original_ins = as_meant(
        original_text,
        &instructions(original),
        fixed_text,
        &fixed_ins,
        context,
    );
    Some(differences(
        &read_image(original_text, &original_ins),
        &read_image(fixed_text, &fixed_ins),
    ))
}

/// BuildKit's readings of pairs of texts, in one Python process.
fn readings(python: &str, pairs: &[(&str, &str)]) -> Vec<(Value, Value)> {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, (a, b)) in pairs.iter().enumerate() {
        for (kind, text) in [("original", a), ("fixed", b)] {
            let path = dir.path().join(format!("{i:05}.{kind}"));
            std::fs::write(&path, text).unwrap();
            paths.push(path.to_str().unwrap().to_string());
        }
    }
    let values = buildkit(python, dir.path(), &paths);
    values
        .chunks(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect()
}

#[test]
fn safe_fixes_keep_the_image_on_the_corpus() {
    let Some(corpus) = corpus_dir("../shared/corpus/public", "corpus safe fixes") else {
        return;
    };
    let python = python();
    let files = files_under(&corpus);
    assert!(files.len() > 1000, "only {} files", files.len());

    // Copies of every UTF-8 file, fixed in place by the real binary in one run.
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("dflint.toml");
    std::fs::write(&config, "").unwrap();
    let mut copies: Vec<(String, String, std::path::PathBuf)> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let rel = path.strip_prefix(&corpus).unwrap().display().to_string();
        let copy = work.path().join(format!("{i:05}.Dockerfile"));
        std::fs::write(&copy, &text).unwrap();
        copies.push((rel, text, copy));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--fix", "--select", "ALL", "--quiet", "--config"])
        .arg(&config)
        .args(copies.iter().map(|(_, _, p)| p))
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "dflint check --fix failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let changed: Vec<(&String, &String, String)> = copies
        .iter()
        .map(|(rel, text, copy)| (rel, text, std::fs::read_to_string(copy).unwrap()))
        .filter(|(_, text, fixed)| *text != fixed)
        .collect();
    let pairs: Vec<(&str, &str)> = changed
        .iter()
        .map(|(_, a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut not_compared = 0;
    for ((rel, original, fixed), (ro, rf)) in changed.iter().zip(readings(&python, &pairs)) {
        match compare(original, &ro, fixed, &rf, Some(work.path())) {
            Some(found) => problems.extend(found.into_iter().map(|d| format!("{rel}: {d}"))),
            None => not_compared += 1,
        }
    }
    say(&format!(
        "corpus safe fixes: {} files, {} changed by --fix, {} of them not compared (neither version can build), \
         {} difference(s) in what the image is or does",
        copies.len(),
        changed.len(),
        not_compared,
        problems.len()
    ));
    assert!(
        changed.len() > 50,
        "only {} files changed: the test checks little",
        changed.len()
    );
    assert!(
        problems.is_empty(),
        "safe fixes changed the image:\n{}",
        problems.join("\n")
    );
}

/// Reduced from the failures BUILD-MODEL.md lists (and their neighbours): `dflint check --fix` leaves each image as it
/// was. Before the labels were corrected, the first four were rewritten by safe fixes and this comparison failed.
#[test]
fn safe_fixes_keep_the_image_where_they_used_to_change_it() {
    let python = python();
    let sources: &[&str] = &[
        // `sh -c` takes one string: a split runs a bare `node`.
        "FROM node:20\nENTRYPOINT [\"sh\", \"-c\"]\nCMD [\"node app.js\"]\n",
        // A program whose name has a space.
        "FROM alpine:3.20\nCMD [\"Media Server\"]\n",
        // A split changes what runs, even when it is what was meant.
        "FROM node:20\nCMD [\"node server.js\"]\n",
        // A local image may have the name the stage's is one edit from.
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=biuld /x /x\n",
        // The entrypoint receives the broken exec form as its arguments.
        "FROM alpine:3.20\nENTRYPOINT [\"/app\"]\nCMD ['--verbose']\n",
        // Removing the unused suppression would turn `# escape` into a directive.
        "# dflint ignore=DF301\n# escape=`\nFROM alpine:3.20\nRUN echo a \\\n  b\n",
        // The legacy `user.group` of chown is not what `--chown` reads.
        "FROM alpine:3.20\nCOPY data /data\nRUN chown -R app.app /data\n",
        // CRLF, no final line break: the last line moves.
        "FROM node:20\r\nWORKDIR /app\r\nCOPY app.js .\r\nEXPOSE 80\r\nCMD [\"node\", \"app.js\"]",
    ];
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("dflint.toml");
    std::fs::write(&config, "").unwrap();
    let paths: Vec<std::path::PathBuf> = sources
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = work.path().join(format!("{i}.Dockerfile"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(["check", "--fix", "--select", "ALL", "--quiet", "--config"])
        .arg(&config)
        .args(&paths)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let fixed: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let pairs: Vec<(&str, &str)> = sources
        .iter()
        .zip(&fixed)
        .map(|(a, b)| (*a, b.as_str()))
        .collect();
    let mut problems = Vec::new();
    for ((a, b), (ra, rb)) in pairs.iter().zip(readings(&python, &pairs)) {
        let found = compare(a, &ra, b, &rb, None).expect("both build");
        if !found.is_empty() {
            problems.push(format!("{a:?} -> {b:?}: {found:?}"));
        }
        if b.replace("\r\n", "").contains('\r')
            || (a.contains("\r\n") && b.replace("\r\n", "").contains('\n'))
        {
            problems.push(format!("{a:?} -> {b:?}: line breaks changed"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The metadata move did happen, keeping CRLF and the missing final line break.
    assert_eq!(
        fixed[7],
        "FROM node:20\r\nWORKDIR /app\r\nEXPOSE 80\r\nCMD [\"node\", \"app.js\"]\r\nCOPY app.js ."
    );
}

/// The test of the test: edits that keep the image pass, edits that change it are caught.
#[test]
fn reading_catches_wrong_edits() {
    let python = python();
    let same: &[(&str, &str)] = &[
        // Keyword case, `AS` case, stage name case.
        (
            "FROM a AS Build\nrun echo hi\nFROM b\nCOPY --from=Build /x /x\n",
            "FROM a as build\nRUN echo hi\nFROM b\nCOPY --from=build /x /x\n",
        ),
        // Metadata moved before a copy.
        (
            "FROM a\nCOPY . .\nEXPOSE 80\nCMD [\"x\"]\n",
            "FROM a\nEXPOSE 80\nCMD [\"x\"]\nCOPY . .\n",
        ),
        // Legacy key-value form, quoted to keep the value.
        ("FROM a\nENV A b  c\n", "FROM a\nENV A=\"b  c\"\n"),
        // A broken exec form written as JSON.
        (
            "FROM a\nCMD ['node', 'x.js']\n",
            "FROM a\nCMD [\"node\", \"x.js\"]\n",
        ),
        // An unknown flag or instruction renamed: the original never built.
        (
            "FROM a AS b\nFROM c\nCOPY --form=b /x /x\n",
            "FROM a AS b\nFROM c\nCOPY --from=b /x /x\n",
        ),
        ("FROM a\nCOPPY x /x\n", "FROM a\nCOPY x /x\n"),
        // Blank continuation lines and comments.
        (
            "# dflint ignore=DF301\nFROM a\nRUN a \\\n\n  b\n",
            "FROM a\nRUN a \\\n  b\n",
        ),
    ];
    let wrong: &[(&str, &str)] = &[
        // A RUN moved above a copy it may read.
        (
            "FROM a\nCOPY x /x\nRUN make\n",
            "FROM a\nRUN make\nCOPY x /x\n",
        ),
        // The exec form split differently.
        (
            "FROM a\nCMD [\"node app.js\"]\n",
            "FROM a\nCMD [\"node\", \"app.js\"]\n",
        ),
        // `ENV A b c` is one value.
        ("FROM a\nENV A b c\n", "FROM a\nENV A=b c\n"),
        // A label moved past the ARG it expands.
        (
            "FROM a\nARG V=1\nLABEL v=$V\nARG V=2\n",
            "FROM a\nARG V=1\nARG V=2\nLABEL v=$V\n",
        ),
        // The second CMD wins; dropping it changes the image.
        (
            "FROM a\nCMD [\"a\"]\nCMD [\"b\"]\n",
            "FROM a\nCMD [\"a\"]\n",
        ),
        // A flag changed.
        (
            "FROM a\nCOPY --chown=app.app x /x\n",
            "FROM a\nCOPY --chown=app:app x /x\n",
        ),
        // A RUN that now sees an ENV it did not.
        ("FROM a\nRUN make\nENV A=1\n", "FROM a\nENV A=1\nRUN make\n"),
        // Removing a comment makes the next line a parser directive.
        (
            "# dflint ignore=DF301\n# escape=`\nFROM a\n",
            "# escape=`\nFROM a\n",
        ),
        // Under an ENTRYPOINT, a broken exec form is the entrypoint's arguments, which it may use as they are.
        (
            "FROM a\nENTRYPOINT [\"e\"]\nCMD ['-v']\n",
            "FROM a\nENTRYPOINT [\"e\"]\nCMD [\"-v\"]\n",
        ),
        // A shell command in brackets is not a broken exec form.
        ("FROM a\nRUN [ -f x ]\n", "FROM a\nRUN [\"-f\", \"x\"]\n"),
        // A label moved to another stage.
        ("FROM a\nLABEL x=1\nFROM b\n", "FROM a\nFROM b\nLABEL x=1\n"),
        // An ENTRYPOINT dropped from a stage that inherits a CMD: BuildKit no longer resets it.
        (
            "FROM a AS b\nCMD [\"c\"]\nFROM b\nENTRYPOINT [\"e\"]\n",
            "FROM a AS b\nCMD [\"c\"]\nENTRYPOINT [\"e\"]\nFROM b\n",
        ), // ADD read as COPY without a build context that shows the source is no archive.
        ("FROM a\nADD x /x\n", "FROM a\nCOPY x /x\n"),
    ];
    let all: Vec<(&str, &str)> = same.iter().chain(wrong).copied().collect();
    let readings = readings(&python, &all);
    for (k, ((a, b), (ra, rb))) in all.iter().zip(&readings).enumerate() {
        let found = compare(a, ra, b, rb, None).expect("both build");
        if k < same.len() {
            assert!(
                found.is_empty(),
                "{a:?} -> {b:?} keeps the image, but: {found:?}"
            );
        } else {
            assert!(
                !found.is_empty(),
                "{a:?} -> {b:?} changes the image, unnoticed"
            );
        }
    }
}

#[test]
fn directives_and_quotes_are_read_as_buildkit_does() {
    assert_eq!(
        directives("# syntax=docker/dockerfile:1\n#Escape = `\n# x\n# check=skip=all\n"),
        BTreeMap::from([
            ("syntax".to_string(), "docker/dockerfile:1".to_string()),
            ("escape".to_string(), "`".to_string()),
        ])
    );
    assert!(directives("# dflint ignore=DF301\n# escape=`\n").is_empty());
    assert_eq!(unquote("\"b  c\"", '\\'), "b  c");
    assert_eq!(unquote("'$x'", '\\'), "$x");
    assert_eq!(unquote("$x", '\\'), "\u{1}$x");
    assert_eq!(unquote("a\\ b", '\\'), "a b");
    assert_eq!(
        bracketed_strings("['a', \"b\",]"),
        Some(vec!["a".to_string(), "b".to_string()])
    );
    assert_eq!(bracketed_strings("[ -f x ]"), None);
}
