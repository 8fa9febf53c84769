//! Docker's refusals beyond its parser, with BuildKit as the oracle: each file below is one BuildKit's parser
//! reads (the oracle says so and reads every instruction as `dflint dump` does), and that its instruction parsing
//! or dispatch then refuses with the message quoted here (read in `frontend/dockerfile/instructions/parse.go`,
//! `dockerfile2llb/convert.go` and `convert_expose.go`; the PyPI package runs only the parser).
//! The real binary must report that message on that line, under that rule.
mod cli_support;
mod oracle;

use cli_support::Project;
use oracle::{buildkit, python, run_batches};

/// (Dockerfile, rule, 1-based line, the message, or a part of it that is BuildKit's words).
const CASES: &[(&str, &str, usize, &str)] = &[
    ("FROM\n", "invalid-instruction", 1, "FROM requires either one or three arguments"),
    ("FROM a b\n", "invalid-instruction", 1, "FROM requires either one or three arguments"),
    ("FROM a AS x y\n", "invalid-instruction", 1, "FROM requires either one or three arguments"),
    ("FROM a XS b\n", "invalid-instruction", 1, "FROM requires either one or three arguments"),
    (
        "# check=skip=StageNameCasing;bogus\nFROM a\n",
        "invalid-instruction",
        1,
        "failed to parse check options: invalid check option \"bogus\"",
    ),
    (
        "FROM a AS 1x\n",
        "invalid-instruction",
        1,
        "invalid name for build stage: \"1x\", name can't start with a number or contain symbols",
    ),
    (
        "ARG N=b\nFROM a AS ${N}\n",
        "invalid-instruction",
        2,
        "invalid name for build stage: \"${N}\", name can't start with a number or contain symbols",
    ),
    ("FROM a\nENV\n", "invalid-instruction", 2, "ENV requires at least one argument"),
    ("FROM a\nLABEL\n", "invalid-instruction", 2, "LABEL requires at least one argument"),
    ("ARG\nFROM a\n", "invalid-instruction", 1, "ARG requires at least one argument"),
    ("FROM a\nEXPOSE\n", "invalid-instruction", 2, "EXPOSE requires at least one argument"),
    ("FROM a\nVOLUME\n", "invalid-instruction", 2, "VOLUME requires at least one argument"),
    ("FROM a\nVOLUME [\"\"]\n", "invalid-instruction", 2, "VOLUME specified can not be an empty string"),
    ("FROM a\nONBUILD\n", "invalid-instruction", 2, "ONBUILD requires at least one argument"),
    ("FROM a\nHEALTHCHECK\n", "invalid-instruction", 2, "HEALTHCHECK requires at least one argument"),
    (
        "FROM a\nCOPY x\n",
        "invalid-instruction",
        2,
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    ),
    (
        "FROM a\nCOPY <<EOF\nhi\nEOF\n",
        "invalid-instruction",
        2,
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    ),
    (
        "FROM a\nADD x <<EOF\nhi\nEOF\n",
        "invalid-instruction",
        2,
        "ADD cannot accept a heredoc as a destination",
    ),
    ("FROM a\nWORKDIR\n", "invalid-instruction", 2, "WORKDIR requires exactly one argument"),
    ("FROM a\nUSER\n", "invalid-instruction", 2, "USER requires exactly one argument"),
    ("FROM a\nSTOPSIGNAL\n", "invalid-instruction", 2, "STOPSIGNAL requires exactly one argument"),
    ("FROM a\nMAINTAINER\n", "invalid-instruction", 2, "MAINTAINER requires exactly one argument"),
    ("FROM a\nSHELL sh -c\n", "invalid-instruction", 2, "SHELL requires the arguments to be in JSON form"),
    ("FROM a\nSHELL []\n", "invalid-instruction", 2, "SHELL requires at least one argument"),
    (
        "FROM a\nONBUILD ONBUILD RUN x\n",
        "invalid-instruction",
        2,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
    ),
    ("FROM a\nONBUILD FROM b\n", "invalid-instruction", 2, "FROM isn't allowed as an ONBUILD trigger"),
    (
        "FROM a\nONBUILD MAINTAINER me\n",
        "invalid-instruction",
        2,
        "MAINTAINER isn't allowed as an ONBUILD trigger",
    ),
    ("RUN echo\nFROM a\n", "instruction-before-from", 1, "no build stage in current context"),
    ("FROM a\nHEALTHCHECK FOO x\n", "invalid-healthcheck", 2, "Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
    ("FROM a\nHEALTHCHECK CMD\n", "invalid-healthcheck", 2, "Missing command after HEALTHCHECK CMD"),
    (
        "FROM a\nHEALTHCHECK --interval=30 CMD x\n",
        "invalid-healthcheck",
        2,
        "time: missing unit in duration \"30\"",
    ),
    (
        "FROM a\nHEALTHCHECK --timeout=1us CMD x\n",
        "invalid-healthcheck",
        2,
        "Interval \"timeout\" cannot be less than 1ms",
    ),
    ("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", "invalid-healthcheck", 2, "--retries cannot be negative (-1)"),
    ("FROM a\nEXPOSE 70000\n", "invalid-expose", 2, "invalid containerPort: 70000"),
    ("FROM a\nEXPOSE 90-80\n", "invalid-expose", 2, "invalid containerPort: 90-80"),
    ("FROM a\nEXPOSE 80/http\n", "invalid-expose", 2, "invalid port: \"80/http\": invalid proto: http"),
    (
        "FROM a\nCOPY --from=later /x /x\nFROM b AS later\n",
        "copy-from-unknown-stage",
        2,
        "defined later",
    ),
    ("FROM a AS b\nCOPY --from=b /x /x\n", "copy-from-unknown-stage", 2, "`--from=b`"),
    ("FROM a\nCMD [\"x\"\n", "exec-form-not-json", 2, "is not valid JSON"),
];

#[test]
fn buildkit_parser_accepts_what_its_instruction_checks_refuse() {
    let p = Project::new();
    let files: Vec<String> = (0..CASES.len())
        .map(|i| format!("c{i}.Dockerfile"))
        .collect();
    for (file, (src, ..)) in files.iter().zip(CASES) {
        p.file(file, src);
    }
    let py = python();
    let theirs = buildkit(&py, p.dir.path(), &files);
    let ours = run_batches(p.dir.path(), &files, cli_support::bin(), &["dump"]);
    for ((file, (src, rule, line, message)), (bk, dump)) in
        files.iter().zip(CASES).zip(theirs.iter().zip(&ours))
    {
        assert_eq!(
            bk["ok"], true,
            "{src:?}: BuildKit's parser refuses it: {bk}"
        );
        assert_eq!(
            bk["instructions"], dump["instructions"],
            "{src:?}: dflint reads it otherwise than BuildKit's parser"
        );
        let run = p.run(&["check", "--select", rule, "--format", "json", file]);
        let found = run.json();
        let hits: Vec<_> = found
            .as_array()
            .expect("an array")
            .iter()
            .filter(|d| d["name"] == *rule)
            .collect();
        assert!(
            hits.iter().any(|d| {
                d["range"]["start"]["line"] == *line
                    && d["message"].as_str().is_some_and(|m| m.contains(message))
            }),
            "{src:?}: no `{rule}` on line {line} saying {message:?}: {found:#}"
        );
        assert_ne!(run.code, 0, "{src:?}: an error exits non-zero");
    }
}
