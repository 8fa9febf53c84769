//! `untrusted-registry`: `FROM` an image of a registry the project does not trust.
use crate::engine::{declare_rule, Context, Diagnostic, OptKind, OptionSpec, Peer, Rule};
use crate::syntax::{query, ImageRef, Span};

declare_rule! {
    /// Reports a base image pulled from a registry that is not on the project's list of trusted registries.
    ///
    /// ## Why is this bad?
    /// A base image is code that runs in every container built on it.
    /// Teams that mirror, scan or sign their base images want every `FROM` to come from those registries.
    /// An image from anywhere else skips that review.
    ///
    /// The rule does nothing until the list is set (`trusted-registries` below, or `trustedRegistries` in a `.hadolint.yaml`).
    /// An image with no registry in its name comes from Docker Hub, which the list names as `docker.io` (`hub.docker.com`, `index.docker.io` and `registry-1.docker.io` mean the same).
    /// A `*` in an entry stands for any text: `*.gcr.io` trusts `eu.gcr.io` and `us.gcr.io`, `*` trusts everything.
    /// Registries are compared without regard to case, ports included (`localhost:5000`).
    ///
    /// Not reported: `FROM scratch`, a `FROM` that names an earlier stage, and an image whose registry is given by a variable (`FROM ${REGISTRY}/app`), which only the build knows.
    ///
    /// ## Configuration
    /// The examples below run with this `.dflint.toml`:
    /// ```toml
    /// [rules.untrusted-registry]
    /// trusted-registries = ["docker.io", "*.gcr.io"]
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/prometheus/busybox:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM eu.gcr.io/my-project/busybox:1.36
    /// ```
    ///
    /// ## Options
    /// `trusted-registries`: the registries base images may come from.
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Image names](https://docs.docker.com/reference/cli/docker/image/tag/)
    /// - hadolint's [`DL3026`](https://github.com/hadolint/hadolint/wiki/DL3026)
    pub struct UntrustedRegistry {
        code: "DF201",
        name: "untrusted-registry",
        category: Security,
        severity: Error,
        fix: None,
        peers: [Peer::Hadolint("DL3026")],
        options: [OptionSpec {
            name: "trusted-registries",
            kind: OptKind::List,
            default: "[]",
            doc: "registries base images may come from (`docker.io` for Docker Hub; `*` matches any text); empty: the rule is off",
        }],
    }
}

/// The names Docker Hub goes by.
const DOCKER_HUB: &[&str] = &[
    "docker.io",
    "hub.docker.com",
    "index.docker.io",
    "registry-1.docker.io",
];

impl Rule for UntrustedRegistry {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let trusted = ctx
            .options()
            .get_list("trusted-registries")
            .unwrap_or_default();
        // No list, no policy: hadolint's DL3026 is off in the same case.
        if trusted.is_empty() {
            return;
        }
        let doc = ctx.doc();
        for stage in doc.stages() {
            let Some(image) = &doc.instructions()[stage.from].image else {
                continue;
            };
            if image.text.is_empty() || image.name.eq_ignore_ascii_case("scratch") {
                continue;
            }
            // `FROM build` continues an earlier stage: no registry involved.
            if query::from_is_stage_ref(doc, stage) {
                continue;
            }
            let Some((registry, range)) = registry_of(image) else {
                continue;
            };
            if trusted.iter().any(|t| trusts(t, &registry)) {
                continue;
            }
            out.push(ctx.diagnostic(
                range,
                format!(
                    "`{}` comes from `{registry}`, which is not a trusted registry (trusted: {})",
                    image.text,
                    trusted.join(", ")
                ),
            ));
        }
    }
}

/// The registry an image is pulled from (`docker.io` when the name has none) and the span to report: the registry
/// as written, or the whole name for Docker Hub. `None` when a variable decides the registry.
fn registry_of(image: &ImageRef) -> Option<(String, Span)> {
    let name = &image.name;
    let start = image.name_range.start;
    let first = name.split('/').next().unwrap_or_default();
    // Docker's rule: the first component is a registry when it has a dot or a port, or is `localhost`,
    // and the name has more than one component.
    let is_registry = name.contains('/')
        && (first.contains(['.', ':']) || first.eq_ignore_ascii_case("localhost"));
    let span = if is_registry {
        start..start + first.len()
    } else {
        image.name_range.clone()
    };
    if image
        .vars
        .iter()
        .any(|v| v.range.start < span.end && span.start < v.range.end)
        || first.contains('$')
    {
        return None;
    }
    if is_registry {
        Some((first.to_ascii_lowercase(), span))
    } else {
        Some(("docker.io".to_string(), span))
    }
}

