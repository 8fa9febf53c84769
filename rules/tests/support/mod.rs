//! Shared by the optimizer specs: a build context read from a fixture folder, and small checks on fixed files;
//! and by the corpus tests, the corpus and a way to go over its files on every core.
#![allow(dead_code)]
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use dflint_rules::engine::{BuildContext, Diagnostic};

/// A build context on disk (the tests may do IO; the core does not).
pub struct DirContext(pub PathBuf);

impl BuildContext for DirContext {
    fn exists(&self, rel: &str) -> bool {
        let rel = rel.trim_start_matches("./");
        rel.is_empty() || self.0.join(rel).exists()
    }
    fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(rel.trim_start_matches("./"))).ok()
    }
    fn list(&self, rel: &str) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.0.join(rel.trim_start_matches("./")))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("expected."))
            .collect();
        out.sort();
        out
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/optimizer")
}

/// The shared corpus (`../shared/corpus/public`), when it is there.
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/public");
    p.is_dir().then_some(p)
}

/// Every file under `root`, in path order (none when `root` is missing).
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(
                std::fs::read_dir(&p)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path()),
            );
        } else if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// `f` on every item, on every core (the test harness runs one test binary at a time, and a corpus test is most of
/// its binary's time); the results in the items' order.
pub fn map_on_all_cores<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was processed")
        })
        .collect()
}

/// Compares `got` with the file `expected`; `DFLINT_UPDATE_FIXTURES=1` writes it instead (review the diff).
#[track_caller]
pub fn snapshot(expected: &Path, got: &str) {
    if std::env::var_os("DFLINT_UPDATE_FIXTURES").is_some() {
        std::fs::write(expected, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run with DFLINT_UPDATE_FIXTURES=1 and review it",
            expected.display()
        )
    });
    assert_eq!(got, want, "{} differs", expected.display());
}

/// Codes of diagnostics beyond their count in `before`: what a fix added.
pub fn added(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in before {
        *counts.entry(d.code).or_default() += 1;
    }
    let mut out = Vec::new();
    for d in after {
        match counts.get_mut(d.code) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(format!("{} {}: {}", d.code, d.name, d.message)),
        }
    }
    out
}
