//! `invalid-default-arg-in-from`: a `FROM` image that is empty or invalid when the global `ARG`s keep their defaults.
use std::collections::HashMap;

use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::undefined_arg_in_from::PLATFORM_ARGS;
use crate::syntax::{Document, Kind};

declare_rule! {
    /// Reports a `FROM` whose image is empty or invalid when every global `ARG` keeps its default.
    ///
    /// For example `busybox:`, from `FROM busybox:${TAG}` with `ARG TAG` and no default.
    ///
    /// ## Why is this bad?
    /// A Dockerfile should build as it is, without `--build-arg`: here a plain `docker build` fails with an
    /// invalid reference.
    /// Give the `ARG` a default, or a default in the reference itself (`${TAG:-3.20}`).
    /// An `ARG` that may stay empty is fine where the reference is valid without it (`busybox:stable${VARIANT}`).
    /// BuildKit's `InvalidDefaultArgInFrom` check reports the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG TAG
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG TAG=latest
    /// FROM busybox:${TAG}
    /// ```
    ///
    /// ## References
    /// - [Understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - BuildKit's [`InvalidDefaultArgInFrom`](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)
    pub struct InvalidDefaultArgInFrom {
        code: "DF112",
        name: "invalid-default-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("InvalidDefaultArgInFrom")],
        options: [],
    }
}

/// Expands `$N`, `${N}`, `${N:-w}`, `${N-w}`, `${N:+w}`, `${N+w}` as BuildKit does with the global defaults
/// (`None` in the map: declared without a default, so unset); `None` when the result depends on what only the build
/// knows (a platform argument, another operator, an escape).
fn expand(text: &str, vars: &HashMap<String, Option<String>>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['$', '\\']) {
        if rest.as_bytes()[at] == b'\\' {
            return None;
        }
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let (name, op, word, len) = if let Some(body) = rest.strip_prefix('{') {
            let close = body.find('}')?;
            let inner = &body[..close];
            let n = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, tail) = inner.split_at(n);
            let (op, word) = [":-", ":+", "-", "+"]
                .iter()
                .find_map(|op| tail.strip_prefix(op).map(|w| (*op, w)))
                .or_else(|| tail.is_empty().then_some(("", "")))?;
            (name, op, word, close + 2)
        } else {
            let n = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if n == 0 {
                out.push('$');
                continue;
            }
            (&rest[..n], "", "", n)
        };
        if name.is_empty() || word.contains(['$', '\\']) || PLATFORM_ARGS.contains(&name) {
            return None;
        }
        let value = vars.get(name).cloned().flatten();
        let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
        let piece = match op {
            "" => value.unwrap_or_default(),
            ":-" if set_nonempty => value.unwrap_or_default(),
            ":-" => word.to_string(),
            "-" => value.unwrap_or_else(|| word.to_string()),
            ":+" if set_nonempty => word.to_string(),
            "+" if value.is_some() => word.to_string(),
            _ => String::new(),
        };
        out.push_str(&piece);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: one path component of a repository name.
fn path_component(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() && !b[0].is_ascii_digit() {
        return false;
    }
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &s[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
        if !ok || i == b.len() {
            return false;
        }
    }
    true
}

/// A registry host: DNS labels or an IPv6 address in brackets, and an optional port.
fn domain(s: &str) -> bool {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        ("x", after.strip_prefix(':'))
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let label = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.split('.').all(label)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// Whether Docker reads `s` as an image reference (`[domain/]path[:tag][@digest]`, as `reference.ParseNormalizedNamed`).
pub(crate) fn valid_reference(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((alg, hex)) = d.split_once(':') else {
            return false;
        };
        let alg_ok = !alg.is_empty()
            && alg.as_bytes()[0].is_ascii_alphabetic()
            && alg
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_+.".contains(&c));
        if !alg_ok || hex.len() < 32 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
    }
    // The tag follows the last `:` after the last `/`.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && (t.as_bytes()[0].is_ascii_alphanumeric() || t.starts_with('_'))
            && t.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c));
        if !ok {
            return false;
        }
    }
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let first = parts[0];
    let has_domain = parts.len() > 1
        && (first.contains(['.', ':'])
            || first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase()));
    if has_domain {
        if !domain(first) {
            return false;
        }
        parts.remove(0);
    }
    if !has_domain
        && parts.len() == 1
        && first.len() == 64
        && first.bytes().all(|c| c.is_ascii_hexdigit())
    {
        return false;
    }
    parts.iter().all(|p| path_component(p))
}

/// The global ARGs with their defaults, each expanded with those before it; read from BuildKit's words of each
/// `ARG` (`NAME` or `NAME=default`); `None` when a default is quoted or escaped (not worth guessing).
fn global_defaults(doc: &Document) -> Option<HashMap<String, Option<String>>> {
    let mut vars: HashMap<String, Option<String>> = HashMap::new();
    let first_from = doc
        .stages()
        .first()
        .map_or(doc.instructions().len(), |s| s.from);
    for (i, ins) in doc.instructions()[..first_from].iter().enumerate() {
        if ins.kind != Kind::Arg {
            continue;
        }
        let Some(Ok(bk)) = doc.buildkit_instruction(i) else {
            return None;
        };
        for word in &bk.value {
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => {
                    if v.contains(['"', '\'', '\\']) {
                        return None;
                    }
                    (n, Some(expand(v, &vars)?))
                }
                None => (word.as_str(), None),
            };
            vars.insert(name.to_string(), value);
        }
    }
    Some(vars)
}

impl Rule for InvalidDefaultArgInFrom {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let Some(vars) = global_defaults(doc) else {
            return;
        };
        for stage in doc.stages() {
            let Some(img) = &doc.instructions()[stage.from].image else {
                continue;
            };
            // Without a variable, a bad reference is the build's error, not a default's.
            if img.vars.is_empty() {
                continue;
            }
            let Some(name) = expand(&img.text, &vars) else {
                continue;
            };
            if !valid_reference(&name) {
                out.push(ctx.diagnostic(
                    img.range.clone(),
                    format!(
                        "Default value for ARG {} results in empty or invalid base image name",
                        img.text
                    ),
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

    const R: &RuleMeta = &InvalidDefaultArgInFrom::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                ("ARG TAG\nFROM busybox:${TAG}\n", &["busybox:${TAG}"]),
                ("ARG IMAGE\nFROM $IMAGE\n", &["$IMAGE"]),
                ("ARG REPO=My/Image\nFROM ${REPO}:1\n", &["${REPO}:1"]),
                ("FROM ${UNDECLARED}\n", &["${UNDECLARED}"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "ARG TAG\nFROM busybox:${TAG}\n"),
            ["Default value for ARG busybox:${TAG} results in empty or invalid base image name"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good examples.
                "ARG TAG=latest\nFROM busybox:${TAG}\n",
                "ARG VARIANT\nFROM busybox:stable${VARIANT}\n",
                "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
                // Platform arguments are known to the build only.
                "FROM build_${TARGETARCH}\n",
                "ARG REG=localhost:5000\nARG IMG=${REG}/app\nFROM ${IMG}@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            ],
        );
    }

    #[test]
    fn references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "docker.io/library/alpine:3",
            "ghcr.io/a/b-c__d.e:v1_2",
            "localhost/x",
            "[::1]:5000/x:y",
            "a/b/c",
        ] {
            assert!(valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "busybox:",
            "Alpine",
            "a//b",
            "a:b:c",
            "-a",
            "a-",
            ":x",
            "a@sha256:12",
        ] {
            assert!(!valid_reference(bad), "{bad}");
        }
    }
}
