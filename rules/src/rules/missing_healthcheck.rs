//! `missing-healthcheck`: an image without a `HEALTHCHECK`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::{query, Kind};

declare_rule! {
    /// Reports a final stage with no `HEALTHCHECK`, in it or in the stages it is built on.
    ///
    /// ## Why is this bad?
    /// Without a `HEALTHCHECK`, Docker reports a container as running as long as its process lives, even when it
    /// no longer answers; with one, `docker ps` and Swarm see `unhealthy` and can act on it.
    ///
    /// ## Off by default
    /// Orchestrators such as Kubernetes ignore `HEALTHCHECK` and use their own probes, and the base image may
    /// define one this rule cannot see, so most images rightly have none:
    /// `dflint check --extend-select DL3057` for projects run by Docker or Swarm.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3057` reports each stage without one, build stages included; only the final stage's
    /// `HEALTHCHECK` reaches the image, so only it is reported here.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK CMD curl -fs http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - [HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - hadolint's [`DL3057`](https://github.com/hadolint/hadolint/wiki/DL3057)
    pub struct MissingHealthcheck {
        code: "DF545",
        name: "missing-healthcheck",
        category: Style,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3057")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for MissingHealthcheck {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let Some(last) = doc.stages().last() else {
            return;
        };
        // The final stage and the stages it is built on, up the chain (a loop: chains may be long).
        let mut stage = last;
        for _ in 0..=doc.stages().len() {
            if doc
                .stage_instructions(stage)
                .iter()
                .any(|i| i.kind == Kind::Healthcheck)
            {
                return;
            }
            if !query::from_is_stage_ref(doc, stage) {
                break;
            }
            match query::earlier_stage(doc, stage.index, &stage.base) {
                Some(parent) => stage = parent,
                None => break,
            }
        }
        let from = &doc.instructions()[last.from];
        out.push(ctx.diagnostic(
            from.keyword.clone(),
            "the image has no `HEALTHCHECK`: Docker cannot tell when the container stops answering",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &MissingHealthcheck::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN x\n", &["FROM"]),
                ("FROM a AS b\nHEALTHCHECK CMD x\nFROM c\n", &["FROM"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nHEALTHCHECK CMD x\n",
                "FROM a\nHEALTHCHECK NONE\n",
                "FROM a AS b\nHEALTHCHECK CMD x\nFROM b\n",
            ],
        );
    }
}
