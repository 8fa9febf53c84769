//! `constant-from-platform`: `FROM --platform=linux/amd64` in a stage whose name does not say it is that platform's.
use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::Kind;

declare_rule! {
    /// Reports `FROM --platform=` with a constant platform (`linux/amd64`).
    ///
    /// A stage whose name contains the platform's operating system or architecture is left alone.
    ///
    /// ## Why is this bad?
    /// A constant platform builds the stage for that platform whatever the build asks for, so the Dockerfile can no
    /// longer build a multi-platform image, and on another machine it builds under emulation.
    /// Leave the platform to the build (`docker build --platform`), or use `$BUILDPLATFORM` for stages that only
    /// prepare files; a stage that is meant for one platform says so in its name (`build_amd64`), and then this
    /// check is quiet.
    /// BuildKit's `FromPlatformFlagConstDisallowed` check reports the same.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3029` reports every `--platform` that does not name `$BUILDPLATFORM` or `$TARGETPLATFORM`: also
    /// a stage named for its platform (`AS build_amd64`), which is built for one platform on purpose, and a variable
    /// (`--platform=$PLATFORM`), which the build can set. Both are left alone here, as BuildKit's check does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=${BUILDPLATFORM} alpine AS base
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - BuildKit's [`FromPlatformFlagConstDisallowed`](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)
    /// - hadolint's [`DL3029`](https://github.com/hadolint/hadolint/wiki/DL3029)
    pub struct ConstantFromPlatform {
        code: "DF115",
        name: "constant-from-platform",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("FromPlatformFlagConstDisallowed"), Peer::Hadolint("DL3029")],
        options: [],
    }
}

const OSES: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
];

/// An architecture as containerd normalises it; `None` when it is not one.
fn arch(a: &str) -> Option<&'static str> {
    Some(match a {
        "amd64" | "x86_64" | "x86-64" => "amd64",
        "arm64" | "aarch64" => "arm64",
        "arm" | "armhf" | "armel" => "arm",
        "386" | "i386" => "386",
        "ppc64le" => "ppc64le",
        "ppc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "mips64le" => "mips64le",
        "mips64" => "mips64",
        "mipsle" => "mipsle",
        "mips" => "mips",
        "loong64" => "loong64",
        "wasm" => "wasm",
        _ => return None,
    })
}

/// (os, architecture) of a platform specifier, read as containerd's `platforms.Parse` reads it; `None` when it
/// cannot (the build fails on it later, not this check).
fn parse_platform(spec: &str) -> Option<(String, String)> {
    let spec = spec.to_ascii_lowercase();
    let parts: Vec<&str> = spec.split('/').collect();
    match parts.as_slice() {
        [one] => {
            if OSES.contains(one) {
                // The architecture of the machine that builds: not known here, and never in a stage name check.
                Some((one.to_string(), String::new()))
            } else {
                arch(one).map(|a| ("linux".to_string(), a.to_string()))
            }
        }
        [os, a] | [os, a, _] => {
            let os = if *os == "macos" { "darwin" } else { os };
            if os.is_empty() || a.is_empty() {
                return None;
            }
            Some((os.to_string(), arch(a).unwrap_or(a).to_string()))
        }
        _ => None,
    }
}

impl Rule for ConstantFromPlatform {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        for stage in doc.stages() {
            let ins = &doc.instructions()[stage.from];
            if ins.kind != Kind::From {
                continue;
            }
            let Some(flag) = ins.flag("platform") else {
                continue;
            };
            let Some(value) = &flag.value else { continue };
            if !flag.vars.is_empty() || value.contains('$') {
                continue;
            }
            let Some((os, arch)) = parse_platform(value) else {
                continue;
            };
            let name = stage.name.as_deref().unwrap_or("").to_lowercase();
            if name.contains(&os) || (!arch.is_empty() && name.contains(&arch)) {
                continue;
            }
            out.push(ctx.diagnostic(
                flag.range.clone(),
                format!("FROM --platform flag should not use constant value \"{value}\""),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &ConstantFromPlatform::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                (
                    "FROM --platform=linux/amd64 alpine AS base\nRUN apk add --no-cache git\n",
                    &["--platform=linux/amd64"],
                ),
                (
                    "FROM --platform=linux/arm64/v8 a\n",
                    &["--platform=linux/arm64/v8"],
                ),
                (
                    "FROM --platform=x86_64 a AS build\n",
                    &["--platform=x86_64"],
                ),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM --platform=linux/amd64 alpine AS base\n"),
            ["FROM --platform flag should not use constant value \"linux/amd64\""]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good examples.
                "FROM alpine AS base\nRUN apk add --no-cache git\n",
                "FROM --platform=${BUILDPLATFORM} alpine AS base\nRUN apk add --no-cache git\n",
                "FROM --platform=linux/amd64 alpine AS build_amd64\nRUN x\n\nFROM --platform=linux/arm64 alpine AS build_arm64\nRUN x\n\nFROM build_${TARGETARCH} AS build\nRUN x\n",
                // The stage name names the operating system; x86_64 is amd64.
                "FROM --platform=windows/amd64 a AS windows-build\n",
                "FROM --platform=linux/x86_64 a AS amd64\n",
                // Not a platform: the build fails on it, not this check.
                "FROM --platform=a/b/c/d a\n",
            ],
        );
    }
}
