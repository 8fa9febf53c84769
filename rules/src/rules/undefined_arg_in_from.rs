//! `undefined-arg-in-from`: a variable in `FROM` that no global `ARG` declares.
use std::collections::BTreeSet;

use crate::engine::{declare_rule, Context, Diagnostic, Peer, Rule};
use crate::syntax::{Document, Kind};

declare_rule! {
    /// Reports a variable in a `FROM` line that no global `ARG` declares.
    ///
    /// The image and the `--platform` flag are checked; the platform arguments Docker predefines count as declared.
    ///
    /// ## Why is this bad?
    /// A `FROM` line sees only the global `ARG`s (those before the first `FROM`) and the predefined platform
    /// arguments (`BUILDPLATFORM`, `TARGETARCH`, ...).
    /// Any other variable is empty there, so `FROM node:22${VARIANT}` quietly builds on `node:22` unless every build
    /// passes `--build-arg VARIANT=...`; it is often a typo (`$TARGETARC`), for which the message suggests the name
    /// meant.
    /// Declare it with `ARG` above the first `FROM`, with the default the file should build with.
    /// BuildKit's `UndefinedArgInFrom` check reports the same.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VARIANT="-alpine3.20"
    /// FROM node:22${VARIANT} AS jsbuilder
    /// ```
    ///
    /// ## References
    /// - [Understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - BuildKit's [`UndefinedArgInFrom`](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)
    pub struct UndefinedArgInFrom {
        code: "DF111",
        name: "undefined-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: None,
        peers: [Peer::BuildKit("UndefinedArgInFrom")],
        options: [],
    }
}

/// The arguments Docker defines in the global scope of every build.
pub(crate) const PLATFORM_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// The names a `FROM` line may use: the global ARGs and the predefined platform arguments.
pub(crate) fn global_names(doc: &Document) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = PLATFORM_ARGS.iter().map(|s| s.to_string()).collect();
    for ins in doc.global_instructions() {
        if ins.kind == Kind::Arg {
            out.extend(ins.pairs.iter().map(|p| p.key.clone()));
        }
    }
    out
}

/// Edit distance (insertions, deletions, substitutions), on characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The closest name within an edit distance of 2, as BuildKit suggests one (`None` when the name is known).
pub(crate) fn suggest<'a>(
    name: &str,
    options: impl IntoIterator<Item = &'a str>,
    case_sensitive: bool,
) -> Option<&'a str> {
    let norm = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let wanted = norm(name);
    let mut best: Option<(usize, &str)> = None;
    for opt in options {
        let o = norm(opt);
        if o == wanted {
            return None;
        }
        let d = levenshtein(&wanted, &o);
        if d < 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, opt));
        }
    }
    best.map(|(_, o)| o)
}

impl Rule for UndefinedArgInFrom {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let known = global_names(doc);
        for stage in doc.stages() {
            let ins = &doc.instructions()[stage.from];
            let mut refs: Vec<&crate::syntax::VarRef> = Vec::new();
            if let Some(img) = &ins.image {
                refs.extend(img.vars.iter());
            }
            if let Some(flag) = ins.flag("platform") {
                refs.extend(flag.vars.iter());
            }
            let mut seen = BTreeSet::new();
            for v in refs {
                if known.contains(&v.name) || !seen.insert(v.name.clone()) {
                    continue;
                }
                let mut message = format!("FROM argument '{}' is not declared", v.name);
                if let Some(s) = suggest(&v.name, known.iter().map(String::as_str), true) {
                    message.push_str(&format!(" (did you mean {s}?)"));
                }
                out.push(ctx.diagnostic(v.range.clone(), message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleMeta;
    use crate::rules::spec;

    const R: &RuleMeta = &UndefinedArgInFrom::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                // BuildKit's documented bad example.
                ("FROM node:22${VARIANT} AS jsbuilder\n", &["${VARIANT}"]),
                ("FROM --platform=$BULDPLATFORM a\n", &["$BULDPLATFORM"]),
                // Declared in the first stage only: not visible to the next FROM.
                ("FROM a\nARG V=1\nFROM b:$V\n", &["$V"]),
                ("FROM a:${T:-1}\n", &["${T:-1}"]),
            ],
        );
        assert_eq!(
            spec::messages(R, "FROM node:22${VARIANT} AS jsbuilder\n"),
            ["FROM argument 'VARIANT' is not declared"]
        );
        assert_eq!(
            spec::messages(R, "FROM --platform=$BULDPLATFORM a\n"),
            ["FROM argument 'BULDPLATFORM' is not declared (did you mean BUILDPLATFORM?)"]
        );
        assert_eq!(
            spec::messages(R, "ARG VERSION=1\nFROM a:$VERSIN\n"),
            ["FROM argument 'VERSIN' is not declared (did you mean VERSION?)"]
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                // BuildKit's documented good example.
                "ARG VARIANT=\"-alpine3.20\"\nFROM node:22${VARIANT} AS jsbuilder\n",
                "ARG TAG\nFROM a:$TAG\n",
                "FROM --platform=$BUILDPLATFORM golang AS b\nFROM b_${TARGETARCH}\n",
            ],
        );
    }
}
