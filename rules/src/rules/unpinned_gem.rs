//! `unpinned-gem`: `gem install` of a gem without a version.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::report_unpinned;
use crate::shell::{Manager, PackageCommand, Word};

declare_rule! {
    /// Reports `gem install` of gems without a version (`bundler` rather than `bundler:2.5.16` or `-v 2.5.16`).
    ///
    /// ## Why is this bad?
    /// Without a version, gem installs the newest release on the day of the build: the same Dockerfile builds a
    /// different image next month, and a new major release can break it.
    ///
    /// A gem is pinned when it names its version (`bundler:2.5.16`) or the command gives one (`-v`,
    /// `--version`), or it is a file (`./x.gem`).
    /// Unlike hadolint, which takes every option to have a value (so that `gem install --no-document bundler`
    /// reads `bundler` as the value of `--no-document` and reports nothing), options are read as gem reads them,
    /// and a local `.gem` file counts as pinned.
    /// Gems given by a variable (`$GEMS`) are not checked.
    ///
    /// Unlike hadolint, commands behind `sudo` (or `env`, `xargs`), in an exec form `["sh", "-c", "..."]` and in a
    /// quoted `sh -c '...'` string are read.
    ///
    /// ## On by default
    /// rubygems.org keeps every release, so a pin never breaks the build the way a pinned distribution package
    /// does.
    /// On the shared corpus of public Dockerfiles it reports 9 installs in 8 files (`gem install rails`,
    /// `gem install bundler jekyll github-pages` in development images).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install --no-document bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install --no-document bundler:2.5.16
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is a choice (the one you tested), which dflint does not look up.
    ///
    /// ## References
    /// - [gem install](https://guides.rubygems.org/command-reference/#gem-install)
    /// - hadolint's [`DL3028`](https://github.com/hadolint/hadolint/wiki/DL3028)
    pub struct UnpinnedGem {
        code: "DF307",
        name: "unpinned-gem",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3028")],
        options: [],
    }
}

impl Rule for UnpinnedGem {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        report_unpinned(ctx, out, "gem", unpinned);
    }
}

fn unpinned<'p>(p: &PackageCommand<'p>) -> Vec<&'p Word> {
    if p.manager != Manager::Gem
        || !matches!(p.sub(), Some("install" | "i"))
        || p.has(&["--version"], &['v'])
    {
        return Vec::new();
    }
    p.operands
        .iter()
        .copied()
        .filter(|w| {
            let v = w.value.as_str();
            !(w.dynamic || v.contains(':') || v.ends_with(".gem"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UnpinnedGem::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN gem install bundler rake:13.0\n", &["bundler"]),
                (
                    "FROM a\nRUN gem install --no-document bundler\n",
                    &["bundler"],
                ),
                ("FROM a\nRUN gem i -N rails\n", &["rails"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN gem install bundler:2.5.16\n",
                "FROM a\nRUN gem install bundler -v 2.5.16\n",
                "FROM a\nRUN gem install bundler --version=2.5.16\n",
                "FROM a\nRUN gem install ./pkg/x-1.0.gem\n",
                "FROM a\nRUN gem update --system\n",
                "FROM a\nRUN gem install $GEMS\n",
            ],
        );
    }
}
