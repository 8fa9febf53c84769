//! `exclude` globs, compiled once and matched against paths relative to the config file's folder.
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Compiled exclude patterns. Semantics follow `.gitignore` where it is cheap to:
/// a pattern without `/` matches at any depth, a leading `/` anchors it to the root,
/// and a pattern that names a folder excludes everything under it.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    root: PathBuf,
    patterns: Vec<String>,
    set: GlobSet,
}

impl Excludes {
    /// Compiles `patterns` relative to `root`. On a bad glob, returns its index and the reason.
    pub fn new(root: &Path, patterns: &[String]) -> Result<Excludes, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            for variant in variants(pattern) {
                let glob = GlobBuilder::new(&variant)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| (index, e.kind().to_string()))?;
                builder.add(glob);
            }
        }
        let set = builder.build().map_err(|e| (0, e.to_string()))?;
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Excludes {
            root,
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether `path` (relative to the working folder, or absolute) is excluded. Paths outside the root never are.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let Ok(absolute) = std::path::absolute(path) else {
            return false;
        };
        match absolute.strip_prefix(&self.root) {
            Ok(relative) if !relative.as_os_str().is_empty() => self.set.is_match(relative),
            _ => false,
        }
    }
}

/// The globs one pattern stands for.
fn variants(pattern: &str) -> Vec<String> {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let pattern = pattern.strip_suffix('/').unwrap_or(pattern);
    let (anchored, pattern) = match pattern.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let mut bases = vec![pattern.to_string()];
    if !anchored && !pattern.contains('/') {
        bases.push(format!("**/{pattern}"));
    }
    let mut all = bases.clone();
    if !pattern.ends_with("/**") {
        all.extend(bases.iter().map(|b| format!("{b}/**")));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excludes(patterns: &[&str]) -> Excludes {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        Excludes::new(Path::new("/repo"), &patterns).unwrap()
    }

    #[test]
    fn globs_match_relative_to_root() {
        let ex = excludes(&["vendor/**", "**/*.template", "build", "/top.Dockerfile"]);
        assert!(ex.is_excluded(Path::new("/repo/vendor/x/Dockerfile")));
        assert!(ex.is_excluded(Path::new("/repo/a/b/Dockerfile.template")));
        assert!(ex.is_excluded(Path::new("/repo/build")));
        assert!(ex.is_excluded(Path::new("/repo/a/build/Dockerfile")));
        assert!(ex.is_excluded(Path::new("/repo/top.Dockerfile")));
        assert!(!ex.is_excluded(Path::new("/repo/a/top.Dockerfile")));
        assert!(!ex.is_excluded(Path::new("/repo/Dockerfile")));
        assert!(!ex.is_excluded(Path::new("/elsewhere/vendor/Dockerfile")));
    }

    #[test]
    fn star_does_not_cross_folders() {
        let ex = excludes(&["docker/*.Dockerfile"]);
        assert!(ex.is_excluded(Path::new("/repo/docker/a.Dockerfile")));
        assert!(!ex.is_excluded(Path::new("/repo/docker/sub/a.Dockerfile")));
    }

    #[test]
    fn bad_glob_names_its_index() {
        let patterns = vec!["ok".to_string(), "a[".to_string()];
        let (index, message) = Excludes::new(Path::new("/repo"), &patterns).unwrap_err();
        assert_eq!(index, 1);
        assert!(message.contains("unclosed character class"), "{message}");
    }
}
