//! `source-copy-before-install`: a copy of the sources precedes the dependency install in the same stage.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::knowledge::{
    cargo_placeholders, glob_match, manifest_spec, manifests_for, Prefetch, Tool,
};
use crate::optimizer::facts::{CopyFacts, Facts};
use crate::optimizer::layers::{cache_mounts, resolve, workdir_at};
use crate::optimizer::lines::{after, block, block_start, insertion, removals};
use crate::shell::{Action, ActionKind};
use crate::syntax::{Kind, Stage};

declare_rule! {
    /// Reports a copy of the sources (`COPY . .`, `COPY src/ ./`, `ADD . /app`) placed before the dependency install that only needs the manifests.
    ///
    /// ## Why is this bad?
    /// A `COPY` layer is cached on the content of what it copies, and once it misses every later instruction runs
    /// again.
    /// With the sources copied first, every code change reinstalls all dependencies (`npm ci`, `pip install -r`,
    /// `bundle install`, `go mod download`, `mvn dependency:go-offline` ...), which is usually the slowest step of
    /// the build.
    /// Copy the manifests (package.json and its lock file, requirements.txt, go.mod and go.sum, pom.xml ...) first,
    /// install, and copy the sources after.
    ///
    /// Builds that download dependencies themselves (`go build`, `cargo build`, `mvn package`, `gradle build`,
    /// `dotnet publish`) are reported unless an earlier step of the stage downloads them, a cache mount keeps
    /// them between builds, Maven runs offline (`-o`), or the Go module is vendored: there is then nothing to
    /// download.
    /// A vendored module shows in the build context (`vendor/modules.txt`) or, without it, in the stage or a
    /// stage it builds on: a go command with `-mod=vendor`, `GOFLAGS=-mod=vendor` (`ENV`, an `ARG` default, or on
    /// the command), a copy of a `vendor` folder, or a comment that names `go mod vendor`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// CMD ["node", "server.js"]
    /// COPY . .
    /// RUN npm ci && npm cache clean --force
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
    /// FROM golang:1.22
    /// WORKDIR /src
    /// COPY go.mod go.sum ./
    /// RUN go mod download
    /// COPY . .
    /// RUN go build -o /out/app
    /// ```
    ///
    /// ## Fix safety
    /// The fix copies the manifests right where the sources were copied and moves the sources after the install;
    /// when the same `RUN` goes on to build (`npm ci && npm run build`), it is split after the install and the
    /// sources are copied in between (refused when the commands are joined otherwise than by `&&`, or rely on a
    /// `cd` or `export` before them);
    /// for a build, it adds the ecosystem's download step (`go mod download`, `mvn -B dependency:go-offline`,
    /// `gradle dependencies`, a `cargo fetch` on a stub, `dotnet restore`, `poetry install --no-root`,
    /// `composer install --no-scripts --no-autoloader`) before the copy instead.
    /// For `cargo build` with the build context known, downloading is not enough (every source edit would compile
    /// all dependencies again): the step builds them, with the same flags, on placeholder sources (`src/main.rs`,
    /// `src/lib.rs`, as the package has them), and the real build gets `touch src/main.rs && ` before it, because
    /// a COPY keeps the files' older times and cargo would otherwise keep the placeholder's binary.
    /// A package with a build script, targets at other paths, or a workspace, and a build with other arguments
    /// (`--bin`, `-p`), gets the `cargo fetch` step.
    /// When the build context is known (the Dockerfile's folder, or `--context`) exactly the files that exist are
    /// copied; otherwise a glob that always matches the required manifest (`package*.json`, `go.mod go.sum*`).
    /// The fix is refused when the manifests alone are not enough (npm/yarn workspaces or install scripts, a
    /// Maven multi-module or Gradle multi-project build, a Cargo workspace, requirements that install local paths,
    /// .NET without the build context) or when the build model shows that something between the copy and the
    /// install reads or writes what the copy writes (or sets a WORKDIR or variable it uses): the message then says
    /// what to do by hand.
    /// An install script or build step may read files the manifests do not list, so the fix is unsafe.
    ///
    /// ## References
    /// - [Optimize cache usage](https://docs.docker.com/build/cache/optimize/#order-your-layers)
    /// - *Learn Docker in a Month of Lunches*, chapter 4: `image-of-the-day` (`COPY pom.xml` before `mvn dependency:go-offline`)
    pub struct SourceCopyBeforeInstall {
        code: "DF401",
        name: "source-copy-before-install",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        withhold_fixes_on_syntax_errors: true,
        changes: [Insert, Move, Rewrite],
    }
}

/// What an install or build needs from the manifests.
struct Need<'a> {
    action: &'a Action,
    tool: Tool,
    files: Vec<String>,
    /// The install cannot run on manifests alone: a download step runs before the copy instead.
    prefetch: bool,
}

/// Cache mounts that keep each tool's downloads between builds.
const DEPENDENCY_CACHES: &[(Tool, &[&str])] = &[
    (Tool::Go, &["/go/pkg/mod", "/root/go/pkg/mod", "/go/pkg"]),
    (
        Tool::Cargo,
        &[
            "/usr/local/cargo/registry",
            "/root/.cargo/registry",
            "/usr/local/cargo",
        ],
    ),
    (Tool::Maven, &["/root/.m2", "/root/.m2/repository"]),
    (Tool::Gradle, &["/root/.gradle", "/home/gradle/.gradle"]),
    (Tool::Dotnet, &["/root/.nuget/packages", "/root/.nuget"]),
];

