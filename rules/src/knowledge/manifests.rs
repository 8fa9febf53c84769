//! Manifests: the files a dependency install reads, per tool, so that they can be copied before the sources.
use super::Tool;
use crate::build_context::BuildContext;

/// What to run before the broad copy when the install itself needs the sources (a build that also downloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefetch {
    /// A command; `{exe}` is the program as the original command wrote it (`./mvnw`, `gradle`).
    Command(&'static str),
    /// The original command with these flags added.
    WithFlags(&'static str),
}

/// The manifests of one tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManifestSpec {
    pub tool: Tool,
    /// Must exist.
    pub required: &'static [&'static str],
    /// At least one must exist (`build.gradle` or `build.gradle.kts`).
    pub one_of: &'static [&'static str],
    /// Copied when they exist.
    pub optional: &'static [&'static str],
    /// Needed when the command runs the project's wrapper script (`./mvnw`, `./gradlew`).
    pub wrapper: &'static [&'static str],
    /// Sources for a copy when the build context is unknown: they match at least the required files, and globs
    /// that match nothing are allowed by BuildKit. Empty: no safe choice without the context.
    pub blind: &'static [&'static str],
    /// `(file, text, reason)`: when the file exists (and contains the text, unless empty), copying the manifests
    /// alone is not enough.
    pub unsupported: &'static [(&'static str, &'static str, &'static str)],
    /// How to download the dependencies alone when the install command needs the sources.
    pub prefetch: Option<Prefetch>,
}

const fn spec(tool: Tool) -> ManifestSpec {
    ManifestSpec {
        tool,
        required: &[],
        one_of: &[],
        optional: &[],
        wrapper: &[],
        blind: &[],
        unsupported: &[],
        prefetch: None,
    }
}

const NODE_UNSUPPORTED: &[(&str, &str, &str)] = &[
    (
        "package.json",
        "\"workspaces\"",
        "workspaces need each workspace's package.json",
    ),
    (
        "package.json",
        "\"preinstall\"",
        "an install script may read other files",
    ),
    (
        "package.json",
        "\"postinstall\"",
        "an install script may read other files",
    ),
    (
        "package.json",
        "\"install\":",
        "an install script may read other files",
    ),
    (
        "package.json",
        "\"prepare\"",
        "a `prepare` script runs on install and may read other files",
    ),
];

