//! Command-line plumbing shared by the subcommands: arguments, colour choice and exit codes.
mod args;
mod color;
mod exit;

pub use args::CheckArgs;
pub use color::{use_color, ColorChoice};
pub use exit::ExitStatus;
