//! What a rule is: its metadata (code, name, category, severity, fix availability, peers, options, docs) and its check.
use std::fmt;
use std::ops::Range;

use super::context::Context;
use super::diagnostic::{Diagnostic, Severity};
use super::options::OptKind;
pub use crate::build::contract::{Change, ConfigKey};

/// What kind of problem a rule finds; each category owns a band of codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The build fails or does something other than what was written.
    Correctness,
    Security,
    /// The same Dockerfile may build a different image tomorrow.
    Reproducibility,
    /// The optimizer: layer-cache ordering.
    Cache,
    /// The optimizer: what the final image carries.
    Size,
    /// The optimizer: CMD and ENTRYPOINT.
    Entrypoint,
    Style,
    /// ShellCheck's findings in RUN scripts.
    Shell,
    /// About dflint itself: syntax errors, suppressions.
    Meta,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Correctness,
        Category::Security,
        Category::Reproducibility,
        Category::Cache,
        Category::Size,
        Category::Entrypoint,
        Category::Style,
        Category::Shell,
        Category::Meta,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Reproducibility => "reproducibility",
            Category::Cache => "cache",
            Category::Size => "size",
            Category::Entrypoint => "entrypoint",
            Category::Style => "style",
            Category::Shell => "shell",
            Category::Meta => "meta",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    /// The numbers (`DF` + 3 digits) this category's codes use.
    pub fn band(self) -> Range<u16> {
        match self {
            Category::Correctness => 100..200,
            Category::Security => 200..300,
            Category::Reproducibility => 300..400,
            Category::Cache => 400..430,
            Category::Size => 430..460,
            Category::Entrypoint => 460..500,
            Category::Style => 500..600,
            Category::Shell => 700..800,
            Category::Meta => 900..1000,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule's diagnostics come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// A peer tool's name for the same check, so its suppressions and configs keep working.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Peer {
    /// A hadolint code, `DL3006`.
    Hadolint(&'static str),
    /// A BuildKit check name, `FromAsCasing`.
    BuildKit(&'static str),
    /// A ShellCheck code, `SC2086`; hadolint reports these under the same code.
    ShellCheck(&'static str),
}

impl Peer {
    pub fn code(self) -> &'static str {
        match self {
            Peer::Hadolint(c) | Peer::BuildKit(c) | Peer::ShellCheck(c) => c,
        }
    }
    pub fn tool(self) -> &'static str {
        match self {
            Peer::Hadolint(_) => "hadolint",
            Peer::BuildKit(_) => "BuildKit",
            Peer::ShellCheck(_) => "ShellCheck",
        }
    }
    /// Where the peer documents it.
    pub fn url(self) -> String {
        match self {
            Peer::Hadolint(c) => format!("https://github.com/hadolint/hadolint/wiki/{c}"),
            Peer::ShellCheck(c) => format!("https://www.shellcheck.net/wiki/{c}"),
            Peer::BuildKit(c) => {
                format!(
                    "https://docs.docker.com/reference/build-checks/{}/",
                    kebab(c)
                )
            }
        }
    }
}

/// `FromAsCasing` → `from-as-casing`, `JSONArgsRecommended` → `json-args-recommended`.
fn kebab(camel: &str) -> String {
    let chars: Vec<char> = camel.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || (prev_upper && next_lower)) {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// One option a rule reads from the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// Kebab-case key.
    pub name: &'static str,
    pub kind: OptKind,
    /// The default, as the user would write it.
    pub default: &'static str,
    pub doc: &'static str,
}

/// The check of a rule. Implementations are unit structs declared with `declare_rule!`.
pub trait Rule: Sync {
    /// Appends this rule's findings on `ctx.doc()` to `out`; builds them with [`Context::diagnostic`].
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>);
}

/// When the engine runs a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// On the document.
    Normal,
    /// After suppression comments were applied to the other rules' findings (unused-suppression).
    AfterSuppression,
}

/// Everything known about a rule, as the registry lists it.
#[derive(Clone, Copy)]
pub struct RuleMeta {
    /// Permanent code, `DF` + 3 digits in the category's band.
    pub code: &'static str,
    /// Kebab-case name that names the pattern flagged.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub fix: FixAvailability,
    pub peers: &'static [Peer],
    pub options: &'static [OptionSpec],
    /// In the set that runs when the settings select nothing.
    pub default_enabled: bool,
    pub phase: Phase,
    /// While the file has syntax errors, the engine keeps this rule's findings but withholds their fixes (and says so
    /// in the message): for fixes that move, delete or rewrite lines, which the model of a broken file may have wrong.
    pub withhold_fixes_on_syntax_errors: bool,
    /// What the rule's fixes may change besides text BuildKit reads the same way (moves, drops, config keys ...).
    /// The engine re-models every fixed text and drops a fix that changes anything else (see `build::contract`).
    pub changes: &'static [Change],
    /// The rule's doc comment, as written (each line keeps rustdoc's leading space).
    pub raw_doc: &'static str,
    pub rule: &'static dyn Rule,
}

impl RuleMeta {
    /// The user documentation (Markdown), from the rule's doc comment.
    pub fn doc(&self) -> String {
        let mut out = String::with_capacity(self.raw_doc.len());
        for line in self.raw_doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> String {
        self.doc().lines().next().unwrap_or("").trim().to_string()
    }

    pub fn docs_url(&self) -> Option<String> {
        super::diagnostic::docs_url(self.name)
    }

    /// The number after `DF`.
    pub fn number(&self) -> u16 {
        self.code
            .strip_prefix("DF")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// The codes hadolint reports this rule's findings under: its own DL codes and the ShellCheck codes it runs.
    pub fn hadolint_codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.peers.iter().filter_map(|p| match p {
            Peer::Hadolint(c) | Peer::ShellCheck(c) => Some(*c),
            Peer::BuildKit(_) => None,
        })
    }

    pub fn buildkit_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.peers.iter().filter_map(|p| match p {
            Peer::BuildKit(c) => Some(*c),
            Peer::Hadolint(_) | Peer::ShellCheck(_) => None,
        })
    }

    pub fn option(&self, name: &str) -> Option<&'static OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }
}

impl fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleMeta")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("category", &self.category)
            .field("severity", &self.severity)
            .field("fix", &self.fix)
            .field("peers", &self.peers)
            .finish_non_exhaustive()
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}
impl Eq for RuleMeta {}

