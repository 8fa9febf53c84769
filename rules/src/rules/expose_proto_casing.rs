//! `expose-proto-casing`: an `EXPOSE` protocol not in lower case (`80/TCP`).
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::invalid_expose::split_port;
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `EXPOSE` port whose protocol is not written in lower case (`80/TCP`, `53/Udp`).
    ///
    /// ## Why is this bad?
    /// Docker lowercases the protocol before it records the port, so `80/TcP` is `80/tcp`; writing it as Docker
    /// reads it keeps the file consistent.
    /// BuildKit's `ExposeProtoCasing` check reports the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine
    /// EXPOSE 80/TcP
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## Fix safety
    /// The fix lowercases the protocol; Docker records the lowercased protocol either way, so the image is the same
    /// and the fix is safe.
    ///
    /// ## References
    /// - [EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - BuildKit's [`ExposeProtoCasing`](https://docs.docker.com/reference/build-checks/expose-proto-casing/)
    pub struct ExposeProtoCasing {
        code: "DF522",
        name: "expose-proto-casing",
        category: Style,
        severity: Warning,
        fix: Always,
        peers: [Peer::BuildKit("ExposeProtoCasing")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for ExposeProtoCasing {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::Expose {
                continue;
            }
            for w in &ins.words {
                if !w.vars.is_empty() || w.raw != w.value {
                    continue;
                }
                let (_, _, container) = split_port(&w.value);
                let Some((_, proto)) = container.split_once('/') else {
                    continue;
                };
                if proto == proto.to_lowercase() {
                    continue;
                }
                // The protocol is the end of the word (written without quotes or escapes: raw == value).
                let start = w.range.end - proto.len();
                out.push(
                    ctx.diagnostic(
                        w.range.clone(),
                        format!(
                            "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                            w.value
                        ),
                    )
                    .with_fix(Fix::safe(
                        format!("Write `{}`", proto.to_lowercase()),
                        vec![Edit::replace(start..w.range.end, proto.to_lowercase())],
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ExposeProtoCasing::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                ("FROM alpine\nEXPOSE 80/TcP\n", &["80/TcP"]),
                (
                    "FROM a\nEXPOSE 80 53/UDP 8000-8001/Sctp\n",
                    &["53/UDP", "8000-8001/Sctp"],
                ),
                ("FROM a\nEXPOSE 8080:80/TCP\n", &["8080:80/TCP"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM alpine\nEXPOSE 80/TcP\n"),
            ["Defined protocol '80/TcP' in EXPOSE instruction should be lowercase"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good example.
                "FROM alpine\nEXPOSE 80/tcp\n",
                "FROM a\nEXPOSE 80 443/udp $P/TCP\n",
            ],
        );
    }

    #[test]
    fn lowercases() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[(
                "FROM a\nEXPOSE 80/TcP 53/UDP\n",
                "FROM a\nEXPOSE 80/tcp 53/udp\n",
            )],
        );
    }
}
