//! Entry point of the `dflint` binary: `check` (the default), `rules`, `rule`, `completions`, `dump`, `graph`.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use dflint::cli::{CheckArgs, ExitStatus};
use dflint::rules_cmd::{self, ListFormat};

/// Without a subcommand, dflint checks: `dflint --fix Dockerfile` is `dflint check --fix Dockerfile`
/// (pre-commit calls it so).
#[derive(Parser)]
#[command(
    name = "dflint",
    version = env!("DFLINT_VERSION"),
    about = "A Dockerfile linter and optimizer that fixes what it finds",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles and folders (the default command); fix them with `--fix`.
    Check(CheckArgs),
    /// List the rules: code, name, category, default severity, fix availability, default on or off.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation (by code, name, or a hadolint or BuildKit equivalent).
    Rule {
        /// `DF301`, `latest-tag` or `DL3007`.
        rule: String,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the stage graph of a Dockerfile (stages, FROM, COPY --from and RUN --mount=from edges, the final stage).
    Graph {
        #[arg(long, value_enum, default_value_t = dflint::graph::GraphFormat::Mermaid)]
        format: dflint::graph::GraphFormat,
        /// The Dockerfile (one file; `-` reads stdin).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Run the language server (LSP over stdin/stdout; logs go to stderr).
    Server {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Print dflint's reading of Dockerfiles (one JSON object per line, shaped like BuildKit's parser output).
    Dump {
        /// Print the syntax tree instead.
        #[arg(long)]
        tree: bool,
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with success; usage errors are exit 2, as clap prints them.
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    match cli.command {
        None => dflint::check::run(&cli.check, &mut stdout.lock(), &mut stderr.lock()).into(),
        Some(Command::Check(args)) => {
            dflint::check::run(&args, &mut stdout.lock(), &mut stderr.lock()).into()
        }
        Some(Command::Rules { format }) => {
            let _ = rules_cmd::list(format, &mut stdout.lock());
            ExitCode::SUCCESS
        }
        Some(Command::Rule { rule }) => match rules_cmd::page(&rule) {
            Ok(page) => {
                let _ = writeln!(stdout.lock(), "{page}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitStatus::Error.into()
            }
        },
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "dflint", &mut stdout.lock());
            ExitCode::SUCCESS
        }
        Some(Command::Server { .. }) => dflint::lsp::run_stdio(),
        Some(Command::Dump { tree, files }) => dump(tree, files),
        Some(Command::Graph { format, file }) => match read_one_dockerfile(&file) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let _ = write!(stdout.lock(), "{}", dflint::graph::render(&text, format));
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitStatus::Error.into()
            }
        },
    }
}

/// The bytes of the one Dockerfile `graph` draws: `-` is stdin; a folder is refused with what to name instead.
fn read_one_dockerfile(file: &std::path::Path) -> Result<Vec<u8>, String> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        return std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map(|_| bytes)
            .map_err(|e| format!("stdin: {e}"));
    }
    if file.is_dir() {
        let inside = file.join("Dockerfile");
        let hint = if inside.is_file() {
            format!("; did you mean `{}`?", inside.display())
        } else {
            String::new()
        };
        return Err(format!(
            "{}: is a folder; `dflint graph` draws one Dockerfile, name the file{hint}",
            file.display()
        ));
    }
    std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))
}

fn dump(tree: bool, files: Vec<PathBuf>) -> ExitCode {
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
