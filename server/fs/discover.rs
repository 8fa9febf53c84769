//! Which files to lint: named files always, and the Dockerfiles found under named folders, minus what `.gitignore`
//! and the config's `exclude` leave out, dependency and build folders, hidden folders and templates.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use super::source::FileError;

/// Asked about each folder and file met in a walk: `true` prunes it. Shared with the walker, hence `Arc`.
pub type ExcludeFn = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Files to lint, sorted and without duplicates, and the paths that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Each file, and whether the command line named it (rather than a folder scan finding it).
    pub files: Vec<(PathBuf, bool)>,
    pub errors: Vec<FileError>,
}

/// Folders a scan never enters, git repository or not: installed dependencies and build output hold other
/// projects' Dockerfiles.
const SKIPPED_FOLDERS: &[&str] = &["node_modules", "venv", "target", "bower_components"];

/// Hidden folders a scan still enters: they hold the project's own Dockerfiles (dev containers, container
/// actions). Other hidden folders (`.git`, `.venv`, `.tox`, `.terraform`, caches) are skipped.
const HIDDEN_KEPT: &[&str] = &[".devcontainer", ".github"];

/// Why a file is a template rather than a Dockerfile (its name, or `{{ }}` / `{% %}` where Dockerfile syntax
/// goes), or `None`. Go template actions inside a RUN command (`docker inspect -f '{{.Id}}'`) are shell text,
/// not template markup, so only lines that start with one, or a FROM that holds one, count.
pub fn template_reason(path: &Path, text: &str) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    for ext in [".template", ".j2", ".tmpl", ".tpl"] {
        if lower.ends_with(ext) {
            return Some(format!("its name ends with `{ext}`"));
        }
    }
    if lower.contains(".jinja") {
        return Some("its name says Jinja".into());
    }
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let from = trimmed
            .get(..5)
            .is_some_and(|k| k.eq_ignore_ascii_case("from "));
        let markup = trimmed.starts_with("{{")
            || trimmed.starts_with("{%")
            || (line.contains("{%") && line.contains("%}"))
            || (from && line.contains("{{"));
        if markup {
            return Some(format!("template markup on line {}", n + 1));
        }
    }
    None
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`,
/// `Containerfile`, `Containerfile.*`. BuildKit's per-Dockerfile ignore files (`Dockerfile.dockerignore`) are not.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") || name.ends_with(".containerignore") {
        return false;
    }
    let stem_or_prefix =
        |base: &str| name == base || name.strip_prefix(base).is_some_and(|r| r.starts_with('.'));
    stem_or_prefix("Dockerfile")
        || stem_or_prefix("Containerfile")
        || (name.len() > ".dockerfile".len()
            && (name.ends_with(".Dockerfile") || name.ends_with(".dockerfile")))
}

/// Finds the files to lint under `paths`. A named file is always linted, whatever its name or the excludes say
/// (the user asked for it). Folders are walked respecting `.gitignore`, `.ignore` and git's exclude files, also
/// outside a git repository, without entering `SKIPPED_FOLDERS` or hidden folders (but `HIDDEN_KEPT`), and
/// without files whose names say they are templates.
pub fn discover(paths: &[PathBuf], excluded: &ExcludeFn) -> Discovery {
    let mut discovery = Discovery::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => discovery.errors.push(FileError::new(path, error)),
            Ok(meta) if meta.is_dir() => walk(path, excluded, &mut discovery),
            Ok(_) => discovery.files.push((path.clone(), true)),
        }
    }
    discovery.files.sort();
    // A file both named and found is named.
    discovery.files.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 |= later.1;
        }
        same
    });
    discovery
}

fn walk(root: &Path, excluded: &ExcludeFn, discovery: &mut Discovery) {
    let excluded = excluded.clone();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let is_root = entry.depth() == 0;
            is_root || (!skipped_folder(entry) && !excluded(entry.path()))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry
                    .file_type()
                    .is_some_and(|t| t.is_file() || t.is_symlink());
                let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
                if is_file
                    && named
                    && entry.depth() > 0
                    && template_reason(entry.path(), "").is_none()
                {
                    discovery.files.push((entry.into_path(), false));
                }
            }
            Err(error) => {
                let path = error_path(&error).unwrap_or_else(|| root.to_path_buf());
                let io = error
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot walk folder"));
                discovery.errors.push(FileError::new(&path, io));
            }
        }
    }
}

fn skipped_folder(entry: &ignore::DirEntry) -> bool {
    if !entry.file_type().is_some_and(|t| t.is_dir()) {
        return false;
    }
    let name = entry.file_name().to_string_lossy();
    SKIPPED_FOLDERS.contains(&name.as_ref())
        || (name.starts_with('.') && !HIDDEN_KEPT.contains(&name.as_ref()))
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.x",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfiles",
            "dockerfile",
            "Dockerfile.dockerignore",
            ".dockerfile",
            "Makefile",
            "Dockerfile-x",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }

    #[test]
    fn templates_by_name_and_markup() {
        let plain = "FROM a\nRUN docker inspect -f '{{.Id}}' x\n";
        assert_eq!(template_reason(Path::new("d/Dockerfile"), plain), None);
        for name in [
            "Dockerfile.template",
            "Dockerfile.j2",
            "Dockerfile.jinja2",
            "x.Dockerfile.tmpl",
            "Dockerfile.tpl",
        ] {
            assert!(template_reason(Path::new(name), plain).is_some(), "{name}");
        }
        for text in [
            "FROM {{ .Base }}\n",
            "from a\n{{ if .X }}\nRUN x\n{{ end }}\n",
            "FROM a\nRUN x {% if y %}z{% endif %}\n",
        ] {
            assert!(
                template_reason(Path::new("Dockerfile"), text).is_some(),
                "{text}"
            );
        }
        assert_eq!(
            template_reason(Path::new("Dockerfile"), "FROM a\n  {{ end }}\n").as_deref(),
            Some("template markup on line 2")
        );
    }
}
