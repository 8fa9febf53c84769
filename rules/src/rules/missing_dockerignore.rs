//! `missing-dockerignore`: the whole build context is copied and there is no `.dockerignore`.
use crate::engine::{declare_rule, BuildContext, Context, Diagnostic, Fix, Rule};
use crate::knowledge::Ecosystem;
use crate::optimizer::facts::Facts;
use crate::shell::ActionKind;

declare_rule! {
    /// Reports `COPY . ` or `ADD . ` when the build context has no `.dockerignore`.
    ///
    /// ## Why is this bad?
    /// `COPY . .` copies everything the build context holds: the `.git` folder, local `node_modules`, build outputs,
    /// `.env` files with secrets, editor settings.
    /// They make the context slow to send and the image bigger, they can leak secrets into the image, and since
    /// the copy's cache key covers all of them, a `git commit` or a local build invalidates the layer and everything
    /// after it.
    /// A `.dockerignore` next to the Dockerfile keeps them out.
    ///
    /// The rule needs the build context (`--context`, the editor's workspace folder, or the nearest folder at or
    /// above the Dockerfile that holds every file it copies); when none is found, it says nothing, and
    /// `dflint check -v` tells why.
    /// The Dockerfile's own ignore file counts as well: BuildKit reads `<Dockerfile>.dockerignore` beside the
    /// Dockerfile (`web.Dockerfile.dockerignore` for `web.Dockerfile`) before `.dockerignore` at the context root.
    ///
    /// ## Build context
    /// ```text
    /// package.json
    /// package-lock.json
    /// server.js
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// CMD ["node", "server.js"]
    /// COPY package*.json ./
    /// RUN npm ci && npm cache clean --force
    /// COPY . .
    /// ```
    /// ```dockerfile fixed
    /// FROM node:20-slim
    /// WORKDIR /app
    /// CMD ["node", "server.js"]
    /// COPY package*.json ./
    /// RUN npm ci && npm cache clean --force
    /// COPY . .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// CMD ["node", "server.js"]
    /// COPY package*.json ./
    /// RUN npm ci && npm cache clean --force
    /// COPY server.js ./
    /// ```
    ///
    /// ## Fix safety
    /// The fix creates `.dockerignore` with the usual entries (`.git`, `.env`, the Dockerfile itself) and those of
    /// the ecosystems the Dockerfile builds (`node_modules`, `__pycache__`, `target/` ...), leaving out any entry the
    /// Dockerfile copies explicitly.
    /// In an editor it is a workspace edit that creates the file.
    /// Files the build needed may be excluded, so the fix is unsafe.
    ///
    /// ## References
    /// - [.dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - BuildKit's [`CopyIgnoredFile`](https://docs.docker.com/reference/build-checks/copy-ignored-file/) (the opposite mistake)
    pub struct MissingDockerignore {
        code: "DF404",
        name: "missing-dockerignore",
        category: Cache,
        severity: Warning,
        fix: Always,
        peers: [],
        options: [],
        withhold_fixes_on_syntax_errors: true,
    }
}

const COMMON: &[&str] = &[
    ".git",
    ".gitignore",
    ".dockerignore",
    "Dockerfile*",
    "*.Dockerfile",
    "compose*.y*ml",
    "docker-compose*.y*ml",
    ".env",
    ".env.*",
    "*.log",
    ".DS_Store",
    ".idea",
    ".vscode",
];

