//! `user-not-numeric`: a `USER` given by name rather than by numeric UID.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `USER` whose user is a name rather than a numeric UID.
    ///
    /// ## Why is this bad?
    /// The image config keeps the user as written.
    /// A runtime that must know the UID before it starts the container cannot read a name: Kubernetes refuses to
    /// start a pod with `runAsNonRoot` when the image's user is not numeric ("image has non-numeric user"), and
    /// volume permissions on the host are by number.
    /// `USER 10001` (or `USER 10001:10001`) says it where nothing has to look it up.
    ///
    /// A user given by a variable is not reported: its value is not known here.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3066` reports a variable that no `ARG` defines (`USER ${APP_USER}`, set by the base image's
    /// `ENV`, say); its value is not known here either way, so this rule leaves it.
    ///
    /// ## Off by default
    /// Most images are not run under `runAsNonRoot`, and `USER node` reads better where they are not:
    /// `dflint check --extend-select DL3066` for images meant for such clusters.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER node
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER 1000:1000
    /// ```
    ///
    /// ## References
    /// - [USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Kubernetes: runAsNonRoot](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - hadolint's [`DL3066`](https://github.com/hadolint/hadolint/wiki/DL3066)
    pub struct UserNotNumeric {
        code: "DF212",
        name: "user-not-numeric",
        category: Security,
        severity: Info,
        fix: None,
        peers: [Peer::Hadolint("DL3066")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for UserNotNumeric {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for ins in ctx.doc().instructions() {
            if ins.kind != Kind::User {
                continue;
            }
            let Some(word) = ins.words.first() else {
                continue;
            };
            let user = word.value.split(':').next().unwrap_or("");
            if !word.vars.is_empty() || user.is_empty() || user.bytes().all(|b| b.is_ascii_digit())
            {
                continue;
            }
            out.push(ctx.diagnostic(
                word.range.clone(),
                format!("`USER {user}` names the user: a runtime that checks the UID before starting cannot read it; use the numeric UID"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UserNotNumeric::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nUSER node\n", &["node"]),
                ("FROM a\nUSER app:1000\n", &["app:1000"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nUSER 1000\n",
                "FROM a\nUSER 1000:app\n",
                "FROM a\nARG UID=1000\nUSER $UID\n",
                "FROM a\nUSER ${APP_USER}\n",
            ],
        );
    }
}
