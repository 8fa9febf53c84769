//! Analysis shared by the optimizer rules (families cache, size and entrypoint): what each instruction does, and the
//! line-level edits their fixes are made of.
pub(crate) mod commands;
pub(crate) mod facts;
pub(crate) mod layers;
pub(crate) mod lines;
pub(crate) mod multistage;

use crate::engine::{Context, Diagnostic};

/// Fixes that move, delete or rewrite lines are withheld while the file has syntax errors (the model of the file
/// may be wrong there): the diagnostics from `from` on keep their message and lose their fix.
pub(crate) fn withhold_fixes_on_syntax_errors(ctx: &Context, out: &mut [Diagnostic], from: usize) {
    if !ctx.doc().has_syntax_errors() {
        return;
    }
    for d in out.iter_mut().skip(from) {
        if d.fix.take().is_some() {
            d.message
                .push_str(" (no fix while the file has syntax errors)");
        }
    }
}