/// Whether a trusted-registry entry covers `registry` (lower case): equal, a `*` pattern, or both Docker Hub.
fn trusts(entry: &str, registry: &str) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    let hub = |r: &str| DOCKER_HUB.contains(&r);
    if hub(&entry) && hub(registry) {
        return true;
    }
    crate::knowledge::glob_match(&entry, registry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lint, OptValue, RuleMeta, RuleOptions, Settings};
    use crate::syntax::Document;

    const R: &RuleMeta = &UntrustedRegistry::META;

    fn spans(src: &str, trusted: &[&str]) -> Vec<String> {
        let mut settings = Settings::select([R.code]);
        settings.options.push((
            R.name.to_string(),
            RuleOptions::new().with(
                "trusted-registries",
                OptValue::List(trusted.iter().map(|s| s.to_string()).collect()),
            ),
        ));
        lint(&Document::parse(src), &settings, None)
            .iter()
            .map(|d| {
                assert_eq!(d.code, R.code);
                src[d.range.clone()].to_string()
            })
            .collect()
    }

    #[test]
    fn off_without_a_list() {
        assert!(spans("FROM random.com/debian\n", &[]).is_empty());
    }

    #[test]
    fn invalid() {
        let hub = &["docker.io"];
        assert_eq!(spans("FROM random.com/debian\n", hub), ["random.com"]);
        assert_eq!(
            spans(
                "FROM --platform=linux/amd64 localhost:5000/app:1 AS x\n",
                hub
            ),
            ["localhost:5000"]
        );
        assert_eq!(spans("FROM localhost/app\n", hub), ["localhost"]);
        assert_eq!(spans("FROM debian:12\n", &["quay.io"]), ["debian"]);
        assert_eq!(
            spans("FROM gcr.io/x/y\n", &["*.gcr.io"]),
            ["gcr.io"],
            "`*.gcr.io` needs a subdomain"
        );
        assert_eq!(spans("FROM QUAY.IO/a/b\n", &["ghcr.io"]), ["QUAY.IO"]);
        // A stage named only later is an image (from Docker Hub).
        assert_eq!(
            spans("FROM build\nFROM quay.io/a AS build\n", &["quay.io"]),
            ["build"]
        );
    }

    #[test]
    fn valid() {
        let cases: &[(&str, &[&str])] = &[
            ("FROM random.com/debian\n", &["x.com", "random.com"]),
            ("FROM scratch\n", &["x.com"]),
            (
                "FROM ubuntu:18.04\nFROM zemanlx/ubuntu:18.04\nFROM docker.io/zemanlx/ubuntu:18.04\nFROM index.docker.io/library/debian\n",
                &["docker.io"],
            ),
            ("FROM ubuntu\n", &["hub.docker.com"]),
            ("FROM random.com/foo AS b1\nFROM b1 AS b2\n", &["random.com"]),
            ("FROM eu.gcr.io/p/app\nFROM us.gcr.io/p/app\n", &["*.gcr.io"]),
            ("FROM anything.example/a\n", &["*"]),
            ("FROM registry.corp:5000/a\n", &["REGISTRY.corp:5000"]),
            ("FROM ${REGISTRY}/app\nFROM $BASE\n", &["docker.io"]),
            ("FROM mirror.corp/a\n", &["mirror.*"]),
        ];
        for (src, trusted) in cases {
            assert!(
                spans(src, trusted).is_empty(),
                "{src:?} with {trusted:?}: {:?}",
                spans(src, trusted)
            );
        }
    }

    #[test]
    fn globs() {
        use crate::knowledge::glob_match;
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*a", "a"));
        assert!(!glob_match("*.gcr.io", "gcr.io"));
        assert!(glob_match("*.gcr.io", "eu.gcr.io"));
        assert!(!glob_match("ghcr.io", "ghcr.io.evil.com"));
    }
}
