//! `package-cache-in-layer`: a package manager leaves its cache in the image.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Peer, Rule};
use crate::knowledge::{
    cache_spec, cleans_for, removes_cache, CacheOwner, CacheSpec, PackageManager, Tool,
};
use crate::optimizer::facts::{Facts, Step};
use crate::shell::{basename, Action, ActionKind, Append, Script, ScriptForm};
use crate::syntax::{Kind, Stage};

declare_rule! {
    /// Reports a package install that leaves the package manager's cache in the layer: apt lists, apk's index without `--no-cache`, yum/dnf/zypper caches, pip's, npm's and yarn's download caches.
    ///
    /// ## Why is this bad?
    /// Every file a `RUN` leaves behind is stored in its layer for good: removing it in a later `RUN` only hides it.
    /// Package caches are useless at run time and often weigh tens of megabytes
    /// (`/var/lib/apt/lists` alone is 20–40 MB).
    /// Clean up in the same `RUN`, use the manager's no-cache flag, or, with BuildKit, keep the cache in a cache
    /// mount, which also speeds up the next build.
    ///
    /// Only stages that end up in the final image are checked: a build stage's cache is thrown away with the stage.
    /// A cleanup counts when it is in the same `RUN`: `rm -rf /var/lib/apt/lists/*` (or any glob of what is in
    /// the folder, or a folder above it), `apt-get dist-clean`, `yum`/`dnf`/`microdnf clean all`,
    /// `npm cache clean --force`, `pip --no-cache-dir` (before or after `install`), `PIP_NO_CACHE_DIR` (from
    /// `ENV`, `ARG`, `export` or the command's own assignment), `apk add --no-cache`, or a cache or tmpfs mount
    /// (`--mount=type=cache` / `type=tmpfs`) on the cache folder or a folder above it.
    ///
    /// apt's lists are written by `apt-get update` (or `apt-get install --update`): an install in a `RUN` that
    /// does not refresh them leaves nothing new, and a `RUN` that only refreshes them is reported, since its layer
    /// keeps them whatever a later `RUN` deletes.
    /// When the `RUN` goes on to run shell code this check cannot read (`bash /tmp/setup.sh`, `sh -c "..."`),
    /// the cleanup may be in there, and nothing is reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    /// ```dockerfile fixed
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// RUN apk add --no-cache git || true
    /// ```
    ///
    /// ## Fix safety
    /// When the file opts into BuildKit's syntax (`# syntax=docker/dockerfile:1`), the fix adds a cache mount
    /// (for pip, npm and yarn only while the stage runs as root, whose home the mount targets);
    /// otherwise it adds the no-cache flag (`apk add --no-cache`, `pip install --no-cache-dir`) or appends the
    /// cleanup command to the `RUN`.
    /// The image loses files, which is the point, but a later step that expected them (a second `apt-get install`
    /// without `apt-get update`) fails: the fix is unsafe.
    ///
    /// ## References
    /// - [Best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [Cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
    /// - hadolint's [`DL3009`](https://github.com/hadolint/hadolint/wiki/DL3009) (apt), [`DL3019`](https://github.com/hadolint/hadolint/wiki/DL3019) (apk), [`DL3042`](https://github.com/hadolint/hadolint/wiki/DL3042) (pip), [`DL3060`](https://github.com/hadolint/hadolint/wiki/DL3060) (yarn), [`DL3032`](https://github.com/hadolint/hadolint/wiki/DL3032) (yum), [`DL3040`](https://github.com/hadolint/hadolint/wiki/DL3040) (dnf), [`DL3036`](https://github.com/hadolint/hadolint/wiki/DL3036) (zypper)
    pub struct PackageCacheInLayer {
        code: "DF405",
        name: "package-cache-in-layer",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        peers: [
            Peer::Hadolint("DL3009"),
            Peer::Hadolint("DL3019"),
            Peer::Hadolint("DL3042"),
            Peer::Hadolint("DL3060"),
            Peer::Hadolint("DL3032"),
            Peer::Hadolint("DL3040"),
            Peer::Hadolint("DL3036"),
        ],
        options: [],
        withhold_fixes_on_syntax_errors: true,
        changes: [Rewrite],
    }
}

