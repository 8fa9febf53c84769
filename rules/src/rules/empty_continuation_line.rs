//! `empty-continuation-line`: blank lines inside a `\` line continuation.
use crate::engine::{declare_rule, Context, Diagnostic, DiagnosticTag, Edit, Fix, Peer, Rule};
use crate::syntax::Instruction;

declare_rule! {
    /// Reports blank lines inside an instruction continued with `\`.
    ///
    /// ## Why is this bad?
    /// Docker skips blank lines inside a continuation, so the instruction goes on after them.
    /// That hides mistakes: a `\` left at the end of the last line silently swallows the next instruction after a blank line.
    /// Docker warns about it and plans to make it an error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:12-slim
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the blank lines, which BuildKit drops from a continued instruction anyway: the instruction
    /// reads the same, and the fix is safe.
    ///
    /// ## References
    /// - [Dockerfile format](https://docs.docker.com/reference/dockerfile/#format)
    /// - BuildKit's [`NoEmptyContinuation`](https://docs.docker.com/reference/build-checks/no-empty-continuation/)
    pub struct EmptyContinuationLine {
        code: "DF504",
        name: "empty-continuation-line",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::BuildKit("NoEmptyContinuation")],
        options: [],
    }
}

impl Rule for EmptyContinuationLine {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            check_one(ctx, ins, out);
        }
    }
}

fn check_one(ctx: &Context, ins: &Instruction, out: &mut Vec<Diagnostic>) {
    let text = ctx.text();
    for span in &ins.continuations {
        // Blank lines at the very end of the file continue nothing.
        if span.end >= ins.range.end {
            continue;
        }
        let Some(first_nl) = text[span.clone()].find('\n') else {
            continue;
        };
        let mut pos = span.start + first_nl + 1;
        // Runs of blank lines: (start, end of content, end with line ending).
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        while pos < span.end {
            let line_end = text[pos..span.end]
                .find('\n')
                .map_or(span.end, |i| pos + i + 1);
            let line = &text[pos..line_end];
            if line.trim().is_empty() {
                let content_end = pos + line.trim_end_matches(['\n', '\r']).len();
                match runs.last_mut() {
                    Some(run) if run.2 == pos => {
                        run.1 = content_end;
                        run.2 = line_end;
                    }
                    _ => runs.push((pos, content_end, line_end)),
                }
            }
            pos = line_end;
        }
        for (start, content_end, end) in runs {
            let lines = text[start..end].matches('\n').count();
            let what = if lines == 1 {
                "empty line".to_string()
            } else {
                format!("{lines} empty lines")
            };
            out.push(
                ctx.diagnostic(
                    start..content_end,
                    format!("{what} inside a `{}` continuation", ins.kind.keyword()),
                )
                .with_tag(DiagnosticTag::Unnecessary)
                .with_fix(Fix::safe(
                    format!("Delete the {what}"),
                    vec![Edit::delete(start..end)],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &EmptyContinuationLine::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN a \\\n\n  b\n", &[""]),
                ("FROM a\nRUN a \\\n  \n\n# c\n\n  b\n", &["  \n", ""]),
                ("FROM a\nRUN a \\\n\nRUN b\n", &[""]),
                ("FROM a\r\nENV x=1 \\\r\n\r\n  y=2\r\n", &[""]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM a\nRUN a \\\n\n\n  b\n"),
            ["2 empty lines inside a `RUN` continuation"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN a \\\n  b\n\nRUN c\n",
                "FROM a\nRUN a \\\n# comment\n  b\n",
                "FROM a\nRUN a \\\n\n",
                "FROM a\nRUN <<EOF\n\\\n\necho\nEOF\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nRUN a \\\n\n  b\n", "FROM a\nRUN a \\\n  b\n"),
                (
                    "FROM a\nRUN a \\\n  \n\n# c\n\n  b\n",
                    "FROM a\nRUN a \\\n# c\n  b\n",
                ),
                (
                    "FROM a\r\nENV x=1 \\\r\n\r\n  y=2\r\n",
                    "FROM a\r\nENV x=1 \\\r\n  y=2\r\n",
                ),
            ],
        );
    }
}
