//! What a rule sees while it checks: the document, its options, the build context (when known) and helpers.
use std::collections::BTreeMap;
use std::ops::Range;

use super::diagnostic::{Diagnostic, Severity};
use super::options::RuleOptions;
use super::rule::RuleMeta;
use super::suppression::UnusedSuppression;
use crate::optimizer::facts::Facts;
use crate::syntax::{query, Document};

/// A read-only view of the build context (the folder `docker build` sends). The CLI implements it on disk;
/// paths are relative to the context root, with `/` separators.
pub trait BuildContext {
    fn exists(&self, rel: &str) -> bool;
    fn read(&self, rel: &str) -> Option<String>;
    /// Names of the entries directly inside `rel_dir` (`""` for the root); empty when it is not a folder.
    fn list(&self, rel_dir: &str) -> Vec<String>;
}

/// A build context held in memory: for tests, and for an editor that knows the files without a disk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryBuildContext {
    files: BTreeMap<String, String>,
}

impl MemoryBuildContext {
    pub fn new() -> MemoryBuildContext {
        MemoryBuildContext::default()
    }
    pub fn with_file(mut self, rel: &str, content: &str) -> MemoryBuildContext {
        self.files
            .insert(rel.trim_start_matches("./").to_string(), content.into());
        self
    }
}

impl BuildContext for MemoryBuildContext {
    fn exists(&self, rel: &str) -> bool {
        let rel = rel.trim_start_matches("./").trim_end_matches('/');
        rel.is_empty()
            || self.files.contains_key(rel)
            || self.files.keys().any(|k| {
                k.strip_prefix(rel)
                    .is_some_and(|rest| rest.starts_with('/'))
            })
    }
    fn read(&self, rel: &str) -> Option<String> {
        self.files.get(rel.trim_start_matches("./")).cloned()
    }
    fn list(&self, rel_dir: &str) -> Vec<String> {
        let dir = rel_dir.trim_start_matches("./").trim_end_matches('/');
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: Vec<String> = self
            .files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .collect();
        out.dedup();
        out
    }
}

/// The view one rule gets of one document.
pub struct Context<'a> {
    doc: &'a Document,
    options: &'a RuleOptions,
    build_context: Option<&'a dyn BuildContext>,
    meta: &'static RuleMeta,
    severity: Severity,
    newline: &'static str,
    unused: &'a [UnusedSuppression],
    /// The optimizer's analysis of the document, computed once per lint and shared by its rules.
    facts: &'a std::cell::OnceCell<Facts<'a>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        doc: &'a Document,
        meta: &'static RuleMeta,
        severity: Severity,
        options: &'a RuleOptions,
        build_context: Option<&'a dyn BuildContext>,
        facts: &'a std::cell::OnceCell<Facts<'a>>,
    ) -> Context<'a> {
        Context {
            doc,
            options,
            build_context,
            meta,
            severity,
            newline: query::line_ending(doc.text()),
            unused: &[],
            facts,
        }
    }

    /// The optimizer's analysis of the document (shell commands, copies, stages), built on first use.
    pub(crate) fn facts(&self) -> &'a Facts<'a> {
        self.facts
            .get_or_init(|| Facts::of(self.doc, self.build_context))
    }

    pub(crate) fn with_unused(mut self, unused: &'a [UnusedSuppression]) -> Context<'a> {
        self.unused = unused;
        self
    }

    pub fn doc(&self) -> &'a Document {
        self.doc
    }
    pub fn text(&self) -> &'a str {
        self.doc.text()
    }
    pub fn options(&self) -> &'a RuleOptions {
        self.options
    }
    /// The build context, when the caller knows it.
    pub fn build_context(&self) -> Option<&'a dyn BuildContext> {
        self.build_context
    }
    pub fn meta(&self) -> &'static RuleMeta {
        self.meta
    }
    /// The file's line ending (`"\r\n"` when its first line ends so), for fixes that insert lines.
    pub fn newline(&self) -> &'static str {
        self.newline
    }
    /// Suppressions that suppressed nothing (only for rules of the `AfterSuppression` phase).
    pub fn unused_suppressions(&self) -> &'a [UnusedSuppression] {
        self.unused
    }

    /// A diagnostic of this rule, with its effective severity.
    pub fn diagnostic(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.meta.code,
            name: self.meta.name,
            severity: self.severity,
            range,
            message: message.into(),
            fix: None,
            tags: Vec::new(),
        }
    }

    /// The source text of a range.
    pub fn slice(&self, range: Range<usize>) -> &'a str {
        &self.doc.text()[range]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_context_lists_and_reads() {
        let ctx = MemoryBuildContext::new()
            .with_file("package.json", "{}")
            .with_file("src/a.js", "")
            .with_file("src/b/c.js", "");
        assert!(ctx.exists("package.json"));
        assert!(ctx.exists("./src"));
        assert!(!ctx.exists("sr"));
        assert_eq!(ctx.read("./package.json").as_deref(), Some("{}"));
        assert_eq!(ctx.list(""), ["package.json", "src"]);
        assert_eq!(ctx.list("src/"), ["a.js", "b"]);
    }
}