/// Entries per ecosystem, and the context files that reveal it.
const ECOSYSTEMS: &[(Ecosystem, &[&str], &[&str])] = &[
    (
        Ecosystem::Node,
        &["package.json"],
        &[
            "node_modules",
            "npm-debug.log*",
            "yarn-error.log*",
            "coverage",
            ".npm",
        ],
    ),
    (
        Ecosystem::Python,
        &["requirements.txt", "pyproject.toml", "Pipfile", "setup.py"],
        &[
            "__pycache__",
            "*.py[cod]",
            ".venv",
            "venv",
            ".pytest_cache",
            ".mypy_cache",
            ".tox",
            "*.egg-info",
        ],
    ),
    (
        Ecosystem::Ruby,
        &["Gemfile"],
        &[".bundle", "vendor/bundle", "log", "tmp"],
    ),
    (Ecosystem::Php, &["composer.json"], &["vendor"]),
    (Ecosystem::Go, &["go.mod"], &["*.test", "*.out"]),
    (Ecosystem::Rust, &["Cargo.toml"], &["target"]),
    (Ecosystem::Maven, &["pom.xml"], &["target"]),
    (
        Ecosystem::Gradle,
        &["build.gradle", "build.gradle.kts"],
        &["build", ".gradle"],
    ),
    (Ecosystem::Dotnet, &[], &["bin", "obj"]),
    (
        Ecosystem::C,
        &["Makefile", "CMakeLists.txt"],
        &["*.o", "*.a", "build"],
    ),
];

/// Whether an ignore file applies to the build: the Dockerfile's own `<name>.dockerignore` beside it, or
/// `.dockerignore` at the context root (also one a fix just created).
fn has_ignore_file(ctx: &dyn BuildContext) -> bool {
    ctx.dockerignore().is_some() || ctx.exists(".dockerignore")
}

/// The `.dockerignore` content for what the Dockerfile builds and the context holds.
fn content(f: &Facts, ctx: &dyn BuildContext) -> String {
    let mut ecos: Vec<Ecosystem> = f
        .steps
        .iter()
        .flat_map(|s| s.actions.iter())
        .filter_map(|a| match &a.kind {
            ActionKind::DependencyInstall { tool, .. } | ActionKind::Build { tool, .. } => {
                Some(tool.ecosystem())
            }
            _ => None,
        })
        .collect();
    let root = ctx.list("");
    for (eco, markers, _) in ECOSYSTEMS {
        if markers.iter().any(|m| root.iter().any(|r| r == m))
            || (*eco == Ecosystem::Dotnet
                && root
                    .iter()
                    .any(|r| r.ends_with(".csproj") || r.ends_with(".sln")))
        {
            ecos.push(*eco);
        }
    }
    ecos.sort();
    ecos.dedup();
    // Never ignore what the Dockerfile copies by name.
    let copied: Vec<String> = f
        .steps
        .iter()
        .filter_map(|s| s.copy.as_ref())
        .filter(|c| c.in_context())
        .flat_map(|c| {
            c.sources
                .iter()
                .map(|w| w.value.trim_start_matches("./").to_string())
        })
        .collect();
    let keep = |entry: &str| {
        let e = entry.trim_end_matches('/');
        !copied.iter().any(|c| {
            c == e || c.starts_with(&format!("{e}/")) || crate::knowledge::glob_match(e, c)
        })
    };
    let mut out = String::from(
        "# Generated by dflint (missing-dockerignore): what the image does not need.\n",
    );
    for e in COMMON.iter().filter(|e| keep(e)) {
        out.push_str(e);
        out.push('\n');
    }
    for (eco, _, entries) in ECOSYSTEMS {
        if !ecos.contains(eco) {
            continue;
        }
        let kept: Vec<&&str> = entries
            .iter()
            .filter(|e| keep(e) && !out.lines().any(|l| l == **e))
            .collect();
        if kept.is_empty() {
            continue;
        }
        out.push_str(&format!("# {}\n", eco.name()));
        for e in kept {
            out.push_str(e);
            out.push('\n');
        }
    }
    out
}

