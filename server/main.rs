//! Entry point of the `dflint` binary.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "dflint", version, about = "A Dockerfile linter and optimizer that fixes what it finds")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print dflint's reading of Dockerfiles (one JSON object per line, shaped like BuildKit's parser output).
    Dump {
        /// Print the syntax tree instead.
        #[arg(long)]
        tree: bool,
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Dump { tree, files }) => {
            let mut status = ExitCode::SUCCESS;
            for f in files {
                match std::fs::read(&f) {
                    Ok(bytes) if tree => println!("{}", dflint::dump::tree(&bytes)),
                    Ok(bytes) => println!("{}", dflint::dump::buildkit_json(&f, &bytes)),
                    Err(e) => {
                        eprintln!("error: {}: {e}", f.display());
                        status = ExitCode::from(2);
                    }
                }
            }
            status
        }
        None => {
            eprintln!("dflint: no command given (try `dflint --help`)");
            ExitCode::from(2)
        }
    }
}
