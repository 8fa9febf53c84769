//! `curl-and-wget`: a stage that downloads with both `curl` and `wget`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;

declare_rule! {
    /// Reports a `RUN` that uses `curl` or `wget` in a stage whose `RUN`s have used the other one too.
    ///
    /// ## Why is this bad?
    /// Two download tools do the same job, and both have to be in the image (with their libraries) for the stage
    /// to build.
    /// Pick one, and the other need not be installed.
    ///
    /// ## Off by default
    /// Base images often ship one of the two, and scripts copied from upstream projects use the other: removing
    /// either is a clean-up, not a fix. `dflint check --extend-select DL4001` to see them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSLo /tmp/a https://example.com/a
    /// RUN wget -q -O /tmp/b https://example.com/b
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN curl -fsSLo /tmp/a https://example.com/a
    /// RUN curl -fsSLo /tmp/b https://example.com/b
    /// ```
    ///
    /// ## References
    /// - hadolint's [`DL4001`](https://github.com/hadolint/hadolint/wiki/DL4001)
    pub struct CurlAndWget {
        code: "DF543",
        name: "curl-and-wget",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL4001")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for CurlAndWget {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let runs = run_scripts(ctx);
        for stage in doc.stages() {
            let (mut curl, mut wget) = (false, false);
            // The RUNs come in instruction order: the stage's are one slice of them (not a filter over all the
            // RUNs per stage, which is quadratic on long stage chains).
            let lo = runs.partition_point(|r| r.index < stage.instructions.start);
            let hi = runs.partition_point(|r| r.index < stage.instructions.end);
            for run in &runs[lo..hi.max(lo)] {
                let mut first = None;
                for c in &run.script.commands {
                    match c.program() {
                        Some("curl") => curl = true,
                        Some("wget") => wget = true,
                        _ => continue,
                    }
                    first.get_or_insert(c.argv()[0].range.clone());
                }
                if let (Some(range), true) = (first, curl && wget) {
                    out.push(ctx.diagnostic(
                        range,
                        "this stage downloads with both `curl` and `wget`: use one of them",
                    ));
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

    const R: &RuleMeta = &CurlAndWget::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN curl x && wget y\n", &["curl"]),
                (
                    "FROM a\nRUN curl x\nRUN wget y\nRUN curl z\n",
                    &["wget", "curl"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN curl x\nRUN curl y\n",
                "FROM a\nRUN curl x\nFROM b\nRUN wget y\n",
                "FROM a\nRUN apt-get install -y curl wget\n",
            ],
        );
    }
}
