//! `redundant-target-platform`: `FROM --platform=$TARGETPLATFORM`, which is what `FROM` does anyway.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::syntax::{Document, Kind};

declare_rule! {
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// A stage is built for the target platform unless `--platform` says otherwise, so setting it to
    /// `$TARGETPLATFORM` changes nothing and only makes a reader wonder why it is there.
    /// BuildKit's `RedundantTargetPlatform` check reports the same.
    ///
    /// ## Differences from hadolint
    /// hadolint's `DL3065` reports `$TARGETPLATFORM` and `${TARGETPLATFORM}` but not `${TARGETPLATFORM:-linux/amd64}`;
    /// the default there never applies (BuildKit always sets `TARGETPLATFORM`), so the flag is as redundant and this
    /// rule reports it, as BuildKit's check does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine AS builder
    /// RUN apk add --no-cache git
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine AS builder
    /// RUN apk add --no-cache git
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the flag: the stage is built for the same platform, so the fix is safe.
    /// There is no fix when the file declares a global `ARG TARGETPLATFORM` with a default of its own.
    ///
    /// ## References
    /// - [FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Automatic platform ARGs](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
    /// - BuildKit's [`RedundantTargetPlatform`](https://docs.docker.com/reference/build-checks/redundant-target-platform/)
    /// - hadolint's [`DL3065`](https://github.com/hadolint/hadolint/wiki/DL3065)
    pub struct RedundantTargetPlatform {
        code: "DF521",
        name: "redundant-target-platform",
        category: Style,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::BuildKit("RedundantTargetPlatform"), Peer::Hadolint("DL3065")],
        options: [],
        changes: [Rewrite],
    }
}

/// Whether the value is `$TARGETPLATFORM` alone, as BuildKit sees it: one variable, `TARGETPLATFORM`, whose value is
/// the whole result (`${TARGETPLATFORM:-x}` too, since the variable is always set).
fn is_target_platform(flag: &crate::syntax::Flag, text: &str) -> bool {
    let (Some(range), [var]) = (&flag.value_range, flag.vars.as_slice()) else {
        return false;
    };
    let raw = text[range.clone()].trim_matches(|c| c == '"' || c == '\'');
    var.name == "TARGETPLATFORM"
        && matches!(var.operator.as_deref(), None | Some(":-") | Some("-"))
        && raw.len() == var.range.len()
}

/// A global `ARG TARGETPLATFORM=...` makes the variable say something else than the default platform.
fn redefined(doc: &Document) -> bool {
    doc.global_instructions().iter().any(|i| {
        i.kind == Kind::Arg
            && i.pairs
                .iter()
                .any(|p| p.key == "TARGETPLATFORM" && p.value.is_some())
    })
}

impl Rule for RedundantTargetPlatform {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let text = ctx.text();
        for ins in doc.instructions() {
            if ins.kind != Kind::From {
                continue;
            }
            let Some(flag) = ins.flag("platform") else {
                continue;
            };
            if !is_target_platform(flag, text) {
                continue;
            }
            let raw = flag.value_range.clone().map_or("", |r| &text[r]);
            // The flag and the blanks after it.
            let end = flag.range.end
                + text[flag.range.end..]
                    .bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
            let fix = (!redefined(doc)).then(|| {
                Fix::safe(
                    "Remove `--platform`",
                    vec![Edit::delete(flag.range.start..end)],
                )
            });
            out.push(
                ctx.diagnostic(
                    flag.range.clone(),
                    format!(
                        "Setting platform to predefined {raw} in FROM is redundant as this is the default behavior"
                    ),
                )
                .with_fix_opt(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &RedundantTargetPlatform::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                (
                    "FROM --platform=$TARGETPLATFORM alpine AS builder\nRUN apk add --no-cache git\n",
                    &["--platform=$TARGETPLATFORM"],
                ),
                ("FROM --platform=${TARGETPLATFORM} a\n", &["--platform=${TARGETPLATFORM}"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM --platform=$TARGETPLATFORM alpine\n"),
            ["Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good example.
                "FROM alpine AS builder\nRUN apk add --no-cache git\n",
                "FROM --platform=$BUILDPLATFORM a\n",
                "FROM --platform=linux/$TARGETARCH a\n",
                "FROM --platform=${TARGETPLATFORM}x a\n",
                "FROM --platform=$TARGETOS/$TARGETARCH a\n",
            ],
        );
    }

    #[test]
    fn removes_the_flag() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                (
                    "FROM --platform=$TARGETPLATFORM alpine AS b\n",
                    "FROM alpine AS b\n",
                ),
                (
                    "ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n",
                    "ARG TARGETPLATFORM=linux/arm64\nFROM --platform=$TARGETPLATFORM alpine\n",
                ),
            ],
        );
    }
}
