//! The multi-stage rewrite behind `toolchain-in-final-image`: which final stage builds on a toolchain and runs what
//! it built, which runtime image replaces the toolchain, and the edits that turn the stage into `AS build` plus a
//! small final stage that copies only the artifact.
use std::collections::BTreeSet;

use super::facts::Facts;
use super::layers::{resolve, workdir_at};
use super::lines::{block, removals, Block};
use super::runtime::{go_uses_cgo, resolved_image, user_fate, UserFate};
use crate::engine::{Context, Edit};
use crate::knowledge::{
    artifact_of, classify, image_env, is_build_package, is_compiler_package, is_toolchain_env,
    normalize_name, release_note, runtime_for, tag_has, Artifact, Ecosystem, Role, RuntimeChoice,
    RuntimeHints, Size, Tool,
};
use crate::shell::{ActionKind, ScriptForm};
use crate::syntax::{Instruction, Kind, Span, Stage};

/// A final stage that builds on a toolchain image and runs what it builds.
pub(crate) struct Finding {
    /// The image in the final FROM.
    pub image_range: Span,
    pub image_text: String,
    pub image_size: Size,
    pub eco: Ecosystem,
    /// The rewrite, or why there is none (said to the user).
    pub rewrite: Result<Rewrite, String>,
}

pub(crate) struct Rewrite {
    pub runtime: RuntimeChoice,
    pub edits: Vec<Edit>,
    /// What the user should still do by hand (pin a floating tag), said after the finding.
    pub note: Option<String>,
}

/// Programs that run a Python app.
const PYTHON_RUNNERS: &[&str] = &[
    "python",
    "python3",
    "gunicorn",
    "uvicorn",
    "flask",
    "celery",
    "daphne",
    "hypercorn",
    "waitress-serve",
    "uwsgi",
    "streamlit",
    "fastapi",
];

/// Static file servers: a Node build served by one of these is a static site.
const STATIC_SERVERS: &[&str] = &["serve", "http-server", "live-server", "static-server"];

/// Extensions a compiled build does not read: such files are runtime assets the final stage copies itself.
fn compiled_source(eco: Ecosystem, name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let base = name.rsplit('/').next().unwrap_or(name);
    match eco {
        Ecosystem::Go => matches!(
            ext.as_str(),
            "go" | "mod" | "sum" | "s" | "c" | "h" | "syso" | "work"
        ),
        Ecosystem::Rust => matches!(ext.as_str(), "rs" | "toml" | "lock") || base == "build.rs",
        Ecosystem::C => {
            matches!(
                ext.as_str(),
                "c" | "h"
                    | "cc"
                    | "cpp"
                    | "hpp"
                    | "cxx"
                    | "s"
                    | "o"
                    | "a"
                    | "mk"
                    | "in"
                    | "am"
                    | "ac"
            ) || matches!(
                base,
                "Makefile" | "makefile" | "GNUmakefile" | "CMakeLists.txt" | "configure"
            )
        }
        _ => true,
    }
}

/// The words CMD/ENTRYPOINT run (ENTRYPOINT first), and whether either is in shell form.
fn run_words(f: &Facts, stage: &Stage) -> (Vec<String>, bool) {
    let mut words = Vec::new();
    let mut shell = false;
    for kind in [Kind::Entrypoint, Kind::Cmd] {
        let Some(i) = f.effective(stage, kind) else {
            continue;
        };
        let Some(script) = &f.steps[i].script else {
            continue;
        };
        shell |= script.form == ScriptForm::Shell;
        for c in &script.commands {
            words.extend(c.words.iter().map(|w| w.value.clone()));
        }
    }
    (words, shell)
}

/// The usual `PATH` of the images dflint picks.
const PATH_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Folders on the `PATH` of the toolchain images only (golang's `/go/bin`, rust's cargo bin), where `go install` and
/// `cargo install` put what they build: a bare CMD word finds it there, but not in a runtime image.
const TOOLCHAIN_PATH_DIRS: &[&str] = &["/go/bin", "/usr/local/go/bin", "/usr/local/cargo/bin"];

/// Whether a CMD/ENTRYPOINT word names the artifact (absolute, or relative to the final working directory).
fn names_artifact(word: &str, artifact: &Artifact, abs: &str, wd: Option<&str>) -> bool {
    let w = word.trim_start_matches('@');
    // A bare name found through PATH.
    if let (Artifact::File(_), Some((dir, name))) = (artifact, abs.rsplit_once('/')) {
        if w == name && (PATH_DIRS.contains(&dir) || TOOLCHAIN_PATH_DIRS.contains(&dir)) {
            return true;
        }
    }
    let resolved = if w.starts_with('/') {
        Some(w.to_string())
    } else {
        resolve(wd, w)
    };
    let Some(r) = resolved else { return false };
    match artifact {
        Artifact::File(_) => r == abs,
        Artifact::Dir(_) => r.starts_with(&format!("{abs}/")) || r == abs,
        Artifact::Glob(_) => crate::knowledge::glob_match(abs, &r),
    }
}

