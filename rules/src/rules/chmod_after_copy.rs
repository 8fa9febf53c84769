//! `chmod-after-copy`: `RUN chmod`/`chown` right after the `COPY` of the same files.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::knowledge::Artifact;
use crate::optimizer::facts::{CopyFacts, Facts};
use crate::optimizer::layers::{normalize, resolve, stage_outputs, workdir_at};
use crate::optimizer::lines::{block, removals};
use crate::shell::{ActionKind, ScriptForm};
use crate::syntax::Kind;

declare_rule! {
    /// Reports a `RUN chmod` or `RUN chown` right after the `COPY` (or `ADD`) of the same files.
    ///
    /// ## Why is this bad?
    /// Changing a file's mode or owner in a later layer stores the whole file again: the image carries the copied
    /// files twice, once as copied and once as changed.
    /// `COPY --chmod=` and `COPY --chown=` set them as the files are copied, in one layer.
    ///
    /// BuildKit leaves a file out of the layer when its mode, owner, size and time did not change, so a
    /// `chmod +x` of a binary copied from a stage that built it (compilers make their output executable) or from
    /// an image (executables there are executable already) is not reported: it is useless, but costs nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
    /// COPY entrypoint.sh /usr/local/bin/entrypoint.sh
    /// RUN chmod +x /usr/local/bin/entrypoint.sh
    /// ```
    /// ```dockerfile fixed
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
    /// COPY --chmod=755 entrypoint.sh /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
    /// COPY --chmod=755 entrypoint.sh /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--chmod=`/`--chown=` to the copy and removes the `RUN` when it does nothing else.
    /// An octal mode is kept as written; `+x` (or `a+x`) becomes `755` and `u+x` becomes `744`, which assumes the
    /// files were `644` before; other symbolic modes, `chmod -R` and a copy that already sets the flag get no fix.
    /// An owner is written as BuildKit reads it, which splits `--chown` only at `:` and, given a user alone, sets the
    /// group to that user's: `chown app` (which keeps the group, root for files copied from the build context)
    /// becomes `--chown=app:0`, and chown's legacy `app.app` becomes `--chown=app:app` when that is surely what it
    /// meant: both parts are numeric ids, or the file creates the user `app` (and no user named `app.app`).
    /// Otherwise (a name with a dot the file does not explain, `app:` for the login group, a variable, an owner
    /// alone on files copied from a stage or image) there is no fix: write `--chown=user:group` by hand.
    /// `chown -R` also changes the destination folder itself and files already in it, which `--chown` does not:
    /// when the folder is the working directory (or holds it), which surely exists, there is no fix (the app could no
    /// longer write there); a folder that the base image already has is not visible, which is one reason the fix is
    /// unsafe.
    /// `--chmod` needs BuildKit (Docker 23 and later build with it by default): the fix is unsafe.
    ///
    /// ## References
    /// - [COPY --chmod](https://docs.docker.com/reference/dockerfile/#copy---chmod), [COPY --chown](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
    pub struct ChmodAfterCopy {
        code: "DF436",
        name: "chmod-after-copy",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        withhold_fixes_on_syntax_errors: true,
        changes: [Merge],
    }
}

/// The absolute (or cwd-relative, under a fake root) paths a copy writes.
fn written(copy: &CopyFacts, wd: &str) -> Vec<String> {
    let dest = resolve(Some(wd), &copy.dest.value).unwrap_or_default();
    let into_dir = copy.dest.value.ends_with('/')
        || matches!(copy.dest.value.as_str(), "." | "..")
        || copy.sources.len() > 1;
    copy.sources
        .iter()
        .map(|s| {
            if into_dir {
                let name = s
                    .value
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(&s.value);
                normalize(&format!("{dest}/{name}"))
            } else {
                dest.clone()
            }
        })
        .collect()
}

/// Modes that only add execute permission to what a compiler writes (`755`).
fn adds_execute_only(mode: &str) -> bool {
    matches!(mode, "+x" | "a+x" | "u+x" | "ugo+x" | "755" | "0755")
}

/// `+x` → `755`: modes COPY accepts everywhere.
fn octal(mode: &str) -> Option<String> {
    if mode.len() >= 3 && mode.len() <= 4 && mode.chars().all(|c| ('0'..='7').contains(&c)) {
        return Some(mode.to_string());
    }
    match mode {
        "+x" | "a+x" | "ugo+x" => Some("755".into()),
        "u+x" => Some("744".into()),
        _ => None,
    }
}

