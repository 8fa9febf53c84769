//! Atomic writes: a crash or a full disk leaves either the old file or the new one, never half of each.
use std::io::Write;
use std::path::Path;

use super::source::{FileError, SourceFile};

/// Replaces the contents of `path` with `bytes`: a temporary file in the same folder (so the rename cannot cross
/// file systems), fsync, then rename over the original. The original's permissions are kept, and a symlink is
/// followed so the link stays a link. On error the original is untouched and the temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_via_temp(path, bytes, true)
}

/// Creates `path` with `bytes`, atomically, only if nothing is there yet: the error's kind is `AlreadyExists`
/// when something is, even if it appeared after a check (another Dockerfile of the folder fixed in parallel).
pub fn create_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_via_temp(path, bytes, false)
}

fn write_via_temp(path: &Path, bytes: &[u8], replace: bool) -> Result<(), FileError> {
    let fail = |error| FileError::new(path, error);
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(fail(e)),
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target).ok().map(|m| m.permissions());

    let mut temp = tempfile::Builder::new()
        .prefix(".dflint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions).map_err(fail)?;
    }
    temp.as_file().sync_all().map_err(fail)?;
    if replace {
        temp.persist(&target).map_err(|e| fail(e.error))?;
    } else {
        temp.persist_noclobber(&target).map_err(|e| fail(e.error))?;
    }
    sync_dir(dir);
    Ok(())
}

/// Writes `new_text` (a new version of `source.text`) back to `source.path`, with its BOM if it had one.
pub fn write_source(source: &SourceFile, new_text: &str) -> Result<(), FileError> {
    write_atomic(&source.path, &source.to_bytes(new_text))
}

/// Makes the rename itself durable. Best effort: some file systems refuse to fsync a folder, and the data is
/// already safe either way.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        write_atomic(&path, b"FROM a\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"FROM a\n");
    }

    #[test]
    fn create_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".dockerignore");
        create_atomic(&path, b"a\n").unwrap();
        let error = create_atomic(&path, b"b\n").unwrap_err();
        assert_eq!(error.error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"a\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty folder fails after the temporary file was written.
        let target = dir.path().join("Dockerfile");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), b"x").unwrap();
        let error = write_atomic(&target, b"FROM a\n").unwrap_err();
        assert_eq!(error.path, target);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["Dockerfile"]);
        assert_eq!(std::fs::read(target.join("keep")).unwrap(), b"x");
    }
}