/// The manifest table.
pub static MANIFESTS: &[ManifestSpec] = &[
    ManifestSpec {
        required: &["package.json"],
        optional: &["package-lock.json", "npm-shrinkwrap.json", ".npmrc"],
        blind: &["package*.json"],
        unsupported: NODE_UNSUPPORTED,
        ..spec(Tool::Npm)
    },
    ManifestSpec {
        required: &["package.json"],
        optional: &["yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn"],
        blind: &["package.json", "yarn.lock*"],
        unsupported: NODE_UNSUPPORTED,
        ..spec(Tool::Yarn)
    },
    ManifestSpec {
        required: &["package.json"],
        optional: &["pnpm-lock.yaml", ".npmrc", ".pnpmfile.cjs"],
        blind: &["package.json", "pnpm-lock.yaml*"],
        unsupported: &[
            (
                "pnpm-workspace.yaml",
                "",
                "workspaces need each workspace's package.json",
            ),
            NODE_UNSUPPORTED[1],
            NODE_UNSUPPORTED[2],
            NODE_UNSUPPORTED[3],
            NODE_UNSUPPORTED[4],
        ],
        ..spec(Tool::Pnpm)
    },
    // pip: the requirement files come from the command line (`-r`), see `manifests_for`.
    spec(Tool::Pip),
    ManifestSpec {
        required: &["pyproject.toml"],
        optional: &["poetry.lock", "poetry.toml"],
        blind: &["pyproject.toml", "poetry.lock*"],
        prefetch: Some(Prefetch::WithFlags("--no-root")),
        ..spec(Tool::Poetry)
    },
    ManifestSpec {
        required: &["Pipfile"],
        optional: &["Pipfile.lock"],
        blind: &["Pipfile*"],
        ..spec(Tool::Pipenv)
    },
    ManifestSpec {
        required: &["pyproject.toml"],
        optional: &["uv.lock", ".python-version"],
        blind: &["pyproject.toml", "uv.lock*"],
        prefetch: Some(Prefetch::WithFlags("--no-install-project")),
        ..spec(Tool::Uv)
    },
    ManifestSpec {
        required: &["Gemfile"],
        optional: &["Gemfile.lock", ".ruby-version"],
        blind: &["Gemfile*"],
        unsupported: &[(
            "Gemfile",
            "gemspec",
            "the Gemfile reads the gemspec, which needs the sources",
        )],
        ..spec(Tool::Bundler)
    },
    ManifestSpec {
        required: &["composer.json"],
        optional: &["composer.lock", "auth.json"],
        blind: &["composer.*"],
        prefetch: Some(Prefetch::WithFlags("--no-scripts --no-autoloader")),
        ..spec(Tool::Composer)
    },
    ManifestSpec {
        required: &["go.mod"],
        optional: &["go.sum"],
        blind: &["go.mod", "go.sum*"],
        unsupported: &[("go.work", "", "a Go workspace needs every module's go.mod")],
        prefetch: Some(Prefetch::Command("go mod download")),
        ..spec(Tool::Go)
    },
    ManifestSpec {
        required: &["pom.xml"],
        wrapper: &["mvnw", ".mvn"],
        blind: &["pom.xml"],
        unsupported: &[(
            "pom.xml",
            "<modules>",
            "a multi-module build needs every module's pom.xml",
        )],
        prefetch: Some(Prefetch::Command("{exe} -B dependency:go-offline")),
        ..spec(Tool::Maven)
    },
    ManifestSpec {
        one_of: &["build.gradle", "build.gradle.kts"],
        optional: &[
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
        ],
        wrapper: &["gradlew", "gradle"],
        blind: &["build.gradle*", "settings.gradle*"],
        unsupported: &[
            (
                "settings.gradle",
                "include",
                "a multi-project build needs every project's build file",
            ),
            (
                "settings.gradle.kts",
                "include",
                "a multi-project build needs every project's build file",
            ),
            ("buildSrc", "", "`buildSrc` is compiled with the build"),
        ],
        prefetch: Some(Prefetch::Command("{exe} dependencies --no-daemon")),
        ..spec(Tool::Gradle)
    },
    ManifestSpec {
        required: &["Cargo.toml"],
        optional: &["Cargo.lock"],
        blind: &["Cargo.toml", "Cargo.lock*"],
        unsupported: &[(
            "Cargo.toml",
            "[workspace]",
            "a workspace needs every member's Cargo.toml",
        )],
        prefetch: Some(Prefetch::Command(
            "mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch && rm -rf src",
        )),
        ..spec(Tool::Cargo)
    },
    ManifestSpec {
        optional: &[
            "NuGet.config",
            "nuget.config",
            "Directory.Build.props",
            "Directory.Packages.props",
            "global.json",
        ],
        prefetch: Some(Prefetch::Command("dotnet restore")),
        ..spec(Tool::Dotnet)
    },
];

/// The manifest row of a tool (none for make and compilers: no dependency manager).
pub fn manifest_spec(tool: Tool) -> Option<&'static ManifestSpec> {
    MANIFESTS.iter().find(|m| m.tool == tool)
}

fn join(dir: &str, file: &str) -> String {
    let file = file.trim_start_matches("./");
    if dir.is_empty() || dir == "." || dir == "./" {
        file.to_string()
    } else {
        format!("{}/{file}", dir.trim_end_matches('/'))
    }
}

const DOTNET_PROJECTS: &[&str] = &[".csproj", ".fsproj", ".vbproj", ".sln", ".slnx"];

