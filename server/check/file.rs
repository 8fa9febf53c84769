//! One Dockerfile through the pipeline: read, find its config, lint or fix, write or diff.
use std::path::{Path, PathBuf};

use dflint_rules::engine::{lint, resolve_rule, BuildContext, Diagnostic};
use dflint_rules::syntax::Document;

use super::guard::fix_guarded;
use super::settings_cache::SettingsCache;
use crate::config::{ConfigError, ConfigResolver, Threshold};
use crate::context::{
    find_context, working_folder_above, Discovered, DiskBuildContext, Listings, Origin,
};
use crate::fs::{
    create_atomic, creation_diff, read_source, template_reason, unified_diff, write_source,
    FileError, SourceFile,
};

/// What to do with each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Check,
    /// `--fix`: write the fixes.
    Fix,
    /// `--diff`: show the fixes, write nothing.
    Diff,
}

/// Where a file's text comes from.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file on disk; `named` when the command line named it (not found by a folder scan).
    Path { path: PathBuf, named: bool },
    /// `-`; `name` is `--stdin-filename` (for reports, config lookup and the build context) or `-`.
    Stdin { name: PathBuf, named: bool },
}

impl Input {
    /// The path reports show: as given, without the `./` that walking `.` adds.
    pub fn display(&self) -> &Path {
        match self {
            Input::Path { path, .. } => path
                .strip_prefix(".")
                .ok()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(path),
            Input::Stdin { name, .. } => name,
        }
    }
}

/// The same for every file of a run.
pub struct Job<'a> {
    pub mode: Mode,
    pub resolver: &'a ConfigResolver,
    pub settings: &'a SettingsCache,
    /// `--context`.
    pub context: Option<&'a Path>,
    /// Stdin's bytes, read once before the workers start.
    pub stdin: Option<&'a [u8]>,
    /// Folder listings shared by the files' build contexts, when the run writes nothing.
    pub listings: Option<Listings>,
    /// `--shellcheck-all-codes`: the `shellcheck` program reports the natively read codes too.
    pub shellcheck_all_codes: bool,
}

/// What happened to one file.
pub enum Outcome {
    Checked(Box<Checked>),
    /// Not checked: it could not be read.
    Unreadable(FileError),
    /// Not checked: its config is broken.
    BadConfig(Vec<ConfigError>),
    /// Not checked: a folder scan found a template (`{{ }}`, `{% %}`), not a Dockerfile.
    Skipped {
        path: PathBuf,
        reason: String,
    },
}

/// A file that was linted (and perhaps fixed).
pub struct Checked {
    pub path: PathBuf,
    /// The text the diagnostics point into: the fixed text after `--fix` (or `--diff`), else the file's.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    pub threshold: Threshold,
    /// Fixes applied (or, with `--diff`, that would be).
    pub fixed: usize,
    /// `--diff`: the unified diff (empty when nothing would change).
    pub diff: String,
    /// `--fix` on stdin: the fixed text, for stdout.
    pub fixed_stdin: Option<String>,
    /// Things worth telling (refused fixes, skipped files to create).
    pub notes: Vec<String>,
    pub warnings: Vec<ConfigError>,
    /// Unsafe fixes are on for this file (`--unsafe-fixes` or its config).
    pub unsafe_fixes: bool,
    /// Writing the fix failed.
    pub write_error: Option<FileError>,
    /// Which build context was used, and why (`-v`).
    pub context: String,
    /// No build context could be found (checks that read it were skipped).
    pub context_missing: bool,
}

