//! Command-line plumbing shared by the subcommands: arguments, colour choice and exit codes.
