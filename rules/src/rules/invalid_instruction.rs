//! `invalid-instruction`: an instruction whose arguments BuildKit refuses (arity, empty, form, stage name, ONBUILD trigger).
use crate::engine::check_directive;
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::invalid_expose::port_error;
use crate::rules::invalid_healthcheck::refusals as healthcheck_refusals;
use crate::syntax::{BkInstruction, Document, Instruction, Kind, SyntaxError};

declare_rule! {
    /// Reports an instruction that Docker refuses to build because of its arguments.
    ///
    /// These are: a `FROM` with two words or an invalid stage name, an empty `ENV`, `LABEL`, `ARG`, `EXPOSE`,
    /// `VOLUME`, `ONBUILD` or `HEALTHCHECK`, a `COPY` or `ADD` without a destination (or with a heredoc as its
    /// destination), a `WORKDIR`, `USER`, `STOPSIGNAL` or `MAINTAINER` without its argument, a `SHELL` not in JSON
    /// form, `ONBUILD ONBUILD`, `ONBUILD FROM` or `ONBUILD MAINTAINER`, and a `# check=` directive whose options
    /// BuildKit cannot read (`# check=skip=A;bogus`).
    ///
    /// ## Why is this bad?
    /// BuildKit checks every instruction's arguments before it builds anything, and one it refuses stops the whole
    /// build with `dockerfile parse error on line N`.
    /// The message dflint shows is BuildKit's own.
    /// A stage name must be lowercase letters, digits, `-`, `_` and `.`, starting with a letter (Docker lowercases it
    /// first); variables are not expanded in it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS 1-build
    /// COPY main.go
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY main.go /src/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - BuildKit's `frontend/dockerfile/instructions/parse.go`, which gives these messages
    /// - hadolint's [`DL3043`](https://github.com/hadolint/hadolint/wiki/DL3043) (`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD`)
    pub struct InvalidInstruction {
        code: "DF106",
        name: "invalid-instruction",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [Peer::Hadolint("DL3043")],
        options: [],
    }
}

/// BuildKit's rule for a stage name, applied after lowercasing: `^[a-z][a-z0-9-_.]*$`.
pub(crate) fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