/// The `--chown=` value that gives the copied files the owner `chown <spec>` gives them, when that can be told.
/// BuildKit splits `--chown` only at `:` and, given a user alone, makes the group that user's too; chown keeps the
/// group (root, for files copied from the build context) and also reads the legacy `user.group`, unless a user
/// has that whole name.
fn chown_flag(spec: &str, users: &[String], from_context: bool) -> Option<String> {
    if spec.is_empty() || spec.contains(['$', '`', '\\']) {
        return None;
    }
    let root = from_context.then_some("0");
    let (user, group) = match spec.split_once(':') {
        Some((user, group)) => (user, group),
        None => match spec.split('.').collect::<Vec<_>>()[..] {
            [user] => return Some(format!("{user}:{}", root?)),
            [user, group] => {
                let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                let ids = numeric(user) && numeric(group);
                let created = users.iter().any(|u| u == user) && !users.iter().any(|u| u == spec);
                if !(ids || created) {
                    return None;
                }
                (user, group)
            }
            _ => return None,
        },
    };
    // `user:` is the user's login group, which BuildKit does not read.
    if group.is_empty() || group.contains(':') {
        return None;
    }
    let user = if user.is_empty() { root? } else { user };
    Some(format!("{user}:{group}"))
}

/// Names given to `useradd`/`adduser` in a stage and the stages it builds on (every word that is not an option:
/// enough to tell that a name is a user the file creates).
fn users_created(f: &Facts, stage: &crate::syntax::Stage) -> Vec<String> {
    let mut out = Vec::new();
    for s in std::iter::once(stage).chain(f.ancestors(stage)) {
        for i in s.instructions.clone() {
            let Some(script) = &f.steps[i].script else {
                continue;
            };
            for cmd in &script.commands {
                let Some(program) = cmd.words.first() else {
                    continue;
                };
                let name = program.value.rsplit('/').next().unwrap_or("");
                if matches!(name, "useradd" | "adduser") {
                    out.extend(
                        cmd.words[1..]
                            .iter()
                            .filter(|w| !w.value.starts_with('-') && !w.dynamic)
                            .map(|w| w.value.clone()),
                    );
                }
            }
        }
    }
    out
}

