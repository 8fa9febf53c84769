//! What the label rules share: the label schema (hadolint's `label-schema`: label → type), the `LABEL` pairs of a
//! file, and the checks of a value against its type.
use crate::engine::{Context, Diagnostic, OptKind, OptionSpec};
use crate::syntax::{KeyValue, Kind};

/// The types hadolint's `label-schema` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LabelType {
    Text,
    Url,
    Email,
    Hash,
    Rfc3339,
    SemVer,
    Spdx,
}

impl LabelType {
    pub(crate) fn parse(s: &str) -> Option<LabelType> {
        Some(match s.trim() {
            "" | "text" => LabelType::Text,
            "url" => LabelType::Url,
            "email" => LabelType::Email,
            "hash" => LabelType::Hash,
            "rfc3339" => LabelType::Rfc3339,
            "semver" => LabelType::SemVer,
            "spdx" => LabelType::Spdx,
            _ => return None,
        })
    }
}

/// The option every schema rule reads; the CLI fills it from `[labels] schema` in `.dflint.toml` and from
/// `label-schema` in `.hadolint.yaml`.
pub(crate) const SCHEMA_OPTION: OptionSpec = OptionSpec {
    name: "label-schema",
    kind: OptKind::List,
    default: "[]",
    doc: "the labels the project expects, each `name=type` with a type out of `text`, `url`, `email`, `hash`, `rfc3339`, `semver`, `spdx`",
};

/// The schema: (label, type), in the order given; entries whose type is unknown are left out (the configuration
/// reports them).
pub(crate) fn schema(ctx: &Context) -> Vec<(String, LabelType)> {
    ctx.options()
        .get_list(SCHEMA_OPTION.name)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            let (name, ty) = entry.split_once('=').unwrap_or((entry, ""));
            Some((name.trim().to_string(), LabelType::parse(ty)?))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// Every `LABEL` pair of the file (the instruction's index and the pair), in order.
pub(crate) fn label_pairs<'a>(ctx: &Context<'a>) -> Vec<(usize, &'a KeyValue)> {
    ctx.doc()
        .instructions()
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind == Kind::Label)
        .flat_map(|(k, i)| i.pairs.iter().map(move |p| (k, p)))
        .collect()
}

/// The value of a pair, quotes removed; `None` when it holds a variable (its value is not known here).
pub(crate) fn value(pair: &KeyValue) -> Option<&str> {
    match &pair.value {
        Some(w) if !w.vars.is_empty() => None,
        Some(w) => Some(w.value.as_str()),
        None => Some(""),
    }
}

/// Reports each label of the schema with type `ty` whose value `valid` refuses.
pub(crate) fn check_typed(
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
    ty: LabelType,
    valid: fn(&str) -> bool,
    what: &str,
) {
    let names: Vec<String> = schema(ctx)
        .into_iter()
        .filter(|(_, t)| *t == ty)
        .map(|(n, _)| n)
        .collect();
    if names.is_empty() {
        return;
    }
    for (_, pair) in label_pairs(ctx) {
        if !names.contains(&pair.key) {
            continue;
        }
        let Some(v) = value(pair) else {
            continue;
        };
        if !valid(v) {
            let range = pair
                .value
                .as_ref()
                .map_or(pair.range.clone(), |w| w.range.clone());
            out.push(ctx.diagnostic(
                range,
                format!("label `{}` is `{v}`, which is not {what}", pair.key),
            ));
        }
    }
}

/// `scheme:rest`, as an absolute URI: a scheme of letters, digits, `+`, `-`, `.` starting with a letter, and no
/// whitespace.
pub(crate) fn is_url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// `local@domain` (RFC 5322's addr-spec, without comments or quoted local parts).
pub(crate) fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |s: &str, ok: &dyn Fn(char) -> bool| {
        !s.is_empty()
            && s.split('.')
                .all(|part| !part.is_empty() && part.chars().all(ok))
    };
    let label = |c: char| c.is_ascii_alphanumeric() || c == '-';
    dot_atom(local, &atext) && dot_atom(domain, &label)
}

