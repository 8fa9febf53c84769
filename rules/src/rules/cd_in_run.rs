//! `cd-in-run`: `cd` inside a RUN where WORKDIR says it for every later instruction.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::run_scripts::run_scripts;

declare_rule! {
    /// Reports `cd` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next `RUN` starts again in the `WORKDIR`.
    /// Instructions that should work in a folder read better, and cannot forget to change to it, after
    /// `WORKDIR /that/folder`.
    ///
    /// Every `cd` is reported, as hadolint does, including those in a subshell, a loop or an `if`.
    ///
    /// ## Off by default
    /// `cd /tmp/src && ./configure && make install && cd / && rm -rf /tmp/src` is how most official images build
    /// from source, on purpose: the folder is temporary, and a `WORKDIR` would outlive it and create it in the
    /// image.
    /// On the corpus, most of the `cd`s are of that kind, so the rule is for teams that want `WORKDIR`
    /// everywhere: `dflint check --extend-select DL3003`, or `extend-select = ["cd-in-run"]` in `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `WORKDIR` changes where every later instruction (and the container) runs, and creates the folder.
    ///
    /// ## References
    /// - [WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [Best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
    /// - hadolint's [`DL3003`](https://github.com/hadolint/hadolint/wiki/DL3003)
    pub struct CdInRun {
        code: "DF511",
        name: "cd-in-run",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3003")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for CdInRun {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for run in run_scripts(ctx) {
            for c in &run.script.commands {
                if c.program() != Some("cd") {
                    continue;
                }
                let word = &c.argv()[0];
                out.push(ctx.diagnostic(
                    word.range.clone(),
                    "`cd` in `RUN`: use `WORKDIR` to change the folder for later instructions",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &CdInRun::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN cd /app && make\n", &["cd"]),
                ("FROM a\nRUN (cd /app && make)\n", &["cd"]),
                ("FROM a\nRUN for d in a b; do cd $d; done\n", &["cd"]),
                (
                    "FROM a\nRUN cd /a && make && cd / && rm -rf /a\n",
                    &["cd", "cd"],
                ),
                ("FROM a\nONBUILD RUN cd /app\n", &["cd"]),
                ("FROM a\nRUN <<EOF\ncd /app\nmake\nEOF\n", &["cd"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nWORKDIR /app\nRUN make\n",
                "FROM a\nRUN echo cd\n",
                "FROM a\nCMD cd /app && ./run\n",
                "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN cd C:/app\n",
            ],
        );
    }

    #[test]
    fn off_by_default() {
        assert!(!R.default_enabled);
    }
}
