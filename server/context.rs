//! The build context on disk: which folder `docker build` would send (found, not assumed), and a read-only view of
//! it for rules that look at files (`.dockerignore`, manifests). Nothing is read until a rule asks, except the
//! ignore file; paths cannot leave the root.
use std::collections::HashMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use dflint_rules::engine::{context_sources, BuildContext, ContextSource, DockerIgnore};
use dflint_rules::syntax::Document;

/// Files larger than this read as absent: rules look at small manifests, never at build artefacts.
const MAX_READ: u64 = 4 * 1024 * 1024;

/// A folder on disk seen as a build context. Its listings and reads see every file (no `.dockerignore`
/// filtering); the ignore file that applies is available through `dockerignore()` for rules that care.
#[derive(Clone, Debug)]
pub struct DiskBuildContext {
    root: PathBuf,
    listings: Option<Listings>,
    ignore: Option<Arc<DockerIgnore>>,
}

/// Folder listings shared by the contexts of one `dflint check` run that writes nothing, so that many Dockerfiles
/// in one folder list it once (`missing-dockerignore` lists the context's root for its ecosystem files).
/// Not for runs that create files, nor for the language server, where the folder changes under it.
#[derive(Clone, Debug, Default)]
pub struct Listings(Arc<Mutex<HashMap<PathBuf, Vec<String>>>>);

/// How a Dockerfile's build context was chosen, for `dflint check -v` and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `--context`.
    Given,
    /// The Dockerfile names no particular file of its context (it copies nothing, or all of it: `COPY . .`), so
    /// its own folder serves, as it does for `docker build` in that folder.
    NothingCopied,
    /// The nearest folder at or above the Dockerfile that holds every path it copies; `levels` above it.
    Found { levels: usize, sources: Vec<String> },
    /// No folder up to `stopped_at` holds every path it copies; `missing` are those absent beside it.
    NotFound {
        missing: Vec<String>,
        stopped_at: PathBuf,
    },
    /// Stdin without `--stdin-filename` or `--context`: there is no folder to look in.
    NoFile,
}

/// The outcome of looking for a Dockerfile's build context.
#[derive(Clone, Debug)]
pub struct Discovered {
    pub context: Option<DiskBuildContext>,
    pub origin: Origin,
}

impl fmt::Display for Discovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let root = |f: &mut fmt::Formatter<'_>| match &self.context {
            Some(c) => write!(f, "build context `{}`", c.root().display()),
            None => write!(f, "build context not found"),
        };
        root(f)?;
        match &self.origin {
            Origin::Given => write!(f, " (--context)")?,
            Origin::NothingCopied => write!(f, " (the Dockerfile's folder: it names no particular file of its context)")?,
            Origin::Found { levels: 0, .. } => write!(f, " (the Dockerfile's folder holds every file it copies)")?,
            Origin::Found { levels, sources } => write!(
                f,
                " ({levels} folder{} above the Dockerfile: the nearest that holds {})",
                if *levels == 1 { "" } else { "s" },
                quoted(sources)
            )?,
            Origin::NotFound { missing, stopped_at } => write!(
                f,
                ": no folder from the Dockerfile's up to `{}` holds every file it copies ({} not beside it); checks that read the context were skipped; pass --context",
                stopped_at.display(),
                quoted(missing)
            )?,
            Origin::NoFile => write!(f, ": stdin has no folder; pass --stdin-filename or --context")?,
        }
        if let Some(ignore) = self.context.as_ref().and_then(|c| c.ignore.as_ref()) {
            write!(f, "; ignore file `{}`", ignore.source)?;
        }
        Ok(())
    }
}

/// Up to five paths, quoted, then how many more.
fn quoted(paths: &[String]) -> String {
    let mut out: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| {
            if p.is_empty() {
                "`.`".to_string()
            } else {
                format!("`{p}`")
            }
        })
        .collect();
    if paths.len() > 5 {
        out.push(format!("{} more", paths.len() - 5));
    }
    out.join(", ")
}