fn need(a: &Action) -> Option<Need<'_>> {
    if a.conditional {
        return None;
    }
    match &a.kind {
        ActionKind::DependencyInstall {
            tool,
            files,
            needs_sources,
            ..
        } => {
            let with_flags = matches!(manifest_spec(*tool)?.prefetch, Some(Prefetch::WithFlags(_)));
            // `pip install .` and the like need the project: there is no manifests-only step to split off.
            if *needs_sources && !with_flags {
                return None;
            }
            Some(Need {
                action: a,
                tool: *tool,
                files: files.clone(),
                prefetch: *needs_sources,
            })
        }
        ActionKind::Build { tool, .. }
            if matches!(
                tool,
                Tool::Go | Tool::Cargo | Tool::Maven | Tool::Gradle | Tool::Dotnet
            ) =>
        {
            Some(Need {
                action: a,
                tool: *tool,
                files: Vec::new(),
                prefetch: true,
            })
        }
        _ => None,
    }
}

/// Whether a build's dependencies are already downloaded or cached: an earlier download step of the same tool in
/// the stage, a cache mount, a vendored Go module or an offline Maven build.
fn deps_handled(f: &Facts, stage: &Stage, j: usize, n: &Need) -> bool {
    let earlier = (stage.instructions.start..=j).any(|i| {
        f.steps[i].actions.iter().any(|a| {
            (i < j || a.command < n.action.command)
                && matches!(&a.kind, ActionKind::DependencyInstall { tool, .. } if *tool == n.tool)
        })
    });
    if earlier {
        return true;
    }
    let mounts = cache_mounts(&f.steps[j]);
    let cached = DEPENDENCY_CACHES
        .iter()
        .filter(|(t, _)| *t == n.tool)
        .flat_map(|(_, dirs)| dirs.iter())
        .any(|d| {
            mounts.iter().any(|m| {
                let m = m.trim_end_matches('/');
                // A cache of the folder or of a part of it (`/usr/local/cargo/registry/cache`).
                m == *d || m.starts_with(&format!("{d}/"))
            })
        });
    if cached {
        return true;
    }
    let words: Vec<&str> = f.steps[j]
        .script
        .iter()
        .flat_map(|s| s.commands.get(n.action.command))
        .flat_map(|c| c.args())
        .collect();
    match n.tool {
        Tool::Go => {
            mod_vendor(&words)
                || go_vendored(f, stage)
                || f.build_context
                    .is_some_and(|c| c.exists("vendor/modules.txt"))
        }
        Tool::Maven => words.iter().any(|w| *w == "-o" || *w == "--offline"),
        _ => false,
    }
}

/// Whether go flags (a command's words, or `GOFLAGS` split at spaces) select vendor mode: `-mod=vendor`,
/// `-mod vendor`.
fn mod_vendor<S: AsRef<str>>(words: &[S]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let w = w.as_ref();
        let Some(flag) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
            return false;
        };
        flag == "mod=vendor"
            || (flag == "mod" && words.get(i + 1).is_some_and(|v| v.as_ref() == "vendor"))
    })
}

/// Whether a `GOFLAGS` value selects vendor mode.
fn goflags_vendor(value: &str) -> bool {
    mod_vendor(&value.split_whitespace().collect::<Vec<_>>())
}

/// Whether the Dockerfile shows that the Go module is vendored, so that builds read `vendor/` and download
/// nothing (since Go 1.14 a `vendor/modules.txt` makes `-mod=vendor` the default for every go command of the
/// module): in the stage or a stage it builds on, a go command run with `-mod=vendor`, `GOFLAGS=-mod=vendor` set
/// by `ENV`, by an `ARG` default or in a `RUN`, a copy of a `vendor` folder from the build context, or a comment
/// that names `go mod vendor` or `-mod=vendor` (the project's documented way to update its dependencies).
fn go_vendored(f: &Facts, stage: &Stage) -> bool {
    let stages: Vec<&Stage> = std::iter::once(stage).chain(f.ancestors(stage)).collect();
    let in_instructions = stages.iter().flat_map(|s| s.instructions.clone()).any(|i| {
        let ins = f.ins(i);
        let step = &f.steps[i];
        let env = matches!(ins.kind, Kind::Env | Kind::Arg)
            && ins.pairs.iter().any(|p| {
                p.key == "GOFLAGS" && p.value.as_ref().is_some_and(|v| goflags_vendor(&v.value))
            });
        let run = step.script.iter().flat_map(|s| s.commands.iter()).any(|c| {
            let words: Vec<&str> = c.words.iter().map(|w| w.value.as_str()).collect();
            (c.program() == Some("go") && mod_vendor(&words))
                || c.assignments
                    .iter()
                    .any(|(k, v)| k == "GOFLAGS" && goflags_vendor(v))
                // `env GOFLAGS=-mod=vendor go build`.
                || words.iter().any(|w| {
                    w.strip_prefix("GOFLAGS=")
                        .is_some_and(goflags_vendor)
                })
        });
        let copy = step.copy.as_ref().is_some_and(|c| {
            c.in_context()
                && c.sources.iter().any(|s| {
                    let v = s.value.trim_start_matches("./").trim_end_matches('/');
                    v == "vendor" || v.ends_with("/vendor")
                })
        });
        env || run || copy
    });
    if in_instructions {
        return true;
    }
    let doc = f.doc;
    stages.iter().any(|s| {
        let start = f.ins(s.from).range.start;
        let end = s
            .instructions
            .clone()
            .last()
            .map_or(start, |i| f.ins(i).full_range.end);
        doc.comments().iter().any(|c| {
            let t = c.text.as_str();
            // A commented-out instruction (`# RUN go mod vendor`) says nothing about the project.
            let instruction = t.split_whitespace().next().is_some_and(|w| {
                Kind::from_keyword(w) != Kind::Unknown
                    && w.chars().all(|ch| ch.is_ascii_uppercase())
            });
            (start..end).contains(&c.range.start)
                && !instruction
                && (t.contains("go mod vendor") || t.contains("-mod=vendor"))
        })
    })
}

