//! `user-root-last`: the image's last `USER` is root.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports a final stage whose last `USER` switches to root.
    ///
    /// ## Why is this bad?
    /// The last `USER` of the final stage is the user the container runs as.
    /// A stage that switches to `root` for an install and never switches back runs its process as root, so a
    /// compromise of the process is a compromise of the container's root.
    /// Switch back to an unprivileged user after the steps that need root.
    ///
    /// A stage with no `USER` at all is not reported: it runs as the base image's user, which this rule cannot see.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3002` reports every stage; only the final stage's user is the container's, so build stages
    /// that end as root are not reported here.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER root
    /// RUN npm install -g pm2
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER root
    /// RUN npm install -g pm2
    /// USER node
    /// ```
    ///
    /// ## References
    /// - [USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - hadolint's [`DL3002`](https://github.com/hadolint/hadolint/wiki/DL3002)
    pub struct UserRootLast {
        code: "DF210",
        name: "user-root-last",
        category: Security,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3002")],
        options: [],
    }
}

/// `root`, `0`, `root:<group>`, `0:<group>`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

impl Rule for UserRootLast {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let Some(last) = doc.stages().last() else {
            return;
        };
        let user = doc.instructions()[last.instructions.clone()]
            .iter()
            .rev()
            .find(|i| i.kind == Kind::User);
        let Some(word) = user.and_then(|u| u.words.first()) else {
            return;
        };
        if is_root(&word.value) {
            out.push(ctx.diagnostic(
                word.range.clone(),
                "the container runs as root: switch to an unprivileged `USER` after the steps that need root",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UserRootLast::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nUSER root\n", &["root"]),
                ("FROM a\nUSER app\nUSER 0:0\n", &["0:0"]),
                ("FROM a\nUSER root:root\nRUN x\n", &["root:root"]),
                ("FROM a AS b\nUSER app\nFROM b\nUSER root\n", &["root"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN x\n",
                "FROM a\nUSER root\nRUN x\nUSER app\n",
                "FROM a\nUSER 1000:0\n",
                "FROM a\nUSER root\nFROM b\nUSER app\n",
                "FROM a\nUSER rootless\n",
            ],
        );
    }
}