/// The paths (relative to the build context, files or folders) to copy before the install of `tool`, whose
/// sources sit in `src_dir` of the context; `files` are manifests the command names (`pip install -r x`),
/// relative to `src_dir`; `exe` is the program as written. `Err` says why no safe list exists.
pub fn manifests_for(
    tool: Tool,
    files: &[String],
    exe: &str,
    ctx: Option<&dyn BuildContext>,
    src_dir: &str,
) -> Result<Vec<String>, String> {
    let spec = manifest_spec(tool).ok_or_else(|| format!("`{}` has no manifest", tool.name()))?;
    let wrapper = exe.starts_with("./") || exe.contains('/') && !exe.starts_with('/');
    let mut out: Vec<String> = Vec::new();
    let Some(ctx) = ctx else {
        if spec.blind.is_empty() && files.is_empty() {
            return Err("the build context is needed to know which project files to copy: build context not found; pass --context".into());
        }
        out.extend(spec.blind.iter().map(|f| join(src_dir, f)));
        out.extend(files.iter().map(|f| join(src_dir, f)));
        if wrapper {
            out.extend(spec.wrapper.iter().map(|f| join(src_dir, f)));
        }
        out.dedup();
        return Ok(out);
    };
    for (file, needle, why) in spec.unsupported {
        let path = join(src_dir, file);
        let hit = if needle.is_empty() {
            ctx.exists(&path)
        } else {
            ctx.read(&path).is_some_and(|t| t.contains(needle))
        };
        if hit {
            return Err(format!("`{path}`: {why}"));
        }
    }
    for f in spec.required {
        let path = join(src_dir, f);
        if !ctx.exists(&path) {
            return Err(format!("`{path}` is not in the build context"));
        }
        out.push(path);
    }
    if !spec.one_of.is_empty() {
        let found = spec
            .one_of
            .iter()
            .map(|f| join(src_dir, f))
            .find(|p| ctx.exists(p))
            .ok_or_else(|| format!("none of {} is in the build context", spec.one_of.join(", ")))?;
        out.push(found);
    }
    for f in spec.optional {
        let path = join(src_dir, f);
        if ctx.exists(&path) {
            out.push(path);
        }
    }
    if wrapper {
        for f in spec.wrapper {
            let path = join(src_dir, f);
            if !ctx.exists(&path) {
                return Err(format!("`{path}` is not in the build context"));
            }
            out.push(path);
        }
    }
    if tool == Tool::Pip {
        pip_requirements(files, ctx, src_dir, &mut out)?;
    }
    if tool == Tool::Dotnet {
        dotnet_projects(files, ctx, src_dir, &mut out)?;
    }
    out.dedup();
    Ok(out)
}

