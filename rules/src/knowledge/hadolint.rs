//! hadolint 2.15.1's DL rules, for the page that maps each to its dflint equivalent (`rules/docs/hadolint.md`) and
//! says why where there is none.
//! The equivalents themselves are not listed here: each rule declares the codes it covers (`Peer::Hadolint`).

/// One hadolint DL rule.
#[derive(Clone, Copy, Debug)]
pub struct HadolintRule {
    pub code: &'static str,
    /// What it checks, in a few words.
    pub checks: &'static str,
    /// Why dflint has no rule for it (shown only while no rule declares the code; every code has a rule today).
    pub absent: Option<&'static str>,
}

const fn rule(code: &'static str, checks: &'static str) -> HadolintRule {
    HadolintRule {
        code,
        checks,
        absent: None,
    }
}

/// Every DL rule of hadolint 2.15.1, by code.
pub static HADOLINT_RULES: &[HadolintRule] = &[
    rule("DL1001", "inline `# hadolint ignore=` comments"),
    rule("DL3000", "relative `WORKDIR`"),
    rule(
        "DL3001",
        "commands pointless in a build (`ssh`, `vim`, `service` ...)",
    ),
    rule("DL3002", "last `USER` is root"),
    rule("DL3003", "`cd` in `RUN` instead of `WORKDIR`"),
    rule("DL3004", "`sudo` in `RUN`"),
    rule("DL3006", "image without a tag"),
    rule("DL3007", "image tagged `latest`"),
    rule("DL3008", "unpinned `apt-get install`"),
    rule("DL3009", "apt lists left in the layer"),
    rule("DL3010", "archive copied, then unpacked in `RUN`"),
    rule("DL3011", "`EXPOSE` port out of range"),
    rule("DL3012", "several `HEALTHCHECK`s"),
    rule("DL3013", "unpinned `pip install`"),
    rule("DL3014", "`apt-get install` without `-y`"),
    rule(
        "DL3015",
        "`apt-get install` without `--no-install-recommends`",
    ),
    rule("DL3016", "unpinned `npm install`"),
    rule("DL3018", "unpinned `apk add`"),
    rule("DL3019", "`apk add` without `--no-cache`"),
    rule("DL3020", "`ADD` of local files"),
    rule(
        "DL3021",
        "several sources copied to a destination without `/`",
    ),
    rule("DL3022", "`COPY --from` of an undefined stage"),
    rule("DL3023", "`COPY --from` of its own stage"),
    rule("DL3024", "duplicate stage names"),
    rule("DL3025", "`CMD`/`ENTRYPOINT` in shell form"),
    rule("DL3026", "base image from a registry not allowed"),
    rule("DL3027", "`apt` instead of `apt-get`"),
    rule("DL3028", "unpinned `gem install`"),
    rule("DL3029", "`FROM --platform`"),
    rule("DL3030", "`yum install` without `-y`"),
    rule("DL3032", "`yum clean all` missing"),
    rule("DL3033", "unpinned `yum install`"),
    rule("DL3034", "`zypper install` without `-y`"),
    rule("DL3035", "`zypper dist-upgrade`"),
    rule("DL3036", "`zypper clean` missing"),
    rule("DL3037", "unpinned `zypper install`"),
    rule("DL3038", "`dnf install` without `-y`"),
    rule("DL3040", "`dnf clean all` missing"),
    rule("DL3041", "unpinned `dnf install`"),
    rule("DL3042", "pip's cache left in the layer"),
    rule("DL3043", "`ONBUILD` of `ONBUILD`, `FROM` or `MAINTAINER`"),
    rule("DL3044", "`ENV` referring to a variable it sets itself"),
    rule("DL3045", "`COPY` to a relative path without `WORKDIR`"),
    rule("DL3046", "`useradd` of a large UID without `-l`"),
    rule("DL3047", "`wget` without progress control"),
    rule("DL3048", "invalid label key"),
    rule("DL3049", "label from the schema missing"),
    rule("DL3050", "label not in the schema (`strict-labels`)"),
    rule("DL3051", "label from the schema empty"),
    rule("DL3052", "label not a URL"),
    rule("DL3053", "label not an RFC 3339 date"),
    rule("DL3054", "label not an SPDX license"),
    rule("DL3055", "label not a git hash"),
    rule("DL3056", "label not a semantic version"),
    rule("DL3057", "no `HEALTHCHECK`"),
    rule("DL3058", "label not an email address"),
    rule("DL3059", "consecutive `RUN`s"),
    rule("DL3060", "yarn's cache left in the layer"),
    rule("DL3061", "instruction before `FROM`"),
    rule("DL3062", "unpinned `go install`"),
    rule("DL3063", "reserved stage name"),
    rule("DL3064", "secrets in `ARG` or `ENV`"),
    rule("DL3065", "`FROM --platform=$TARGETPLATFORM`"),
    rule("DL3066", "non-numeric `USER`"),
    rule("DL3067", "`COPY --from=<stage> / /`"),
    rule("DL4000", "`MAINTAINER`"),
    rule("DL4001", "both `wget` and `curl`"),
    rule("DL4003", "several `CMD`s"),
    rule("DL4004", "several `ENTRYPOINT`s"),
    rule("DL4005", "`ln` of `/bin/sh` instead of `SHELL`"),
    rule("DL4006", "pipe without `pipefail`"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        assert_eq!(HADOLINT_RULES.len(), 71);
        for pair in HADOLINT_RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
    }
}
