//! `dflint check`: find the Dockerfiles, lint (or fix) them in parallel, report in the chosen format, exit 0/1/2.
mod file;
mod guard;
mod parallel;
mod report;
mod settings_cache;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use file::{Checked, Input, Mode, Outcome};
pub use guard::{fix_guarded, Guarded};
pub use parallel::map_ordered;

use crate::cli::{CheckArgs, ColorChoice, ExitStatus};
use crate::config::{Config, ConfigResolver};
use crate::context::Listings;
use crate::fs::{discover, ExcludeFn};
use crate::settings::settings_for;
use file::{process, Job};
use settings_cache::SettingsCache;

/// Runs `dflint check` with the process's stdin; reports go to `out` and `err`.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> ExitStatus {
    let mode = match (args.fix, args.diff) {
        (true, _) => Mode::Fix,
        (false, true) => Mode::Diff,
        (false, false) => Mode::Check,
    };
    let overrides = args.overrides();
    // The command line's selectors are checked once, before any file: a typo there concerns the whole run.
    let cli = settings_for(&Config::default().with_overrides(&overrides));
    if !cli.is_ok() {
        for error in &cli.errors {
            let _ = writeln!(err, "error: {error}");
        }
        return ExitStatus::Error;
    }
    let resolver = match &args.config {
        Some(path) => match ConfigResolver::with_config_file(path, overrides) {
            Ok(resolver) => resolver,
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                return ExitStatus::Error;
            }
        },
        None => ConfigResolver::new(overrides),
    };
    let resolver = Arc::new(resolver);
    // `no-color` in the config that applies here (hadolint reads its from the working directory) turns colour off
    // unless `--color` chose.
    let quiet_colors;
    let args = if args.color == ColorChoice::Auto
        && resolver
            .config_for(Path::new("Dockerfile"))
            .is_ok_and(|c| c.no_color)
    {
        quiet_colors = CheckArgs {
            color: ColorChoice::Never,
            ..args.clone()
        };
        &quiet_colors
    } else {
        args
    };

    let wants_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let mut inputs = Vec::new();
    let mut stdin = None;
    let mut missing = 0;
    if wants_stdin {
        let mut bytes = Vec::new();
        if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
            let _ = writeln!(err, "error: cannot read stdin: {error}");
            return ExitStatus::Error;
        }
        stdin = Some(bytes);
        inputs.push(Input::Stdin {
            name: args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-")),
            named: args.stdin_filename.is_some(),
        });
    }
    if !paths.is_empty() {
        let excluder = resolver.clone();
        let excluded: ExcludeFn = Arc::new(move |path: &Path| excluder.is_excluded(path));
        let found = discover(&paths, &excluded);
        for error in &found.errors {
            let _ = writeln!(err, "error: {error}");
            missing += 1;
        }
        inputs.extend(
            found
                .files
                .into_iter()
                .map(|(path, named)| Input::Path { path, named }),
        );
    }
    if inputs.is_empty() && missing == 0 && !args.quiet {
        let _ = writeln!(err, "warning: no Dockerfiles found");
    }

    let settings = SettingsCache::default();
    let job = Job {
        mode,
        resolver: &resolver,
        settings: &settings,
        context: args.context.as_deref(),
        stdin: stdin.as_deref(),
        // `--fix` may create a `.dockerignore` that the next file of the folder must see.
        listings: (mode != Mode::Fix).then(Listings::default),
        shellcheck_all_codes: args.shellcheck_all_codes,
    };
    let outcomes = map_ordered(&inputs, |input| process(input, &job));
    report::finish(args, mode, outcomes, missing, out, err)
}
