//! What a rule sees while it checks: the document, its options, the build context (when known) and helpers.
use std::cell::OnceCell;
use std::ops::Range;

use super::diagnostic::{Diagnostic, Severity};
use super::options::RuleOptions;
use super::rule::RuleMeta;
use super::suppression::UnusedSuppression;
use crate::build::facts::Facts;
use crate::build::runs::{PackageHit, Runs};
pub use crate::build_context::{context_sources, BuildContext, ContextSource, MemoryBuildContext};
use crate::syntax::{query, Document};

/// The view one rule gets of one document.
pub struct Context<'a> {
    doc: &'a Document,
    options: &'a RuleOptions,
    build_context: Option<&'a dyn BuildContext>,
    meta: &'static RuleMeta,
    severity: Severity,
    newline: &'static str,
    unused: &'a [UnusedSuppression],
    /// The analysis of the document, computed once per lint and shared by its rules.
    analysis: &'a Analysis<'a>,
}

/// What the rules of one lint share about the document, each part built on first use: the optimizer's analysis
/// (the build model's facts), the RUN scripts the shell rules read and the package-manager commands in them.
#[derive(Default)]
pub(crate) struct Analysis<'a> {
    /// An enabled rule reads ShellCheck's findings in the RUN scripts (a rule with a ShellCheck code): the facts
    /// carry them.
    pub shell_lints: bool,
    pub facts: OnceCell<Facts<'a>>,
    runs: OnceCell<Runs<'a>>,
    packages: OnceCell<Vec<PackageHit<'a>>>,
}

impl<'a> Analysis<'a> {
    /// The analysis for rules reading ShellCheck's findings when `shell_lints`.
    pub(crate) fn reading(shell_lints: bool) -> Analysis<'a> {
        Analysis {
            shell_lints,
            ..Analysis::default()
        }
    }

    /// The facts of `doc`, built on first use (with ShellCheck's findings when `shell_lints`).
    pub(crate) fn facts(
        &self,
        doc: &'a Document,
        build_context: Option<&'a dyn BuildContext>,
    ) -> &Facts<'a> {
        self.facts
            .get_or_init(|| Facts::reading(doc, build_context, self.shell_lints))
    }
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        doc: &'a Document,
        meta: &'static RuleMeta,
        severity: Severity,
        options: &'a RuleOptions,
        build_context: Option<&'a dyn BuildContext>,
        analysis: &'a Analysis<'a>,
    ) -> Context<'a> {
        Context {
            doc,
            options,
            build_context,
            meta,
            severity,
            newline: query::line_ending(doc.text()),
            unused: &[],
            analysis,
        }
    }

    /// The optimizer's analysis of the document (shell commands, copies, stages), built on first use.
    pub(crate) fn facts(&self) -> &'a Facts<'a> {
        self.analysis.facts(self.doc, self.build_context)
    }

    /// The RUNs of a POSIX shell stage (`ONBUILD RUN` included), in document order, found on first use.
    pub(crate) fn runs(&self) -> &'a Runs<'a> {
        let facts = self.facts();
        self.analysis.runs.get_or_init(|| Runs::of(self.doc, facts))
    }

    /// Every package-manager command of [`Context::runs`] (inside `sh -c '...'` too), found on first use.
    pub(crate) fn package_commands(&self) -> &'a [PackageHit<'a>] {
        let runs = self.runs();
        self.analysis
            .packages
            .get_or_init(|| runs.package_commands(self.doc.text()))
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

impl<'a> Facts<'a> {
    /// The document's analysis, shared by every rule of one lint.
    pub(crate) fn new(ctx: &Context<'a>) -> &'a Facts<'a> {
        ctx.facts()
    }
}
