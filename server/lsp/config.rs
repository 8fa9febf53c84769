//! The settings a document is linted with: the `.dflint.toml` (or `.hadolint.yaml`) of its folder, found by the
//! shared `ConfigResolver`, with the editor's settings (`initializationOptions`, `workspace/configuration` section
//! `dflint`, same schema as `.dflint.toml`) laid over it: a key the editor sets wins, lists of ignores add up.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use dflint_rules::engine::Settings;
use serde_json::Value;

use crate::config::{Config, ConfigResolver, Overrides};
use crate::settings::settings_for;

/// Keys of the editor's settings that configure the server rather than the rules.
const SERVER_KEYS: &[&str] = &["diagnosticMode", "diagnostic-mode", "trace"];

/// What a document is linted with.
#[derive(Debug, Default)]
pub struct Effective {
    pub settings: Settings,
    /// Problems with the config file or the editor's settings, for the user to see once.
    pub problems: Vec<String>,
    /// The editor's settings say `"unsafe-fixes": false`: quick-fix menus offer safe fixes only.
    /// (Unset, every fix is offered; the file's `unsafe-fixes` is about `--fix`, not menus.)
    pub hide_unsafe_quick_fixes: bool,
    /// The workspace folder that holds the document (the innermost, in a multi-root workspace): where the search
    /// for its build context stops.
    pub workspace_folder: Option<PathBuf>,
}

pub struct Store {
    resolver: ConfigResolver,
    /// `initializationOptions`, and the `workspace/configuration` answer, which replaces them when it is an object.
    editor: RwLock<(Option<Value>, Option<Value>)>,
    root: RwLock<Option<PathBuf>>,
    /// Every workspace folder the client named.
    folders: RwLock<Vec<PathBuf>>,
    /// Folder → effective settings. Cleared whenever any input changes.
    cache: Mutex<HashMap<Option<PathBuf>, Arc<Effective>>>,
    /// Bumped on every change, so results computed with older settings are known stale.
    generation: AtomicU64,
}

impl Default for Store {
    fn default() -> Store {
        Store {
            resolver: ConfigResolver::new(Overrides::default()),
            editor: RwLock::default(),
            root: RwLock::default(),
            folders: RwLock::default(),
            cache: Mutex::default(),
            generation: AtomicU64::new(1),
        }
    }
}

/// The settings object within what a client sent: `{"dflint": {...}}`, `{"settings": {...}}` or the object itself.
pub fn unwrap_settings(value: &Value) -> Option<Value> {
    let object = value.as_object()?;
    for key in ["dflint", "settings"] {
        if let Some(inner) = object.get(key).filter(|v| v.is_object()) {
            return Some(inner.clone());
        }
    }
    Some(value.clone())
}

impl Store {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn set_root(&self, root: Option<PathBuf>) {
        *self.root.write().unwrap_or_else(PoisonError::into_inner) = root;
    }

    /// The workspace folders (all of them, in a multi-root workspace).
    pub fn set_folders(&self, folders: Vec<PathBuf>) {
        *self.folders.write().unwrap_or_else(PoisonError::into_inner) = folders;
        self.invalidate_cache();
    }

