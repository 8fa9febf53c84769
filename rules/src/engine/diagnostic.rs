//! What a rule reports: diagnostics, their severity, and fixes as text edits with an applicability.
use std::fmt;
use std::ops::Range;

/// How serious a finding is. Ordered: `Style < Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Style,
        Severity::Info,
        Severity::Warning,
        Severity::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning`, `info`, `style` (and hadolint's `ignore`/`none` → `None`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "style" => Some(Severity::Style),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown to the user, never applied automatically.
    DisplayOnly,
    /// Changes behaviour or may be wrong: applied with `--unsafe-fixes` or from an editor's menu.
    Unsafe,
    /// Keeps the built image and its runtime behaviour: applied by `--fix` and "fix all".
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace the bytes `range` of the source with `content`. Ranges are byte offsets.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            content: content.into(),
        }
    }
    pub fn delete(range: Range<usize>) -> Edit {
        Edit {
            range,
            content: String::new(),
        }
    }
}

/// A fix: non-overlapping edits applied together (one undo in an editor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, imperative: "Replace `ENV a b` with `ENV a=b`".
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by start, non-overlapping.
    pub edits: Vec<Edit>,
    /// Files to create next to the Dockerfile (path relative to the build context, content).
    pub create_files: Vec<(String, String)>,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
            create_files: Vec::new(),
        }
    }
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    /// The byte range covered by all edits (used to detect conflicts between fixes).
    pub fn span(&self) -> Option<Range<usize>> {
        let start = self.edits.iter().map(|e| e.range.start).min()?;
        let end = self.edits.iter().map(|e| e.range.end).max()?;
        Some(start..end)
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Permanent code, `DF###`.
    pub code: &'static str,
    /// Kebab-case rule name.
    pub name: &'static str,
    pub severity: Severity,
    /// Byte range in the source.
    pub range: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
    /// Marks for editors: the code is unnecessary (dead) or deprecated.
    pub tags: Vec<DiagnosticTag>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticTag {
    Unnecessary,
    Deprecated,
}

/// The project's public home, the one place that names it: the package metadata's `repository` (Cargo.toml),
/// or `None` while the metadata names none. Links to the rule pages exist only when it is set, so no report
/// and no editor points at a page that does not exist; `dflint rule CODE` prints the same page offline.
pub const REPOSITORY: Option<&str> = {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.is_empty() {
        None
    } else {
        Some(repository)
    }
};

/// How to read a rule's documentation without a network: `dflint rule DF301`.
pub fn docs_command(code: &str) -> String {
    format!("dflint rule {code}")
}

impl Diagnostic {
    /// Link to the rule's documentation page, when the project has a public home ([`REPOSITORY`]).
    pub fn docs_url(&self) -> Option<String> {
        docs_url(self.name)
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fix = Some(fix);
        self
    }

    /// Attaches a fix when there is one.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Diagnostic {
        self.fix = fix;
        self
    }

    pub fn with_tag(mut self, tag: DiagnosticTag) -> Diagnostic {
        self.tags.push(tag);
        self
    }
}

/// The rule page's address in the repository (`rules/docs/<name>.md` on the default branch), if there is one.
pub fn docs_url(name: &str) -> Option<String> {
    REPOSITORY.map(|home| {
        format!(
            "{}/blob/main/rules/docs/{name}.md",
            home.trim_end_matches('/')
        )
    })
}