/// The programs that run a tool (an earlier run of it after the manifests downloads the dependencies).
fn tool_programs(tool: Tool) -> &'static [&'static str] {
    match tool {
        Tool::Go => &["go"],
        Tool::Cargo => &["cargo"],
        Tool::Maven => &["mvn", "mvnw"],
        Tool::Gradle => &["gradle", "gradlew"],
        Tool::Dotnet => &["dotnet"],
        _ => &[],
    }
}

/// Whether the tool already ran in the stage before the sources were copied (a custom download task such as
/// `gradle downloadRepos`): the dependencies are then downloaded once, from the manifests.
fn ran_before(f: &Facts, stage: &Stage, c: usize, tool: Tool) -> bool {
    let programs = tool_programs(tool);
    (stage.instructions.start..c).any(|i| {
        f.steps[i]
            .script
            .iter()
            .flat_map(|s| s.commands.iter())
            .any(|cmd| cmd.program().is_some_and(|p| programs.contains(&p)))
    })
}

/// Go code built without modules (nothing to download): files named on the command line, a golang image before
/// 1.16 (GOPATH mode unless `GO111MODULE=on`), or, with the build context, no `go.sum` next to `go.mod`.
fn go_without_modules(
    f: &Facts,
    stage: &Stage,
    j: usize,
    c: usize,
    n: &Need,
    src_dir: Option<&str>,
) -> bool {
    if let ActionKind::Build { operands, .. } = &n.action.kind {
        if !operands.is_empty() && operands.iter().all(|o| o.ends_with(".go")) {
            return true;
        }
    }
    let modules_on = stage.instructions.clone().any(|i| {
        let ins = f.ins(i);
        ins.kind == Kind::Env
            && ins.pairs.iter().any(|p| {
                p.key == "GO111MODULE" && p.value.as_ref().is_some_and(|v| v.value == "on")
            })
    });
    if !modules_on {
        let old = f
            .base_image(stage)
            .filter(|i| i.name.contains("golang"))
            .and_then(|i| i.tag.as_ref())
            .is_some_and(|(t, _)| {
                let mut parts = t.split(['.', '-']);
                let major = parts.next().and_then(|m| m.parse::<u32>().ok());
                let minor = parts.next().and_then(|m| m.parse::<u32>().ok());
                matches!((major, minor), (Some(1), Some(m)) if m < 16)
            });
        if old {
            return true;
        }
    }
    let _ = (j, c);
    match (f.build_context, src_dir) {
        (Some(ctx), Some(dir)) => !ctx.exists(&format!("{dir}go.sum")),
        _ => false,
    }
}

/// The install's working directory: the WORKDIR, moved by a `cd <path>` earlier in the same RUN.
fn install_dir(f: &Facts, stage: &Stage, j: usize, n: &Need) -> Option<String> {
    let mut wd = workdir_at(f, stage, j, false);
    let script = f.steps[j].script.as_ref()?;
    for c in script.commands.iter().take(n.action.command) {
        if c.program() == Some("cd") && !c.conditional && !c.nested {
            let dir = c.args().first()?.to_string();
            wd = resolve(wd.as_deref(), &dir);
            wd.as_ref()?;
        }
    }
    wd
}

/// The broad copy, before `j`, that puts the sources where the install runs; with `inside`, also one into a folder
/// below it (`COPY backend/src ./src` before `cargo build` in `/app`).
fn source_copy(
    f: &Facts,
    stage: &Stage,
    j: usize,
    dir: Option<&str>,
    inside: bool,
) -> Option<usize> {
    (stage.instructions.start + 1..j).find(|&c| {
        let Some(copy) = &f.steps[c].copy else {
            return false;
        };
        if !copy.broad || !copy.in_context() {
            return false;
        }
        let dest = resolve(workdir_at(f, stage, c, false).as_deref(), &copy.dest.value);
        match (dest, dir) {
            (Some(d), Some(w)) => {
                let (d, w) = (d.trim_end_matches('/'), w.trim_end_matches('/'));
                d == w || (inside && d.starts_with(&format!("{w}/")))
            }
            // Both relative to an unknown base: the same place when no WORKDIR is in between.
            (None, None) => {
                matches!(copy.dest.value.as_str(), "." | "./")
                    && !(c..j).any(|i| f.ins(i).kind == Kind::Workdir)
            }
            _ => false,
        }
    })
}