impl ChmodAfterCopy {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let doc = ctx.doc();
        for stage in doc.stages() {
            for c in stage.instructions.clone() {
                let Some(copy) = &f.steps[c].copy else {
                    continue;
                };
                let r = c + 1;
                if r >= stage.instructions.end || f.ins(r).kind != Kind::Run {
                    continue;
                }
                let run = &f.steps[r];
                let Some(script) = &run.script else { continue };
                if script.has_errors || script.form == ScriptForm::Exec {
                    continue;
                }
                // An unknown working directory is the same for both: compare under a stand-in root.
                let wd = workdir_at(f, stage, c, false).unwrap_or_else(|| "/.workdir".into());
                let copied = written(copy, &wd);
                let covered = |t: &str| {
                    resolve(Some(&wd), t).is_some_and(|p| {
                        copied
                            .iter()
                            .any(|w| p == *w || p.starts_with(&format!("{w}/")))
                    })
                };
                let perms: Vec<_> = run
                    .actions
                    .iter()
                    .filter(|a| {
                        matches!(a.kind, ActionKind::Chmod { .. } | ActionKind::Chown { .. })
                    })
                    .collect();
                // A `chmod +x` of binaries the source stage built changes nothing BuildKit stores.
                // Files copied from an image keep the mode they have there, executables included: `+x` is a no-op.
                let from_image = copy.from.is_some()
                    && copy.from_stage.is_none_or(|s| {
                        doc.stages()
                            .get(s)
                            .is_some_and(|st| st.instructions.len() == 1)
                    });
                let built_binaries = from_image
                    || copy
                        .from_stage
                        .and_then(|s| doc.stages().get(s))
                        .is_some_and(|s| {
                            let outs = stage_outputs(f, s);
                            copy.sources.iter().all(|src| {
                                let p = format!("/{}", src.value.trim_start_matches('/'));
                                outs.iter()
                                    .any(|o| matches!(o, Artifact::File(x) if *x == p))
                            })
                        });
                let hits: Vec<_> = perms
                    .iter()
                    .filter(|a| match &a.kind {
                        ActionKind::Chmod { mode, .. }
                            if built_binaries && adds_execute_only(mode) =>
                        {
                            false
                        }
                        ActionKind::Chmod { targets, .. } | ActionKind::Chown { targets, .. } => {
                            !targets.is_empty()
                                && targets.iter().all(|t| !t.dynamic && covered(&t.value))
                        }
                        _ => false,
                    })
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                let first = hits[0];
                let cmd = &script.commands[first.command];
                let range = cmd.range.clone();
                let what = ctx.slice(range.clone()).to_string();
                let d = ctx.diagnostic(
                    range,
                    format!("`{what}` right after the copy stores the copied files a second time: set the mode or owner in the copy"),
                );
                // The whole RUN is these commands (and nothing else): it can go.
                let only =
                    script.commands.len() == hits.len() && hits.iter().all(|a| !a.conditional);
                let mut flags = Vec::new();
                let mut ok = only;
                // The flag applies to every copied file: the RUN must change exactly those.
                let exact = |targets: &[crate::shell::Word], recursive: bool| {
                    let resolved: Vec<String> = targets
                        .iter()
                        .filter_map(|t| resolve(Some(&wd), &t.value))
                        .collect();
                    copied.iter().all(|w| {
                        resolved
                            .iter()
                            .any(|t| t == w || (recursive && w.starts_with(&format!("{t}/"))))
                    }) && resolved.iter().all(|t| copied.contains(t))
                };
                // `--chown` leaves a destination folder that already exists as it was; `chown -R` changes it too.
                // The working directory exists (WORKDIR made it).
                let known_wd = workdir_at(f, stage, c, false);
                let holds_workdir = |targets: &[crate::shell::Word]| {
                    known_wd.as_ref().is_some_and(|w| {
                        targets
                            .iter()
                            .filter_map(|t| resolve(Some(&wd), &t.value))
                            .any(|t| {
                                let t = t.trim_end_matches('/');
                                w == t || t.is_empty() || w.starts_with(&format!("{t}/"))
                            })
                    })
                };
                for a in &hits {
                    match &a.kind {
                        ActionKind::Chmod {
                            mode,
                            recursive,
                            targets,
                        } => match (octal(mode), recursive, f.steps[c].args.flag("chmod")) {
                            (Some(m), false, None) if !copy.broad && exact(targets, false) => {
                                flags.push(format!(" --chmod={m}"))
                            }
                            _ => ok = false,
                        },
                        ActionKind::Chown {
                            owner,
                            targets,
                            recursive,
                        } if f.steps[c].args.flag("chown").is_none()
                            && exact(targets, *recursive)
                            && (*recursive || !copy.broad)
                            && !(*recursive && holds_workdir(targets)) =>
                        {
                            let from_context = f.ins(c).kind == Kind::Copy && copy.in_context();
                            match chown_flag(owner, &users_created(f, stage), from_context) {
                                Some(flag) => flags.push(format!(" --chown={flag}")),
                                None => ok = false,
                            }
                        }
                        _ => ok = false,
                    }
                }
                let fix = ok.then(|| {
                    let b = block(doc, r, true, ctx.newline());
                    let mut edits = removals(doc, &[&b]);
                    edits.push(Edit::insert(f.ins(c).keyword.end, flags.concat()));
                    Fix::unsafe_(
                        format!("Use `{}` on the copy", flags.concat().trim()),
                        edits,
                    )
                });
                out.push(d.with_fix_opt(fix));
            }
        }
    }
}

