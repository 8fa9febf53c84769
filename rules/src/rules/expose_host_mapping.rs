//! `expose-host-mapping`: an `EXPOSE` port with an IP address or a host port (`EXPOSE 8080:80`).
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::rules::invalid_expose::{port_error, split_port};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `EXPOSE` port written with an IP address or a host port (`127.0.0.1:80:80`, `8080:80`).
    ///
    /// ## Why is this bad?
    /// `EXPOSE` only records which ports the container listens on; which host address and port they are published
    /// on is decided when the container runs (`docker run -p`).
    /// Docker ignores the address and the host port and records the container port alone, so the line does not do
    /// what it seems to, and BuildKit says this will become an error.
    /// BuildKit's `ExposeInvalidFormat` check reports the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine
    /// EXPOSE 127.0.0.1:80:80
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine
    /// EXPOSE 80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine
    /// EXPOSE 80
    /// ```
    ///
    /// ## Fix safety
    /// The fix keeps the container port and its protocol, which is all Docker records: the image is the same, and
    /// the fix is safe.
    /// A port that Docker refuses (see `invalid-expose`) gets no fix.
    ///
    /// ## References
    /// - [EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - BuildKit's [`ExposeInvalidFormat`](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
    pub struct ExposeHostMapping {
        code: "DF114",
        name: "expose-host-mapping",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::BuildKit("ExposeInvalidFormat")],
        options: [],
        changes: [Rewrite],
    }
}

impl Rule for ExposeHostMapping {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::Expose {
                continue;
            }
            for w in &ins.words {
                if !w.vars.is_empty() {
                    continue;
                }
                let (ip, host, container) = split_port(&w.value);
                if ip.is_empty() && host.is_empty() {
                    continue;
                }
                let fix = (port_error(&w.value).is_none() && w.raw == w.value).then(|| {
                    Fix::safe(
                        format!("Expose `{container}`"),
                        vec![Edit::replace(w.range.clone(), container.to_string())],
                    )
                });
                out.push(
                    ctx.diagnostic(
                        w.range.clone(),
                        format!(
                            "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                            w.value
                        ),
                    )
                    .with_fix_opt(fix),
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

    const R: &RuleMeta = &ExposeHostMapping::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad examples.
                (
                    "FROM alpine\nEXPOSE 127.0.0.1:80:80\n",
                    &["127.0.0.1:80:80"],
                ),
                ("FROM alpine\nEXPOSE 80:80\n", &["80:80"]),
                (
                    "FROM a\nEXPOSE 443 [::1]:8443:443/udp\n",
                    &["[::1]:8443:443/udp"],
                ),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM alpine\nEXPOSE 127.0.0.1:80:80\n"),
            ["EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'"]
        );
    }

    #[test]
    fn valid() {
        // BuildKit's documented good example (twice in its docs).
        spec::valid(
            R,
            &[
                "FROM alpine\nEXPOSE 80\n",
                "FROM a\nEXPOSE 80/udp 8000-8010 $HOST:80\n",
            ],
        );
    }

    #[test]
    fn keeps_the_container_port() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nEXPOSE 127.0.0.1:80:80\n", "FROM a\nEXPOSE 80\n"),
                (
                    "FROM a\nEXPOSE 8080:80/udp 22\n",
                    "FROM a\nEXPOSE 80/udp 22\n",
                ),
                // Refused by Docker: no fix.
                ("FROM a\nEXPOSE x:80:80\n", "FROM a\nEXPOSE x:80:80\n"),
            ],
        );
    }
}
