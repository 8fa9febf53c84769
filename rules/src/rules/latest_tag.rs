//! `latest-tag`: `FROM image:latest`.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};

declare_rule! {
    /// Reports a base image pinned to the `latest` tag.
    ///
    /// ## Why is this bad?
    /// `latest` is just the tag pushed last: it moves with every release of the image.
    /// The same Dockerfile then builds a different image next month, a major version can arrive unannounced, and the layer cache is invalidated whenever the tag moves.
    /// A version tag (or a digest) says which image you tested with.
    ///
    /// An image pinned by digest (`alpine:latest@sha256:...`) is not reported: the digest decides.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:latest
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Image tags](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - hadolint's [`DL3007`](https://github.com/hadolint/hadolint/wiki/DL3007)
    pub struct LatestTag {
        code: "DF301",
        name: "latest-tag",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3007")],
        options: [],
    }
}

impl Rule for LatestTag {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for stage in ctx.doc().stages() {
            let Some(image) = &ctx.doc().instructions()[stage.from].image else {
                continue;
            };
            let Some((tag, range)) = &image.tag else {
                continue;
            };
            // A digest pins the image whatever the tag says.
            if image.digest.is_some() || tag != "latest" {
                continue;
            }
            // `${TAG:-latest}` and friends are the variable's business.
            if image
                .vars
                .iter()
                .any(|v| v.range.start < range.end && range.start < v.range.end)
            {
                continue;
            }
            out.push(ctx.diagnostic(
                range.clone(),
                format!("`{}` uses the moving `latest` tag", image.text),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &LatestTag::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM alpine:latest\n", &["latest"]),
                ("FROM localhost:5000/app:latest\n", &["latest"]),
            ],
        );
    }

    #[test]
    fn invalid_with_flags() {
        spec::invalid(
            R,
            &[(
                "FROM --platform=linux/amd64 docker.io/library/node:latest AS x\n",
                &["latest"],
            )],
        );
    }

    #[test]
    fn invalid_after_a_variable() {
        spec::invalid(R, &[("FROM ${REGISTRY}/app:latest\n", &["latest"])]);
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM alpine:3.20\n",
                "FROM alpine\n",
                "FROM alpine:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
                "FROM alpine:${TAG}\n",
                "FROM scratch\n",
                "FROM localhost:5000/app\n",
                "FROM app:latest-slim\n",
            ],
        );
    }
}