/// The instruction index and action of the last unconditional build step of the stage that fits the image.
fn build_step(f: &Facts, stage: &Stage, eco: Ecosystem) -> Option<(usize, usize)> {
    let fits = |tool: Tool| {
        let t = tool.ecosystem();
        t == eco
            || (t.is_jvm() && eco.is_jvm())
            || (tool == Tool::Make && matches!(eco, Ecosystem::Go | Ecosystem::Rust | Ecosystem::C))
    };
    let mut found = None;
    for i in stage.instructions.clone() {
        for (k, a) in f.steps[i].actions.iter().enumerate() {
            if a.conditional {
                continue;
            }
            if let ActionKind::Build { tool, .. } = a.kind {
                if fits(tool) {
                    found = Some((i, k));
                }
            }
        }
    }
    found
}

/// Build packages installed (and kept) in the stage.
fn kept_build_packages(f: &Facts, stage: &Stage) -> Vec<String> {
    let mut out = Vec::new();
    for i in stage.instructions.clone() {
        let removed: Vec<&String> = f.steps[i]
            .actions
            .iter()
            .filter_map(|a| match &a.kind {
                ActionKind::SystemRemove { packages, .. } => Some(packages.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        for a in &f.steps[i].actions {
            if let ActionKind::SystemInstall {
                packages,
                local: false,
                ..
            } = &a.kind
            {
                out.extend(
                    packages
                        .iter()
                        .filter(|p| is_build_package(p) && !removed.contains(p))
                        .cloned(),
                );
            }
        }
    }
    out
}

/// Whether the stage sets `CGO_ENABLED` to anything but `0` (an ENV, an ARG default, or on the build command).
fn cgo_enabled_explicitly(f: &Facts, stage: &Stage, build: usize) -> bool {
    let env = stage.instructions.clone().any(|i| {
        let ins = f.ins(i);
        matches!(ins.kind, Kind::Env | Kind::Arg)
            && ins
                .pairs
                .iter()
                .any(|p| p.key == "CGO_ENABLED" && p.value.as_ref().is_some_and(|v| v.value != "0"))
    });
    let on_command = f.steps[build]
        .script
        .iter()
        .flat_map(|s| s.commands.iter())
        .any(|c| {
            c.assignments
                .iter()
                .any(|(k, v)| k == "CGO_ENABLED" && v != "0")
                || c.words
                    .iter()
                    .any(|w| w.value.starts_with("CGO_ENABLED=") && w.value != "CGO_ENABLED=0")
        });
    env || on_command
}

/// Whether the stage sets `CGO_ENABLED=0` (its base image's ENV, an ENV, or on the build command).
fn cgo_disabled(f: &Facts, stage: &Stage, build: usize, image: &str) -> bool {
    if image_env(image, "CGO_ENABLED") == Some("0") {
        return true;
    }
    let env = stage.instructions.clone().any(|i| {
        let ins = f.ins(i);
        ins.kind == Kind::Env
            && ins
                .pairs
                .iter()
                .any(|p| p.key == "CGO_ENABLED" && p.value.as_ref().is_some_and(|v| v.value == "0"))
    });
    let on_command = f.steps[build]
        .script
        .iter()
        .flat_map(|s| s.commands.iter())
        .any(|c| {
            c.assignments
                .iter()
                .any(|(k, v)| k == "CGO_ENABLED" && v == "0")
                || c.words.iter().any(|w| w.value == "CGO_ENABLED=0")
        });
    env || on_command
}

/// Finds the problem in the final stage, and prepares the rewrite.
pub(crate) fn analyse(ctx: &Context, f: &Facts) -> Option<Finding> {
    let doc = ctx.doc();
    let stage = doc.stages().last()?;
    // `FROM build` is final-stage-from-builder's.
    if super::facts::base_stage(doc, stage).is_some() {
        return None;
    }
    let from = f.ins(stage.from);
    let image = from.image.as_ref()?;
    // `FROM golang:${GO_VERSION}-bookworm` builds on the global ARG's default unless the build says otherwise.
    let (image_name, tag) = resolved_image(doc, image)?;
    let (role, size) = classify(&image_name, tag.as_deref())?;
    let Role::Toolchain(eco) = role else {
        return None;
    };
    // The toolchain is the product: devcontainers, CI runners, build agents, dev stages.
    if super::product::toolchain_is_product(f, stage).is_some() {
        return None;
    }
    let (runs, shell_form) = run_words(f, stage);
    if runs.is_empty() {
        return None;
    }
    let finding = |rewrite: Result<Rewrite, String>| Finding {
        image_range: image.range.clone(),
        image_text: image.text.clone(),
        image_size: size,
        eco,
        rewrite,
    };
    if eco == Ecosystem::Python {
        let runner = runs
            .first()
            .map(|w| crate::shell::basename(w).to_string())
            .unwrap_or_default();
        let installs = stage.instructions.clone().any(|i| {
            f.steps[i].actions.iter().any(|a| {
                matches!(&a.kind, ActionKind::DependencyInstall { tool, .. } | ActionKind::ToolInstall { tool, .. } if tool.ecosystem() == Ecosystem::Python)
            })
        });
        let compiles = !kept_build_packages(f, stage).is_empty();
        if !(PYTHON_RUNNERS.contains(&runner.as_str()) && installs && compiles) {
            return None;
        }
        return Some(finding(python_rewrite(
            ctx,
            f,
            stage,
            &image_name,
            tag.as_deref(),
        )));
    }
    let (b, k) = build_step(f, stage, eco)?;
    let action = &f.steps[b].actions[k];
    let wd_build = build_dir(f, stage, b, action.command);
    let src_dir = source_dir(f, stage, b, wd_build.as_deref(), eco);
    let artifact = artifact_of(&action.kind, f.build_context, &src_dir, &runs);
    // The app's working directory: the stage's WORKDIR, else the toolchain image's own (`/go` for golang), which
    // the final stage must then set (the runtime images start in `/`).
    let final_wd = if has_workdir(f, stage) {
        workdir_at(f, stage, stage.instructions.end, true)
    } else {
        workdir_at(f, stage, stage.instructions.end, false)
    };
    match &artifact {
        Ok(a) => {
            let Some(abs) = resolve(wd_build.as_deref(), a.path())
                .map(|p| super::layers::go_bin(f, stage, b, p))
            else {
                // Relative output in a working directory that depends on the base image: not certain what runs.
                let plausible = runs
                    .iter()
                    .any(|w| w.ends_with(a.path().trim_start_matches("./")));
                return plausible.then(|| finding(Err("the build's output path is relative to a working directory inherited from the base image: set an absolute `WORKDIR`, then rewrite to a multi-stage build".into())));
            };
            if !runs
                .iter()
                .any(|w| names_artifact(w, a, &abs, final_wd.as_deref()))
            {
                return None;
            }
            let static_site = eco == Ecosystem::Node
                && runs
                    .iter()
                    .any(|w| STATIC_SERVERS.contains(&crate::shell::basename(w)));
            let cgo = (eco == Ecosystem::Go).then(|| go_uses_cgo(f.build_context, &src_dir));
            let hints = RuntimeHints {
                cgo_disabled: eco == Ecosystem::Go && cgo_disabled(f, stage, b, &image_name),
                // Without the sources, a C compiler installed next to an Alpine Go says cgo is on.
                cgo_used: match cgo {
                    Some(Some(used)) => used,
                    Some(None) => !kept_build_packages(f, stage).is_empty(),
                    None => false,
                },
                static_site,
                console_app: dotnet_console(f, &src_dir),
            };
            // `CGO_ENABLED=1` written in the stage is a decision the rewrite keeps.
            let cgo_unused = cgo == Some(Some(false)) && !cgo_enabled_explicitly(f, stage, b);
            let rw = compiled_rewrite(
                ctx,
                f,
                stage,
                Plan {
                    eco,
                    image: &image_name,
                    tag: tag.as_deref(),
                    build: b,
                    artifact: a,
                    abs: &abs,
                    final_wd: final_wd.as_deref(),
                    runs: &runs,
                    shell_form,
                    hints,
                    cgo_unused,
                    src_dir: &src_dir,
                },
            );
            Some(finding(rw))
        }
        Err(why) => {
            // The artifact is unknown; report only when CMD plainly runs something the stage built.
            let first = runs.first()?;
            let local = (first.starts_with("./")
                || (first.contains('/')
                    && !first.starts_with("/usr/")
                    && !first.starts_with("/bin/")
                    && !first.starts_with("/sbin/")))
                || runs.iter().any(|w| {
                    w.ends_with(".jar")
                        || w.ends_with(".dll")
                        || w.starts_with("dist/")
                        || w.starts_with("build/")
                });
            local.then(|| {
                finding(Err(format!(
                    "{why}; then move the build to a stage of its own"
                )))
            })
        }
    }
}

fn has_workdir(f: &Facts, stage: &Stage) -> bool {
    stage
        .instructions
        .clone()
        .any(|i| f.ins(i).kind == Kind::Workdir)
}

/// The build's working directory: the WORKDIR, moved by a `cd` earlier in the same RUN.
fn build_dir(f: &Facts, stage: &Stage, b: usize, command: usize) -> Option<String> {
    let mut wd = workdir_at(f, stage, b, false);
    if let Some(script) = &f.steps[b].script {
        for c in script.commands.iter().take(command) {
            if c.program() == Some("cd") && !c.conditional {
                wd = resolve(wd.as_deref(), c.args().first()?);
            }
        }
    }
    wd
}

/// The manifest that names an ecosystem's build (and its binary).
fn build_manifest(eco: Ecosystem) -> Option<&'static str> {
    match eco {
        Ecosystem::Rust => Some("Cargo.toml"),
        Ecosystem::Go => Some("go.mod"),
        Ecosystem::Node => Some("package.json"),
        _ => None,
    }
}

/// Where the sources sit in the build context: the folder of the manifest copied into the build's folder
/// (`COPY backend/Cargo.toml ./` → `backend/`), else the broad copy's source folder before the build.
fn source_dir(
    f: &Facts,
    stage: &Stage,
    b: usize,
    build_dir: Option<&str>,
    eco: Ecosystem,
) -> String {
    if let (Some(manifest), Some(dir)) = (build_manifest(eco), build_dir) {
        let dir = dir.trim_end_matches('/');
        let copied = (stage.instructions.start..b).rev().find_map(|i| {
            let c = f.steps[i].copy.as_ref().filter(|c| c.in_context())?;
            let src = c.sources.iter().find(|s| {
                let v = s.value.trim_start_matches("./");
                v == manifest || v.ends_with(&format!("/{manifest}"))
            })?;
            let dest = resolve(workdir_at(f, stage, i, false).as_deref(), &c.dest.value)?;
            let dest = dest.trim_end_matches('/');
            let lands = dest == dir || dest == format!("{dir}/{manifest}");
            (lands && !src.value.contains(['*', '?', '$'])).then(|| {
                let v = src.value.trim_start_matches("./");
                v[..v.len() - manifest.len()].to_string()
            })
        });
        if let Some(d) = copied {
            return d;
        }
    }
    (stage.instructions.start..b)
        .filter_map(|i| f.steps[i].copy.as_ref())
        .find(|c| c.broad && c.in_context() && c.sources.len() == 1)
        .map(|c| {
            let v = c.sources[0]
                .value
                .trim_start_matches("./")
                .trim_end_matches('/');
            if v.is_empty() || v == "." {
                String::new()
            } else {
                format!("{v}/")
            }
        })
        .unwrap_or_default()
}

/// .NET: a project that is not a web app needs only the runtime.
fn dotnet_console(f: &Facts, src_dir: &str) -> bool {
    let Some(ctx) = f.build_context else {
        return false;
    };
    let dir = src_dir.trim_end_matches('/');
    let projects: Vec<String> = ctx
        .list(dir)
        .into_iter()
        .filter(|n| n.ends_with(".csproj") || n.ends_with(".fsproj"))
        .collect();
    !projects.is_empty()
        && projects.iter().all(|p| {
            let path = if dir.is_empty() {
                p.clone()
            } else {
                format!("{dir}/{p}")
            };
            ctx.read(&path)
                .is_some_and(|t| t.contains("Sdk=\"Microsoft.NET.Sdk\""))
        })
}

struct Plan<'a> {
    eco: Ecosystem,
    image: &'a str,
    tag: Option<&'a str>,
    build: usize,
    artifact: &'a Artifact,
    abs: &'a str,
    final_wd: Option<&'a str>,
    /// The words of the final CMD/ENTRYPOINT.
    runs: &'a [String],
    shell_form: bool,
    hints: RuntimeHints,
    /// Go: the build context shows the module needs no cgo, so the build can turn it off.
    cgo_unused: bool,
    src_dir: &'a str,
}

/// What happens to each instruction of the stage.
#[derive(Default)]
struct Split {
    /// Removed from the build stage and written in the final one (metadata, assets).
    moved: Vec<usize>,
    /// Copied into the final stage, kept in the build stage (runtime ENV, ARG used by moved metadata, numeric USER).
    copied: Vec<usize>,
    /// Assets (copies of files a compiler does not read): after the artifact in the final stage.
    assets: Vec<usize>,
    /// The assets a `RUN` of the build stage reads as well (a `cat` in the build's flags, a check): written in the
    /// final stage too, but kept in the build stage.
    read_assets: Vec<usize>,
    /// A `USER` names a user (not a number or root).
    named_user: bool,
}

fn line(ctx: &Context, ins: &Instruction) -> String {
    ctx.slice(ins.range.clone())
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Decides where each instruction goes; `Err` says what blocks the rewrite.
fn split(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    p: &Plan,
    runtime: &str,
) -> Result<Split, String> {
    let mut s = Split::default();
    let embeds = p.eco == Ecosystem::Go && f.go_embeds();
    for i in stage.instructions.start + 1..stage.instructions.end {
        let ins = f.ins(i);
        let after = i > p.build;
        match ins.kind {
            Kind::Expose
            | Kind::Label
            | Kind::Cmd
            | Kind::Entrypoint
            | Kind::Stopsignal
            | Kind::Volume
            | Kind::Maintainer => s.moved.push(i),
            Kind::Healthcheck => {
                if matches!(
                    ins.healthcheck.as_deref(),
                    Some(crate::syntax::Healthcheck::None(_))
                ) {
                    s.moved.push(i);
                } else {
                    return Err(format!("`{}` may need tools the runtime image lacks: move it to the final stage by hand", line(ctx, ins)));
                }
            }
            Kind::Env if after => s.moved.push(i),
            Kind::Env => {
                if ins.pairs.iter().any(|kv| !is_toolchain_env(&kv.key)) {
                    s.copied.push(i);
                }
            }
            Kind::Arg | Kind::Workdir => {}
            Kind::User => {
                let user = f.steps[i]
                    .args
                    .words()
                    .first()
                    .map(|w| w.value.clone())
                    .unwrap_or_default();
                let name = user.split(':').next().unwrap_or("");
                if !(name.chars().all(|c| c.is_ascii_digit()) || name == "root") {
                    let fate = user_fate(
                        &user,
                        (p.image, p.tag),
                        runtime,
                        creates_user(f, stage, name),
                    );
                    if let UserFate::Blocked(why) = fate {
                        return Err(why);
                    }
                    s.named_user = true;
                }
                if after {
                    s.moved.push(i)
                } else {
                    s.copied.push(i)
                }
            }
            Kind::Copy | Kind::Add => {
                let Some(c) = &f.steps[i].copy else { continue };
                let asset = matches!(p.eco, Ecosystem::Go | Ecosystem::C | Ecosystem::Rust)
                    && !embeds
                    && c.in_context()
                    && !c.broad
                    && !c.heredoc
                    && !c.sources.is_empty()
                    && c.sources.iter().all(|src| {
                        !src.value.contains(['*', '?', '$']) && !compiled_source(p.eco, &src.value)
                    });
                // The build model: a later RUN of the stage reads (or writes) what the copy writes, so the copy
                // must stay where the build sees it.
                let read = asset
                    && (i + 1..stage.instructions.end)
                        .any(|r| f.ins(r).kind == Kind::Run && f.model().depends(i, r));
                if read {
                    s.read_assets.push(i);
                } else if asset {
                    s.assets.push(i);
                } else if after {
                    return Err(format!(
                        "`{}` comes after the build: decide whether the final stage needs it",
                        line(ctx, ins)
                    ));
                }
            }
            Kind::Run if after => {
                let harmless = f.steps[i].actions.len() == f.steps[i].script.as_ref().map_or(usize::MAX, |s| s.commands.len())
                    && f.steps[i].actions.iter().all(|a| matches!(&a.kind, ActionKind::Chmod { targets, .. } | ActionKind::Chown { targets, .. } if targets.iter().all(|t| {
                        let wd = workdir_at(f, stage, i, false);
                        resolve(wd.as_deref(), &t.value).is_some_and(|r| r == p.abs || r.starts_with(&format!("{}/", p.abs)))
                    })));
                if !harmless {
                    return Err(format!("`{}` runs after the build: move what the final image needs into it by hand", line(ctx, ins)));
                }
            }
            Kind::Run => {}
            Kind::Onbuild | Kind::Shell | Kind::Unknown | Kind::From => {
                return Err(format!(
                    "`{}` in the stage: rewrite by hand",
                    line(ctx, ins)
                ));
            }
        }
    }
    // The ARGs the final stage's instructions use come along.
    let used: BTreeSet<String> = s
        .moved
        .iter()
        .chain(s.copied.iter())
        .chain(s.assets.iter())
        .chain(s.read_assets.iter())
        .flat_map(|&i| f.ins(i).var_refs().into_iter().map(|v| v.name.clone()))
        .collect();
    for i in stage.instructions.clone() {
        let ins = f.ins(i);
        if ins.kind == Kind::Arg && ins.pairs.iter().any(|kv| used.contains(&kv.key)) {
            s.copied.push(i);
        }
        if ins.kind == Kind::Env
            && !s.copied.contains(&i)
            && !s.moved.contains(&i)
            && ins.pairs.iter().any(|kv| used.contains(&kv.key))
        {
            s.copied.push(i);
        }
    }
    s.copied.sort_unstable();
    s.copied.dedup();
    Ok(s)
}

/// Whether a RUN of the stage (or a stage it builds on) creates the user: `useradd`/`adduser` naming it.
pub(crate) fn creates_user(f: &Facts, stage: &Stage, name: &str) -> bool {
    std::iter::once(stage)
        .chain(f.ancestors(stage))
        .flat_map(|s| s.instructions.clone())
        .flat_map(|i| f.steps[i].script.iter().flat_map(|s| s.commands.iter()))
        .any(|c| matches!(c.program(), Some("useradd" | "adduser")) && c.args().contains(&name))
}

/// A name for the build stage that no stage uses yet.
fn build_name(f: &Facts, stage: &Stage) -> (String, bool) {
    if let Some(n) = &stage.name {
        return (n.clone(), false);
    }
    let taken = |n: &str| {
        f.doc
            .stages()
            .iter()
            .any(|s| s.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n)))
    };
    let name = ["build", "builder", "build-stage", "toolchain"]
        .into_iter()
        .find(|n| !taken(n))
        .unwrap_or("build-0");
    (name.to_string(), true)
}

