//! `untagged-image`: `FROM image` with neither tag nor digest.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::query;

declare_rule! {
    /// Reports a base image given without a tag or digest.
    ///
    /// ## Why is this bad?
    /// Without a tag, Docker pulls `latest`: the tag pushed last, which moves with every release.
    /// The same Dockerfile then builds a different image next month, and a major version can arrive unannounced.
    /// A version tag (or a digest) says which image you tested with.
    ///
    /// Not reported: `FROM scratch`, a `FROM` that names an earlier stage, an image given by a variable, and a
    /// placeholder that is no image reference at all (`FROM REPLACE-ME`, `FROM {{ .Base }}` in a template).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - hadolint's [`DL3006`](https://github.com/hadolint/hadolint/wiki/DL3006)
    pub struct UntaggedImage {
        code: "DF302",
        name: "untagged-image",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3006")],
        options: [],
    }
}

impl Rule for UntaggedImage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for stage in doc.stages() {
            let Some(image) = &doc.instructions()[stage.from].image else {
                continue;
            };
            if image.tag.is_some() || image.digest.is_some() || image.text.is_empty() {
                continue;
            }
            // `scratch` is the empty image: there is nothing to version.
            if image.name.eq_ignore_ascii_case("scratch") {
                continue;
            }
            // A variable may well carry the tag.
            if !image.vars.is_empty() {
                continue;
            }
            // `FROM build` continues an earlier stage.
            if query::from_is_stage_ref(doc, stage) {
                continue;
            }
            // A placeholder (`REPLACE-ME`, `{{ .Base }}`) is no image Docker could pull: the missing tag is not
            // what is wrong with it.
            if !is_reference(&image.name) {
                continue;
            }
            out.push(ctx.diagnostic(
                image.range.clone(),
                format!("`{}` has no tag: Docker pulls `latest`", image.text),
            ));
        }
    }
}

/// Whether `name` (tag and digest left out) is a repository Docker accepts: an optional registry host, then
/// path components of lower-case letters, digits and single separators. Quotes are the shell's (BuildKit
/// removes them).
fn is_reference(name: &str) -> bool {
    let name: String = name.chars().filter(|c| !matches!(c, '"' | '\'')).collect();
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1
        && (parts[0].contains(['.', ':'])
            || parts[0] == "localhost"
            || parts[0].chars().any(|c| c.is_ascii_uppercase()))
    {
        let host = parts.remove(0);
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        {
            return false;
        }
    }
    parts.iter().all(|p| {
        let alnum =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        alnum(p.chars().next())
            && alnum(p.chars().last())
            && p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UntaggedImage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM alpine\n", &["alpine"]),
                ("FROM localhost:5000/app\n", &["localhost:5000/app"]),
                // A stage named later does not count.
                ("FROM build\nFROM alpine:3 AS build\n", &["build"]),
                // BuildKit removes the quotes.
                (
                    "FROM \"gcr.io/distroless/static\"\n",
                    &["\"gcr.io/distroless/static\""],
                ),
                (
                    "FROM my-registry.Example.com/team/app\n",
                    &["my-registry.Example.com/team/app"],
                ),
            ],
        );
    }

    #[test]
    fn invalid_with_flags() {
        spec::invalid(
            R,
            &[(
                "FROM --platform=linux/arm64 ghcr.io/org/app AS x\n",
                &["ghcr.io/org/app"],
            )],
        );
        spec::valid(
            R,
            &["FROM a:1 AS base\nFROM --platform=$BUILDPLATFORM base\n"],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM alpine:3.20\n",
                "FROM scratch\n",
                "FROM alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
                "FROM golang:1.22 AS Build\nFROM build\n",
                "FROM $BASE\n",
                "FROM ${REGISTRY}/alpine\n",
                // Placeholders of templates, not images.
                "FROM REPLACE-ME\n",
                "FROM TO_BE_REPLACED\n",
                "FROM {{ env.from }}\n",
                "FROM mcr.microsoft.com/windows/{{ env.variant }}:{{ env.release }}\n",
            ],
        );
    }
}
