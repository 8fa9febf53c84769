//! Layer questions: the working directory at an instruction, cache mounts, and whether a RUN is "stable" (expensive
//! but independent of the build context, so it belongs above the source copies).
use super::facts::{Facts, Step};
use crate::knowledge::{artifact_of, Artifact};
use crate::shell::ActionKind;
use crate::syntax::{Kind, Stage};

pub(crate) use crate::build::state::normalize;
use crate::build::state::BASE_WORKDIR;

/// The working directory in effect at instruction `index` of `stage` (before it runs), when known: the build
/// model's. A stage built on an image starts in an unknown directory (the image's WORKDIR), unless `base_root` says
/// to assume `/`.
pub(crate) fn workdir_at(
    f: &Facts,
    stage: &Stage,
    index: usize,
    base_root: bool,
) -> Option<String> {
    let states = f.states();
    let wd = if index < stage.instructions.end {
        states.at.get(index)?.workdir.as_deref()
    } else {
        states.end.get(stage.index)?.workdir.as_deref()
    }?;
    match wd.strip_prefix(BASE_WORKDIR) {
        Some(rest) if base_root => Some(normalize(rest)),
        Some(_) => None,
        None => Some(wd.to_string()),
    }
}

/// Resolves a path against a working directory.
pub(crate) fn resolve(wd: Option<&str>, path: &str) -> Option<String> {
    if path.contains('$') {
        return None;
    }
    crate::build::state::resolve(wd, path)
}

/// `--mount=type=cache,target=/root/.npm` targets on a RUN.
pub(crate) fn cache_mounts(step: &Step) -> Vec<String> {
    step.args
        .flags
        .iter()
        .filter(|fl| fl.name == "mount")
        .filter_map(|fl| {
            let opts = fl.options();
            let is_cache = opts
                .iter()
                .any(|(k, v)| k == "type" && v.as_deref() == Some("cache"));
            let target = opts
                .iter()
                .find(|(k, _)| k == "target" || k == "dst" || k == "destination")
                .and_then(|(_, v)| v.clone())?;
            is_cache.then_some(target)
        })
        .collect()
}

/// The absolute paths a stage's (and its ancestors') build steps produce.
pub(crate) fn stage_outputs(f: &Facts, stage: &Stage) -> Vec<Artifact> {
    let mut out = Vec::new();
    for s in std::iter::once(stage).chain(f.ancestors(stage)) {
        for i in s.instructions.clone() {
            for a in &f.steps[i].actions {
                if !matches!(a.kind, ActionKind::Build { .. }) {
                    continue;
                }
                let Ok(art) = artifact_of(&a.kind, f.build_context, "", &[]) else {
                    continue;
                };
                let wd = workdir_at(f, s, i, false);
                let Some(abs) = resolve(wd.as_deref(), art.path()).map(|p| go_bin(f, s, i, p))
                else {
                    continue;
                };
                out.push(match art {
                    Artifact::File(_) => Artifact::File(abs),
                    Artifact::Dir(_) => Artifact::Dir(abs),
                    Artifact::Glob(_) => Artifact::Glob(abs),
                });
            }
        }
    }
    out
}

/// `go install` writes to `$GOBIN`, else `$GOPATH/bin` (`/go/bin` in the golang image): follows the stage's ENV.
pub(crate) fn go_bin(f: &Facts, stage: &Stage, before: usize, path: String) -> String {
    let Some(name) = path.strip_prefix("/go/bin/") else {
        return path;
    };
    let envs = (stage.instructions.start..before).rev().chain(
        f.ancestors(stage)
            .into_iter()
            .flat_map(|s| s.instructions.clone().rev()),
    );
    for i in envs {
        let ins = f.ins(i);
        if ins.kind != Kind::Env {
            continue;
        }
        for key in ["GOBIN", "GOPATH"] {
            let Some(v) = ins
                .pairs
                .iter()
                .rev()
                .find(|p| p.key == key)
                .and_then(|p| p.value.as_ref())
            else {
                continue;
            };
            if !v.vars.is_empty() || !v.value.starts_with('/') {
                return path;
            }
            let dir = if key == "GOBIN" {
                v.value.clone()
            } else {
                format!("{}/bin", v.value.trim_end_matches('/'))
            };
            return format!("{}/{name}", dir.trim_end_matches('/'));
        }
    }
    path
}

