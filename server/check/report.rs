//! The end of a run: errors and notes on stderr, the report (or diffs, or statistics) on stdout, the exit status.
use std::collections::BTreeSet;
use std::io::Write;

use dflint_rules::engine::all_rules;

use super::file::{Checked, Mode, Outcome};
use crate::cli::{CheckArgs, ExitStatus};
use crate::config::ConfigError;
use crate::output::{
    render, render_statistics, statistics, FileResult, Format, RenderOptions, RuleInfo,
};

pub(super) fn finish(
    args: &CheckArgs,
    mode: Mode,
    outcomes: Vec<Outcome>,
    missing: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitStatus {
    let mut checked: Vec<Checked> = Vec::new();
    // Config problems are printed once, however many files share the config.
    let mut config_errors = BTreeSet::new();
    let mut warnings = BTreeSet::new();
    // Paths that could not be read or walked are errors, and the files behind them go unchecked.
    let mut had_errors = missing > 0;
    let mut unchecked = missing;
    let mut skipped = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Checked(c) => checked.push(*c),
            Outcome::Unreadable(error) => {
                had_errors = true;
                unchecked += 1;
                let _ = writeln!(err, "error: {error}");
            }
            Outcome::BadConfig(errors) => {
                had_errors = true;
                unchecked += 1;
                config_errors.extend(errors.iter().map(relative));
            }
            Outcome::Skipped { path, reason } => skipped.push((path, reason)),
        }
    }
    for error in &config_errors {
        let _ = writeln!(err, "error: {error}");
    }
    for c in &checked {
        warnings.extend(c.warnings.iter().map(relative));
        if let Some(error) = &c.write_error {
            had_errors = true;
            let _ = writeln!(err, "error: cannot write the fix: {error}");
        }
    }
    if !args.quiet {
        for warning in &warnings {
            let _ = writeln!(err, "warning: {warning}");
        }
        for note in checked.iter().flat_map(|c| &c.notes) {
            let _ = writeln!(err, "note: {note}");
        }
        context_notes(args, &checked, &skipped, err);
    }

    let fixed: usize = checked.iter().map(|c| c.fixed).sum();
    let fixed_files = checked.iter().filter(|c| c.fixed > 0).count();
    if mode == Mode::Diff {
        let mut changed = false;
        for c in &checked {
            changed |= !c.diff.is_empty();
            let _ = out.write_all(c.diff.as_bytes());
        }
        if !args.quiet {
            let _ = writeln!(err, "{}", fixed_line("Would fix", fixed, fixed_files));
        }
        return ExitStatus::for_run(changed, had_errors);
    }

    // `--fix` on stdin: stdout is the fixed text, so the report goes to stderr.
    let mut report_to_err = false;
    for text in checked.iter().filter_map(|c| c.fixed_stdin.as_ref()) {
        report_to_err = true;
        let _ = out.write_all(text.as_bytes());
    }
    let failing = checked
        .iter()
        .any(|c| ExitStatus::fails(c.threshold, c.diagnostics.iter().map(|d| d.severity)));
    let results: Vec<FileResult> = checked
        .iter()
        .map(|c| FileResult {
            path: &c.path,
            source: &c.text,
            diagnostics: &c.diagnostics,
        })
        .collect();
    let stream: &mut dyn Write = if report_to_err { err } else { out };
    let unsafe_fixes = checked.iter().any(|c| c.unsafe_fixes);
    let written = write_report(
        args,
        &results,
        unsafe_fixes,
        unchecked,
        report_to_err,
        stream,
    )
    .and_then(|()| {
        if mode == Mode::Fix && fixed > 0 && !args.quiet && args.format.is_human() {
            writeln!(stream, "{}", fixed_line("Fixed", fixed, fixed_files))
        } else {
            Ok(())
        }
    });
    if let Err(error) = written {
        // A closed pipe (`dflint check | head`) is not the Dockerfiles' fault, but the report is incomplete.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            had_errors = true;
        }
    }
    ExitStatus::for_run(failing, had_errors)
}

fn write_report(
    args: &CheckArgs,
    results: &[FileResult],
    unsafe_fixes: bool,
    unchecked: usize,
    to_stderr: bool,
    stream: &mut dyn Write,
) -> std::io::Result<()> {
    if args.statistics {
        return render_statistics(&statistics(results), args.format, stream);
    }
    let summaries: Vec<String> = all_rules().iter().map(|r| r.summary()).collect();
    let rules: Vec<RuleInfo> = all_rules()
        .iter()
        .zip(&summaries)
        .map(|(r, summary)| RuleInfo {
            code: r.code,
            name: r.name,
            short_description: summary,
            default_severity: r.severity,
        })
        .collect();
    let color = if to_stderr {
        args.color.for_stderr()
    } else {
        args.color.for_stdout()
    };
    let options = RenderOptions {
        color,
        rules: &rules,
        unsafe_fixes,
        unchecked,
    };
    if !(args.quiet && args.format == Format::Text) {
        return render(args.format, results, &options, stream);
    }
    // `--quiet`: the findings without the closing summary line (the text report's last line).
    if results.iter().all(|r| r.diagnostics.is_empty()) {
        return Ok(());
    }
    let mut buffer = Vec::new();
    render(args.format, results, &options, &mut buffer)?;
    let body = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
    let keep = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    stream.write_all(&buffer[..keep])
}

/// `-v`: each file's build context and each template a scan left out; otherwise one line when some files had
/// no build context, since what they were not told about is invisible.
fn context_notes(
    args: &CheckArgs,
    checked: &[Checked],
    skipped: &[(std::path::PathBuf, String)],
    err: &mut dyn Write,
) {
    if args.verbose {
        for c in checked {
            let _ = writeln!(err, "note: {}: {}", c.path.display(), c.context);
        }
        for (path, reason) in skipped {
            let _ = writeln!(
                err,
                "note: {}: skipped: a template ({reason})",
                path.display()
            );
        }
        return;
    }
    let lost: Vec<&Checked> = checked.iter().filter(|c| c.context_missing).collect();
    match lost.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(err, "note: {}: {}", one.path.display(), one.context);
        }
        many => {
            let _ = writeln!(
                err,
                "note: build context not found for {} files (no folder at or above them holds every file they copy); checks that read the context were skipped; pass --context, or -v for details",
                many.len()
            );
        }
    }
}

/// A config problem with the config's path relative to the working folder when it is inside it (discovery finds
/// configs by absolute path).
fn relative(error: &ConfigError) -> String {
    let mut error = error.clone();
    if let (Some(path), Ok(cwd)) = (&error.path, std::env::current_dir()) {
        if let Ok(rel) = path.strip_prefix(&cwd) {
            error.path = Some(rel.to_path_buf());
        }
    }
    error.to_string()
}

fn fixed_line(verb: &str, fixes: usize, files: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if fixes == 0 {
        return format!("{verb} nothing.");
    }
    format!(
        "{verb} {} in {}.",
        plural(fixes, "problem"),
        plural(files, "file")
    )
}