pub fn process(input: &Input, job: &Job) -> Outcome {
    let source = match read(input, job) {
        Ok(source) => source,
        Err(error) => return Outcome::Unreadable(error),
    };
    let config_path = match input {
        Input::Path { path, .. } => path.clone(),
        Input::Stdin { name, .. } => name.clone(),
    };
    let template = template_reason(&config_path, &source.text);
    if let (Some(reason), Input::Path { named: false, .. }) = (&template, input) {
        return Outcome::Skipped {
            path: input.display().to_path_buf(),
            reason: reason.clone(),
        };
    }
    let config = match job.resolver.config_for(&config_path) {
        Ok(config) => config,
        Err(error) => return Outcome::BadConfig(vec![error]),
    };
    let resolved = job.settings.get(&config);
    if !resolved.is_ok() {
        return Outcome::BadConfig(resolved.errors.clone());
    }
    let doc = Document::parse(&source.text);
    let discovered = build_context(input, &doc, job.context);
    let context = discovered.context.clone().map(|c| match &job.listings {
        Some(listings) => c.with_listings(listings.clone()),
        None => c,
    });
    let ctx = context.as_ref().map(|c| c as &dyn BuildContext);
    let settings = &resolved.settings;
    let mut checked = Checked {
        path: input.display().to_path_buf(),
        text: String::new(),
        diagnostics: Vec::new(),
        threshold: config.threshold,
        fixed: 0,
        diff: String::new(),
        fixed_stdin: None,
        notes: Vec::new(),
        warnings: resolved.warnings.clone(),
        unsafe_fixes: settings.unsafe_fixes,
        write_error: None,
        context: discovered.to_string(),
        context_missing: matches!(discovered.origin, Origin::NotFound { .. }),
    };
    if job.mode == Mode::Check || template.is_some() {
        if let Some(reason) = template.filter(|_| job.mode != Mode::Check) {
            checked.notes.push(format!(
                "{}: not fixing a template ({reason}): it is not the Dockerfile that gets built",
                checked.path.display()
            ));
        }
        checked.diagnostics = lint(&doc, settings, ctx);
        if config.shellcheck {
            match crate::shellcheck::check(&doc, job.shellcheck_all_codes) {
                Ok(mut found) => {
                    if !settings.disable_suppressions {
                        dflint_rules::engine::suppress_by_tool_code(&doc, &mut found, |d| {
                            crate::shellcheck::code_of(d).map(str::to_string)
                        });
                    }
                    checked.diagnostics.extend(found);
                    checked.diagnostics.sort_by_key(|d| d.range.start);
                }
                Err(error) => checked
                    .notes
                    .push(format!("{}: {error}", checked.path.display())),
            }
        }
        checked.text = source.text;
        return Outcome::Checked(Box::new(checked));
    }

    let guarded = fix_guarded(&source.text, settings, ctx, settings.fix_mode());
    let outcome = guarded.outcome;
    let name = checked.path.display().to_string();
    if !guarded.skipped.is_empty() {
        checked.notes.push(format!(
            "{name}: not applying fixes of {} here: they would change lines with syntax errors",
            guarded
                .skipped
                .iter()
                .map(|code| match resolve_rule(code) {
                    Some(rule) => format!("`{}` ({code})", rule.name),
                    None => code.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(refused) = &outcome.refused {
        checked
            .notes
            .push(format!("{name}: fixes refused: {refused}"));
    }
    if !outcome.non_converged.is_empty() {
        checked.notes.push(format!(
            "{name}: fixes of {} did not settle; fixed as far as they got",
            outcome.non_converged.join(", ")
        ));
    }
    checked.fixed = outcome.applied.len();
    let changed = outcome.text != source.text;
    match (job.mode, input) {
        (Mode::Diff, _) => {
            // The BOM is part of the file the diff applies to.
            let bom = if source.bom { "\u{feff}" } else { "" };
            checked.diff = unified_diff(
                &checked.path,
                &format!("{bom}{}", source.text),
                &format!("{bom}{}", outcome.text),
            );
        }
        (Mode::Fix, Input::Stdin { .. }) => checked.fixed_stdin = Some(outcome.text.clone()),
        (Mode::Fix, Input::Path { .. }) if changed => {
            if let Err(error) = write_source(&source, &outcome.text) {
                checked.write_error = Some(error);
            }
        }
        _ => {}
    }
    for (rel, content) in &outcome.created_files {
        create_file(
            &mut checked,
            job.mode,
            input,
            context.as_ref(),
            rel,
            content,
        );
    }
    checked.diagnostics = outcome.remaining;
    checked.text = outcome.text;
    Outcome::Checked(Box::new(checked))
}

fn read(input: &Input, job: &Job) -> Result<SourceFile, FileError> {
    match input {
        Input::Path { path, .. } => read_source(path),
        Input::Stdin { name, .. } => {
            SourceFile::from_bytes(name, job.stdin.unwrap_or_default().to_vec())
        }
    }
}

/// `--context`, else the context found for the Dockerfile; stdin has one only when it was named or `--context`
/// was given.
fn build_context(input: &Input, doc: &Document, explicit: Option<&Path>) -> Discovered {
    match input {
        Input::Path { path, .. } => {
            find_context(path, doc, explicit, working_folder_above(path).as_deref())
        }
        Input::Stdin { name, named } if *named || explicit.is_some() => {
            find_context(name, doc, explicit, working_folder_above(name).as_deref())
        }
        Input::Stdin { .. } => Discovered {
            context: None,
            origin: Origin::NoFile,
        },
    }
}

/// A file a fix creates next to the Dockerfile (a `.dockerignore`): written with `--fix`, shown with `--diff`,
/// never over an existing file.
fn create_file(
    checked: &mut Checked,
    mode: Mode,
    input: &Input,
    context: Option<&DiskBuildContext>,
    rel: &str,
    content: &str,
) {
    let Some(path) = context.and_then(|c| c.path_of(rel)) else {
        checked.notes.push(format!(
            "{}: cannot create `{rel}`: build context not found; pass --context",
            checked.path.display()
        ));
        return;
    };
    if path.exists() {
        checked.notes.push(format!(
            "{}: not creating {}: it exists",
            checked.path.display(),
            path.display()
        ));
        return;
    }
    match (mode, input) {
        (Mode::Diff, _) => checked.diff.push_str(&creation_diff(&path, content)),
        (Mode::Fix, Input::Path { .. }) => match create_atomic(&path, content.as_bytes()) {
            Ok(()) => {}
            // Created meanwhile, by the fix of another Dockerfile in the folder.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                checked.notes.push(format!(
                    "{}: not creating {}: it exists",
                    checked.path.display(),
                    path.display()
                ));
            }
            Err(error) => checked.write_error = Some(error),
        },
        (Mode::Fix, Input::Stdin { .. }) => checked.notes.push(format!(
            "{}: not creating {} when fixing stdin",
            checked.path.display(),
            path.display()
        )),
        (Mode::Check, _) => {}
    }
}