/// A short (7) or full (40) lowercase hexadecimal git hash.
pub(crate) fn is_git_hash(v: &str) -> bool {
    (v.len() == 7 || v.len() == 40)
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 3339's date-time: `2024-05-01T12:30:00Z`, with optional fraction and a `Z` or `±hh:mm` offset; `t`, `z` and a
/// space for `T` as the RFC allows.
pub(crate) fn is_rfc3339(v: &str) -> bool {
    let Some(date) = v.get(..10) else {
        return false;
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(d.as_slice(), [y, m, dd] if digits(y, 4) && digits(m, 2) && digits(dd, 2))
        && (1..=12).contains(&d[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d[2].parse::<u32>().unwrap_or(0));
    if !date_ok || !matches!(v.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let time = &v[11..];
    let (clock, offset) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, None)
    } else if time.len() > 6 && matches!(time.as_bytes()[time.len() - 6], b'+' | b'-') {
        (&time[..time.len() - 6], Some(&time[time.len() - 5..]))
    } else {
        return false;
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let t: Vec<&str> = hms.split(':').collect();
    let clock_ok = matches!(t.as_slice(), [h, m, s] if digits(h, 2) && digits(m, 2) && digits(s, 2))
        && t[0] < "24"
        && t[1] < "60"
        && t[2] <= "60"
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit());
    let offset_ok = offset.is_none_or(|o| {
        matches!(o.split(':').collect::<Vec<_>>().as_slice(), [h, m] if digits(h, 2) && digits(m, 2) && *h < "24" && *m < "60")
    });
    clock_ok && offset_ok
}

/// Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH`, optional `-pre.release` and `+build` (no leading zeros).
pub(crate) fn is_semver(v: &str) -> bool {
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let number = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| number(p))
        && pre.is_none_or(|p| {
            p.split('.')
                .all(|id| ident(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || number(id)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

/// Test helpers shared by the label rules: each lints with one rule and a
/// `label-schema` option, as `.hadolint.yaml` would give it.
#[cfg(test)]
pub(crate) mod testing {
    use crate::engine::{lint, Diagnostic, OptValue, RuleMeta, RuleOptions, Settings};
    use crate::syntax::Document;

    /// Lints `src` with only `meta`'s rule, given the schema entries (`key=type`).
    pub(crate) fn lint_with_schema(meta: &RuleMeta, schema: &[&str], src: &str) -> Vec<Diagnostic> {
        let mut settings = Settings::select([meta.code]);
        if !schema.is_empty() {
            let schema = schema.iter().map(|s| s.to_string()).collect();
            settings.options.push((
                meta.name.to_string(),
                RuleOptions::new().with("label-schema", OptValue::List(schema)),
            ));
        }
        lint(&Document::parse(src), &settings, None)
    }

    /// The text each finding of [`lint_with_schema`] points at.
    pub(crate) fn spans(meta: &RuleMeta, schema: &[&str], src: &str) -> Vec<String> {
        lint_with_schema(meta, schema, src)
            .iter()
            .map(|d| src[d.range.clone()].to_string())
            .collect()
    }

    /// What every typed label rule must do: flag a `bad` value on a label
    /// the schema gives its type (and not the same value on a text label),
    /// pass a `good` value and a variable, and say nothing without a schema.
    pub(crate) fn check_typed_rule(meta: &RuleMeta, key: &str, ty: &str, bad: &str, good: &str) {
        let schema = [format!("{key}={ty}"), "other=text".to_string()];
        let schema: Vec<&str> = schema.iter().map(String::as_str).collect();
        let both = format!("FROM a\nLABEL {key}=\"{bad}\" other=\"{bad}\"\n");
        assert_eq!(spans(meta, &schema, &both), [format!("\"{bad}\"")]);
        let good = format!("FROM a\nLABEL {key}=\"{good}\"\n");
        assert!(spans(meta, &schema, &good).is_empty(), "{good}");
        let variable = format!("FROM a\nARG V\nLABEL {key}=$V\n");
        assert!(spans(meta, &schema, &variable).is_empty());
        assert!(spans(meta, &[], &both).is_empty(), "without a schema");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert!(is_url("https://example.com/x"));
        assert!(is_url("mailto:a@b.c"));
        assert!(!is_url("example.com"));
        assert!(!is_url("https://exa mple.com"));
        assert!(is_email("dev@example.com"));
        assert!(is_email("first.last+tag@sub.example.org"));
        assert!(!is_email("Jane Doe <jane@example.com>"));
        assert!(!is_email("jane@"));
        assert!(is_git_hash("0123abc"));
        assert!(is_git_hash(&"a".repeat(40)));
        assert!(!is_git_hash("0123ABC"));
        assert!(!is_git_hash("0123ab"));
        assert!(is_rfc3339("2024-05-01T12:30:00Z"));
        assert!(is_rfc3339("2024-05-01T12:30:00.123+02:00"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("2024-13-01T12:30:00Z"));
        assert!(!is_rfc3339("2024-05-01T12:30:00"));
        assert!(is_semver("1.2.3"));
        assert!(is_semver("1.0.0-rc.1+build.5"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("v1.2.3"));
        assert!(!is_semver("01.2.3"));
        assert_eq!(LabelType::parse("hash"), Some(LabelType::Hash));
        assert_eq!(LabelType::parse("number"), None);
    }
}