/// The sources' folder in the build context (`.` → ``, `src/` → `src/`), when the copy has one source.
fn source_dir(copy: &CopyFacts) -> Option<String> {
    let [one] = copy.sources.as_slice() else {
        return None;
    };
    let v = one.value.trim_start_matches("./");
    if v.is_empty() || v == "." {
        return Some(String::new());
    }
    if v.contains(['*', '?', '$', ' ']) {
        return None;
    }
    Some(format!("{}/", v.trim_end_matches('/')))
}

/// Flags of `cargo build` that mean the same for a build of placeholder sources: the profile, target and features
/// that decide how the dependencies are compiled. `true` when the flag takes a value as the next word.
fn cargo_flag(word: &str) -> Option<bool> {
    match word {
        "--release"
        | "-r"
        | "--locked"
        | "--frozen"
        | "--offline"
        | "--all-features"
        | "--no-default-features"
        | "-v"
        | "-vv"
        | "--verbose"
        | "-q"
        | "--quiet" => Some(false),
        "--target" | "--profile" | "--features" | "-F" | "-j" | "--jobs" => Some(true),
        w if ["--target=", "--profile=", "--features=", "--jobs="]
            .iter()
            .any(|p| w.starts_with(p)) =>
        {
            Some(false)
        }
        _ => None,
    }
}

/// For `cargo build` with the build context known: a step that compiles the dependencies from Cargo.toml and
/// Cargo.lock with placeholder sources (`src/main.rs`, `src/lib.rs`, as the package has them), and an edit that
/// touches the real sources before the real build. A COPY keeps the files' times from the build context, which are
/// often older than the placeholder build: without the touch, cargo would keep the placeholder's binary.
/// `None` (the download-only step is used instead) when the package's layout, the command or its folder is not
/// one a placeholder can stand in for.
#[allow(clippy::too_many_arguments)]
fn cargo_dependency_build(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    c: usize,
    j: usize,
    n: &Need,
    cmd: &crate::shell::SimpleCommand,
    src_dir: &str,
) -> Option<(String, Edit)> {
    let bctx = f.build_context?;
    if !matches!(
        n.action.kind,
        ActionKind::Build {
            tool: Tool::Cargo,
            installs: false,
            ..
        }
    ) {
        return None;
    }
    let script = f.steps[j].script.as_ref()?;
    if script.form != crate::shell::ScriptForm::Shell || script.has_errors {
        return None;
    }
    // The touch goes right before the command, in the folder the placeholder build ran in.
    if cmd.nested
        || cmd.conditional
        || cmd.words.first().map(|w| w.value.as_str()) != Some("cargo")
        || script.commands[..n.action.command]
            .iter()
            .any(|x| x.program() == Some("cd"))
    {
        return None;
    }
    let args = cmd.args();
    if args.first() != Some(&"build") {
        return None;
    }
    let mut rest = args[1..].iter();
    while let Some(a) = rest.next() {
        if cargo_flag(a)? {
            rest.next()?;
        }
    }
    let here = workdir_at(f, stage, c, false)?;
    if install_dir(f, stage, j, n)? != here {
        return None;
    }
    // Cargo.toml as copied into that folder, else at the sources' root.
    let manifest = (stage.instructions.start + 1..c)
        .filter_map(|i| f.steps[i].copy.as_ref().filter(|x| x.in_context()))
        .flat_map(|x| x.sources.iter())
        .map(|s| s.value.trim_start_matches("./").to_string())
        .find(|v| v == "Cargo.toml" || v.ends_with("/Cargo.toml"))
        .unwrap_or_else(|| format!("{src_dir}Cargo.toml"));
    let dir = &manifest[..manifest.len() - "Cargo.toml".len()];
    let text = bctx.read(&manifest)?;
    let files = cargo_placeholders(&text, |p| bctx.exists(&format!("{dir}{p}")))?;
    let mut parts = vec!["mkdir -p src".to_string()];
    for file in &files {
        parts.push(match *file {
            "src/main.rs" => "echo 'fn main() {}' > src/main.rs".to_string(),
            other => format!("touch {other}"),
        });
    }
    let one_line = ctx
        .slice(cmd.range.clone())
        .replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .replace(['\n', '\r'], " ");
    parts.push(one_line);
    parts.push("rm -rf src".to_string());
    let touch = Edit::insert(cmd.range.start, format!("touch {} && ", files.join(" ")));
    Some((parts.join(" && "), touch))
}

/// Whether a copy before `c` already brings the tool's main manifest.
fn manifests_already_copied(f: &Facts, stage: &Stage, c: usize, n: &Need) -> bool {
    let Some(spec) = manifest_spec(n.tool) else {
        return false;
    };
    let main: Vec<String> = spec
        .required
        .iter()
        .chain(spec.one_of.iter())
        .map(|s| s.to_string())
        .chain(n.files.iter().cloned())
        .chain((n.tool == Tool::Dotnet).then(|| "*.csproj".to_string()))
        .collect();
    (stage.instructions.start + 1..c).any(|i| {
        f.steps[i].copy.as_ref().is_some_and(|copy| {
            copy.manifests_only
                && copy.sources.iter().any(|s| {
                    let base = s.value.rsplit('/').next().unwrap_or(&s.value);
                    main.iter().any(|m| {
                        let mb = m.rsplit('/').next().unwrap_or(m);
                        glob_match(base, mb) || glob_match(mb, base)
                    })
                })
        })
    })
}

