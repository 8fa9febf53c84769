//! The sources and destination of a `COPY` or `ADD`, in either form, for the rules that read them.
use std::ops::Range;

use crate::syntax::Instruction;

/// One path argument.
pub(crate) struct PathArg {
    pub range: Range<usize>,
    /// Quotes removed (variables not expanded).
    pub value: String,
    /// Holds a variable: the value is not known statically.
    pub dynamic: bool,
    /// A heredoc (`<<EOF`): the file's content is inline.
    pub heredoc: bool,
}

/// The path arguments of a COPY or ADD: every source, then the destination (`None` when there is none).
pub(crate) fn copy_args(ins: &Instruction) -> (Vec<PathArg>, Option<PathArg>) {
    let mut args: Vec<PathArg> = match &ins.exec_form {
        Some(exec) => exec
            .elements
            .iter()
            .map(|e| PathArg {
                range: e.range.clone(),
                value: e.value.clone(),
                dynamic: e.value.contains('$'),
                heredoc: false,
            })
            .collect(),
        None => ins
            .words
            .iter()
            .map(|w| PathArg {
                range: w.range.clone(),
                value: w.value.clone(),
                dynamic: !w.vars.is_empty(),
                heredoc: w.raw.starts_with("<<"),
            })
            .collect(),
    };
    if args.len() < 2 {
        return (args, None);
    }
    let dest = args.pop();
    (args, dest)
}

/// `/x`, `C:\x`, `C:/x`, `\x`, `$VAR...`: a destination that does not depend on the working directory (or whose
/// value is not known).
pub(crate) fn absolute_or_variable(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || path.starts_with('$')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}