/// The cache an action fills, if any.
fn owner(a: &Action) -> Option<CacheOwner> {
    match &a.kind {
        ActionKind::SystemInstall {
            manager,
            local: false,
            ..
        } if *manager != PackageManager::Pacman => Some(CacheOwner::System(*manager)),
        ActionKind::DependencyInstall { tool, .. } | ActionKind::ToolInstall { tool, .. }
            if matches!(tool, Tool::Pip | Tool::Npm | Tool::Yarn) =>
        {
            Some(CacheOwner::Tool(*tool))
        }
        _ => None,
    }
}

/// The install's own no-cache flag (`apk add --no-cache`, `pip install --no-cache-dir`).
fn has_no_cache(a: &Action) -> bool {
    match &a.kind {
        ActionKind::SystemInstall { no_cache, .. } => *no_cache,
        ActionKind::DependencyInstall { no_cache, .. }
        | ActionKind::ToolInstall { no_cache, .. } => *no_cache,
        _ => false,
    }
}

/// `~/.npm`, `$HOME/.npm` → `/root/.npm`.
fn home(path: &str) -> String {
    for p in ["~/", "$HOME/", "${HOME}/"] {
        if let Some(rest) = path.strip_prefix(p) {
            return format!("/root/{rest}");
        }
    }
    path.to_string()
}

/// Whether the stage runs as root at instruction `at` (no USER, or USER root/0).
fn runs_as_root(f: &Facts, stage: &Stage, at: usize) -> bool {
    let own = (stage.instructions.start..at)
        .rev()
        .find(|&i| f.ins(i).kind == Kind::User);
    let user = own.or_else(|| {
        f.ancestors(stage)
            .iter()
            .find_map(|s| f.effective(s, Kind::User))
    });
    match user {
        None => true,
        Some(i) => f.steps[i]
            .args
            .words()
            .first()
            .is_some_and(|w| matches!(w.value.split(':').next(), Some("root" | "0"))),
    }
}

/// Whether an ENV or ARG in the stage (or the stages it builds on) before `at` sets `key`: both are in the
/// environment of a RUN.
fn env_set(f: &Facts, stage: &Stage, at: usize, key: &str) -> bool {
    let ancestors = f.ancestors(stage);
    (stage.instructions.start..at)
        .chain(ancestors.iter().flat_map(|s| s.instructions.clone()))
        .any(|i| {
            matches!(f.ins(i).kind, Kind::Env | Kind::Arg)
                && f.ins(i).pairs.iter().any(|p| p.key == key)
        })
}

/// Whether the script sets `key` for the command at `at`: `KEY=1 pip install`, `env KEY=1 pip install`, or an
/// `export KEY=1` written before it in the RUN (`before` is the RUN's text up to the command).
fn script_sets(script: &Script, at: usize, key: &str, before: &str) -> bool {
    let assigns = |w: &str| w.split_once('=').is_some_and(|(k, _)| k == key);
    let Some(cmd) = script.commands.get(at) else {
        return false;
    };
    let prefix = cmd.words.len() - cmd.argv().len();
    // `export` is a declaration, not a simple command: read it from the text.
    let mut exporting = false;
    let exported = before
        .split(|c: char| c.is_whitespace() || c == '\\')
        .filter(|t| !t.is_empty())
        .any(|t| {
            let t = t.trim_matches(|c| c == '"' || c == '\'');
            if t == "export" {
                exporting = true;
                return false;
            }
            let hit = exporting && assigns(t.trim_end_matches([';', '&', '|']));
            if t.ends_with([';', '&', '|']) || matches!(t, "&&" | "||" | ";" | "|") {
                exporting = false;
            }
            hit
        });
    cmd.assignments.iter().any(|(n, _)| n == key)
        || cmd.words[..prefix].iter().any(|w| assigns(&w.value))
        || exported
}