/// Requirement files, with the files they include (`-r base.txt`); local paths in them need the sources.
fn pip_requirements(
    files: &[String],
    ctx: &dyn BuildContext,
    src_dir: &str,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let mut queue: Vec<String> = files.iter().map(|f| join(src_dir, f)).collect();
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        seen += 1;
        if seen > 32 || out.contains(&path) {
            continue;
        }
        let text = ctx
            .read(&path)
            .ok_or_else(|| format!("`{path}` is not in the build context"))?;
        out.push(path.clone());
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            let mut words = line.split_whitespace();
            match words.next() {
                Some("-r" | "--requirement" | "-c" | "--constraint") => {
                    if let Some(f) = words.next() {
                        queue.push(join(&dir, f));
                    }
                }
                Some(w) if w.starts_with("-e") || w.starts_with('.') || w.starts_with("file:") => {
                    return Err(format!(
                        "`{path}` installs a local path, which needs the sources"
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// .NET project and solution files at the root of the sources (or the one the command names).
fn dotnet_projects(
    files: &[String],
    ctx: &dyn BuildContext,
    src_dir: &str,
    out: &mut Vec<String>,
) -> Result<(), String> {
    if let Some(named) = files.first() {
        let path = join(src_dir, named);
        if !ctx.exists(&path) || !ctx.list(&path).is_empty() {
            return Err(format!(
                "`{path}` is not a project file in the build context"
            ));
        }
        out.push(path);
        return Ok(());
    }
    let dir = if src_dir.is_empty() { "" } else { src_dir };
    let projects: Vec<String> = ctx
        .list(dir)
        .into_iter()
        .filter(|n| DOTNET_PROJECTS.iter().any(|ext| n.ends_with(ext)))
        .collect();
    if projects.is_empty() {
        return Err("no project file at the root of the sources".into());
    }
    for p in &projects {
        let path = join(src_dir, p);
        if p.ends_with(".sln")
            && ctx
                .read(&path)
                .is_some_and(|t| t.contains(".csproj\"") && (t.contains("\\") || t.contains("/")))
        {
            return Err(format!(
                "`{path}` lists projects in sub-folders: copy each project file by hand"
            ));
        }
        out.push(path);
    }
    Ok(())
}

/// The placeholder sources (relative to Cargo.toml's folder) that let `cargo build` compile a package's
/// dependencies from Cargo.toml and Cargo.lock alone: `src/main.rs`, `src/lib.rs` or both, as the package has them.
/// `None` when a placeholder cannot stand in: a workspace, a build script (it needs its sources), or targets
/// declared at other paths (`[[bin]] path = "cli/main.rs"`, `[[bench]]`, `[[example]]`, `[[test]]`), which cargo
/// looks for when it reads the manifest.
pub fn cargo_placeholders(
    manifest: &str,
    exists: impl Fn(&str) -> bool,
) -> Option<Vec<&'static str>> {
    let mut section = String::new();
    let mut has_lib_section = false;
    for line in manifest.lines() {
        let l = line.split('#').next().unwrap_or("").trim();
        if l.starts_with('[') {
            section = l.to_string();
            match l {
                "[workspace]" | "[[bench]]" | "[[example]]" | "[[test]]" => return None,
                "[lib]" => has_lib_section = true,
                _ => {}
            }
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim().trim_matches('"'));
        match (section.as_str(), k) {
            ("[package]", "build") if v != "false" => return None,
            ("[package]", "workspace") => return None,
            ("[[bin]]", "path") if v != "src/main.rs" => return None,
            ("[lib]", "path") if v != "src/lib.rs" => return None,
            _ => {}
        }
    }
    if exists("build.rs") {
        return None;
    }
    let main = exists("src/main.rs");
    let lib = has_lib_section || exists("src/lib.rs");
    match (main, lib) {
        (true, true) => Some(vec!["src/main.rs", "src/lib.rs"]),
        (false, true) => Some(vec!["src/lib.rs"]),
        (true, false) => Some(vec!["src/main.rs"]),
        (false, false) => None,
    }
}

/// File names that are manifests (or lock files) of some ecosystem, beyond the table's: copying only these is not
/// copying sources.
static EXTRA_MANIFESTS: &[&str] = &[
    "requirements*.txt",
    "requirements/*",
    "constraints*.txt",
    "*.csproj",
    "*.fsproj",
    "*.vbproj",
    "*.sln",
    "setup.py",
    "setup.cfg",
    "*.gemspec",
    "mix.exs",
    "mix.lock",
    "Package.swift",
    "Package.resolved",
];

/// `*` matches any run of characters (`/` included).
///
/// One pass that backtracks only to the last `*`: time is at most the product of the lengths and the stack stays
/// flat, whatever a COPY source holds (`a*a*a*...` tried by recursion takes exponential time and one frame per `*`).
/// Bytes are compared, which is the same as comparing characters: a literal run of UTF-8 only matches at a boundary.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    // The last `*` seen and where in the name its run currently ends.
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if p.get(pi) == Some(&b'*') {
            star = Some((pi, ni));
            pi += 1;
        } else if p.get(pi) == Some(&n[ni]) {
            pi += 1;
            ni += 1;
        } else if let Some((sp, sn)) = star {
            // Let the last `*` take one more byte and retry the rest of the pattern from there.
            star = Some((sp, sn + 1));
            pi = sp + 1;
            ni = sn + 1;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether a copied path (as written in a COPY, maybe a glob) is a manifest or lock file.
pub fn is_manifest(path: &str) -> bool {
    let p = path.trim_start_matches("./").trim_end_matches('/');
    let base = p.rsplit('/').next().unwrap_or(p);
    let names = MANIFESTS.iter().flat_map(|m| {
        m.required
            .iter()
            .chain(m.one_of)
            .chain(m.optional)
            .chain(m.wrapper)
            .chain(m.blind)
    });
    names.chain(EXTRA_MANIFESTS.iter()).any(|n| {
        glob_match(n, base)
            || glob_match(n, p)
            || (base.contains('*') && !base.starts_with('*') && glob_match(base, n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_context::MemoryBuildContext;

    #[test]
    fn every_tool_with_a_manifest_has_a_way_to_copy_it() {
        for m in MANIFESTS {
            let blind_ok = !m.blind.is_empty() || matches!(m.tool, Tool::Pip | Tool::Dotnet);
            assert!(blind_ok, "{:?}", m.tool);
            assert!(manifest_spec(m.tool).is_some_and(|s| s == m));
            // A blind source list matches every required file (as a glob `*` would).
            for r in m.required {
                assert!(
                    m.blind.iter().any(|b| b == r
                        || b.strip_suffix('*').is_some_and(|p| r.starts_with(p))
                        || b.split_once('*')
                            .is_some_and(|(a, z)| r.starts_with(a) && r.ends_with(z))),
                    "{:?}: {r}",
                    m.tool
                );
            }
        }
    }

    #[test]
    fn manifest_names() {
        for m in [
            "package.json",
            "./package-lock.json",
            "src/package.json",
            "package*.json",
            "requirements-dev.txt",
            "requirements/prod.txt",
            "go.sum",
            "App.csproj",
            "gradle",
            "Gemfile*",
            "yarn.lock",
        ] {
            assert!(is_manifest(m), "{m}");
        }
        for m in [".", "src/", "main.go", "app.py", "index.html", "*", "src"] {
            assert!(!is_manifest(m), "{m}");
        }
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b", "ab/c"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a**", "a"));
        assert!(!glob_match("a", "ab"));
        assert!(glob_match("*.csproj", "app.csproj"));
        assert!(glob_match("é*ü", "éaü"));
        assert!(!glob_match("é*ü", "éa"));
        // Many stars that cannot match: answered at once (recursion took exponential time here).
        let stars = format!("p{}z", "*a".repeat(5_000));
        assert!(!glob_match(&stars, "package.json"));
        assert!(!glob_match(&stars, &"pa".repeat(3_000)));
        assert!(glob_match(&stars, &format!("{}z", "pa".repeat(5_000))));
    }

    #[test]
    fn exact_files_when_the_context_is_known() {
        let ctx = MemoryBuildContext::new()
            .with_file("package.json", "{\"name\":\"x\"}")
            .with_file("package-lock.json", "{}")
            .with_file("src/index.js", "");
        assert_eq!(
            manifests_for(Tool::Npm, &[], "npm", Some(&ctx), "").unwrap(),
            ["package.json", "package-lock.json"]
        );
        assert_eq!(
            manifests_for(Tool::Npm, &[], "npm", None, "").unwrap(),
            ["package*.json"]
        );
        assert_eq!(
            manifests_for(Tool::Yarn, &[], "yarn", None, "app/").unwrap(),
            ["app/package.json", "app/yarn.lock*"]
        );
        let ws = MemoryBuildContext::new().with_file("package.json", "{\"workspaces\": [\"a\"]}");
        assert!(manifests_for(Tool::Npm, &[], "npm", Some(&ws), "").is_err());
    }

    #[test]
    fn pip_follows_includes_and_refuses_local_paths() {
        let ctx = MemoryBuildContext::new()
            .with_file("requirements/prod.txt", "-r base.txt\ngunicorn\n")
            .with_file("requirements/base.txt", "flask==3.0 # web\n");
        let got = manifests_for(
            Tool::Pip,
            &["requirements/prod.txt".into()],
            "pip",
            Some(&ctx),
            "",
        )
        .unwrap();
        assert_eq!(got, ["requirements/prod.txt", "requirements/base.txt"]);
        let local = MemoryBuildContext::new().with_file("requirements.txt", "-e .\n");
        assert!(manifests_for(
            Tool::Pip,
            &["requirements.txt".into()],
            "pip",
            Some(&local),
            ""
        )
        .is_err());
        assert_eq!(
            manifests_for(Tool::Pip, &["req.txt".into()], "pip", None, "").unwrap(),
            ["req.txt"]
        );
    }

    #[test]
    fn cargo_placeholders_follow_the_package() {
        let has = |files: &'static [&'static str]| move |p: &str| files.contains(&p);
        let pkg = "[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(
            cargo_placeholders(pkg, has(&["src/main.rs"])),
            Some(vec!["src/main.rs"])
        );
        assert_eq!(
            cargo_placeholders(pkg, has(&["src/lib.rs"])),
            Some(vec!["src/lib.rs"])
        );
        assert_eq!(
            cargo_placeholders(pkg, has(&["src/main.rs", "src/lib.rs"])),
            Some(vec!["src/main.rs", "src/lib.rs"])
        );
        let bin = "[package]\nname = \"x\"\n[[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n";
        assert_eq!(
            cargo_placeholders(bin, has(&["src/main.rs"])),
            Some(vec!["src/main.rs"])
        );
        for unsupported in [
            "[workspace]\nmembers = [\"a\"]\n",
            "[package]\nname = \"x\"\nbuild = \"gen.rs\"\n",
            "[package]\nname = \"x\"\n[[bin]]\nname = \"cli\"\npath = \"cli/main.rs\"\n",
            "[package]\nname = \"x\"\n[[bench]]\nname = \"b\"\nharness = false\n",
        ] {
            assert_eq!(
                cargo_placeholders(unsupported, has(&["src/main.rs"])),
                None,
                "{unsupported}"
            );
        }
        assert_eq!(
            cargo_placeholders(pkg, has(&["src/main.rs", "build.rs"])),
            None
        );
        assert_eq!(cargo_placeholders(pkg, has(&[])), None);
    }

    #[test]
    fn wrappers_gradle_maven_cargo_go_dotnet() {
        let g = MemoryBuildContext::new()
            .with_file("build.gradle.kts", "")
            .with_file("gradlew", "")
            .with_file("gradle/wrapper/gradle-wrapper.properties", "");
        assert_eq!(
            manifests_for(Tool::Gradle, &[], "./gradlew", Some(&g), "").unwrap(),
            ["build.gradle.kts", "gradlew", "gradle"]
        );
        let m = MemoryBuildContext::new().with_file(
            "pom.xml",
            "<project><modules><module>a</module></modules></project>",
        );
        assert!(manifests_for(Tool::Maven, &[], "mvn", Some(&m), "").is_err());
        let c = MemoryBuildContext::new()
            .with_file("Cargo.toml", "[package]\nname=\"x\"")
            .with_file("Cargo.lock", "");
        assert_eq!(
            manifests_for(Tool::Cargo, &[], "cargo", Some(&c), "").unwrap(),
            ["Cargo.toml", "Cargo.lock"]
        );
        assert_eq!(
            manifests_for(Tool::Go, &[], "go", None, "").unwrap(),
            ["go.mod", "go.sum*"]
        );
        let d = MemoryBuildContext::new()
            .with_file("App.csproj", "<Project/>")
            .with_file("Program.cs", "");
        assert_eq!(
            manifests_for(Tool::Dotnet, &[], "dotnet", Some(&d), "").unwrap(),
            ["App.csproj"]
        );
        assert!(manifests_for(Tool::Dotnet, &[], "dotnet", None, "").is_err());
        assert!(manifests_for(Tool::Make, &[], "make", None, "").is_err());
    }
}
