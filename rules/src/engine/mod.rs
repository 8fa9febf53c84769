//! The rule engine: diagnostics, fixes, the rule trait and registry, suppression and the fixer.
pub mod diagnostic;
pub use diagnostic::*;