/// Declares a rule: its doc comment (the user documentation) and its metadata, as `<Type>::META`.
///
/// ```ignore
/// declare_rule! {
///     /// Summary line.
///     pub struct FromAsCasing {
///         code: "DF502", name: "from-as-casing", category: Style, severity: Warning, fix: Always,
///         peers: [Peer::BuildKit("FromAsCasing")], options: [],
///     }
/// }
/// ```
///
/// Optional, after `options` and in this order: `default_enabled: false`, `phase: AfterSuppression`,
/// `withhold_fixes_on_syntax_errors: true`, `changes: [Move, Drop, Config(Cmd)]` (what its fixes may change; see
/// [`Change`]).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            category: $cat:ident,
            severity: $sev:ident,
            fix: $fix:ident,
            peers: [$($peer:expr),* $(,)?],
            options: [$($opt:expr),* $(,)?]
            $(, default_enabled: $enabled:literal)?
            $(, phase: $phase:ident)?
            $(, withhold_fixes_on_syntax_errors: $withhold:literal)?
            $(, changes: [$($change:ident $(($key:ident))?),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        $vis struct $ty;

        impl $ty {
            pub const META: $crate::engine::RuleMeta = $crate::engine::RuleMeta {
                code: $code,
                name: $name,
                category: $crate::engine::Category::$cat,
                severity: $crate::engine::Severity::$sev,
                fix: $crate::engine::FixAvailability::$fix,
                peers: &[$($peer),*],
                options: &[$($opt),*],
                default_enabled: $crate::engine::rule::first_bool(&[$($enabled,)? true]),
                phase: $crate::engine::rule::first_phase(&[$($crate::engine::Phase::$phase,)? $crate::engine::Phase::Normal]),
                withhold_fixes_on_syntax_errors: $crate::engine::rule::first_bool(&[$($withhold,)? false]),
                changes: &[$($($crate::engine::Change::$change $(($crate::engine::ConfigKey::$key))?),*)?],
                raw_doc: concat!($($doc, "\n"),+),
                rule: &$ty,
            };
        }
    };
}
pub(crate) use declare_rule;

#[doc(hidden)]
pub const fn first_bool(values: &[bool]) -> bool {
    values[0]
}

#[doc(hidden)]
pub const fn first_phase(values: &[Phase]) -> Phase {
    values[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_urls() {
        assert_eq!(
            Peer::BuildKit("JSONArgsRecommended").url(),
            "https://docs.docker.com/reference/build-checks/json-args-recommended/"
        );
        assert_eq!(
            Peer::BuildKit("FromAsCasing").url(),
            "https://docs.docker.com/reference/build-checks/from-as-casing/"
        );
        assert_eq!(
            Peer::Hadolint("DL3006").url(),
            "https://github.com/hadolint/hadolint/wiki/DL3006"
        );
    }

    #[test]
    fn bands_do_not_overlap() {
        for a in Category::ALL {
            for b in Category::ALL {
                if a != b {
                    let (ra, rb) = (a.band(), b.band());
                    assert!(ra.end <= rb.start || rb.end <= ra.start, "{a} and {b}");
                }
            }
        }
    }
}
