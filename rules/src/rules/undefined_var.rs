//! `undefined-var`: a variable that nothing defines where Docker expands it (`COPY $foo .` with no `ARG foo`).
use std::collections::BTreeSet;

use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::knowledge;
use crate::rules::undefined_arg_in_from::suggest;
use crate::syntax::{query, Document, Kind, Stage};

declare_rule! {
    /// Reports a variable that no `ARG` or `ENV` defines before an instruction Docker expands it in.
    ///
    /// ## Why is this bad?
    /// Docker expands an undefined variable to nothing, so `COPY $foo .` copies the whole context and
    /// `ENV PATH=$PAHT:/app/bin` loses the `PATH`; the build goes on and fails later, or not at all.
    /// The message suggests the variable meant when one is close (`did you mean $PATH?`).
    ///
    /// The instructions Docker expands are checked (`ADD`, `COPY`, `ENV`, `ARG` defaults, `LABEL`, `EXPOSE`,
    /// `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL`, and their flags); shell-form `RUN`, `CMD` and `ENTRYPOINT` are left
    /// to the shell, as BuildKit's `UndefinedVar` check leaves them.
    /// One deliberate difference: a variable written with an operator for the unset case anywhere in the
    /// instruction (`ENV LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/opt/lib`, `${TAG:-latest}`) is
    /// expected to be unset at times and is not reported; BuildKit reports it (48 of its findings on dflint's
    /// corpus were that line of docker-library's tomcat images).
    ///
    /// A variable may also come from the base image's environment, which BuildKit reads from the pulled image:
    /// dflint does not pull, so it checks a stage only when it knows that environment (`scratch`, and the official
    /// images listed in its knowledge tables, such as `alpine`, `debian`, `python`, `node` and `golang`), and says
    /// nothing about stages on other images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine AS base
    /// COPY $foo .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine AS base
    /// ARG foo
    /// COPY $foo .
    /// ```
    ///
    /// ## References
    /// - [Environment replacement](https://docs.docker.com/reference/dockerfile/#environment-replacement)
    /// - BuildKit's [`UndefinedVar`](https://docs.docker.com/reference/build-checks/undefined-var/)
    pub struct UndefinedVar {
        code: "DF110",
        name: "undefined-var",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("UndefinedVar")],
        options: [],
    }
}

/// The names the base image of a stage defines (through `FROM <stage>` to the image at the root), when known.
fn base_env(doc: &Document, stage: &Stage) -> Option<Vec<&'static str>> {
    let mut s = stage;
    for _ in 0..=doc.stages().len() {
        if query::from_is_stage_ref(doc, s) {
            s = query::earlier_stage(doc, s.index, &s.base)?;
            continue;
        }
        let img = doc.instructions()[s.from].image.as_ref()?;
        if !img.vars.is_empty() {
            return None;
        }
        if img.name.eq_ignore_ascii_case("scratch") {
            return Some(Vec::new());
        }
        return knowledge::image_env_names(&img.name).map(|n| n.to_vec());
    }
    None
}