/// `COPY`/`FROM`/`RUN` in the case the file writes its keywords.
fn kw(f: &Facts, stage: &Stage, word: &str) -> String {
    let lower = f
        .ins(stage.from)
        .keyword_text(f.doc.text())
        .chars()
        .all(|c| !c.is_ascii_uppercase());
    if lower {
        word.to_ascii_lowercase()
    } else {
        word.to_string()
    }
}

/// Debian's OpenSSL runtime package per release.
fn libssl(codename: &str) -> &'static str {
    match codename {
        "trixie" => "libssl3t64",
        "bullseye" | "buster" => "libssl1.1",
        _ => "libssl3",
    }
}

fn compiled_rewrite(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    mut p: Plan,
) -> Result<Rewrite, String> {
    // A Go module without cgo builds a static binary once cgo is off: say so on the build command.
    let mut cgo_edit = None;
    if p.eco == Ecosystem::Go && !p.hints.cgo_disabled && p.cgo_unused {
        if let Some(at) = go_command_start(f, p.build) {
            cgo_edit = Some(Edit::insert(at, "CGO_ENABLED=0 "));
            p.hints.cgo_disabled = true;
        }
    }
    let mut runtime = runtime_for(p.eco, p.image, p.tag, p.hints)?;
    // Distroless has no shell for a shell-form CMD: a static binary runs on alpine just as well.
    if p.shell_form && (runtime.image.contains("distroless") || runtime.image == "scratch") {
        runtime = RuntimeChoice {
            image: "alpine:3.22".into(),
            size: classify("alpine", None).map_or(runtime.size, |c| c.1),
            why: "a static binary with a shell-form CMD needs a shell: alpine has one",
        };
    }
    let sp = split(ctx, f, stage, &p, &runtime.image)?;
    let (name, add_name) = build_name(f, stage);
    let nl = ctx.newline();
    let copy_kw = kw(f, stage, "COPY");
    let mut artifact_lines = String::new();
    let dest_dir = |abs: &str| {
        abs.rsplit_once('/').map_or("/".to_string(), |(d, _)| {
            format!("{}/", if d.is_empty() { "" } else { d })
        })
    };
    match (p.eco, p.artifact) {
        (Ecosystem::Node, _) if p.hints.static_site => {
            artifact_lines.push_str(&format!(
                "{copy_kw} --from={name} {} /usr/share/nginx/html{nl}",
                p.abs
            ));
        }
        (Ecosystem::Node, _) => {
            let wd = p
                .final_wd
                .ok_or("the app's folder is not known: set an absolute `WORKDIR`")?;
            let wd = wd.trim_end_matches('/');
            artifact_lines.push_str(&format!(
                "{copy_kw} --from={name} {wd}/package*.json {wd}/{nl}"
            ));
            artifact_lines.push_str(&format!(
                "{copy_kw} --from={name} {wd}/node_modules {wd}/node_modules{nl}"
            ));
            artifact_lines.push_str(&format!("{copy_kw} --from={name} {} {}{nl}", p.abs, p.abs));
        }
        (_, Artifact::File(_)) => {
            // Run by its bare name from a folder only the toolchain image has on its PATH: the runtime image
            // finds it in /usr/local/bin.
            let dest = match p.abs.rsplit_once('/') {
                Some((dir, file))
                    if TOOLCHAIN_PATH_DIRS.contains(&dir) && p.runs.iter().any(|w| w == file) =>
                {
                    format!("/usr/local/bin/{file}")
                }
                _ => p.abs.to_string(),
            };
            artifact_lines.push_str(&format!("{copy_kw} --from={name} {} {dest}{nl}", p.abs));
        }
        (_, Artifact::Dir(_)) => {
            artifact_lines.push_str(&format!("{copy_kw} --from={name} {} {}{nl}", p.abs, p.abs));
        }
        (_, Artifact::Glob(_)) => {
            artifact_lines.push_str(&format!(
                "{copy_kw} --from={name} {} {}{nl}",
                p.abs,
                dest_dir(p.abs)
            ));
        }
    }
    let mut setup = String::new();
    let official = !normalize_name(p.image).contains('/');
    let debian_runtime = runtime.image.starts_with("debian:");
    let scratch = runtime.image == "scratch";
    if matches!(p.eco, Ecosystem::Go | Ecosystem::Rust | Ecosystem::C)
        && official
        && (debian_runtime || runtime.image.starts_with("alpine:") || scratch)
    {
        // The toolchain image trusts the usual certificate authorities; the slim one does not.
        artifact_lines.push_str(&format!(
            "{copy_kw} --from={name} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt{nl}"
        ));
    }
    // `scratch` has no user table: a named USER needs the build's (whose users it was checked against).
    if scratch && sp.named_user {
        for file in ["/etc/passwd", "/etc/group"] {
            artifact_lines.push_str(&format!("{copy_kw} --from={name} {file} {file}{nl}"));
        }
    }
    if p.eco == Ecosystem::Rust && debian_runtime {
        let lock = f
            .build_context
            .and_then(|c| c.read(&format!("{}Cargo.lock", p.src_dir)));
        if lock.is_some_and(|l| l.contains("name = \"openssl-sys\"")) {
            let codename = runtime
                .image
                .trim_start_matches("debian:")
                .trim_end_matches("-slim");
            setup.push_str(&format!(
                "{} apt-get update && apt-get install -y --no-install-recommends {} && rm -rf /var/lib/apt/lists/*{nl}",
                kw(f, stage, "RUN"),
                libssl(codename)
            ));
        }
    }
    finish(
        ctx,
        f,
        stage,
        &runtime,
        &sp,
        &name,
        add_name,
        p.final_wd,
        &setup,
        &artifact_lines,
        p.hints.static_site,
    )
    .map(|mut edits| {
        edits.extend(cgo_edit);
        let note = release_note(p.image, p.tag, &runtime.image);
        Rewrite {
            runtime,
            edits,
            note,
        }
    })
}