/// Finds the build context of the Dockerfile at `dockerfile` (which need not exist: stdin's `--stdin-filename`).
/// `given` (`--context`) wins. Otherwise the walk starts at the Dockerfile's folder and goes up to the nearest
/// folder that holds every path the Dockerfile copies from its context; it stops at `boundary` (an editor's
/// workspace folder, or the working folder when it lies above the Dockerfile), at a git repository's root, and
/// below the home folder and the file system's root, which are never a project's context.
pub fn find_context(
    dockerfile: &Path,
    doc: &Document,
    given: Option<&Path>,
    boundary: Option<&Path>,
) -> Discovered {
    if let Some(dir) = given {
        return Discovered {
            context: Some(DiskBuildContext::new(dir).with_ignore_for(dockerfile)),
            origin: Origin::Given,
        };
    }
    let dir = folder_of(dockerfile);
    let sources = context_sources(doc);
    let mut wanted: Vec<&ContextSource> = sources.iter().filter(|s| !s.path.is_empty()).collect();
    wanted.dedup_by(|a, b| a.path == b.path);
    if wanted.is_empty() {
        return Discovered {
            context: Some(DiskBuildContext::new(dir).with_ignore_for(dockerfile)),
            origin: Origin::NothingCopied,
        };
    }
    let start = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
    let boundary = boundary.map(|b| std::path::absolute(b).unwrap_or_else(|_| b.to_path_buf()));
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut here = start.clone();
    let mut levels = 0;
    loop {
        if wanted.iter().all(|s| holds(&here, s)) {
            // An absolute Dockerfile path (the language server's) gets an absolute root.
            let root = match levels {
                0 => dir,
                _ if dockerfile.is_absolute() => here.clone(),
                _ => shown(&here),
            };
            return Discovered {
                context: Some(DiskBuildContext::new(root).with_ignore_for(dockerfile)),
                origin: Origin::Found {
                    levels,
                    sources: wanted.iter().map(|s| s.path.clone()).collect(),
                },
            };
        }
        let at_boundary = boundary.as_deref() == Some(here.as_path()) || here.join(".git").exists();
        let parent = here.parent().map(Path::to_path_buf);
        let stop = match &parent {
            None => true,
            Some(p) => at_boundary || p.parent().is_none() || home.as_deref() == Some(p.as_path()),
        };
        if stop {
            return Discovered {
                context: None,
                origin: Origin::NotFound {
                    missing: wanted
                        .iter()
                        .filter(|s| !holds(&start, s))
                        .map(|s| s.path.clone())
                        .collect(),
                    stopped_at: shown(&here),
                },
            };
        }
        here = parent.unwrap_or_default();
        levels += 1;
    }
}

/// Whether `dir` holds a source: the path itself, or for a pattern the folder its wildcard lies in (a pattern
/// may match nothing).
fn holds(dir: &Path, source: &ContextSource) -> bool {
    let path = dir.join(&source.path);
    if source.glob {
        path.is_dir()
    } else {
        std::fs::symlink_metadata(path).is_ok()
    }
}

/// The working folder when it lies strictly above the Dockerfile's folder: `dflint check` run there treats it as
/// the project, so the search for the context does not leave it (a `README.md` two folders further up is not
/// what the build copies). From inside the Dockerfile's folder, the search goes on up.
pub fn working_folder_above(dockerfile: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let dir = std::path::absolute(folder_of(dockerfile)).ok()?;
    (dir != cwd && dir.starts_with(&cwd)).then_some(cwd)
}

/// A Dockerfile's folder, `.` for a bare name.
fn folder_of(dockerfile: &Path) -> PathBuf {
    dockerfile
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// An absolute folder as reports show it: relative to the working folder when inside it.
fn shown(abs: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return abs.to_path_buf();
    };
    match abs.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => abs.to_path_buf(),
    }
}

impl DiskBuildContext {
    pub fn new(root: impl Into<PathBuf>) -> DiskBuildContext {
        DiskBuildContext {
            root: root.into(),
            listings: None,
            ignore: None,
        }
    }

    /// Lists folders through `listings`, shared with other contexts.
    pub fn with_listings(mut self, listings: Listings) -> DiskBuildContext {
        self.listings = Some(listings);
        self
    }

