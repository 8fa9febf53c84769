//! `legacy-key-value-format`: `ENV key value` / `LABEL key value` instead of `key=value`.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::syntax::words::parse_words;
use crate::syntax::{query, Kind};

declare_rule! {
    /// Reports `ENV` and `LABEL` in the legacy space-separated `key value` form.
    ///
    /// ## Why is this bad?
    /// In the legacy form, everything after the key is the value, spaces included: `ENV PATH /opt/bin $PATH` sets one variable whose value contains a space.
    /// It cannot set two variables in one instruction, it reads differently from every other `key=value` in the file, and Docker plans to remove it.
    ///
    /// `ARG` has no legacy form: `ARG foo bar` declares two arguments without defaults.
    /// BuildKit's documentation of `LegacyKeyValueFormat` shows `ARG foo bar` as an example, but its check reads only
    /// `ENV` and `LABEL` and does not report it; neither does dflint.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME /srv/app
    /// LABEL description A small web app
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// ENV APP_HOME=/srv/app
    /// LABEL description="A small web app"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/srv/app
    /// LABEL description="A small web app"
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes `key=value`, quoting the value when it has several words (single-quoted parts keep their `$`
    /// literal), so that BuildKit's quote removal gives exactly the value the legacy form had: the image is the same,
    /// and the fix is safe.
    /// Continuation lines inside the value stay where they were (BuildKit joins them before it reads quotes).
    /// There is no fix when comments sit inside the instruction's continuation lines.
    ///
    /// ## References
    /// - [ENV](https://docs.docker.com/reference/dockerfile/#env)
    /// - BuildKit's [`LegacyKeyValueFormat`](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)
    pub struct LegacyKeyValueFormat {
        code: "DF503",
        name: "legacy-key-value-format",
        category: Style,
        severity: Warning,
        fix: Sometimes,
        peers: [Peer::BuildKit("LegacyKeyValueFormat")],
        options: [],
        changes: [Rewrite, Config(Onbuild)],
    }
}

/// The legacy value as the right-hand side of `key=`, with the same meaning: `raw` is the value with continuations
/// removed, `source` as written (continuation lines kept, so they stay where they were).
fn new_value(raw: &str, source: &str, escape: char) -> String {
    if parse_words(raw, escape).len() <= 1 {
        return source.to_string();
    }
    requote(source, escape)
}

/// The length of a line continuation at the start of `rest` (the escape character, blanks, a line break), if any:
/// BuildKit removes it before it reads quotes, so it is kept as written wherever it is.
fn continuation(rest: &[char], escape: char) -> Option<usize> {
    if rest.first() != Some(&escape) {
        return None;
    }
    let blanks = rest[1..]
        .iter()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .count();
    match &rest[1 + blanks..] {
        ['\r', '\n', ..] => Some(blanks + 3),
        ['\n', ..] => Some(blanks + 2),
        _ => None,
    }
}

/// Rewrites a shell-quoted text as one double-quoted string: single-quoted parts lose their quotes but keep `$` literal.
fn requote(raw: &str, escape: char) -> String {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let special = |c: char| c == '"' || c == '$' || c == escape;
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    let mut q = Quote::None;
    let mut i = 0;
    while i < chars.len() {
        if let Some(n) = continuation(&chars[i..], escape) {
            out.extend(&chars[i..i + n]);
            i += n;
            continue;
        }
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        i += 1;
        match q {
            Quote::None if c == '"' => q = Quote::Double,
            Quote::None if c == '\'' => q = Quote::Single,
            Quote::None if c == escape => {
                if let Some(n) = next {
                    if special(n) {
                        out.push(escape);
                    }
                    out.push(n);
                    i += 1;
                }
            }
            Quote::Single if c == '\'' => q = Quote::None,
            Quote::Single if special(c) => {
                out.push(escape);
                out.push(c);
            }
            Quote::Double if c == '"' => q = Quote::None,
            Quote::Double if c == escape => {
                out.push(c);
                if let Some(n) = next {
                    out.push(n);
                    i += 1;
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Rule for LegacyKeyValueFormat {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let doc = ctx.doc();
        let inner = doc
            .instructions()
            .iter()
            .filter_map(|i| i.onbuild.as_deref());
        for ins in doc.instructions().iter().chain(inner) {
            if !matches!(ins.kind, Kind::Env | Kind::Label) {
                continue;
            }
            for kv in ins.pairs.iter().filter(|kv| kv.legacy) {
                let keyword = ins.kind.keyword();
                let Some(value) = &kv.value else {
                    continue;
                };
                let key = ctx.slice(kv.key_range.clone());
                let rhs = new_value(&value.raw, ctx.slice(value.range.clone()), doc.escape());
                let span = kv.key_range.start..value.range.end;
                // Rewriting the pair onto one line would drop comments inside it.
                let fix = (!query::has_comments_in(doc, span.clone())).then(|| {
                    Fix::safe(
                        format!("Replace with `{key}={rhs}`"),
                        vec![Edit::replace(span.clone(), format!("{key}={rhs}"))],
                    )
                });
                out.push(
                    ctx.diagnostic(
                        kv.range.clone(),
                        format!(
                            "legacy `{keyword} {key} value` format: use `{keyword} {key}=value`"
                        ),
                    )
                    .with_fix_opt(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &LegacyKeyValueFormat::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nENV a b\n", &["a b"]),
                ("FROM a\nLABEL a b c=\"d\"\n", &["a b c=\"d\""]),
                ("FROM a\nENV a=1\nenv B two words\n", &["B two words"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nENV a=b c=\"d e\"\nLABEL x=y\nARG z\n",
                // Two ARGs, as BuildKit reads it (its docs' `ARG foo bar` example is not reported by its check).
                "FROM alpine\nARG foo bar\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Safe,
            &[
                ("FROM a\nENV a b\n", "FROM a\nENV a=b\n"),
                (
                    "FROM a\nONBUILD ENV a b c\n",
                    "FROM a\nONBUILD ENV a=\"b c\"\n",
                ),
                ("FROM a\nENV a b   c\n", "FROM a\nENV a=\"b   c\"\n"),
                ("FROM a\nENV a \"b c\"\n", "FROM a\nENV a=\"b c\"\n"),
                (
                    "FROM a\nENV a 'x $y' \"$z\"\n",
                    "FROM a\nENV a=\"x \\$y $z\"\n",
                ),
                ("FROM a\nENV a b\\ c d\n", "FROM a\nENV a=\"b c d\"\n"),
                // Continuation lines stay where they were.
                (
                    "FROM a\r\nENV P /x \\\r\n  $P\r\n",
                    "FROM a\r\nENV P=\"/x \\\r\n  $P\"\r\n",
                ),
                (
                    "FROM a\nENV D \\\n\tgcc \\  \n\tmake 'a \\\nb'\n",
                    "FROM a\nENV D=\"gcc \\  \n\tmake a \\\nb\"\n",
                ),
                (
                    "FROM a\nENV a b \\\n# c\n  d\n",
                    "FROM a\nENV a b \\\n# c\n  d\n",
                ),
            ],
        );
    }

    #[test]
    fn requoting_keeps_the_value() {
        use crate::syntax::words::unquote;
        for raw in [
            "b c",
            "'a b' \"c\\\"d\"",
            "x\\ y $z",
            "'$HOME' \\$x",
            "a\\\\b c",
        ] {
            let q = requote(raw, '\\');
            assert_eq!(unquote(&q, '\\'), unquote(raw, '\\'), "{raw} -> {q}");
        }
    }
}
