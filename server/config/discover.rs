//! Which config applies to a Dockerfile: `--config`, else the nearest dflint file up the tree, else the nearest
//! hadolint file, else defaults. Resolved configs are cached per file found, for the CLI's walk and the LSP alike.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::{Config, ConfigError, Overrides};

/// Names of dflint's config file, in order of preference within one folder.
pub const DFLINT_CONFIG_NAMES: &[&str] = &[".dflint.toml", "dflint.toml"];
/// hadolint's project config names, read only when no dflint file is found anywhere up the tree.
pub const HADOLINT_CONFIG_NAMES: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// The config file for files in `dir`: the nearest dflint file, else the nearest hadolint file.
pub fn find_config_file(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let nearest = |names: &[&str]| {
        dir.ancestors().find_map(|folder| {
            names
                .iter()
                .map(|name| folder.join(name))
                .find(|p| p.is_file())
        })
    };
    nearest(DFLINT_CONFIG_NAMES).or_else(|| nearest(HADOLINT_CONFIG_NAMES))
}

/// Finds, loads and caches configs. Shared by reference (`&self`), so a language server can keep one across requests.
#[derive(Debug)]
pub struct ConfigResolver {
    overrides: Overrides,
    /// From `--config`: applies to every file.
    fixed: Option<Arc<Config>>,
    default: Arc<Config>,
    /// Config file path → loaded config (or its error, reported once per file that needs it).
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, ConfigError>>>,
    /// Folder → config file that applies there.
    found: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

impl ConfigResolver {
    /// Discovers configs per Dockerfile folder.
    pub fn new(overrides: Overrides) -> ConfigResolver {
        let default = Arc::new(Config::default().with_overrides(&overrides));
        ConfigResolver {
            overrides,
            fixed: None,
            default,
            loaded: Mutex::default(),
            found: Mutex::default(),
        }
    }

    /// Uses one config file for every Dockerfile (`--config PATH`).
    pub fn with_config_file(
        path: &Path,
        overrides: Overrides,
    ) -> Result<ConfigResolver, ConfigError> {
        let config = Config::load(path)?.with_overrides(&overrides);
        let mut resolver = ConfigResolver::new(overrides);
        resolver.fixed = Some(Arc::new(config));
        Ok(resolver)
    }

    /// Uses a config built elsewhere (the LSP's settings) for every Dockerfile.
    pub fn with_config(config: Config, overrides: Overrides) -> ConfigResolver {
        let mut resolver = ConfigResolver::new(overrides.clone());
        resolver.fixed = Some(Arc::new(config.with_overrides(&overrides)));
        resolver
    }

    /// The config for the Dockerfile at `file`.
    pub fn config_for(&self, file: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Some(config_file) = self.config_file_for_dir(dir) else {
            return Ok(self.default.clone());
        };
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        loaded
            .entry(config_file.clone())
            .or_insert_with(|| {
                Config::load(&config_file).map(|c| Arc::new(c.with_overrides(&self.overrides)))
            })
            .clone()
    }

    /// Whether the applicable config excludes `path`. A broken config excludes nothing: its error surfaces when
    /// the file is checked.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.config_for(path)
            .is_ok_and(|config| config.excludes.is_excluded(path))
    }

    /// Forgets everything found and loaded, after a config file changed on disk.
    pub fn invalidate(&self) {
        self.loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.found
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn config_file_for_dir(&self, dir: &Path) -> Option<PathBuf> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        found
            .entry(dir.clone())
            .or_insert_with(|| find_config_file(&dir))
            .clone()
    }
}
