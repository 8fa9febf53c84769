//! `consecutive-run`: short `RUN`s one after the other that one `RUN` would say.
use std::collections::HashMap;

use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// Reports a `RUN` that directly follows another `RUN` with the same flags, when both run at most two commands.
    ///
    /// ## Why is this bad?
    /// Each `RUN` is a layer and a build step.
    /// Short steps in a row (`RUN apt-get update` then `RUN apt-get install -y curl`) are usually one step
    /// split by accident, and a layer boundary between them keeps whatever the first leaves behind.
    /// Join them with `&&`.
    ///
    /// `RUN`s with different flags (`--mount`, `--network`), or where either already runs more than two commands,
    /// are not reported: they were most likely split on purpose.
    /// Comments between the two do not separate them; any other instruction does.
    ///
    /// ## Off by default
    /// Splitting steps is also how a Dockerfile keeps the expensive ones cached while editing the cheap ones, so
    /// joining is a judgement call: `dflint check --extend-select DL3059` to see them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN mkdir -p /app
    /// RUN chown nobody /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN mkdir -p /app && chown nobody /app
    /// ```
    ///
    /// ## References
    /// - [Best practices: RUN](https://docs.docker.com/build/building/best-practices/#run)
    /// - hadolint's [`DL3059`](https://github.com/hadolint/hadolint/wiki/DL3059)
    pub struct ConsecutiveRun {
        code: "DF541",
        name: "consecutive-run",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3059")],
        options: [],
        default_enabled: false,
    }
}

/// A RUN's flags, as written (lowercased names): RUNs with other flags were split on purpose.
type Flags<'a> = Vec<(String, Option<&'a str>)>;

fn flags(ins: &Instruction) -> Flags<'_> {
    ins.flags
        .iter()
        .map(|f| (f.name.to_ascii_lowercase(), f.value.as_deref()))
        .collect()
}

impl Rule for ConsecutiveRun {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let counts: HashMap<usize, usize> = run_scripts(ctx)
            .iter()
            .map(|r| {
                (
                    r.index,
                    r.script.commands.iter().filter(|c| !c.nested).count(),
                )
            })
            .collect();
        let mut previous: Option<(Flags, usize)> = None;
        for (i, ins) in ctx.doc().instructions().iter().enumerate() {
            if ins.kind != Kind::Run {
                previous = None;
                continue;
            }
            let here = (flags(ins), counts.get(&i).copied().unwrap_or(1));
            if let Some((flags, count)) = &previous {
                if *flags == here.0 && *count <= 2 && here.1 <= 2 {
                    out.push(ctx.diagnostic(
                        ins.keyword.clone(),
                        "a `RUN` right after another: join them with `&&` into one step",
                    ));
                }
            }
            previous = Some(here);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ConsecutiveRun::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN a\nRUN b\n", &["RUN"]),
                ("FROM a\nRUN a\n# why\nRUN b && c\n", &["RUN"]),
                ("FROM a\nRUN a\nRUN b\nRUN c\n", &["RUN", "RUN"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN a\nWORKDIR /x\nRUN b\n",
                "FROM a\nRUN a && b && c\nRUN d\n",
                "FROM a\nRUN a\nRUN --mount=type=cache,target=/x b\n",
                "FROM a\nRUN a\nFROM b\nRUN b\n",
            ],
        );
    }
}
