//! Dockerfiles that a generator could write: every construct the analysis walks, nested `n` deep or chained `n` long.
#![allow(dead_code)]

/// The constructs, by name; `make(name, n)` builds a Dockerfile with one of them at size `n`.
pub const CONSTRUCTS: &[&str] = &[
    "and-chain",
    "or-chain",
    "pipe-chain",
    "semicolon-chain",
    "subshell",
    "group",
    "if",
    "while",
    "for",
    "case",
    "function",
    "parameter",
    "command-substitution",
    "arithmetic",
    "arithmetic-parens",
    "backtick-chain",
    "backtick-nested",
    "heredoc-chain",
    "heredoc-subshell",
    "heredoc-shell",
    "cmd-shell",
    "entrypoint-shell",
    "exec-sh-c",
    "exec-json-nested",
    "continuations",
    "arg-parameter",
    "env-parameter",
    "env-pairs",
    "from-parameter",
    "copy-sources",
    "copy-globs",
    "copy-glob-miss",
    "label-pairs",
    "stage-chain",
];

/// Every file ends with this: its finding (`maintainer-deprecated`, DF505) shows that the rest of the file was linted.
pub const TAIL: &str = "RUN echo after\nMAINTAINER someone@example.com\n";

/// How deep the shell analysis follows nesting (`dflint_rules::shell`'s bound).
pub const MAX_NESTING: usize = 256;

/// Constructs that nest (one level or more per step of `n`): past the bound they get `too-deeply-nested`.
const NESTING: &[&str] = &[
    "subshell",
    "group",
    "if",
    "while",
    "for",
    "case",
    "function",
    "parameter",
    "command-substitution",
    "arithmetic",
    "arithmetic-parens",
    "heredoc-subshell",
    "heredoc-shell",
    "cmd-shell",
    "entrypoint-shell",
    "exec-sh-c",
];

/// Whether `too-deeply-nested` must fire on `make(name, n)`; `None` near the bound, where a construct that takes
/// two levels per step (a function's body is a group) and one that takes one differ.
pub fn too_deep(name: &str, n: usize) -> Option<bool> {
    if name == "exec-json-nested" {
        // Past Go's 10,000 levels it is no JSON and runs as a shell script of `[`s: no promise either way.
        return None;
    }
    if !NESTING.contains(&name) || n <= MAX_NESTING / 2 {
        return Some(false);
    }
    (n > MAX_NESTING + 2).then_some(true)
}

fn rep(s: &str, n: usize) -> String {
    s.repeat(n)
}

/// `n` copies of `open`, `middle`, `n` copies of `close`.
fn nest(open: &str, middle: &str, close: &str, n: usize) -> String {
    format!("{}{middle}{}", rep(open, n), rep(close, n))
}

/// A shell script with construct `name` at size `n` (for the shell constructs).
pub fn script(name: &str, n: usize) -> Option<String> {
    let n = n.max(1);
    Some(match name {
        "and-chain" => format!("{}true", rep("true && ", n - 1)),
        "or-chain" => format!("{}true", rep("false || ", n - 1)),
        "pipe-chain" => format!("{}cat", rep("true | ", n - 1)),
        "semicolon-chain" => format!("{}true", rep("true; ", n - 1)),
        "subshell" => nest("( ", "apt-get install -y curl", " )", n),
        "group" => nest("{ ", "true;", " };", n),
        "if" => nest("if true; then ", "true", "; fi", n),
        "while" => nest("while true; do ", "true", "; done", n),
        "for" => nest("for i in 1; do ", "true", "; done", n),
        "case" => nest("case x in x) ", "true", " ;; esac", n),
        "function" => nest("f() { ", "true;", " };", n),
        "parameter" => format!("echo {}", nest("${a:-", "x", "}", n)),
        "command-substitution" => format!("echo {}", nest("$(echo ", "x", ")", n)),
        "arithmetic" => format!("echo {}", nest("$((1+", "1", "))", n)),
        "arithmetic-parens" => format!("echo $(( {} ))", nest("(", "1", ")", n)),
        "backtick-chain" => format!("echo {}", rep("`true` ", n)),
        "backtick-nested" => {
            // Each level escapes the one inside it, so the text doubles per level: keep the depth small.
            let mut s = "true".to_string();
            for _ in 0..n.min(12) {
                let escaped = s.replace('\\', "\\\\").replace('`', "\\`");
                s = format!("echo `{escaped}`");
            }
            s
        }
        _ => return None,
    })
}

/// A Dockerfile with construct `name` at size `n`.
pub fn make(name: &str, n: usize) -> String {
    let n = n.max(1);
    let head = "FROM alpine:3.20\n";
    if let Some(s) = script(name, n) {
        return format!("{head}RUN {s}\n{TAIL}");
    }
    let body = match name {
        "heredoc-chain" => format!("RUN <<EOF\n{}\nEOF\n", script("and-chain", n).unwrap()),
        "heredoc-subshell" => format!("RUN <<EOF\n{}\nEOF\n", script("subshell", n).unwrap()),
        "heredoc-shell" => format!("RUN sh <<EOF\n{}\nEOF\n", script("if", n).unwrap()),
        "cmd-shell" => format!("CMD {}\n", script("command-substitution", n).unwrap()),
        "entrypoint-shell" => format!("ENTRYPOINT {}\n", script("subshell", n).unwrap()),
        "exec-sh-c" => format!(
            "RUN [\"sh\", \"-c\", \"{}\"]\n",
            script("group", n).unwrap()
        ),
        "exec-json-nested" => format!("CMD {}\n", nest("[", "\"x\"", "]", n)),
        "continuations" => format!("RUN true \\\n{}", rep("  && true \\\n", n) + "  && true\n"),
        "arg-parameter" => format!("ARG A={}\n", nest("${A:-", "x", "}", n)),
        "env-parameter" => format!("ENV A={}\n", nest("${A:-", "x", "}", n)),
        "env-pairs" => format!(
            "ENV {}\n",
            (0..n)
                .map(|i| format!("A{i}=${{A{i}:-x}}"))
                .collect::<Vec<_>>()
                .join(" \\\n  ")
        ),
        "from-parameter" => {
            return format!(
                "ARG B=alpine:3.20\nFROM {} AS b\nRUN true\n{TAIL}",
                nest("${B:-", "alpine", "}", n)
            );
        }
        "copy-sources" => format!(
            "COPY {} /app/\n",
            (0..n)
                .map(|i| format!("src/f{i}.txt"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "copy-globs" => format!(
            "COPY {}package.json ./\nRUN npm ci\nCOPY . .\n",
            rep("*", n)
        ),
        "copy-glob-miss" => format!("COPY p{}z ./\nRUN npm ci\nCOPY . .\n", rep("*a", n)),
        "stage-chain" => {
            let mut s = "FROM alpine:3.20 AS s0\nWORKDIR /app\n".to_string();
            for i in 1..n {
                s.push_str(&format!(
                    "FROM s{} AS s{i}\nWORKDIR w{i}\nCOPY f{i} .\n",
                    i - 1
                ));
            }
            return s + TAIL;
        }
        "label-pairs" => format!(
            "LABEL {}\n",
            (0..n)
                .map(|i| format!("k{i}=\"v {i}\""))
                .collect::<Vec<_>>()
                .join(" \\\n  ")
        ),
        other => panic!("unknown construct {other}"),
    };
    format!("{head}{body}{TAIL}")
}
