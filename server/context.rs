//! The build context on disk: a read-only view of the folder `docker build` would send, for rules that look at
//! files (`.dockerignore`, manifests). Nothing is read until a rule asks; paths cannot leave the root.
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use dflint_rules::engine::BuildContext;

/// Files larger than this read as absent: rules look at small manifests, never at build artefacts.
const MAX_READ: u64 = 4 * 1024 * 1024;

/// A folder on disk seen as a build context. It honours nothing (no `.dockerignore` filtering): rules that care
/// read `.dockerignore` themselves.
#[derive(Clone, Debug)]
pub struct DiskBuildContext {
    root: PathBuf,
    listings: Option<Listings>,
}

/// Folder listings shared by the contexts of one `dflint check` run that writes nothing, so that many Dockerfiles
/// in one folder list it once (`missing-dockerignore` lists the context's root for `<name>.dockerignore` files).
/// Not for runs that create files, nor for the language server, where the folder changes under it.
#[derive(Clone, Debug, Default)]
pub struct Listings(Arc<Mutex<HashMap<PathBuf, Vec<String>>>>);

impl DiskBuildContext {
    pub fn new(root: impl Into<PathBuf>) -> DiskBuildContext {
        DiskBuildContext {
            root: root.into(),
            listings: None,
        }
    }

    /// Lists folders through `listings`, shared with other contexts.
    pub fn with_listings(mut self, listings: Listings) -> DiskBuildContext {
        self.listings = Some(listings);
        self
    }

    /// The context of a Dockerfile: `explicit` (`--context`) when given, else the Dockerfile's folder.
    pub fn for_dockerfile(dockerfile: &Path, explicit: Option<&Path>) -> DiskBuildContext {
        let root = match explicit {
            Some(dir) => dir.to_path_buf(),
            None => dockerfile
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        };
        DiskBuildContext::new(root)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of `rel` under the root, or `None` when it would leave the root (`..`, absolute paths).
    pub fn path_of(&self, rel: &str) -> Option<PathBuf> {
        let mut path = self.root.clone();
        for component in Path::new(rel).components() {
            match component {
                Component::Normal(part) => path.push(part),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
            }
        }
        Some(path)
    }
}

impl BuildContext for DiskBuildContext {
    fn exists(&self, rel: &str) -> bool {
        self.path_of(rel).is_some_and(|p| p.exists())
    }

    fn read(&self, rel: &str) -> Option<String> {
        let path = self.path_of(rel)?;
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        String::from_utf8(std::fs::read(path).ok()?).ok()
    }

    fn list(&self, rel_dir: &str) -> Vec<String> {
        let Some(dir) = self.path_of(rel_dir) else {
            return Vec::new();
        };
        let Some(listings) = &self.listings else {
            return list_dir(&dir);
        };
        let key = std::path::absolute(&dir).unwrap_or(dir);
        if let Some(names) = listings.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return names;
        }
        let names = list_dir(&key);
        if let Ok(mut map) = listings.0.lock() {
            map.insert(key, names.clone());
        }
        names
    }
}

/// The sorted names in a folder; empty when it cannot be read.
fn list_dir(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_and_stays_inside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("package.json"), "{}").unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/a.js"), "").unwrap();
        let ctx = DiskBuildContext::new(dir.path());
        assert!(ctx.exists("package.json"));
        assert!(ctx.exists("./src"));
        assert!(ctx.exists(""));
        assert!(!ctx.exists("nope"));
        assert_eq!(ctx.read("./package.json").as_deref(), Some("{}"));
        assert_eq!(ctx.read("src"), None);
        assert_eq!(ctx.list(""), ["package.json", "src"]);
        assert_eq!(ctx.list("src/"), ["a.js"]);
        assert!(ctx.list("package.json").is_empty());
        assert!(!ctx.exists("../"));
        assert_eq!(ctx.read("/etc/passwd"), None);
        assert!(ctx.list("src/../..").is_empty());
    }

    #[test]
    fn shared_listings_read_a_folder_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "").unwrap();
        let listings = Listings::default();
        let first = DiskBuildContext::new(dir.path()).with_listings(listings.clone());
        let second = DiskBuildContext::new(dir.path().join(".")).with_listings(listings.clone());
        assert_eq!(first.list(""), ["a"]);
        std::fs::write(dir.path().join("b"), "").unwrap();
        assert_eq!(
            second.list(""),
            ["a"],
            "the listing is shared, not read again"
        );
        assert_eq!(DiskBuildContext::new(dir.path()).list(""), ["a", "b"]);
        assert!(first.list("..").is_empty());
    }

    #[test]
    fn defaults_to_the_dockerfile_folder() {
        let ctx = DiskBuildContext::for_dockerfile(Path::new("a/b/Dockerfile"), None);
        assert_eq!(ctx.root(), Path::new("a/b"));
        let ctx = DiskBuildContext::for_dockerfile(Path::new("Dockerfile"), None);
        assert_eq!(ctx.root(), Path::new("."));
        let ctx =
            DiskBuildContext::for_dockerfile(Path::new("a/Dockerfile"), Some(Path::new("ctx")));
        assert_eq!(ctx.root(), Path::new("ctx"));
    }
}