    /// Reads the ignore file BuildKit applies to `dockerfile`: `<dockerfile>.dockerignore` beside it, else
    /// `.dockerignore` at the root. One that cannot be read counts as absent.
    pub fn with_ignore_for(mut self, dockerfile: &Path) -> DiskBuildContext {
        let mut own = dockerfile.as_os_str().to_owned();
        own.push(".dockerignore");
        let own = PathBuf::from(own);
        let candidates = [own, self.root.join(".dockerignore")];
        self.ignore = candidates.iter().find_map(|path| {
            let meta = std::fs::metadata(path).ok()?;
            if !meta.is_file() || meta.len() > MAX_READ {
                return None;
            }
            let text = String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned();
            let name = path.strip_prefix(".").unwrap_or(path);
            Some(Arc::new(DockerIgnore::parse(
                &name.to_string_lossy(),
                &text,
            )))
        });
        self
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
    fn dockerignore(&self) -> Option<&DockerIgnore> {
        self.ignore.as_deref()
    }

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

    fn found(dockerfile: &Path, text: &str, boundary: Option<&Path>) -> Discovered {
        find_context(dockerfile, &Document::parse(text), None, boundary)
    }

    #[test]
    fn the_nearest_folder_holding_every_source() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("svc/api")).unwrap();
        std::fs::write(root.join("go.mod"), "").unwrap();
        std::fs::write(root.join("svc/api/package.json"), "{}").unwrap();
        let api = root.join("svc/api/Dockerfile");

        // Sources beside the Dockerfile: its folder, as written.
        let d = found(
            &api,
            "FROM a\nCOPY package.json yarn.lock* ./\nCOPY . .\n",
            None,
        );
        assert_eq!(d.context.unwrap().root(), root.join("svc/api"));
        assert!(matches!(d.origin, Origin::Found { levels: 0, .. }));

        // `src` and `go.mod` are two folders up; a pattern needs only its folder; `--from`, URLs, variables and
        // heredocs are not looked for.
        let text = "FROM a\nCOPY go.mod ./\nCOPY ./src/*.go /app/\nCOPY --from=b /x /x\nADD https://e.org/f /f\nCOPY $X /x\nCOPY <<EOF /h\nx\nEOF\n";
        let d = found(&api, text, None);
        assert_eq!(
            std::path::absolute(d.context.as_ref().unwrap().root()).unwrap(),
            std::path::absolute(root).unwrap()
        );
        assert_eq!(
            d.origin,
            Origin::Found {
                levels: 2,
                sources: vec!["go.mod".into(), "src".into()]
            }
        );

        // The search stops at the given boundary, and at the repository's root.
        let d = found(&api, text, Some(&root.join("svc")));
        assert!(d.context.is_none());
        let Origin::NotFound { missing, .. } = &d.origin else {
            panic!("{:?}", d.origin)
        };
        assert_eq!(missing, &["go.mod", "src"]);
        std::fs::create_dir_all(root.join("svc/.git")).unwrap();
        assert!(found(&api, text, None).context.is_none());

        // Nothing copied: the Dockerfile's folder, even a bare name's.
        let d = found(Path::new("Dockerfile"), "FROM a\nRUN x\n", None);
        assert_eq!(d.context.unwrap().root(), Path::new("."));
        assert_eq!(d.origin, Origin::NothingCopied);
    }

    #[test]
    fn the_dockerfiles_own_ignore_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docker")).unwrap();
        std::fs::write(root.join(".dockerignore"), "a\n").unwrap();
        let ctx = DiskBuildContext::new(root).with_ignore_for(&root.join("docker/app.Dockerfile"));
        assert!(ctx.is_ignored("a/x"));
        std::fs::write(root.join("docker/app.Dockerfile.dockerignore"), "b\n").unwrap();
        let ctx = DiskBuildContext::new(root).with_ignore_for(&root.join("docker/app.Dockerfile"));
        assert!(!ctx.is_ignored("a/x"));
        assert!(ctx.is_ignored("b"));
        assert!(ctx
            .dockerignore()
            .unwrap()
            .source
            .ends_with("docker/app.Dockerfile.dockerignore"));
    }
}