/// The targets of the RUN's cache and tmpfs mounts: what is written there stays out of the layer.
fn cache_or_tmpfs_mounts(step: &Step) -> Vec<String> {
    step.args
        .flags
        .iter()
        .filter(|fl| fl.name == "mount")
        .filter_map(|fl| {
            let opts = fl.options();
            let kept_out = opts
                .iter()
                .any(|(k, v)| k == "type" && matches!(v.as_deref(), Some("cache" | "tmpfs")));
            let target = opts
                .iter()
                .find(|(k, _)| k == "target" || k == "dst" || k == "destination")
                .and_then(|(_, v)| v.clone())?;
            kept_out.then_some(target)
        })
        .collect()
}

/// Whether a command after `at` runs shell code this analysis does not see (`bash /tmp/setup.sh`, `./install.sh`,
/// `sh -c "..."`, `. ./env.sh`): the cleanup may be in there.
fn runs_unseen_code_after(script: &Script, at: usize) -> bool {
    script.commands.iter().skip(at + 1).any(|c| {
        let argv = c.argv();
        let Some(first) = argv.first() else {
            return false;
        };
        let program = basename(&first.value);
        let shell = matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh");
        first.dynamic
            || (shell && argv.len() > 1)
            || matches!(program, "." | "source")
            || program.ends_with(".sh")
            || first.value.starts_with("./")
    })
}

/// Whether the RUN refreshes apt's package lists (`apt-get update`, `apt-get install --update`): an install
/// without it reads lists an earlier layer holds, and has none of its own to clean.
fn updates_apt_lists(step: &Step) -> bool {
    step.actions.iter().any(|a| {
        matches!(
            a.kind,
            ActionKind::SystemUpdate {
                manager: PackageManager::Apt
            }
        )
    })
}

fn cleaned(f: &Facts, stage: &Stage, j: usize, spec: &CacheSpec, first: &Action) -> bool {
    let step = &f.steps[j];
    let same_owner = |a: &Action| owner(a) == Some(spec.what);
    // The install's own no-cache flag.
    let flagged = spec.flag.is_some()
        && step
            .actions
            .iter()
            .filter(|a| same_owner(a))
            .all(has_no_cache);
    if flagged {
        return true;
    }
    let removed = step.actions.iter().any(|a| match (&a.kind, spec.what) {
        (ActionKind::Remove { paths }, _) => paths.iter().any(|p| removes_cache(spec, &home(p))),
        // `apt-get clean` empties the package cache, not the lists (`dist-clean` removes them, see Remove).
        (ActionKind::SystemClean { manager }, CacheOwner::System(owner)) => {
            cleans_for(*manager, owner) && *manager != PackageManager::Apt
        }
        (ActionKind::CacheClean { tool }, _) => CacheOwner::Tool(*tool) == spec.what,
        _ => false,
    });
    if removed {
        return true;
    }
    let mounted = cache_or_tmpfs_mounts(step).iter().any(|t| {
        let t = home(t);
        spec.dirs.iter().any(|d| {
            let d = home(d.trim_end_matches("/*").trim_end_matches('/'));
            d == t || d.starts_with(&format!("{}/", t.trim_end_matches('/')))
        })
    });
    if mounted {
        return true;
    }
    spec.env_off.is_some_and(|k| {
        env_set(f, stage, j, k)
            || step.script.as_ref().is_some_and(|s| {
                let start = f.ins(j).range.start;
                let end = s
                    .commands
                    .get(first.command)
                    .map_or(start, |c| c.range.start);
                script_sets(s, first.command, k, &f.doc.text()[start..end.max(start)])
            })
    })
}

