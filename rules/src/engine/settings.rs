//! What the user asked for, as plain data: rule selection, severity overrides, rule options, fix mode.
//!
//! A selector is `ALL`, a category (`style`), a code prefix (`DF5`, `DF50`), a code (`DF501`), a rule name
//! (`from-as-casing`), or a peer's code (`DL3006`, `FromAsCasing`) that resolves through the rules' declared equivalents.
//! When a rule matches both a select and an ignore selector, the more specific one wins; on a tie, ignore wins.
use std::fmt;

use super::diagnostic::Severity;
use super::fixer::FixMode;
use super::options::RuleOptions;
use super::rule::{Category, RuleMeta};
use crate::rules::RULES;

/// The user's wishes for one file, as the CLI or the language server resolved them from config.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// `None`: the rules enabled by default.
    pub select: Option<Vec<String>>,
    /// Added to `select` (or to the default set).
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severity per selector; the more specific selector wins, then the later entry.
    pub severity: Vec<(String, Severity)>,
    /// Options per rule (a code, name or peer code naming one rule); later entries' keys win.
    pub options: Vec<(String, RuleOptions)>,
    /// `--unsafe-fixes`: the fixer applies unsafe fixes too.
    pub unsafe_fixes: bool,
    /// Suppression comments (`# dflint ignore=`, `# hadolint ignore=`, `# check=skip=`) are not honoured.
    pub disable_suppressions: bool,
}

/// A problem with the settings, for the caller to report where the selector was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    /// The selector (or rule) the problem is about.
    pub selector: String,
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every rule, in registry order.
pub fn all_rules() -> &'static [RuleMeta] {
    RULES
}

/// The one rule a code (`DF501`), name (`from-as-casing`) or peer code (`FromAsCasing`, `DL4000`) names.
pub fn resolve_rule(id: &str) -> Option<&'static RuleMeta> {
    let id = id.trim();
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(id) || r.name.eq_ignore_ascii_case(id))
        .or_else(|| {
            let mut peers = RULES
                .iter()
                .filter(|r| r.peers.iter().any(|p| p.code().eq_ignore_ascii_case(id)));
            match (peers.next(), peers.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
}

/// The rules a selector matches; `None` when it is not a selector at all (a typo).
pub fn resolve_selector(selector: &str) -> Option<Vec<&'static RuleMeta>> {
    let s = selector.trim();
    if s.is_empty() {
        return None;
    }
    let matched: Vec<&'static RuleMeta> = RULES
        .iter()
        .filter(|r| specificity(s, r).is_some())
        .collect();
    if matched.is_empty() && !is_code_prefix(s) {
        return None;
    }
    Some(matched)
}

/// Whether `s` is `DF` plus up to three digits: a valid prefix even when no rule has it yet.
fn is_code_prefix(s: &str) -> bool {
    s.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("DF"))
        && s.len() <= 5
        && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// A selector read once (trimmed, its category and whether it is a code prefix found), to compare with every rule.
struct Selector<'s> {
    text: &'s str,
    all: bool,
    category: Option<Category>,
    prefix: bool,
}

impl<'s> Selector<'s> {
    fn new(selector: &'s str) -> Selector<'s> {
        let text = selector.trim();
        Selector {
            text,
            all: text.eq_ignore_ascii_case("ALL"),
            category: Category::parse(text),
            prefix: is_code_prefix(text),
        }
    }

    /// How specifically the selector names a rule (higher is more specific); `None` when it does not match.
    fn specificity(&self, rule: &RuleMeta) -> Option<u8> {
        let s = self.text;
        if self.all {
            return Some(0);
        }
        if self.category == Some(rule.category) {
            return Some(1);
        }
        if s.eq_ignore_ascii_case(rule.code)
            || s.eq_ignore_ascii_case(rule.name)
            || rule.peers.iter().any(|p| p.code().eq_ignore_ascii_case(s))
        {
            return Some(10);
        }
        if self.prefix
            && rule
                .code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        {
            return Some(s.len() as u8);
        }
        None
    }
}

/// How specifically a selector names a rule (higher is more specific); `None` when it does not match.
fn specificity(selector: &str, rule: &RuleMeta) -> Option<u8> {
    Selector::new(selector).specificity(rule)
}

fn best(selectors: &[Selector], rule: &RuleMeta) -> Option<u8> {
    selectors.iter().filter_map(|s| s.specificity(rule)).max()
}

/// The lists that decide which rules are enabled, kept to recognise the same selection again.
struct SelectionKey {
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
}

impl SelectionKey {
    fn of(settings: &Settings) -> SelectionKey {
        SelectionKey {
            select: settings.select.clone(),
            extend_select: settings.extend_select.clone(),
            ignore: settings.ignore.clone(),
        }
    }

