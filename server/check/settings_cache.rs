//! Engine settings per config, computed once: every Dockerfile under one config file shares them.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::config::Config;
use crate::settings::{settings_for, ResolvedSettings};

/// A config, kept alive so its address stays its own, and what it means to the engine.
type Entry = (Arc<Config>, Arc<ResolvedSettings>);

/// Keyed by the config's address: the resolver hands out one `Arc` per config file and keeps it alive.
#[derive(Default)]
pub struct SettingsCache {
    map: Mutex<HashMap<usize, Entry>>,
}

impl SettingsCache {
    pub fn get(&self, config: &Arc<Config>) -> Arc<ResolvedSettings> {
        let key = Arc::as_ptr(config) as usize;
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        // The cached `Arc<Config>` pins the address, so a key cannot be reused by another config.
        map.entry(key)
            .or_insert_with(|| (config.clone(), Arc::new(settings_for(config))))
            .1
            .clone()
    }
}