impl PackageCacheInLayer {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let Some(last) = ctx.doc().stages().last() else {
            return;
        };
        let buildkit = ctx.doc().directive("syntax").is_some();
        // The final stage and the stages it is built FROM: their layers are the image's.
        let mut shipped = vec![last];
        shipped.extend(f.ancestors(last));
        for stage in shipped {
            for j in stage.instructions.clone() {
                let step = &f.steps[j];
                if f.ins(j).kind != Kind::Run {
                    continue;
                }
                // A script tree-sitter-bash could not read (a template, a typo): the cleanup may be in the part it
                // missed.
                if step.script.as_ref().is_none_or(|s| s.has_errors) {
                    continue;
                }
                let mut seen: Vec<CacheOwner> = Vec::new();
                let apt = CacheOwner::System(PackageManager::Apt);
                if updates_apt_lists(step) && !step.actions.iter().any(|a| owner(a) == Some(apt)) {
                    // The lists are refreshed here and installed from in a later RUN.
                    self.split_update(ctx, f, stage, j, out);
                    continue;
                }
                for first in &step.actions {
                    let Some(o) = owner(first) else { continue };
                    if seen.contains(&o) || first.conditional {
                        continue;
                    }
                    seen.push(o);
                    if o == apt && !updates_apt_lists(step) {
                        continue;
                    }
                    // The flag goes on the first install of this owner that lacks it.
                    let a = step
                        .actions
                        .iter()
                        .filter(|x| owner(x) == Some(o) && !x.conditional)
                        .find(|x| !has_no_cache(x))
                        .unwrap_or(first);
                    let Some(spec) = cache_spec(o) else { continue };
                    if cleaned(f, stage, j, spec, a) {
                        continue;
                    }
                    let Some(script) = &step.script else { continue };
                    if runs_unseen_code_after(script, a.command) {
                        continue;
                    }
                    let Some(cmd) = script.commands.get(a.command) else {
                        continue;
                    };
                    let range =
                        cmd.argv()[0].range.start..a.anchor.end.max(cmd.argv()[0].range.end);
                    let what = ctx.slice(range.clone()).to_string();
                    let cache = spec.dirs[0];
                    let d = ctx.diagnostic(
                        range,
                        format!("`{what}` leaves its cache (`{cache}`) in the layer"),
                    );
                    let tool_cache = matches!(o, CacheOwner::Tool(_));
                    let fix = if buildkit && (!tool_cache || runs_as_root(f, stage, j)) {
                        let kw = f.ins(j).keyword.end;
                        Some(Fix::unsafe_(
                            format!("Add `--mount={}`", spec.mount),
                            vec![Edit::insert(kw, format!(" --mount={}", spec.mount))],
                        ))
                    } else if let (Some(flag), true) = (spec.flag, script.form != ScriptForm::Exec)
                    {
                        Some(Fix::unsafe_(
                            format!("Add `{flag}`"),
                            vec![Edit::insert(a.anchor.end, format!(" {flag}"))],
                        ))
                    } else {
                        match (spec.cleanup, &script.append) {
                            (Some(c), Some(Append::Inline(at))) => Some(Fix::unsafe_(
                                format!("Append `{c}`"),
                                vec![Edit::insert(*at, format!(" && {c}"))],
                            )),
                            (Some(c), Some(Append::Line(at))) => Some(Fix::unsafe_(
                                format!("Append `{c}`"),
                                vec![Edit::insert(*at, format!("{c}{}", ctx.newline()))],
                            )),
                            _ => None,
                        }
                    };
                    out.push(d.with_fix_opt(fix));
                }
            }
        }
    }
}

