//! `zypper-dist-upgrade`: `zypper dist-upgrade` in a RUN.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::rules::package_checks::each_package_command;
use crate::shell::Manager;

declare_rule! {
    /// Reports `zypper dist-upgrade` (`zypper dup`).
    ///
    /// ## Why is this bad?
    /// `dist-upgrade` moves every package to what the repositories have today, including to a new release of the
    /// distribution when the repositories point at one: the image is no longer the release its base image names,
    /// and the same Dockerfile builds a different system next month.
    /// Take a newer base image instead, or update the packages you need by name.
    ///
    /// Unlike hadolint, only the subcommand counts: `zypper install dup` installs a package named `dup`.
    ///
    /// ## Off by default
    /// Upgrading the packages of the base image is also how security fixes get into an image built on an old
    /// base, and on openSUSE Tumbleweed `dist-upgrade` is the supported way to update at all: an expert would not
    /// remove it from every file.
    /// The shared corpus of public Dockerfiles has none.
    /// Turn it on with `dflint check --extend-select DL3035`, or `extend-select = ["zypper-dist-upgrade"]` in
    /// `.dflint.toml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive dist-upgrade
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive update openssl
    /// ```
    ///
    /// ## References
    /// - [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual)
    /// - hadolint's [`DL3035`](https://github.com/hadolint/hadolint/wiki/DL3035)
    pub struct ZypperDistUpgrade {
        code: "DF312",
        name: "zypper-dist-upgrade",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        peers: [Peer::Hadolint("DL3035")],
        options: [],
        default_enabled: false,
    }
}

impl Rule for ZypperDistUpgrade {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        each_package_command(ctx, |p, _, _| {
            if p.manager != Manager::Zypper || !matches!(p.sub(), Some("dist-upgrade" | "dup")) {
                return;
            }
            if let Some(sub) = p.subcommand {
                out.push(ctx.diagnostic(
                    sub.range.clone(),
                    "`zypper dist-upgrade` upgrades to whatever the repositories hold today",
                ));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ZypperDistUpgrade::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nRUN zypper -n dist-upgrade\n", &["dist-upgrade"]),
                (
                    "FROM a\nRUN zypper --non-interactive dup --no-recommends\n",
                    &["dup"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN zypper -n update\n",
                "FROM a\nRUN zypper -n install dup\n",
            ],
        );
    }
}