    fn is(&self, settings: &Settings) -> bool {
        self.select == settings.select
            && self.extend_select == settings.extend_select
            && self.ignore == settings.ignore
    }
}

/// The selection settings read once, for deciding many rules.
struct Selection<'s> {
    select: Option<Vec<Selector<'s>>>,
    extend_select: Vec<Selector<'s>>,
    ignore: Vec<Selector<'s>>,
}

impl Selection<'_> {
    fn is_enabled(&self, rule: &RuleMeta) -> bool {
        let selected = match &self.select {
            None => rule.default_enabled.then_some(0),
            Some(list) => best(list, rule),
        };
        let selected = selected.max(best(&self.extend_select, rule));
        let ignored = best(&self.ignore, rule);
        match (selected, ignored) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }
}

impl Settings {
    /// Only the given selectors (as `--select`).
    pub fn select<S: Into<String>>(selectors: impl IntoIterator<Item = S>) -> Settings {
        Settings {
            select: Some(selectors.into_iter().map(Into::into).collect()),
            ..Settings::default()
        }
    }

    fn selection(&self) -> Selection<'_> {
        fn read(list: &[String]) -> Vec<Selector<'_>> {
            list.iter().map(|s| Selector::new(s)).collect()
        }
        Selection {
            select: self.select.as_deref().map(read),
            extend_select: read(&self.extend_select),
            ignore: read(&self.ignore),
        }
    }

    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        self.selection().is_enabled(rule)
    }

    /// The enabled rules, in registry order.
    ///
    /// Matching every selector against every rule costs about as much as linting a small file (a `--select`
    /// list of 33 codes was a fifth of a corpus run), and a run lints many files with the same selection; so
    /// each thread keeps the last selection's answer, keyed by the selection lists themselves.
    pub fn enabled_rules(&self) -> Vec<&'static RuleMeta> {
        type Memo = Option<(SelectionKey, Vec<&'static RuleMeta>)>;
        thread_local! {
            static LAST: std::cell::RefCell<Memo> = const { std::cell::RefCell::new(None) };
        }
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((key, rules)) = last.as_ref() {
                if key.is(self) {
                    return rules.clone();
                }
            }
            let rules = self.enabled_rules_uncached();
            *last = Some((SelectionKey::of(self), rules.clone()));
            rules
        })
    }

    fn enabled_rules_uncached(&self) -> Vec<&'static RuleMeta> {
        let selection = self.selection();
        RULES.iter().filter(|r| selection.is_enabled(r)).collect()
    }

    /// The rule's severity after overrides.
    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severity
            .iter()
            .enumerate()
            .filter_map(|(i, (sel, sev))| specificity(sel, rule).map(|s| ((s, i), *sev)))
            .max_by_key(|(key, _)| *key)
            .map_or(rule.severity, |(_, sev)| sev)
    }

    /// The options the rule receives (entries naming it by code, name or peer code, merged in order).
    pub fn options_for(&self, rule: &RuleMeta) -> RuleOptions {
        let mut out = RuleOptions::new();
        for (sel, opts) in &self.options {
            if resolve_rule(sel).is_some_and(|r| r.code == rule.code) {
                out.merge(opts);
            }
        }
        out
    }

    pub fn fix_mode(&self) -> FixMode {
        if self.unsafe_fixes {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        }
    }

    /// Unknown selectors, options for no rule, and options a rule does not declare or of the wrong type.
    pub fn validate(&self) -> Vec<SettingsError> {
        let mut errors = Vec::new();
        let selectors = self
            .select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .chain(self.severity.iter().map(|(s, _)| s));
        for s in selectors {
            if resolve_selector(s).is_none() {
                errors.push(SettingsError {
                    selector: s.clone(),
                    message: format!("unknown rule or selector `{s}`"),
                });
            }
        }
        for (sel, opts) in &self.options {
            let Some(rule) = resolve_rule(sel) else {
                errors.push(SettingsError {
                    selector: sel.clone(),
                    message: format!("options for `{sel}`, which names no single rule"),
                });
                continue;
            };
            for (key, value) in opts.iter() {
                let problem =
                    match rule.option(key) {
                        None => Some(format!("`{}` has no option `{key}`", rule.name)),
                        Some(spec) => spec.kind.accepts(value).err().map(|e| {
                            format!("option `{key}` of `{}`: {e}, got {value}", rule.name)
                        }),
                    };
                if let Some(message) = problem {
                    errors.push(SettingsError {
                        selector: sel.clone(),
                        message,
                    });
                }
            }
        }
        errors
    }
}