/// Whether a word reads as a heredoc opener (`<<EOF`, `<<-EOF`, `<<"EOF"`), as BuildKit's `MustParseHeredoc` does.
fn is_heredoc(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name = rest.trim_matches(|c| c == '"' || c == '\'');
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Whether Docker refuses some instruction of `doc`: its parser, or its instruction checks (this rule's,
/// `invalid-healthcheck`'s and `invalid-expose`'s).
pub(crate) fn refused(doc: &Document) -> bool {
    if doc.has_syntax_errors() {
        return true;
    }
    doc.instructions()
        .iter()
        .enumerate()
        .any(|(i, ins)| match doc.buildkit_instruction(i) {
            Some(Ok(bk)) => {
                refusal(ins, &bk).is_some()
                    || (ins.kind == Kind::Healthcheck
                        && !healthcheck_refusals(ins, &bk.value).is_empty())
                    || (ins.kind == Kind::Expose
                        && ins
                            .words
                            .iter()
                            .any(|w| w.vars.is_empty() && port_error(&w.value).is_some()))
            }
            _ => true,
        })
}

/// Whether a syntax error starts on one of the instruction's lines (the tree may leave the refused part outside
/// the instruction's own range).
pub(crate) fn parser_refuses(text: &str, errors: &[SyntaxError], ins: &Instruction) -> bool {
    let start = text[..ins.full_range.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[ins.full_range.end..]
        .find('\n')
        .map_or(text.len(), |i| ins.full_range.end + i);
    errors
        .iter()
        .any(|e| start <= e.range.start && e.range.start <= end)
}

fn at_least_one(k: Kind) -> String {
    format!("{} requires at least one argument", k.keyword())
}

fn exactly_one(k: Kind) -> String {
    format!("{} requires exactly one argument", k.keyword())
}

/// Whether [`refusal`] can find anything to say about an instruction of this kind.
fn may_refuse(k: Kind) -> bool {
    !matches!(k, Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Unknown)
}

/// BuildKit's complaint about an instruction its parser accepted, if it has one, and the part of the line it is
/// about (`None`: the keyword).
fn refusal(
    ins: &Instruction,
    bk: &BkInstruction,
) -> Option<(String, Option<std::ops::Range<usize>>)> {
    let args = &bk.value;
    let k = ins.kind;
    let msg = match k {
        Kind::From => {
            if args.len() == 3 && args[1].eq_ignore_ascii_case("as") {
                if valid_stage_name(&args[2].to_ascii_lowercase()) {
                    return None;
                }
                let span = ins.stage_name.as_deref().map(|(_, r)| r.clone());
                return Some((
                    format!(
                        "invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                        args[2]
                    ),
                    span,
                ));
            }
            if args.len() == 1 {
                return None;
            }
            "FROM requires either one or three arguments".to_string()
        }
        Kind::Env | Kind::Label => {
            if args.is_empty() {
                at_least_one(k)
            } else if args.iter().step_by(2).any(|n| n.is_empty()) {
                format!("{} names can not be blank", k.keyword())
            } else {
                return None;
            }
        }
        Kind::Arg => {
            if args.is_empty() {
                at_least_one(k)
            } else if args.iter().any(|a| a.starts_with('=')) {
                "ARG names can not be blank".to_string()
            } else {
                return None;
            }
        }
        Kind::Expose | Kind::Healthcheck if args.is_empty() => at_least_one(k),
        Kind::Volume => {
            if args.is_empty() {
                at_least_one(k)
            } else if args.iter().any(|a| a.trim().is_empty()) {
                "VOLUME specified can not be an empty string".to_string()
            } else {
                return None;
            }
        }
        Kind::Onbuild => match bk.sub_cmd.as_deref().map(str::to_ascii_uppercase) {
            None => at_least_one(k),
            Some(t) if t == "ONBUILD" => {
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()
            }
            Some(t) if t == "FROM" || t == "MAINTAINER" => {
                format!("{t} isn't allowed as an ONBUILD trigger")
            }
            Some(_) => return None,
        },
        Kind::Copy | Kind::Add => {
            if args.len() < 2 {
                format!(
                    "{} requires at least two arguments, but only one was provided. Destination could not be determined",
                    k.keyword()
                )
            } else if !bk.json && args.last().is_some_and(|d| is_heredoc(d)) {
                format!("{} cannot accept a heredoc as a destination", k.keyword())
            } else {
                return None;
            }
        }
        Kind::Workdir | Kind::User | Kind::Stopsignal | Kind::Maintainer if args.is_empty() => {
            exactly_one(k)
        }
        Kind::Shell => {
            if args.is_empty() {
                at_least_one(k)
            } else if !bk.json {
                "SHELL requires the arguments to be in JSON form".to_string()
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some((msg, None))
}

impl Rule for InvalidInstruction {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        // BuildKit reads the `check` directive before anything else and stops on one it cannot read.
        if let Some(d) = doc.directive("check") {
            if let Err(why) = check_directive::parse(&d.value) {
                out.push(ctx.diagnostic(
                    d.value_range.clone(),
                    format!("failed to parse check options: {why}"),
                ));
            }
        }
        let errors = doc.syntax_errors();
        for (i, ins) in doc.instructions().iter().enumerate() {
            // RUN, CMD, ENTRYPOINT (most of a file) have no refusal here: not worth BuildKit's reading of them.
            if !may_refuse(ins.kind) {
                continue;
            }
            // A line the parser already refuses is reported by `syntax-error`, in the parser's words.
            if parser_refuses(doc.text(), &errors, ins) {
                continue;
            }
            let Some(Ok(bk)) = doc.buildkit_instruction(i) else {
                continue;
            };
            let Some((message, span)) = refusal(ins, &bk) else {
                continue;
            };
            out.push(ctx.diagnostic(span.unwrap_or(ins.keyword.clone()), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &InvalidInstruction::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM\n", &["FROM"]),
                ("FROM a b\n", &["FROM"]),
                ("FROM a AS b c\n", &["FROM"]),
                ("FROM a AS 1x\n", &["1x"]),
                ("FROM a AS ${NAME}\n", &["${NAME}"]),
                ("FROM a AS b@c\n", &["b@c"]),
                ("FROM a\nENV\n", &["ENV"]),
                ("# check=skip=A;bogus\nFROM a\n", &["skip=A;bogus"]),
                ("# check=error=maybe\nFROM a\n", &["error=maybe"]),
                ("FROM a\nLABEL\n", &["LABEL"]),
                ("ARG\nFROM a\n", &["ARG"]),
                ("FROM a\nEXPOSE\n", &["EXPOSE"]),
                ("FROM a\nVOLUME\n", &["VOLUME"]),
                ("FROM a\nVOLUME [\"\"]\n", &["VOLUME"]),
                ("FROM a\nONBUILD\n", &["ONBUILD"]),
                ("FROM a\nHEALTHCHECK\n", &["HEALTHCHECK"]),
                ("FROM a\nCOPY x\n", &["COPY"]),
                ("FROM a\nADD [\"x\"]\n", &["ADD"]),
                ("FROM a\nCOPY <<EOF\nhi\nEOF\n", &["COPY"]),
                ("FROM a\nCOPY x <<EOF\nhi\nEOF\n", &["COPY"]),
                ("FROM a\nWORKDIR\n", &["WORKDIR"]),
                ("FROM a\nUSER\n", &["USER"]),
                ("FROM a\nSTOPSIGNAL\n", &["STOPSIGNAL"]),
                ("FROM a\nMAINTAINER\n", &["MAINTAINER"]),
                ("FROM a\nSHELL sh -c\n", &["SHELL"]),
                ("FROM a\nSHELL []\n", &["SHELL"]),
                ("FROM a\nONBUILD ONBUILD RUN x\n", &["ONBUILD"]),
                ("FROM a\nonbuild from b\n", &["onbuild"]),
                ("FROM a\nONBUILD MAINTAINER me\n", &["ONBUILD"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\n",
                "FROM --platform=$BUILDPLATFORM a AS Build-1.x_y\n",
                "ARG V=1\nFROM a:$V AS b\n",
                "FROM a\nENV A=1 B=\"\"\nLABEL a=b\nARG X\nEXPOSE 80\nVOLUME /data\n",
                "FROM a\nCOPY <<EOF /x\nhi\nEOF\n",
                "FROM a\nCOPY [\"a\", \"b\"]\nADD x y z/\n",
                "FROM a\nWORKDIR /a b\nUSER me\nSTOPSIGNAL SIGTERM\nMAINTAINER me\n",
                "FROM a\nSHELL [\"sh\", \"-c\"]\nONBUILD RUN x\nHEALTHCHECK NONE\n",
                // The parser already refuses these; `syntax-error` reports them.
                "FROM a\nARG =x\n",
            ],
        );
    }

    /// BuildKit's words, read in `frontend/dockerfile/instructions/parse.go`.
    #[test]
    fn messages_are_buildkits() {
        let cases = [
            ("FROM a b\n", "FROM requires either one or three arguments"),
            (
                "FROM a AS 1x\n",
                "invalid name for build stage: \"1x\", name can't start with a number or contain symbols",
            ),
            ("FROM a\nENV\n", "ENV requires at least one argument"),
            ("ARG\nFROM a\n", "ARG requires at least one argument"),
            ("FROM a\nVOLUME [\" \"]\n", "VOLUME specified can not be an empty string"),
            (
                "FROM a\nCOPY x\n",
                "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            ),
            ("FROM a\nADD x <<EOF\nEOF\n", "ADD cannot accept a heredoc as a destination"),
            ("FROM a\nWORKDIR\n", "WORKDIR requires exactly one argument"),
            ("FROM a\nSHELL sh -c\n", "SHELL requires the arguments to be in JSON form"),
            ("FROM a\nSHELL []\n", "SHELL requires at least one argument"),
            ("FROM a\nONBUILD ONBUILD RUN x\n", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
            ("FROM a\nONBUILD from b\n", "FROM isn't allowed as an ONBUILD trigger"),
        ];
        for (src, want) in cases {
            assert_eq!(spec::messages(R, src), [want], "{src:?}");
        }
    }
}