impl Rule for ChmodAfterCopy {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ChmodAfterCopy::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCOPY run.sh /app/run.sh\nRUN chmod +x /app/run.sh\n", &["chmod +x /app/run.sh"]),
                ("FROM a\nWORKDIR /web\nCOPY --from=b /server .\nRUN chmod 700 server\n", &["chmod 700 server"]),
                ("FROM golang AS b\nRUN go build -o /server\nFROM a\nCOPY --from=b /server /s\nRUN chmod 700 /s\n", &["chmod 700 /s"]),
                ("FROM a\nCOPY . /app/\nRUN chown -R node:node /app && chmod 755 /app/bin/x\n", &["chown -R node:node /app"]),
                ("FROM a\nCOPY a.sh b.sh /bin/\nRUN chmod 0755 /bin/a.sh /bin/b.sh && ./build\n", &["chmod 0755 /bin/a.sh /bin/b.sh"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM golang AS b\nRUN go build -o /server\nFROM a\nWORKDIR /web\nCOPY --from=b /server .\nRUN chmod +x server\n",
                "FROM a\nCOPY run.sh /app/run.sh\nRUN chmod +x /usr/bin/other\n",
                "FROM ghcr.io/openfaas/of-watchdog:0.10 AS watchdog\nFROM a\nCOPY --from=watchdog /fwatchdog /usr/bin/fwatchdog\nRUN chmod +x /usr/bin/fwatchdog\n",
                "FROM a\nCOPY --from=tianon/gosu /gosu /usr/sbin/gosu\nRUN chmod +x /usr/sbin/gosu\n",
                "FROM a\nCOPY run.sh /app/run.sh\nRUN ls\nRUN chmod +x /app/run.sh\n",
                "FROM a\nCOPY --chmod=755 run.sh /app/run.sh\n",
                "FROM a\nCOPY run.sh /app/\nRUN chmod +x /app/other.sh\n",
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
                    "FROM a\nCOPY run.sh /app/run.sh\n# executable\nRUN chmod +x /app/run.sh\nCMD [\"/app/run.sh\"]\n",
                    "FROM a\nCOPY --chmod=755 run.sh /app/run.sh\nCMD [\"/app/run.sh\"]\n",
                ),
                (
                    "FROM a\nCOPY . /app/\nRUN chown -R node:node /app && chmod 0750 /app/x\n",
                    "FROM a\nCOPY . /app/\nRUN chown -R node:node /app && chmod 0750 /app/x\n",
                ),
                (
                    "FROM a\nCOPY . /app/\nRUN chown -R node:node /app\n",
                    "FROM a\nCOPY --chown=node:node . /app/\n",
                ),
                // The working directory exists before the copy: `--chown` would leave it root's.
                (
                    "FROM a\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n",
                    "FROM a\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n",
                ),
                // BuildKit splits `--chown` only at `:`.
                (
                    "FROM a\nCOPY data /data\nRUN chown -R 1000.1000 /data\n",
                    "FROM a\nCOPY --chown=1000:1000 data /data\n",
                ),
                (
                    "FROM a\nRUN useradd -m app\nCOPY data /data\nRUN chown -R app.app /data\n",
                    "FROM a\nRUN useradd -m app\nCOPY --chown=app:app data /data\n",
                ),
                (
                    "FROM a\nCOPY data /data\nRUN chown -R app.app /data\n",
                    "FROM a\nCOPY data /data\nRUN chown -R app.app /data\n",
                ),
                (
                    "FROM a\nRUN useradd app && useradd app.app\nCOPY data /data\nRUN chown -R app.app /data\n",
                    "FROM a\nRUN useradd app && useradd app.app\nCOPY data /data\nRUN chown -R app.app /data\n",
                ),
                // A user alone keeps the group: root for files from the build context, unknown from a stage.
                (
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown app /run.sh\n",
                    "FROM a\nCOPY --chown=app:0 run.sh /run.sh\n",
                ),
                (
                    "FROM a AS b\nRUN make\nFROM a\nCOPY --from=b /out /out\nRUN chown -R app /out\n",
                    "FROM a AS b\nRUN make\nFROM a\nCOPY --from=b /out /out\nRUN chown -R app /out\n",
                ),
                (
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown app: /run.sh\n",
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown app: /run.sh\n",
                ),
                (
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown :staff /run.sh\n",
                    "FROM a\nCOPY --chown=0:staff run.sh /run.sh\n",
                ),
                (
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown ${U}:${G} /run.sh\n",
                    "FROM a\nCOPY run.sh /run.sh\nRUN chown ${U}:${G} /run.sh\n",
                ),
                (
                    "FROM a\nCOPY a.sh b.sh /bin/\nRUN chmod +x /bin/a.sh\n",
                    "FROM a\nCOPY a.sh b.sh /bin/\nRUN chmod +x /bin/a.sh\n",
                ),
                (
                    "FROM a\nWORKDIR /web\nCOPY server.sh .\nRUN chmod +x server.sh\n",
                    "FROM a\nWORKDIR /web\nCOPY --chmod=755 server.sh .\n",
                ),
                (
                    "FROM a\nCOPY a.sh /a.sh\nRUN chmod g+w /a.sh\n",
                    "FROM a\nCOPY a.sh /a.sh\nRUN chmod g+w /a.sh\n",
                ),
            ],
        );
    }
}
