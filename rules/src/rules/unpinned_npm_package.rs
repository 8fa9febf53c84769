//! `unpinned-npm-package`: `npm install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `npm install` of packages without a version (`serve` rather than `serve@14.2.3`).
    ///
    /// ## Why is this bad?
    /// Without a version, npm installs the newest release on the day of the build: the same Dockerfile builds a
    /// different image next month, and a new major release can break it.
    ///
    /// As hadolint counts it, a package is pinned when it names a version or tag (`serve@14`, `@scope/x@1.2`),
    /// a git URL with a commit or range (`git+https://...#v1`), a tarball (`.tgz`, `.tar`, `.tar.gz`) or a folder
    /// (`./pkg`, `/opt/pkg`, `~/pkg`).
    /// Unlike hadolint, `npm i` and `npm add` are read too, and `.`, `..` and `file:` specs count as folders.
    /// `npm install` with no package installs what `package.json` and the lock file say: not reported.
    /// Packages given by a variable (`$PACKAGES`) are not checked.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## On by default
    /// The npm registry keeps every published version, so a pin never breaks the build the way a pinned
    /// distribution package does.
    /// On the shared corpus of public Dockerfiles it reports 7 installs in 6 files (`npm install -g nodemon`,
    /// `postcss` next to a pinned `firebase-tools`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install -g serve
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install -g serve@14.2.3
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is a choice (the one you tested), which dflint does not look up.
    ///
    /// ## References
    /// - [npm install](https://docs.npmjs.com/cli/commands/npm-install)
    /// - hadolint's [`DL3016`](https://github.com/hadolint/hadolint/wiki/DL3016)
    pub struct UnpinnedNpmPackage {
        code: "DF306",
        name: "unpinned-npm-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3016")],
        options: [],
    }
}

impl Rule for UnpinnedNpmPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "npm package", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Npm || !matches!(p.sub(), Some("install" | "i" | "add")) {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| !(w.dynamic || pinned(&w.value)))
        .collect()
}

fn pinned(v: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|g| v.starts_with(g))
    {
        return v.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| v.ends_with(s))
        || ["/", "./", "../", "~/", "file:"]
            .iter()
            .any(|s| v.starts_with(s))
        || v == "."
        || v == ".."
    {
        return true;
    }
    // `@scope/name@1.2`: the scope's `@` is no version.
    let name = match v.strip_prefix('@') {
        Some(scoped) => scoped.split_once('/').map_or("", |(_, n)| n),
        None => v,
    };
    name.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedNpmPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN npm install -g serve pm2@5\n", &["serve"]),
                (
                    "FROM a\nRUN npm install --loglevel warn @angular/cli\n",
                    &["@angular/cli"],
                ),
                ("FROM a\nRUN npm i -g typescript\n", &["typescript"]),
                (
                    "FROM a\nRUN npm install git+https://github.com/x/y.git\n",
                    &["git+https://github.com/x/y.git"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN npm install\n",
                "FROM a\nRUN npm ci --omit=dev\n",
                "FROM a\nRUN npm install -g npm@10 @angular/cli@17 yarn@latest\n",
                "FROM a\nRUN npm install ./pkg /opt/x ../y . file:../z app.tgz\n",
                "FROM a\nRUN npm install git+https://github.com/x/y.git#v1.0\n",
                "FROM a\nRUN npm install $PACKAGES\n",
            ],
        );
    }
}