impl PackageCacheInLayer {
    /// A RUN that refreshes apt's lists and installs nothing: the lists stay in its layer whatever later RUNs
    /// remove, and the fix (one RUN that updates, installs and cleans up) is the user's to write.
    fn split_update(
        &self,
        ctx: &Context,
        f: &Facts,
        stage: &Stage,
        j: usize,
        out: &mut Vec<Diagnostic>,
    ) {
        let step = &f.steps[j];
        let Some(update) = step.actions.iter().find(|a| {
            !a.conditional
                && matches!(
                    a.kind,
                    ActionKind::SystemUpdate {
                        manager: PackageManager::Apt
                    }
                )
        }) else {
            return;
        };
        let Some(spec) = cache_spec(CacheOwner::System(PackageManager::Apt)) else {
            return;
        };
        if cleaned(f, stage, j, spec, update) {
            return;
        }
        let Some(script) = &step.script else { return };
        if runs_unseen_code_after(script, update.command) {
            return;
        }
        let Some(cmd) = script.commands.get(update.command) else {
            return;
        };
        let range = cmd.argv()[0].range.start..update.anchor.end.max(cmd.argv()[0].range.end);
        let what = ctx.slice(range.clone()).to_string();
        // Only the refresh: the install that needs the lists is in another RUN.
        let alone = !step.actions.iter().any(|a| {
            a.command != update.command
                && matches!(
                    a.kind,
                    ActionKind::SystemUpgrade {
                        manager: PackageManager::Apt
                    } | ActionKind::SystemRemove {
                        manager: PackageManager::Apt,
                        ..
                    }
                )
        });
        let advice = if alone {
            "update, install and `rm -rf /var/lib/apt/lists/*` in one `RUN`"
        } else {
            "end this `RUN` with `rm -rf /var/lib/apt/lists/*`"
        };
        out.push(ctx.diagnostic(
            range,
            format!(
                "`{what}` leaves the package lists (`/var/lib/apt/lists`) in this layer: {advice}"
            ),
        ));
    }
}

