//! `duplicate-stage-name`: two stages with the same name.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};

declare_rule! {
    /// Reports a stage name already used by an earlier stage (names compare case-insensitively).
    ///
    /// ## Why is this bad?
    /// `COPY --from=<name>` and `FROM <name>` can only mean one stage.
    /// Docker resolves the name to one of them, so the other stage's output is unreachable by name and a later edit to either is easy to get wrong.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /bin/api ./cmd/api
    /// FROM node:20 AS Build
    /// RUN npm run build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build-api
    /// RUN go build -o /bin/api ./cmd/api
    /// FROM node:20 AS build-web
    /// RUN npm run build
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3024` compares names case-sensitively, so it misses `AS build` after `AS Build`; Docker
    /// lowercases stage names, so both are the same stage, and this rule reports the second.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - BuildKit's [`DuplicateStageName`](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
    /// - hadolint's [`DL3024`](https://github.com/hadolint/hadolint/wiki/DL3024)
    pub struct DuplicateStageName {
        code: "DF104",
        name: "duplicate-stage-name",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [Peer::BuildKit("DuplicateStageName"), Peer::Hadolint("DL3024")],
        options: [],
    }
}

impl Rule for DuplicateStageName {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let stages = ctx.doc().stages();
        for (i, stage) in stages.iter().enumerate() {
            let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
                continue;
            };
            // The first stage of that name, from the document's index of names (a scan would be quadratic).
            let Some(first) = ctx
                .doc()
                .stages_named(name)
                .first()
                .filter(|&&f| f < i)
                .map(|&f| &stages[f])
            else {
                continue;
            };
            let line = ctx.doc().line_index().line(range.start);
            let first_line = first
                .name_range
                .as_ref()
                .map_or(line, |r| ctx.doc().line_index().line(r.start));
            out.push(ctx.diagnostic(
                range.clone(),
                format!(
                    "stage name `{name}` is already used by the stage on line {}",
                    first_line + 1
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &DuplicateStageName::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a AS x\nFROM b AS x\n", &["x"]),
                (
                    "FROM a AS build\nFROM b AS other\nFROM c AS BUILD\nFROM d AS Build\n",
                    &["BUILD", "Build"],
                ),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM a AS x\nRUN y\nFROM b AS x\n"),
            ["stage name `x` is already used by the stage on line 1"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &["FROM a AS x\nFROM b AS y\nFROM x\n", "FROM a\nFROM a\n"],
        );
    }
}