/// `COPY` in the case the file writes its instructions.
fn keyword(written: &str, upper: &str) -> String {
    if written.chars().all(|c| !c.is_ascii_uppercase()) {
        upper.to_ascii_lowercase()
    } else {
        upper.to_string()
    }
}

/// The manifest copies: files at the sources' root in one COPY, folders and nested files one COPY each.
fn copy_lines(
    ctx: &Context,
    f: &Facts,
    c: usize,
    src_dir: &str,
    paths: &[String],
) -> Option<String> {
    let copy = f.steps[c].copy.as_ref()?;
    let kw = keyword(f.ins(c).keyword_text(ctx.text()), "COPY");
    let flags: String = f.steps[c]
        .args
        .flags
        .iter()
        .map(|fl| format!("{} ", ctx.slice(fl.range.clone())))
        .collect();
    let dest = copy.dest.raw.trim_end_matches('/');
    let dest = if dest.is_empty() || dest == "." {
        ".".to_string()
    } else {
        dest.to_string()
    };
    let nl = ctx.newline();
    // Wrapper folders are folders even when the build context is unknown.
    let is_dir = |p: &str| {
        let base = p.rsplit('/').next().unwrap_or(p);
        matches!(base, ".mvn" | "gradle" | ".yarn")
            || f.build_context.is_some_and(|b| !b.list(p).is_empty())
    };
    let mut root: Vec<&str> = Vec::new();
    let mut out = String::new();
    for p in paths {
        if p.contains(' ') {
            return None;
        }
        let rel = p.strip_prefix(src_dir).unwrap_or(p);
        match rel.rsplit_once('/') {
            None if !is_dir(p) => root.push(p),
            None => out.push_str(&format!("{kw} {flags}{p} {dest}/{rel}/{nl}")),
            Some((parent, _)) => out.push_str(&format!("{kw} {flags}{p} {dest}/{parent}/{nl}")),
        }
    }
    let mut text = String::new();
    if !root.is_empty() {
        text.push_str(&format!("{kw} {flags}{} {dest}/{nl}", root.join(" ")));
    }
    text.push_str(&out);
    Some(text)
}

/// Programs that change the shell's state for the commands after them: a RUN split after one loses it.
const STATEFUL: &[&str] = &[
    "cd", "pushd", "popd", "export", "source", ".", "set", "shopt", "umask", "alias", "unset",
];

/// Where to split the install's RUN when commands after the install may read the sources: the range between the
/// install and the next command (` && `, maybe across a line continuation) and the start of the new RUN
/// (`RUN <its flags> `). `Ok(None)`: nothing after the install but cleanups, the RUN moves below as a whole.
/// `Err` when the commands after it cannot be split off (another operator than `&&`, shell state they rely on).
fn split_after_install(
    ctx: &Context,
    f: &Facts,
    j: usize,
    n: &Need,
) -> Result<Option<(crate::syntax::Span, String)>, String> {
    let step = &f.steps[j];
    let script = step
        .script
        .as_ref()
        .ok_or("the RUN is not a shell script")?;
    let k = n.action.command;
    let later: Vec<usize> = (k + 1..script.commands.len())
        .filter(|&i| !script.commands[i].nested)
        .collect();
    let cleanup = |i: usize| {
        let acts: Vec<&Action> = step.actions.iter().filter(|a| a.command == i).collect();
        !acts.is_empty()
            && acts.iter().all(|a| {
                matches!(
                    a.kind,
                    ActionKind::CacheClean { .. }
                        | ActionKind::SystemClean { .. }
                        | ActionKind::Remove { .. }
                )
            })
    };
    let Some(&next) = later.iter().find(|&&i| !cleanup(i)) else {
        return Ok(None);
    };
    let what = ctx
        .slice(script.commands[next].range.clone())
        .trim()
        .to_string();
    let refuse = || {
        format!("`{what}` in the same `RUN` may need the sources: split the `RUN` after the install by hand")
    };
    if script.form != crate::shell::ScriptForm::Shell
        || script.has_errors
        || !f.ins(j).heredocs.is_empty()
    {
        return Err(refuse());
    }
    let first_after = *later.first().ok_or_else(refuse)?;
    let stateful = script.commands[..=k].iter().any(|c| {
        (c.words.is_empty() && !c.assignments.is_empty())
            || c.program().is_some_and(|p| STATEFUL.contains(&p))
    });
    if stateful || script.commands[first_after].conditional {
        return Err(refuse());
    }
    let gap = script.commands[k].range.end..script.commands[first_after].range.start;
    let between = ctx.slice(gap.clone());
    let escape = ctx.doc().escape();
    let words: Vec<&str> = between
        .split_whitespace()
        .filter(|w| *w != escape.to_string())
        .collect();
    if words != ["&&"] {
        return Err(refuse());
    }
    let ins = f.ins(j);
    let mut run = keyword(ins.keyword_text(ctx.text()), "RUN");
    for fl in &ins.flags {
        run.push(' ');
        run.push_str(ctx.slice(fl.range.clone()));
    }
    run.push(' ');
    Ok(Some((gap, run)))
}