impl Rule for PackageCacheInLayer {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &PackageCacheInLayer::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                (
                    "FROM a\nRUN apt-get update && apt-get install -y curl\n",
                    &["apt-get install"],
                ),
                ("FROM a\nRUN apk add curl\n", &["apk add"]),
                (
                    "FROM a\nRUN pip install -r requirements.txt\n",
                    &["pip install"],
                ),
                (
                    "FROM a\nRUN python3 -m pip install flask\n",
                    &["python3 -m pip install"],
                ),
                ("FROM a\nRUN npm ci\n", &["npm ci"]),
                ("FROM a\nRUN yum install -y httpd\n", &["yum install"]),
                (
                    "FROM a\nRUN yarn install --frozen-lockfile\n",
                    &["yarn install"],
                ),
                (
                    "FROM a AS base\nRUN apk add git\nFROM base\nCMD x\n",
                    &["apk add"],
                ),
                // The lists are refreshed in a RUN of their own: they stay in that layer.
                (
                    "FROM a\nRUN apt-get update\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                    &["apt-get update"],
                ),
                ("FROM a\nRUN apt-get install --update -y curl\n", &["apt-get install"]),
                // An `export` after the install does not reach it.
                (
                    "FROM a\nRUN pip install flask && export PIP_NO_CACHE_DIR=1\n",
                    &["pip install"],
                ),
                // A bind mount keeps nothing out of the layer.
                (
                    "FROM a\nRUN --mount=type=bind,target=/var/cache/apk apk add curl\n",
                    &["apk add"],
                ),
                ("FROM a\nRUN dnf5 install -y curl\n", &["dnf5 install"]),
                (
                    "FROM a\nRUN apt-get update && apt-get purge -y x\n",
                    &["apt-get update"],
                ),
                // A script that ran before the install cannot have cleaned up after it.
                (
                    "FROM a\nRUN bash /tmp/setup.sh && apt-get update && apt-get install -y x\n",
                    &["apt-get install"],
                ),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                "FROM a\nRUN apk add --no-cache curl\n",
                "FROM a\nRUN apk add curl && rm -rf /var/cache/apk/*\n",
                "FROM a\nRUN pip install --no-cache-dir -r requirements.txt\n",
                "FROM a\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
                "FROM a\nRUN npm ci && npm cache clean --force\n",
                "FROM a\nRUN yum install -y httpd && yum clean all\n",
                "FROM a\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\n",
                "FROM a\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
                "FROM a AS build\nRUN apt-get install -y gcc\nFROM b\nCOPY --from=build /x /x\n",
                "FROM a\nRUN pip install --no-cache-dir flask && rm -rf ~/.npm\n",
                // Every spelling of the apt cleanup.
                "FROM a\nRUN apt-get update; apt-get install -y curl; apt-get dist-clean\n",
                "FROM a\nRUN apt-get update && apt-get install -y curl && rm /var/lib/apt/lists/*_*\n",
                "FROM a\nRUN apt-get install --update -y curl && rm -rf /var/lib/apt/lists\n",
                // No `apt-get update` here: the lists this install reads are an earlier layer's.
                "FROM a\nRUN apt-get install -y curl\n",
                "FROM a\nRUN apt-get purge -y x && apt-get install -y y\n",
                // Options before the subcommand, and the variable from ARG, `export` or `env`.
                "FROM a\nRUN pip --no-cache-dir install flask\n",
                "FROM a\nRUN python3 -m pip --no-cache-dir install -r r.txt\n",
                "FROM a\nARG PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
                "FROM a\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n",
                "FROM a\nRUN env PIP_NO_CACHE_DIR=1 pip install flask\n",
                "FROM a AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n",
                // Cache and tmpfs mounts over the cache folder or a folder above it.
                "FROM a\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n",
                "FROM a\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
                "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install flask\n",
                "FROM a\nRUN --mount=type=cache,dst=/root/.npm npm ci\n",
                "FROM a\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf5 install -y curl\n",
                "FROM a\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
                // The dnf family's caches, whichever of them cleans up.
                "FROM a\nRUN dnf5 install -y curl && dnf5 clean all\n",
                "FROM a\nRUN dnf install -y curl && rm -rf /var/cache/libdnf5\n",
                "FROM a\nRUN microdnf install -y curl && microdnf clean all\n",
                "FROM a\nRUN yum install -y curl && rm -rf /var/cache/dnf\n",
                "FROM a\nRUN microdnf install --nodocs curl && rm -rf /var/cache/yum\n",
                // A script run after the install may clean up: nothing certain to say.
                "FROM a\nRUN apt-get update && apt-get install -y x && bash /tmp/scripts/common.sh\n",
                "FROM a\nRUN apt-get update && sudo bash -c \"apt-get upgrade -y && rm -rf /var/lib/apt/lists/*\"\n",
                "FROM a\nRUN apk add curl && ./cleanup.sh\n",
                // Asking a package manager a question installs nothing.
                "FROM a\nRUN yarn --version && npm --version && pip --version\n",
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
                    "FROM a\nRUN apt-get update \\\n && apt-get install -y curl\n",
                    "FROM a\nRUN apt-get update \\\n && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                ),
                ("FROM a\nRUN apk add curl\n", "FROM a\nRUN apk add --no-cache curl\n"),
                ("FROM a\nRUN pip3 install -r r.txt\n", "FROM a\nRUN pip3 install --no-cache-dir -r r.txt\n"),
                ("FROM a\nRUN <<EOF\nnpm ci\nEOF\n", "FROM a\nRUN <<EOF\nnpm ci\nnpm cache clean --force\nEOF\n"),
                (
                    "# syntax=docker/dockerfile:1\nFROM a\nRUN apt-get update && apt-get install -y x\nRUN pip install -r r.txt\n",
                    "# syntax=docker/dockerfile:1\nFROM a\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y x\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt\n",
                ),
                (
                    "# syntax=docker/dockerfile:1\nFROM a\nUSER app\nRUN npm ci\n",
                    "# syntax=docker/dockerfile:1\nFROM a\nUSER app\nRUN npm ci && npm cache clean --force\n",
                ),
            ],
        );
    }
}