impl MissingDockerignore {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        // Without the build context there is nothing to look at.
        let Some(bc) = ctx.build_context() else {
            return;
        };
        if has_ignore_file(bc) {
            return;
        }
        let f = Facts::new(ctx);
        let whole = f.steps.iter().find_map(|s| {
            let c = s.copy.as_ref()?;
            if !c.in_context() {
                return None;
            }
            c.sources
                .iter()
                .find(|w| matches!(w.value.trim_end_matches('/'), "." | "./" | "*" | "./*" | ""))
                .map(|w| (s.index, w.range.clone()))
        });
        let Some((index, range)) = whole else { return };
        let kw = f.ins(index).keyword_text(ctx.text());
        let mut fix = Fix::unsafe_("Create `.dockerignore`", Vec::new());
        fix.create_files
            .push((".dockerignore".to_string(), content(f, bc)));
        out.push(
            ctx.diagnostic(
                range,
                format!("`{kw} .` copies the whole build context and there is no `.dockerignore`: `.git`, local build output and secrets end up in the image and break the cache"),
            )
            .with_fix(fix),
        );
    }
}

impl Rule for MissingDockerignore {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{fix, lint, FixMode, MemoryBuildContext, RuleMeta, Settings};
    use crate::syntax::Document;

    const R: &RuleMeta = &MissingDockerignore::META;

    fn diags(src: &str, ctx: Option<&dyn BuildContext>) -> Vec<Diagnostic> {
        lint(&Document::parse(src), &Settings::select([R.code]), ctx)
    }

    #[test]
    fn needs_a_context_without_an_ignore_file() {
        let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let bare = MemoryBuildContext::new()
            .with_file("package.json", "{}")
            .with_file("index.js", "");
        let d = diags(src, Some(&bare));
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].range.clone()], ".");
        assert!(diags(src, None).is_empty());
        let ignored = bare.clone().with_file(".dockerignore", "node_modules\n");
        assert!(diags(src, Some(&ignored)).is_empty());
        let per_file = bare
            .clone()
            .with_dockerfile_ignore("Dockerfile.dockerignore", "x\n");
        assert!(diags(src, Some(&per_file)).is_empty());
        // Another Dockerfile's ignore file does not apply to this one.
        let other = bare.clone().with_file("web.Dockerfile.dockerignore", "x\n");
        assert_eq!(diags(src, Some(&other)).len(), 1);
        assert!(diags("FROM a\nCOPY src/ /app/\nADD https://x/y /y\n", Some(&bare)).is_empty());
        assert_eq!(diags("FROM a\nADD ./ /app\n", Some(&bare)).len(), 1);
    }

    #[test]
    fn the_fix_creates_the_file_once() {
        let src = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n";
        let ctx = MemoryBuildContext::new()
            .with_file("requirements.txt", "flask\n")
            .with_file("app.py", "")
            .with_file("package.json", "{}");
        let out = fix(
            src,
            &Settings::select([R.code]),
            Some(&ctx),
            FixMode::Unsafe,
        );
        assert_eq!(out.text, src);
        assert_eq!(out.applied.len(), 1);
        let [(path, text)] = out.created_files.as_slice() else {
            panic!("{:?}", out.created_files)
        };
        assert_eq!(path, ".dockerignore");
        for entry in [".git", ".env", "__pycache__", "node_modules", "# Python"] {
            assert!(text.lines().any(|l| l == entry), "{entry} in\n{text}");
        }
        assert!(!text.lines().any(|l| l == "requirements.txt"));
        assert!(out.non_converged.is_empty());
        assert!(
            fix(src, &Settings::select([R.code]), Some(&ctx), FixMode::Safe)
                .created_files
                .is_empty()
        );
    }

    #[test]
    fn explicitly_copied_entries_stay() {
        let src = "FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app.jar\nCOPY . /src\n";
        let ctx = MemoryBuildContext::new().with_file("pom.xml", "<project/>");
        let d = diags(src, Some(&ctx));
        let text = &d[0].fix.as_ref().unwrap().create_files[0].1;
        assert!(text.lines().any(|l| l == ".git"));
        assert!(!text.lines().any(|l| l == "target"), "{text}");
    }
}
