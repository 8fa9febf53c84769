//! Which files to lint: named files always, and the Dockerfiles found under named folders, minus what `.gitignore`
//! and the config's `exclude` leave out.
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use super::source::FileError;

/// Asked about each folder and file met in a walk: `true` prunes it. Shared with the walker, hence `Arc`.
pub type ExcludeFn = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// Files to lint, sorted and without duplicates, and the paths that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<PathBuf>,
    pub errors: Vec<FileError>,
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
/// outside a git repository; hidden folders are entered (`.devcontainer/Dockerfile` is common) except `.git`.
pub fn discover(paths: &[PathBuf], excluded: &ExcludeFn) -> Discovery {
    let mut discovery = Discovery::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => discovery.errors.push(FileError::new(path, error)),
            Ok(meta) if meta.is_dir() => walk(path, excluded, &mut discovery),
            Ok(_) => discovery.files.push(path.clone()),
        }
    }
    discovery.files.sort();
    discovery.files.dedup();
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
            is_root || (entry.file_name() != ".git" && !excluded(entry.path()))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry
                    .file_type()
                    .is_some_and(|t| t.is_file() || t.is_symlink());
                let named = entry.file_name().to_str().is_some_and(is_dockerfile_name);
                if is_file && named && entry.depth() > 0 {
                    discovery.files.push(entry.into_path());
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
}