    /// The innermost workspace folder that holds `path`.
    fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        let folders = self.folders.read().unwrap_or_else(PoisonError::into_inner);
        folders
            .iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.components().count())
            .cloned()
    }

    /// The settings given in `initializationOptions`.
    pub fn set_initialization(&self, value: Option<Value>) {
        self.set_editor(|e| &mut e.0, value);
    }

    /// The settings from `workspace/configuration` or `didChangeConfiguration` (`None`: the client has none).
    pub fn set_workspace(&self, value: Option<Value>) {
        self.set_editor(|e| &mut e.1, value);
    }

    fn set_editor(
        &self,
        field: impl Fn(&mut (Option<Value>, Option<Value>)) -> &mut Option<Value>,
        value: Option<Value>,
    ) {
        let value = value.filter(|v| v.is_object());
        let mut editor = self.editor.write().unwrap_or_else(PoisonError::into_inner);
        let slot = field(&mut editor);
        if *slot != value {
            *slot = value;
            drop(editor);
            self.invalidate_cache();
        }
    }

    /// A config file changed on disk: forget every config found or loaded.
    pub fn config_files_changed(&self) {
        self.resolver.invalidate();
        self.invalidate_cache();
    }

    fn invalidate_cache(&self) {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The effective settings of the document at `path` (`None`: an unsaved document).
    pub fn for_document(&self, path: Option<&Path>) -> Arc<Effective> {
        let dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = cache.get(&dir) {
            return hit.clone();
        }
        let effective = Arc::new(self.compute(path));
        cache.insert(dir, effective.clone());
        effective
    }

    fn compute(&self, path: Option<&Path>) -> Effective {
        let mut problems = Vec::new();
        let file = match path {
            Some(p) => match self.resolver.config_for(p) {
                Ok(c) => (*c).clone(),
                Err(e) => {
                    problems.push(e.to_string());
                    Config::default()
                }
            },
            None => Config::default(),
        };
        let editor = {
            let e = self.editor.read().unwrap_or_else(PoisonError::into_inner);
            e.1.clone().or_else(|| e.0.clone())
        };
        let hide_unsafe_quick_fixes = editor.as_ref().is_some_and(|v| {
            ["unsafe-fixes", "unsafeFixes"]
                .iter()
                .any(|k| v.get(*k).and_then(Value::as_bool) == Some(false))
        });
        let config = match editor {
            Some(value) => {
                let root = self
                    .root
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                match overlay(file.clone(), &value, root.as_deref()) {
                    Ok(c) => c,
                    Err(e) => {
                        problems.push(e);
                        file
                    }
                }
            }
            None => file,
        };
        let resolved = settings_for(&config);
        problems.extend(resolved.errors.iter().map(|e| e.to_string()));
        Effective {
            settings: resolved.settings,
            problems,
            hide_unsafe_quick_fixes,
            workspace_folder: path.and_then(|p| self.folder_of(p)),
        }
    }
}

/// Lays the editor's settings over a file's config, key by key.
fn overlay(mut base: Config, value: &Value, root: Option<&Path>) -> Result<Config, String> {
    let mut object = value.as_object().cloned().unwrap_or_default();
    for key in SERVER_KEYS {
        object.remove(*key);
    }
    if object.is_empty() {
        return Ok(base);
    }
    let label = Path::new("editor settings (dflint)");
    let root = root.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let editor = Config::from_json(&Value::Object(object.clone()), label, &root)
        .map_err(|e| e.to_string())?;
    if object.contains_key("select") {
        base.select = editor.select;
    }
    base.ignore.extend(editor.ignore);
    base.severity.extend(editor.severity);
    base.rule_options.extend(editor.rule_options);
    if object.contains_key("unsafe-fixes") {
        base.unsafe_fixes = editor.unsafe_fixes;
    }
    if object.contains_key("severity-threshold") {
        base.threshold = editor.threshold;
    }
    if object.contains_key("exclude") {
        base.excludes = editor.excludes;
    }
    Ok(base)
}

/// How the client wants diagnostics, from `initializationOptions.diagnosticMode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticMode {
    /// Pull when the client supports it, else push.
    Auto,
    Push,
    Pull,
}

pub fn diagnostic_mode(init: Option<&Value>) -> DiagnosticMode {
    let get = |v: &Value| {
        v.get("diagnosticMode")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mode = init.and_then(|v| get(v).or_else(|| unwrap_settings(v).and_then(|s| get(&s))));
    match mode.as_deref() {
        Some("push") => DiagnosticMode::Push,
        Some("pull") => DiagnosticMode::Pull,
        _ => DiagnosticMode::Auto,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn editor_keys_override_and_ignores_add_up() {
        let base = Config::from_toml_str(
            "select = [\"DF1\"]\nignore = [\"DF101\"]\n",
            Path::new("/p/.dflint.toml"),
        )
        .unwrap();
        let merged = overlay(
            base,
            &json!({"ignore": ["DF102"], "diagnosticMode": "push"}),
            None,
        )
        .unwrap();
        let texts: Vec<&str> = merged.ignore.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["DF101", "DF102"]);
        assert_eq!(merged.select.unwrap()[0].text, "DF1");
        assert!(overlay(Config::default(), &json!({"select": 3}), None).is_err());
    }

    #[test]
    fn settings_objects_and_modes() {
        assert_eq!(
            unwrap_settings(&json!({"dflint": {"select": []}})),
            Some(json!({"select": []}))
        );
        assert_eq!(
            unwrap_settings(&json!({"select": []})),
            Some(json!({"select": []}))
        );
        assert_eq!(
            diagnostic_mode(Some(&json!({"diagnosticMode": "push"}))),
            DiagnosticMode::Push
        );
        assert_eq!(
            diagnostic_mode(Some(&json!({"dflint": {"diagnosticMode": "pull"}}))),
            DiagnosticMode::Pull
        );
        assert_eq!(diagnostic_mode(None), DiagnosticMode::Auto);
    }
}
