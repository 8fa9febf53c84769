//! The RUN scripts the shell rules read: every RUN of a POSIX shell stage, `ONBUILD RUN` included.
pub(crate) use crate::build::runs::{RunScript, Runs};
use crate::engine::Context;

/// The RUNs whose shell is a POSIX shell, in document order (found once per lint).
pub(crate) fn run_scripts<'a>(ctx: &Context<'a>) -> &'a [RunScript<'a>] {
    &ctx.runs().list
}

/// The source between two commands of a script when the first ends before the second starts, with whitespace
/// and line continuations trimmed from its start, and where that starts.
pub(crate) fn operator_after(text: &str, end: usize, next_start: usize) -> Option<(usize, &str)> {
    if end > next_start {
        return None;
    }
    let mut gap = text.get(end..next_start)?;
    loop {
        let t = gap.trim_start();
        let t = t
            .strip_prefix("\\\n")
            .or_else(|| t.strip_prefix("\\\r\n"))
            .or_else(|| t.strip_prefix("`\n"))
            .or_else(|| t.strip_prefix("`\r\n"))
            .unwrap_or(t);
        if t.len() == gap.len() {
            return Some((next_start - gap.len(), gap));
        }
        gap = t;
    }
}