/// The names referenced in a word as BuildKit's expansion reads it: `$name` and `${name...}`, not inside single
/// quotes, not after the escape character; each with whether it is written with an operator that handles an unset
/// variable (`${name:-default}`, `${name:+word}`, `${name?}` ...).
fn referenced(word: &str, escape: char) -> Vec<(String, bool)> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut single) = (0, false);
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        if single {
            single = c != '\'';
            i += 1;
            continue;
        }
        if c == escape {
            i += 2;
            continue;
        }
        if c == '\'' {
            single = true;
        } else if c == '$' {
            let braced = chars.get(i + 1) == Some(&'{');
            let start = i + 1 + usize::from(braced);
            let mut end = start;
            while end < chars.len() && name_char(chars[end]) {
                end += 1;
            }
            // `$1`-style positional names are the shell's, never BuildKit's.
            if end > start && !chars[start].is_ascii_digit() {
                let guarded = braced && chars.get(end).is_some_and(|c| *c != '}');
                out.push((chars[start..end].iter().collect(), guarded));
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// The words Docker expands in an instruction, as BuildKit's parser gives them (`None`: not expanded here).
fn expanded_words(kind: Kind, bk: &crate::syntax::BkInstruction) -> Option<Vec<String>> {
    let mut words: Vec<String> = bk.flags.clone();
    match kind {
        Kind::Add
        | Kind::Copy
        | Kind::Expose
        | Kind::User
        | Kind::Workdir
        | Kind::Volume
        | Kind::Stopsignal => words.extend(bk.value.iter().cloned()),
        // Keys and values alternate; only values are expanded.
        Kind::Env | Kind::Label => words.extend(bk.value.iter().skip(1).step_by(2).cloned()),
        Kind::Arg => words.extend(
            bk.value
                .iter()
                .filter_map(|w| w.split_once('=').map(|(_, v)| v.to_string())),
        ),
        _ => return None,
    }
    Some(words)
}

impl Rule for UndefinedVar {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let states = ctx.facts().states();
        let text = ctx.text();
        for stage in doc.stages() {
            let Some(base) = base_env(doc, stage) else {
                continue;
            };
            for i in stage.instructions.clone().skip(1) {
                let ins = &doc.instructions()[i];
                // Heredoc bodies are expanded by the shell or copied as written: not BuildKit's words.
                let Some(Ok(bk)) = doc.buildkit_instruction(i) else {
                    continue;
                };
                let Some(words) = expanded_words(ins.kind, &bk) else {
                    continue;
                };
                let mut defined: BTreeSet<String> = base.iter().map(|s| s.to_string()).collect();
                defined.extend(
                    states
                        .vars_at(stage.index, i)
                        .iter()
                        .map(|v| v.name.clone()),
                );
                let mut seen = BTreeSet::new();
                let mut earlier_args: Vec<String> = Vec::new();
                let arg_names: Vec<String> = if ins.kind == Kind::Arg {
                    bk.value
                        .iter()
                        .map(|w| w.split_once('=').map_or(w.as_str(), |(n, _)| n).to_string())
                        .collect()
                } else {
                    Vec::new()
                };
                // A variable written with an operator for the unset case (`${LD_LIBRARY_PATH:+...}`) is expected
                // to be unset sometimes: none of its uses in the instruction is reported.
                let guarded: BTreeSet<String> = words
                    .iter()
                    .flat_map(|w| referenced(w, doc.escape()))
                    .filter(|(_, g)| *g)
                    .map(|(n, _)| n)
                    .collect();
                for (wi, word) in words.iter().enumerate() {
                    // Each ARG sees the ones declared before it in the same instruction.
                    if ins.kind == Kind::Arg {
                        earlier_args = arg_names[..wi.min(arg_names.len())].to_vec();
                    }
                    for (name, _) in referenced(word, doc.escape()) {
                        if defined.contains(&name)
                            || guarded.contains(&name)
                            || earlier_args.contains(&name)
                            || !seen.insert(name.clone())
                        {
                            continue;
                        }
                        let mut message = format!("Usage of undefined variable '${name}'");
                        if let Some(s) = suggest(&name, defined.iter().map(String::as_str), true) {
                            message.push_str(&format!(" (did you mean ${s}?)"));
                        }
                        let src = &text[ins.range.clone()];
                        let range = [
                            format!("${{{name}}}"),
                            format!("${{{name}:"),
                            format!("${name}"),
                        ]
                        .iter()
                        .find_map(|p| src.find(p.as_str()).map(|at| (at, p.len())))
                        .map_or(ins.keyword.clone(), |(at, len)| {
                            let start = ins.range.start + at;
                            let end = if src[at..].starts_with("${") {
                                src[at..].find('}').map_or(start + len, |e| start + e + 1)
                            } else {
                                start + len
                            };
                            start..end
                        });
                        out.push(ctx.diagnostic(range, message));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UndefinedVar::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad examples.
                ("FROM alpine AS base\nCOPY $foo .\n", &["$foo"]),
                ("FROM alpine AS base\nARG VERSION=$foo\n", &["$foo"]),
                ("FROM alpine\nENV PATH=$PAHT:/app/bin\n", &["$PAHT"]),
                ("FROM scratch\nCOPY --chown=${OWNER} a /b\n", &["${OWNER}"]),
                (
                    "FROM golang:1.23 AS b\nFROM b\nWORKDIR ${GOPTH}/src\n",
                    &["${GOPTH}"],
                ),
                // An ARG lasts to the end of its stage only.
                (
                    "FROM alpine\nARG V=1\nFROM alpine\nLABEL v=\"$V\"\n",
                    &["$V"],
                ),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM alpine\nENV PATH=$PAHT:/app/bin\n"),
            ["Usage of undefined variable '$PAHT' (did you mean $PATH?)"]
        );
        assert_eq!(
            spec::messages(R, "FROM alpine AS base\nCOPY $foo .\n"),
            ["Usage of undefined variable '$foo'"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good examples.
                "FROM alpine AS base\nARG foo\nCOPY $foo .\n",
                "FROM python AS base\nARG VERSION=$PYTHON_VERSION\n",
                // Shell form is the shell's; ENV is inherited; single quotes and escapes are not expanded.
                "FROM alpine\nRUN echo $foo\nCMD echo $bar\n",
                "FROM alpine AS a\nENV D=/x\nFROM a\nWORKDIR $D\n",
                "FROM alpine\nLABEL a='$x' b=\\$y\n",
                "FROM alpine\nARG A=1 B=$A\n",
                // A deliberate difference from BuildKit: written for the unset case.
                "FROM alpine\nENV LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/opt/lib\n",
                "FROM alpine\nWORKDIR ${DIR:-/app}\n",
                // Unknown base images: their environment is not known offline.
                "FROM example.com/app:1\nCOPY $APP_HOME .\n",
            ],
        );
    }
}
