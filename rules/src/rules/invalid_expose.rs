//! `invalid-expose`: an `EXPOSE` port BuildKit refuses (not a number in 0-65535, a reversed range, an unknown protocol).
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports an `EXPOSE` port that Docker refuses.
    ///
    /// These are: a port that is not a number from 0 to 65535, a range whose end is below its start, a protocol other
    /// than `tcp`, `udp` or `sctp`, and a malformed address.
    ///
    /// ## Why is this bad?
    /// BuildKit reads each port when it reaches the `EXPOSE` and stops the build on one it cannot read, with the
    /// message dflint shows.
    /// Ports written with variables are read after expansion, so dflint leaves them alone.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/http 8443-8080 70000
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/tcp 8080-8443 7000
    /// ```
    ///
    /// ## References
    /// - [EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - BuildKit's `frontend/dockerfile/dockerfile2llb/convert_expose.go`, which gives these messages
    /// - hadolint's [`DL3011`](https://github.com/hadolint/hadolint/wiki/DL3011)
    pub struct InvalidExpose {
        code: "DF109",
        name: "invalid-expose",
        category: Correctness,
        severity: Error,
        fix: None,
        peers: [Peer::Hadolint("DL3011")],
        options: [],
    }
}

fn port_number(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().filter(|p| (0..=65535).contains(p))
}

/// `(start, end)` of `80` or `8000-9000`, as BuildKit's `parsePortRange` reads it.
fn port_range(s: &str) -> Option<(i64, i64)> {
    if s.is_empty() {
        return None;
    }
    let (start, end) = match s.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let first = port_number(start)?;
    match end {
        Some(e) if e != start => {
            let last = port_number(e)?;
            (last >= first).then_some((first, last))
        }
        _ => Some((first, first)),
    }
}

/// `[ip:][hostPort:]containerPort[/proto]` split as BuildKit splits it: (ip, host port, container part).
pub(crate) fn split_port(raw: &str) -> (String, &str, &str) {
    let parts: Vec<&str> = raw.split(':').collect();
    let n = parts.len();
    match n {
        1 => (String::new(), "", parts[0]),
        2 => (String::new(), parts[0], parts[1]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    }
}

/// BuildKit's complaint about one `[ip:][hostPort:]containerPort[/proto]`, if any.
pub(crate) fn port_error(raw: &str) -> Option<String> {
    let (ip, host, container) = split_port(raw);
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Some(format!("invalid port: \"{raw}\": no port specified"));
    }
    if !["", "tcp", "udp", "sctp"].contains(&proto.to_ascii_lowercase().as_str()) {
        return Some(format!("invalid port: \"{raw}\": invalid proto: {proto}"));
    }
    if !ip.is_empty() {
        let bare = ip
            .strip_prefix('[')
            .and_then(|i| i.strip_suffix(']'))
            .unwrap_or(&ip);
        if bare.parse::<std::net::IpAddr>().is_err() {
            return Some(format!("invalid IP address: {ip}"));
        }
    }
    let Some((start, end)) = port_range(port) else {
        return Some(format!("invalid containerPort: {port}"));
    };
    if !host.is_empty() {
        let Some((hs, he)) = port_range(host) else {
            return Some(format!("invalid hostPort: {host}"));
        };
        if end - start != he - hs && end != start {
            return Some(format!(
                "invalid ranges specified for container and host Ports: {port} and {host}"
            ));
        }
    }
    None
}

impl Rule for InvalidExpose {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::Expose {
                continue;
            }
            for w in &ins.words {
                // Docker reads the port after expanding variables, which only the build knows.
                if !w.vars.is_empty() {
                    continue;
                }
                if let Some(message) = port_error(&w.value) {
                    out.push(ctx.diagnostic(w.range.clone(), message));
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

    const R: &RuleMeta = &InvalidExpose::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nEXPOSE 70000\n", &["70000"]),
                ("FROM a\nEXPOSE 80 90-80/udp\n", &["90-80/udp"]),
                ("FROM a\nEXPOSE 80/http\n", &["80/http"]),
                ("FROM a\nEXPOSE /tcp\n", &["/tcp"]),
                ("FROM a\nEXPOSE -1\n", &["-1"]),
                ("FROM a\nEXPOSE 8o\n", &["8o"]),
                ("FROM a\nEXPOSE 80-\n", &["80-"]),
                ("FROM a\nEXPOSE x.y:80:80\n", &["x.y:80:80"]),
                ("FROM a\nEXPOSE 1-2:80-90\n", &["1-2:80-90"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nEXPOSE 80 443/tcp 53/UDP 9000/sctp 0 65535\n",
                "FROM a\nEXPOSE 8000-9000 8080-8080/tcp\n",
                "FROM a\nEXPOSE $PORT ${P:-80}/tcp\n",
                "FROM a\nEXPOSE 127.0.0.1:8080:80 [::1]:80:80 8080:80 1000-1010:80\n",
            ],
        );
    }

    /// BuildKit's words, read in `convert_expose.go`.
    #[test]
    fn messages_are_buildkits() {
        let cases = [
            ("FROM a\nEXPOSE 70000\n", "invalid containerPort: 70000"),
            (
                "FROM a\nEXPOSE 80/http\n",
                "invalid port: \"80/http\": invalid proto: http",
            ),
            (
                "FROM a\nEXPOSE /tcp\n",
                "invalid port: \"/tcp\": no port specified",
            ),
            ("FROM a\nEXPOSE x:80:80\n", "invalid IP address: x"),
            ("FROM a\nEXPOSE 99999:80\n", "invalid hostPort: 99999"),
            (
                "FROM a\nEXPOSE 1-2:80-90\n",
                "invalid ranges specified for container and host Ports: 80-90 and 1-2",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(spec::messages(R, src), [want], "{src:?}");
        }
    }
}
