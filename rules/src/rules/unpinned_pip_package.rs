//! `unpinned-pip-package`: `pip install` of a package without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `pip install` of packages without a version (`flask` rather than `flask==3.0.3`).
    ///
    /// ## Why is this bad?
    /// Without a version, pip installs the newest release on the day of the build: the same Dockerfile builds a
    /// different image next month, and a new major release of a dependency can break it.
    ///
    /// As hadolint counts it, a package is pinned when it has a version specifier (`==`, `>=`, `<=`, `<`, `>`,
    /// `!=`, `~=`, `===`), is a VCS URL with a revision (`git+https://...@v1.2`), a path or URL
    /// (`./pkg`, `https://.../x.tar.gz`) or a file (`.whl`, `.tar.gz`).
    /// An install from a requirements file (`-r`), under a constraints file (`-c`) or of the project itself
    /// (`.`, `-e .`) is not reported: the file decides.
    /// `pip`, `pip3`, `pipx` and `python -m pip` are read, options in any position.
    /// Packages given by a variable (`$PACKAGES`) are not checked.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## On by default
    /// PyPI keeps every release, so a pin never breaks the build the way a pinned distribution package does.
    /// On the shared corpus of public Dockerfiles it reports 20 installs in 16 files (`pip install Flask` in
    /// tutorials, `pip install --upgrade pip`, which hadolint reports too: the pip that builds the image changes
    /// with every release).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask gunicorn==22.0.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is a choice (the one you tested), which dflint does not look up.
    /// Pin it (`flask==3.0.3`), or list the packages in a requirements file with their versions.
    ///
    /// ## References
    /// - [pip: Requirement specifiers](https://pip.pypa.io/en/stable/reference/requirement-specifiers/)
    /// - hadolint's [`DL3013`](https://github.com/hadolint/hadolint/wiki/DL3013)
    pub struct UnpinnedPipPackage {
        code: "DF305",
        name: "unpinned-pip-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3013")],
        options: [],
    }
}

impl Rule for UnpinnedPipPackage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "pip package", unpinned);
    }
}

/// Schemes of pip's VCS requirements (`git+https://...`).
const VCS: &[&str] = &["git+", "git:", "hg+", "svn+", "svn:", "bzr+"];

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Pip || p.sub() != Some("install") {
        return Vec::new();
    }
    // A requirements or constraints file, or the project itself, decides the versions.
    if p.has(&["--requirement", "--constraint"], &['r', 'c'])
        || p.args.iter().any(|w| w.value == ".")
    {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| !(w.dynamic || pinned(&w.value)))
        .collect()
}

fn pinned(v: &str) -> bool {
    let vcs = VCS.iter().any(|s| v.starts_with(s));
    v.contains(['=', '<', '>'])
        || (vcs && v.contains('@'))
        || v.ends_with(".whl")
        || v.ends_with(".tar.gz")
        || (!vcs && v.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedPipPackage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN pip install flask gunicorn==22.0\n", &["flask"]),
                (
                    "FROM a\nRUN pip3 install --no-cache-dir --upgrade pip setuptools\n",
                    &["pip"],
                ),
                (
                    "FROM a\nRUN python3 -m pip install -i https://x/simple requests\n",
                    &["requests"],
                ),
                (
                    "FROM a\nRUN pip --no-cache-dir install 'uvicorn[standard]'\n",
                    &["'uvicorn[standard]'"],
                ),
                (
                    "FROM a\nRUN pip install git+https://github.com/x/y\n",
                    &["git+https://github.com/x/y"],
                ),
                ("FROM a\nRUN pipx install black\n", &["black"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN pip install 'flask>=3,<4' django~=5.0 numpy!=1.0\n",
                "FROM a\nRUN pip install -r requirements.txt extra\n",
                "FROM a\nRUN pip install --requirement=req.txt\n",
                "FROM a\nRUN pip install -c constraints.txt flask\n",
                "FROM a\nRUN pip install -e . && pip install .\n",
                "FROM a\nRUN pip install ./dist/app.whl /tmp/x.tar.gz ./src/pkg\n",
                "FROM a\nRUN pip install git+https://github.com/x/y@v1.2\n",
                "FROM a\nRUN pip install $PACKAGES\n",
                "FROM a\nRUN pip uninstall -y flask\n",
            ],
        );
    }
}
