//! `reserved-stage-name`: a stage named `scratch` or `context`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};

declare_rule! {
    /// Reports a stage named `scratch` or `context`, names Docker reserves.
    ///
    /// ## Why is this bad?
    /// `FROM scratch` always means the empty image, and `context` names the build context in `--build-context` and `COPY --from`.
    /// A stage with one of these names cannot be referred to reliably: `FROM scratch` after it still starts from nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// RUN echo hi > /hi
    /// FROM scratch
    /// COPY --from=scratch /hi /hi
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS prepare
    /// RUN echo hi > /hi
    /// FROM scratch
    /// COPY --from=prepare /hi /hi
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3063` compares the name case-sensitively, so it misses `AS Scratch`; Docker lowercases stage
    /// names, so `AS Scratch` is the reserved `scratch` too, and this rule reports it.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - BuildKit's [`ReservedStageName`](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
    /// - hadolint's [`DL3063`](https://github.com/hadolint/hadolint/wiki/DL3063)
    pub struct ReservedStageName {
        code: "DF105",
        name: "reserved-stage-name",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [Peer::BuildKit("ReservedStageName"), Peer::Hadolint("DL3063")],
        options: [],
    }
}

const RESERVED: [&str; 2] = ["scratch", "context"];

impl Rule for ReservedStageName {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for stage in ctx.doc().stages() {
            let (Some(name), Some(range)) = (&stage.name, &stage.name_range) else {
                continue;
            };
            if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                continue;
            }
            out.push(ctx.diagnostic(
                range.clone(),
                format!("`{name}` is a reserved name and cannot name a stage"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ReservedStageName::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a AS scratch\n", &["scratch"]),
                ("FROM a AS Context\nFROM b AS ok\n", &["Context"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &["FROM scratch\nFROM a AS scratchpad\n", "FROM a AS ctx\n"],
        );
    }
}