impl SourceCopyBeforeInstall {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        let mut reported: std::collections::HashSet<(usize, Tool)> =
            std::collections::HashSet::new();
        for stage in doc.stages() {
            for j in stage.instructions.clone() {
                if f.ins(j).kind != Kind::Run {
                    continue;
                }
                for a in &f.steps[j].actions {
                    let Some(n) = need(a) else { continue };
                    if n.prefetch && deps_handled(f, stage, j, &n) {
                        continue;
                    }
                    let dir = install_dir(f, stage, j, &n);
                    // A build reads sources copied below its folder too, once its manifests are in place.
                    let inside = n.prefetch && n.tool == Tool::Cargo;
                    let Some(c) = source_copy(f, stage, j, dir.as_deref(), inside).filter(|&c| {
                        let exact = source_copy(f, stage, j, dir.as_deref(), false) == Some(c);
                        exact || manifests_already_copied(f, stage, c, &n)
                    }) else {
                        continue;
                    };
                    // One finding per copy and tool (several `go install`s after one `COPY . .`).
                    if !reported.insert((c, n.tool)) {
                        continue;
                    }
                    if n.prefetch && ran_before(f, stage, c, n.tool) {
                        continue;
                    }
                    let copy = f.steps[c].copy.as_ref().expect("source_copy finds copies");
                    if n.tool == Tool::Go
                        && n.prefetch
                        && go_without_modules(f, stage, j, c, &n, source_dir(copy).as_deref())
                    {
                        continue;
                    }
                    let script = f.steps[j]
                        .script
                        .as_ref()
                        .expect("actions come from a script");
                    let cmd = &script.commands[a.command];
                    let what = ctx
                        .slice(cmd.argv()[0].range.start..a.anchor.end.max(cmd.argv()[0].range.end))
                        .to_string();
                    let copy_text = ctx
                        .slice(f.ins(c).range.clone())
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    let range = copy.sources.first().map_or(f.ins(c).range.clone(), |s| {
                        s.range.start..copy.dest.range.end
                    });
                    let base = if n.prefetch {
                        format!("`{copy_text}` comes before `{what}`, which downloads the dependencies: every source change downloads them again")
                    } else {
                        format!("`{copy_text}` comes before `{what}`: every source change reinstalls the dependencies")
                    };
                    match self.fix(ctx, f, stage, c, j, &n, cmd) {
                        Ok(fix) => out.push(ctx.diagnostic(range, base).with_fix(fix)),
                        Err(why) => out.push(ctx.diagnostic(
                            range,
                            format!("{base}; copy the manifests first by hand ({why})"),
                        )),
                    }
                }
            }
        }
    }
}