/// Programs that only touch the system (or files they download), never the build context.
const SYSTEM_PROGRAMS: &[&str] = &[
    "addgroup",
    "adduser",
    "apt-key",
    "chgrp",
    "dpkg-reconfigure",
    "echo",
    "export",
    "gpg",
    "gpgconf",
    "groupadd",
    "gunzip",
    "install",
    "ldconfig",
    "ln",
    "locale-gen",
    "localedef",
    "mkdir",
    "printf",
    "set",
    "tar",
    "test",
    "true",
    "unzip",
    "update-alternatives",
    "update-ca-certificates",
    "useradd",
    "usermod",
    "xz",
    "[",
];

/// Whether a word looks like a path in the build's working directory (which a COPY may have filled).
fn relative_path(word: &str) -> bool {
    word.starts_with("./")
        || word.starts_with("../")
        || (word.contains('/')
            && !word.starts_with('/')
            && !word.contains("://")
            && !word.starts_with('-')
            && !word.contains('='))
}

/// Whether a RUN is expensive and independent of the build context: it installs system packages, downloads tools
/// or installs named tools, and every other command in it only touches the system. Returns the range to report.
pub(crate) fn stable_run(step: &Step) -> Option<std::ops::Range<usize>> {
    let script = step.script.as_ref()?;
    if script.has_errors || step.actions.is_empty() {
        return None;
    }
    let mut report = None;
    for (ci, cmd) in script.commands.iter().enumerate() {
        let actions: Vec<&ActionKind> = step
            .actions
            .iter()
            .filter(|a| a.command == ci)
            .map(|a| &a.kind)
            .collect();
        let program = cmd.program();
        if cmd.argv().iter().any(|w| relative_path(&w.value)) {
            return None;
        }
        let expensive = actions.iter().any(|a| match a {
            ActionKind::SystemInstall { local, .. } => !local,
            ActionKind::SystemUpgrade { .. }
            | ActionKind::Download { .. }
            | ActionKind::ToolInstall { .. } => true,
            _ => false,
        });
        let neutral = !actions.is_empty()
            && actions.iter().all(|a| {
                matches!(
                    a,
                    ActionKind::SystemUpdate { .. }
                        | ActionKind::SystemClean { .. }
                        | ActionKind::SystemRemove { .. }
                        | ActionKind::Remove { .. }
                        | ActionKind::CacheClean { .. }
                        | ActionKind::Chmod { .. }
                        | ActionKind::Chown { .. }
                        | ActionKind::SystemInstall { local: false, .. }
                        | ActionKind::SystemUpgrade { .. }
                        | ActionKind::Download { .. }
                        | ActionKind::ToolInstall { .. }
                )
            });
        let system = program.is_some_and(|p| {
            SYSTEM_PROGRAMS.contains(&p)
                || (p == "cd" && cmd.args().first().is_some_and(|a| a.starts_with('/')))
        });
        if !(neutral || system) {
            return None;
        }
        if expensive && report.is_none() {
            let argv = cmd.argv();
            let end = step
                .actions
                .iter()
                .find(|a| a.command == ci)
                .map_or(argv[0].range.end, |a| a.anchor.end.max(argv[0].range.end));
            report = Some(argv[0].range.start..end);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Document;

    #[test]
    fn workdirs_resolve() {
        let src = "FROM a AS b\nWORKDIR /app\nWORKDIR src\nFROM b\nWORKDIR ../lib\nRUN x\nFROM c\nWORKDIR web\nRUN y\n";
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        let st = doc.stages();
        assert_eq!(
            workdir_at(&f, &st[0], 3, false).as_deref(),
            Some("/app/src")
        );
        assert_eq!(
            workdir_at(&f, &st[1], 6, false).as_deref(),
            Some("/app/lib")
        );
        assert_eq!(workdir_at(&f, &st[2], 9, false), None);
        assert_eq!(workdir_at(&f, &st[2], 9, true).as_deref(), Some("/web"));
    }

    #[test]
    fn stable_runs() {
        let src = "FROM a\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN npm ci\nRUN apt-get install -y ./local.deb\nRUN curl -fsSL https://x/y.sh | sh\nRUN mkdir -p /opt && curl -o /opt/t.tgz https://x/t.tgz && tar -xzf /opt/t.tgz -C /opt\nRUN ./configure && apt-get install -y x\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y y\n";
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        let r = stable_run(&f.steps[1]).unwrap();
        assert_eq!(&src[r], "apt-get install");
        assert!(stable_run(&f.steps[2]).is_none());
        assert!(stable_run(&f.steps[3]).is_none());
        assert!(
            stable_run(&f.steps[4]).is_none(),
            "`sh` runs a downloaded script: unknown"
        );
        assert_eq!(&src[stable_run(&f.steps[5]).unwrap()], "curl");
        assert!(stable_run(&f.steps[6]).is_none());
        assert_eq!(cache_mounts(&f.steps[7]), ["/var/cache/apt"]);
    }
}
