//! The rule engine: diagnostics, fixes, the rule trait and registry, settings, suppression and the fixer.
pub mod absences;
pub(crate) mod check_directive;
mod context;
pub mod diagnostic;
pub mod docs;
mod fixer;
mod lint;
mod options;
pub mod rule;
mod settings;
mod suppression;
pub(crate) mod text;

pub use crate::build_context::DockerIgnore;
pub use absences::{absence, peer_tool_of, rules_for_peer, Absence, ABSENCES};
pub use check_directive::EXPERIMENTAL_CHECKS;
pub use context::{context_sources, BuildContext, Context, ContextSource, MemoryBuildContext};
pub use diagnostic::*;
pub use fixer::{
    apply_edits, apply_fix, fix, AppliedFix, FixMode, FixOutcome, WithCreatedFiles, MAX_ROUNDS,
};
pub use lint::{lint, lint_with, sort, FixCheck, FixChecker};
pub use options::{OptKind, OptValue, RuleOptions};
pub(crate) use rule::declare_rule;
pub use rule::{
    Category, Change, ConfigKey, FixAvailability, OptionSpec, Peer, Phase, Rule, RuleMeta,
};
pub use settings::{all_rules, resolve_rule, resolve_selector, Settings, SettingsError};
pub use suppression::{suppress_by_tool_code, suppression_fix, UnusedSuppression};