impl Rule for SourceCopyBeforeInstall {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

impl SourceCopyBeforeInstall {
    #[allow(clippy::too_many_arguments)]
    fn fix(
        &self,
        ctx: &Context,
        f: &Facts,
        stage: &Stage,
        c: usize,
        j: usize,
        n: &Need,
        cmd: &crate::shell::SimpleCommand,
    ) -> Result<Fix, String> {
        let doc = ctx.doc();
        let copy = f.steps[c].copy.as_ref().ok_or("not a copy")?;
        let src_dir = source_dir(copy).ok_or("the copy has several sources")?;
        let already = manifests_already_copied(f, stage, c, n);
        let manifest_text = if already {
            String::new()
        } else {
            let exe = cmd.argv()[0].value.clone();
            let paths = manifests_for(n.tool, &n.files, &exe, f.build_context, &src_dir)?;
            copy_lines(ctx, f, c, &src_dir, &paths).ok_or("a manifest path has a space")?
        };
        let run_kw = keyword(f.ins(j).keyword_text(ctx.text()), "RUN");
        let nl = ctx.newline();
        if n.prefetch {
            let spec = manifest_spec(n.tool).ok_or("no manifest")?;
            // Rust: compile the dependencies on placeholder sources, then make cargo rebuild the real ones.
            if let Some((step, touch)) =
                cargo_dependency_build(ctx, f, stage, c, j, n, cmd, &src_dir)
            {
                let text = format!("{manifest_text}{run_kw} {step}{nl}");
                return Ok(Fix::unsafe_(
                    "Copy the manifests, build the dependencies on placeholder sources, and touch the sources before the real build",
                    vec![Edit::insert(block_start(doc, c), text), touch],
                ));
            }
            let step = match spec.prefetch.ok_or("no download step is known")? {
                Prefetch::Command(t) => t.replace("{exe}", &cmd.argv()[0].value),
                Prefetch::WithFlags(flags) => format!(
                    "{} {flags}",
                    ctx.slice(cmd.range.clone()).replace(['\n', '\r'], " ")
                ),
            };
            let text = format!("{manifest_text}{run_kw} {step}{nl}");
            return Ok(Fix::unsafe_(
                format!(
                    "Copy the manifests and run `{step}` before `{}`",
                    copy.sources
                        .iter()
                        .map(|s| s.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                vec![Edit::insert(block_start(doc, c), text)],
            ));
        }
        // The build model: the copy passes what lies between only when none of it reads or writes what the copy
        // writes (or sets a WORKDIR or variable the copy uses); the install itself reads the manifests copied in
        // its place.
        let model = f.model();
        if let Some(i) = (c + 1..j).find(|&i| model.depends(c, i)) {
            let line = ctx
                .slice(f.ins(i).range.clone())
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            return Err(format!("`{line}` between them may need the sources"));
        }
        let b = block(doc, c, true, nl);
        let mut edits = if already {
            removals(doc, &[&b])
        } else {
            vec![Edit::replace(b.range.clone(), manifest_text)]
        };
        // Commands after the install in the same RUN (`npm ci && npm run build`) may need the sources: the RUN is
        // split there, and the sources are copied in between.
        match split_after_install(ctx, f, j, n)? {
            Some((range, run_start)) => {
                edits.push(Edit::replace(range, format!("{nl}{}{run_start}", b.text)));
            }
            None => edits.push(insertion(doc, after(doc, j), &b.text, nl)),
        }
        Ok(Fix::unsafe_(
            "Copy the manifests first and the sources after the install",
            edits,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &SourceCopyBeforeInstall::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", &[". ."]),
                (
                    "FROM python\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n",
                    &[". /app"],
                ),
                (
                    "FROM golang\nWORKDIR /src\nCOPY . .\nRUN go build -o /app\n",
                    &[". ."],
                ),
                (
                    "FROM maven\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\n",
                    &[". ."],
                ),
                (
                    "FROM ruby\nCOPY . /app\nRUN cd /app && bundle install\n",
                    &[". /app"],
                ),
                (
                    "FROM node\nCOPY package.json .\nCOPY src/ ./\nRUN npm install\n",
                    &["src/ ./"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM node\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
                "FROM golang\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app\n",
                "FROM golang\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app\n",
                "FROM rust\nWORKDIR /src\nCOPY Cargo.toml .\nCOPY src ./src\nRUN --mount=type=cache,target=/usr/local/cargo/registry/cache --mount=type=cache,target=/usr/local/cargo/registry/index cargo build --release\n",
                "FROM node\nCOPY . /src\nWORKDIR /app\nRUN npm ci\n",
                "FROM python\nCOPY . .\nRUN pip install .\n",
                "FROM node\nCOPY . .\nRUN npm install -g serve\n",
                "FROM golang\nCOPY main.go .\nRUN go build -o /server\n",
                "FROM maven\nCOPY . .\nRUN mvn -o package\n",
                "FROM golang:1.22\nCOPY emptydir .\nRUN go build -o /app main.go\n",
                "FROM golang:1.12-alpine\nWORKDIR /src\nCOPY . .\nRUN go build -o /app\n",
                "FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY build.gradle gradlew ./\nCOPY gradle gradle\nRUN ./gradlew downloadRepos\nCOPY . .\nRUN ./gradlew installDist\n",
            ],
        );
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM node:20\nWORKDIR /app\n# the app\nCOPY --chown=node:node . .\nENV NODE_ENV=production\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n",
                    "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node package*.json ./\nENV NODE_ENV=production\nRUN npm ci\n# the app\nCOPY --chown=node:node . .\nCMD [\"node\", \"server.js\"]\n",
                ),
                (
                    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app\n",
                    "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app\n",
                ),
                (
                    "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN ./mvnw -B package\n",
                    "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY pom.xml mvnw ./\nCOPY .mvn ./.mvn/\nRUN ./mvnw -B dependency:go-offline\nCOPY . .\nRUN ./mvnw -B package\n",
                ),
                (
                    "FROM python:3.12\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt",
                    "FROM python:3.12\nCOPY requirements.txt /app/\nWORKDIR /app\nRUN pip install -r requirements.txt\nCOPY . /app",
                ),
                // `src/`'s content lands in the folder `npm install` reads (a `.npmrc`, a workspace): without the
                // build context the model cannot tell, so the copy stays.
                (
                    "FROM node\nCOPY package.json .\nCOPY src/ ./\nRUN npm install\n",
                    "FROM node\nCOPY package.json .\nCOPY src/ ./\nRUN npm install\n",
                ),
                // The build after the install needs the sources: the RUN is split between them.
                (
                    "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n && npm run build\n",
                    "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm run build\n",
                ),
                // Cleanups after the install do not read the sources: the RUN stays whole.
                (
                    "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm cache clean --force && rm -rf /tmp/x\n",
                    "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && npm cache clean --force && rm -rf /tmp/x\nCOPY . .\n",
                ),
            ],
        );
        // A split would lose the `cd`, or `||` decides what runs: no fix.
        for src in [
            "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN cd /app && npm ci && npm run build\n",
            "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci; npm run build\n",
        ] {
            let d = spec::diagnostics(R, src);
            assert!(
                d[0].fix.is_none()
                    && d[0]
                        .message
                        .contains("split the `RUN` after the install by hand"),
                "{src}: {}",
                d[0].message
            );
        }
    }

    #[test]
    fn vendored_or_dependency_free_go_modules_are_left_alone() {
        use crate::engine::{lint, MemoryBuildContext, Settings};
        use crate::syntax::Document;
        let src = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app\n";
        let run = |ctx: &MemoryBuildContext| {
            lint(
                &Document::parse(src),
                &Settings::select([R.code]),
                Some(ctx),
            )
        };
        let vendored = MemoryBuildContext::new()
            .with_file("go.mod", "module x\n")
            .with_file("go.sum", "")
            .with_file("vendor/modules.txt", "");
        assert!(run(&vendored).is_empty());
        let no_deps = MemoryBuildContext::new()
            .with_file("go.mod", "module x\n")
            .with_file("main.go", "");
        assert!(run(&no_deps).is_empty());
        let deps = MemoryBuildContext::new()
            .with_file("go.mod", "module x\n")
            .with_file("go.sum", "x v1 h1:\n");
        assert_eq!(run(&deps).len(), 1);
    }

    #[test]
    fn vendored_go_modules_are_seen_in_the_dockerfile() {
        let build = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n";
        spec::invalid(R, &[(build, &[". ."])]);
        spec::valid(
            R,
            &[
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -mod=vendor -o /app ./cmd/app\n",
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -mod vendor -o /app ./cmd/app\n",
                "FROM golang:1.22\nENV GOFLAGS=-mod=vendor\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n",
                "FROM golang:1.22\nARG GOFLAGS=\"-trimpath -mod=vendor\"\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n",
                "FROM golang:1.22 AS base\nENV GOFLAGS=-mod=vendor\nFROM base\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n",
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN GOFLAGS=-mod=vendor go build -o /app ./cmd/app\n",
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN env GOFLAGS=-mod=vendor go build -o /app ./cmd/app\n",
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go vet -mod=vendor ./... && go build -o /app ./cmd/app\n",
                "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY vendor/ vendor/\nCOPY . .\nRUN go build -o /app ./cmd/app\n",
                // kaniko's deploy Dockerfile: the tools' versions come from go.mod, updated with `go mod vendor`.
                "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n# To update a tool, run\n#   go get <tool>@<version>\n#   go mod vendor\nRUN go install github.com/x/tool\n",
            ],
        );
        // Not signs of a vendored module: other flags, vendoring elsewhere, a commented-out instruction.
        spec::invalid(
            R,
            &[
                ("FROM golang:1.22\nENV GOFLAGS=-mod=mod\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n", &[". ."]),
                ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\nFROM golang:1.22\nENV GOFLAGS=-mod=vendor\n", &[". ."]),
                ("# go mod vendor\nFROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/app\n", &[". ."]),
                ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\n# RUN go mod vendor\nRUN go build -o /app ./cmd/app\n", &[". ."]),
                ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN echo -mod=vendor && go build -o /app ./cmd/app\n", &[". ."]),
            ],
        );
    }

    #[test]
    fn cargo_builds_the_dependencies_on_placeholders_and_touches_the_sources() {
        use crate::engine::{fix, FixMode, MemoryBuildContext, Settings};
        let settings = Settings::select([R.code]);
        let pkg = "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\n";
        let bin = MemoryBuildContext::new()
            .with_file("Cargo.toml", pkg)
            .with_file("Cargo.lock", "")
            .with_file("src/main.rs", "fn main() {}");
        let src = "FROM rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked \\\n  && cp target/release/x /usr/local/bin/\n";
        assert_eq!(
            fix(src, &settings, Some(&bin), FixMode::Unsafe).text,
            "FROM rust:1.80\nWORKDIR /app\nCOPY Cargo.toml Cargo.lock ./\nRUN mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo build --release --locked && rm -rf src\nCOPY . .\nRUN touch src/main.rs && cargo build --release --locked \\\n  && cp target/release/x /usr/local/bin/\n"
        );
        let both = bin.clone().with_file("src/lib.rs", "");
        let out = fix(src, &settings, Some(&both), FixMode::Unsafe).text;
        assert!(
            out.contains("echo 'fn main() {}' > src/main.rs && touch src/lib.rs && cargo build")
                && out.contains("RUN touch src/main.rs src/lib.rs && cargo build"),
            "{out}"
        );
        // A build script, another target layout, `--bin`, no context: the download-only step.
        let script = bin.clone().with_file("build.rs", "fn main() {}");
        let with_bin =
            "FROM rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin x\n";
        for (src, ctx) in [(src, Some(&script)), (with_bin, Some(&bin)), (src, None)] {
            let out = fix(
                src,
                &settings,
                ctx.map(|c| c as &dyn crate::engine::BuildContext),
                FixMode::Unsafe,
            )
            .text;
            assert!(
                out.contains("cargo fetch") && !out.contains("touch"),
                "{out}"
            );
        }
    }

    #[test]
    fn refused_when_something_between_needs_the_sources() {
        let src = "FROM node\nWORKDIR /app\nCOPY . .\nRUN ./patch.sh\nRUN npm ci\n";
        let d = spec::diagnostics(R, src);
        assert!(d[0].fix.is_none());
        assert!(
            d[0].message
                .contains("`RUN ./patch.sh` between them may need the sources"),
            "{}",
            d[0].message
        );
    }

    /// The build model decides what the copy may pass: a step that touches none of the copied files, yes; one
    /// that reads or writes into the copied folder, or a WORKDIR that a relative destination follows, no.
    #[test]
    fn the_model_decides_what_the_copy_may_pass() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[(
                "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN useradd -m app\nRUN npm ci\n",
                "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN useradd -m app\nRUN npm ci\nCOPY . .\n",
            )],
        );
        for (src, blocker) in [
            (
                "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN curl -fsSL -o /app/vendor.js https://x/v.js\nRUN npm ci\n",
                "RUN curl",
            ),
            (
                "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN chmod +x /app/start.sh\nRUN npm ci\n",
                "RUN chmod",
            ),
            (
                "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ls /app/src > /tmp/files\nRUN npm ci\n",
                "RUN ls",
            ),
        ] {
            let d = spec::diagnostics(R, src);
            assert!(d[0].fix.is_none(), "{src}");
            assert!(
                d[0].message.contains(&format!("`{blocker}")),
                "{}",
                d[0].message
            );
        }
    }
}