/// Where `CGO_ENABLED=0 ` goes in the RUN of a Go build: before the `go` word of a plain shell-form command (not
/// behind a wrapper, not nested), so the setting applies to that build alone.
fn go_command_start(f: &Facts, build: usize) -> Option<usize> {
    let is_go_build =
        |a: &&crate::shell::Action| matches!(a.kind, ActionKind::Build { tool: Tool::Go, .. });
    // Several go builds: each would need it; the rewrite keeps to the one case it can see whole.
    if f.steps
        .iter()
        .flat_map(|s| s.actions.iter())
        .filter(is_go_build)
        .count()
        != 1
    {
        return None;
    }
    let step = &f.steps[build];
    let script = step.script.as_ref()?;
    if script.form != ScriptForm::Shell || script.has_errors {
        return None;
    }
    let a = step.actions.iter().find(is_go_build)?;
    let cmd = script.commands.get(a.command)?;
    let first = cmd.words.first()?;
    (!cmd.nested && first.value == "go" && !first.dynamic).then_some(first.range.start)
}

fn python_rewrite(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    image: &str,
    tag: Option<&str>,
) -> Result<Rewrite, String> {
    let libs: Vec<String> = kept_build_packages(f, stage)
        .into_iter()
        .filter(|p| !is_compiler_package(p))
        .collect();
    if !libs.is_empty() {
        return Err(format!(
            "the packages built against {} need their runtime libraries in the final stage: add them there by hand",
            libs.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let runtime = runtime_for(Ecosystem::Python, image, tag, RuntimeHints::default())?;
    if tag.is_some_and(|t| tag_has(t, "alpine")) {
        return Err("an alpine Python image is already small".into());
    }
    let wd = workdir_at(f, stage, stage.instructions.end, false)
        .filter(|w| w != "/")
        .ok_or("the app's folder is not known: set an absolute `WORKDIR`")?;
    // For Python, the "build" is the whole stage: metadata moves, everything else stays.
    let mut sp = Split::default();
    for i in stage.instructions.start + 1..stage.instructions.end {
        let ins = f.ins(i);
        match ins.kind {
            Kind::Expose
            | Kind::Label
            | Kind::Cmd
            | Kind::Entrypoint
            | Kind::Stopsignal
            | Kind::Volume
            | Kind::Maintainer => sp.moved.push(i),
            Kind::Env if ins.pairs.iter().any(|kv| !is_toolchain_env(&kv.key)) => sp.copied.push(i),
            Kind::User => {
                let user = f.steps[i]
                    .args
                    .words()
                    .first()
                    .map(|w| w.value.clone())
                    .unwrap_or_default();
                let name = user.split(':').next().unwrap_or("").to_string();
                if !(name.chars().all(|c| c.is_ascii_digit()) || name == "root") {
                    let fate = user_fate(
                        &user,
                        (image, tag),
                        &runtime.image,
                        creates_user(f, stage, &name),
                    );
                    if let UserFate::Blocked(why) = fate {
                        return Err(why);
                    }
                }
                sp.copied.push(i);
            }
            Kind::Healthcheck | Kind::Onbuild | Kind::Shell => {
                return Err(format!(
                    "`{}` in the stage: rewrite by hand",
                    line(ctx, ins)
                ));
            }
            _ => {}
        }
    }
    let (name, add_name) = build_name(f, stage);
    let nl = ctx.newline();
    let copy_kw = kw(f, stage, "COPY");
    let artifact_lines = format!(
        "{copy_kw} --from={name} /usr/local /usr/local{nl}{copy_kw} --from={name} {wd} {wd}{nl}"
    );
    finish(
        ctx,
        f,
        stage,
        &runtime,
        &sp,
        &name,
        add_name,
        Some(&wd),
        "",
        &artifact_lines,
        false,
    )
    .map(|edits| Rewrite {
        runtime,
        edits,
        note: None,
    })
}

/// The edits: name the build stage, remove what moves, and append the final stage.
#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    runtime: &RuntimeChoice,
    sp: &Split,
    name: &str,
    add_name: bool,
    final_wd: Option<&str>,
    setup: &str,
    artifact_lines: &str,
    static_site: bool,
) -> Result<Vec<Edit>, String> {
    let doc = ctx.doc();
    let text = doc.text();
    let nl = ctx.newline();
    let from = f.ins(stage.from);
    let mut edits = Vec::new();
    if add_name {
        let image = from.image.as_ref().ok_or("no image")?;
        let as_kw = kw(f, stage, "AS");
        edits.push(Edit::insert(image.range.end, format!(" {as_kw} {name}")));
    }
    let moved_blocks: Vec<Block> = sp
        .moved
        .iter()
        .chain(sp.assets.iter())
        .map(|&i| block(doc, i, true, nl))
        .collect();
    let refs: Vec<&Block> = moved_blocks.iter().collect();
    let dels = removals(doc, &refs);
    let mut out = String::new();
    out.push_str(&format!("{} {}{nl}", kw(f, stage, "FROM"), runtime.image));
    for &i in &sp.copied {
        if f.ins(i).kind == Kind::Arg {
            out.push_str(&block(doc, i, false, nl).text);
        }
    }
    if let Some(wd) = final_wd.filter(|w| *w != "/" || has_workdir(f, stage)) {
        out.push_str(&format!("{} {wd}{nl}", kw(f, stage, "WORKDIR")));
    }
    for &i in &sp.copied {
        if f.ins(i).kind != Kind::Arg {
            out.push_str(&block(doc, i, false, nl).text);
        }
    }
    for &i in &sp.moved {
        let ins = f.ins(i);
        // nginx serves the site itself, on port 80.
        if static_site && matches!(ins.kind, Kind::Cmd | Kind::Entrypoint | Kind::Expose) {
            continue;
        }
        out.push_str(&block(doc, i, true, nl).text);
    }
    if static_site {
        out.push_str(&format!("{} 80{nl}", kw(f, stage, "EXPOSE")));
    }
    out.push_str(setup);
    out.push_str(artifact_lines);
    let mut assets: Vec<usize> = sp.assets.iter().chain(&sp.read_assets).copied().collect();
    assets.sort_unstable();
    for i in assets {
        out.push_str(&asset_text(ctx, f, stage, i, final_wd)?);
    }
    // Where the final stage goes: after whatever is left at the end of the file, one blank line between.
    let end = text.len();
    let tail_start = dels
        .iter()
        .filter(|d| d.range.end >= end)
        .map(|d| d.range.start)
        .min()
        .unwrap_or(end);
    let kept = &text[..tail_start];
    let lead = if kept.ends_with("\n\n") || kept.ends_with("\r\n\r\n") {
        String::new()
    } else if kept.ends_with('\n') {
        nl.to_string()
    } else {
        format!("{nl}{nl}")
    };
    let mut body = format!("{lead}{out}");
    if !text.ends_with('\n') {
        body.truncate(body.len() - nl.len());
    }
    edits.extend(dels);
    edits.push(Edit::insert(end, body));
    Ok(edits)
}

/// An asset copy for the final stage: as written when its destination means the same there, else made absolute.
fn asset_text(
    ctx: &Context,
    f: &Facts,
    stage: &Stage,
    i: usize,
    final_wd: Option<&str>,
) -> Result<String, String> {
    let doc = ctx.doc();
    let b = block(doc, i, true, ctx.newline());
    let c = f.steps[i].copy.as_ref().ok_or("not a copy")?;
    if c.dest.value.starts_with('/') {
        return Ok(b.text);
    }
    let here = workdir_at(f, stage, i, true);
    if here.as_deref() == final_wd || (final_wd.is_none() && here.as_deref() == Some("/")) {
        return Ok(b.text);
    }
    let abs = resolve(here.as_deref(), &c.dest.value)
        .ok_or_else(|| format!("`{}` copies to a relative path", line(ctx, f.ins(i))))?;
    let abs = if c.dest.value.ends_with('/') || c.dest.value == "." {
        format!("{}/", abs.trim_end_matches('/'))
    } else {
        abs
    };
    let start = c.dest.range.start - b.range.start;
    let end = c.dest.range.end - b.range.start;
    let mut t = b.text.clone();
    t.replace_range(start..end, &abs);
    Ok(t)
}

/// For tests and docs: the typical size saved.
pub(crate) fn saving(f: &Finding, runtime: &RuntimeChoice) -> u32 {
    f.image_size
        .uncompressed_mb
        .saturating_sub(runtime.size.uncompressed_mb)
}
