//! `volatile-layer-before-stable`: an expensive RUN that reads none of the sources comes after a copy of them.
use crate::engine::{declare_rule, Context, Diagnostic, Edit, Fix, Rule};
use crate::knowledge::Tool;
use crate::optimizer::facts::{Facts, Step};
use crate::optimizer::layers::stable_run;
use crate::optimizer::lines::{after, block, block_start, insertion, removals, Block};
use crate::shell::ActionKind;
use crate::syntax::{Kind, Stage};

declare_rule! {
    /// Reports an expensive `RUN` that does not read the copied sources but comes after a copy of them, and a copy of files a build step does not read placed before that build step.
    ///
    /// ## Why is this bad?
    /// Once a layer's cache misses, every later instruction in the stage runs again.
    /// A `COPY . .` misses on every source change, so a system package install (`apt-get`, `apk`, `yum`, `dnf`,
    /// `zypper`) or a tool download (`curl`, `wget`, `npm install -g`, `pip install <tool>`) placed after it
    /// re-downloads the same packages on every build, although it reads none of the copied files.
    /// Put the stable, expensive steps first and the sources last.
    ///
    /// The same holds the other way round: copying a file that a build step does not read (an `index.html` before
    /// `go build`, which reads only Go sources) before that step makes every change to the file recompile the
    /// program.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// CMD ["python", "app.py"]
    /// COPY . .
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// ```
    /// ```dockerfile fixed
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// CMD ["python", "app.py"]
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// COPY . .
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// CMD ["python", "app.py"]
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// The fix moves the `RUN` above the earliest copy it can pass, taking the `ENV`/`ARG` between them along; it
    /// does not pass a `USER`, `SHELL`, `VOLUME` or another system `RUN` (which may set up a package repository).
    /// A `RUN` that mentions paths in the working directory is not considered stable.
    /// For a copy placed before a build that does not read it, the fix moves the copy after the build; for Go this
    /// is refused when a Go file in the build context uses `//go:embed`.
    /// The order of side effects changes, so the fix is unsafe.
    ///
    /// ## References
    /// - [Order your layers](https://docs.docker.com/build/cache/optimize/#order-your-layers)
    pub struct VolatileLayerBeforeStable {
        code: "DF402",
        name: "volatile-layer-before-stable",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        withhold_fixes_on_syntax_errors: true,
        changes: [Move],
    }
}

/// The first line of an instruction, trimmed, for messages.
fn first_line(ctx: &Context, f: &Facts, i: usize) -> String {
    ctx.slice(f.ins(i).range.clone())
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

fn is_language_step(step: &Step) -> bool {
    !step.actions.is_empty()
        && step.actions.iter().all(|a| {
            matches!(
                a.kind,
                ActionKind::DependencyInstall { .. }
                    | ActionKind::Build { .. }
                    | ActionKind::CacheClean { .. }
            )
        })
}

/// Where a stable RUN at `j` can go: the earliest volatile copy it can pass, and the ENV/ARG to take along.
/// `Err` holds the first volatile copy it follows, when it cannot move.
fn target(f: &Facts, stage: &Stage, j: usize) -> Option<Result<(usize, Vec<usize>), usize>> {
    // No volatile copy before it: nothing to say, and the build model is not needed.
    let volatile = |i: usize| f.steps[i].copy.as_ref().is_some_and(|c| c.volatile());
    if !(stage.instructions.start + 1..j).any(volatile) {
        return None;
    }
    let model = f.model();
    let mut best: Option<usize> = None;
    let mut carried: Vec<usize> = Vec::new();
    let mut first_volatile: Option<usize> = None;
    let mut blocked = false;
    for i in (stage.instructions.start + 1..j).rev() {
        let step = &f.steps[i];
        let ins = f.ins(i);
        if let Some(c) = &step.copy {
            if c.volatile() {
                first_volatile = Some(i);
            }
            if blocked {
                continue;
            }
            // The build model: the RUN (or an ENV/ARG taken along) reads or writes what the copy writes.
            let touches = model.depends(i, j) || carried.iter().any(|&m| model.depends(i, m));
            if touches {
                blocked = true;
                continue;
            }
            if c.volatile() {
                best = Some(i);
            }
            continue;
        }
        if blocked {
            continue;
        }
        if !matches!(ins.kind, Kind::Env | Kind::Arg)
            && (model.depends(i, j) || carried.iter().any(|&m| model.depends(i, m)))
        {
            blocked = true;
            continue;
        }
        match ins.kind {
            Kind::Expose
            | Kind::Label
            | Kind::Cmd
            | Kind::Entrypoint
            | Kind::Healthcheck
            | Kind::Stopsignal
            | Kind::Maintainer
            | Kind::Workdir => {}
            Kind::Env | Kind::Arg => carried.push(i),
            // A language install or build does not set up the system for a system package install; but it would
            // see an ENV/ARG taken along above it.
            Kind::Run if is_language_step(step) && carried.is_empty() => {}
            _ => blocked = true,
        }
    }
    let first = first_volatile?;
    Some(match best {
        Some(t) => {
            carried.retain(|&c| c > t);
            carried.sort_unstable();
            Ok((t, carried))
        }
        None => Err(first),
    })
}

/// Extensions a build tool reads; a copy of files with none of them is not read by the build.
fn reads_extension(tool: Tool, name: &str) -> Option<bool> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let base = name.rsplit('/').next().unwrap_or(name);
    Some(match tool {
        Tool::Go => {
            matches!(
                ext.as_deref(),
                Some("go" | "mod" | "sum" | "s" | "c" | "h" | "syso" | "work")
            ) || base == "go.mod"
        }
        Tool::Cc => matches!(
            ext.as_deref(),
            Some("c" | "h" | "cc" | "cpp" | "hpp" | "cxx" | "s" | "o" | "a" | "so" | "inc")
        ),
        _ => return None,
    })
}

impl VolatileLayerBeforeStable {
    fn stable_after_copy(
        &self,
        ctx: &Context,
        f: &Facts,
        stage: &Stage,
        out: &mut Vec<Diagnostic>,
    ) {
        let doc = ctx.doc();
        for j in stage.instructions.clone() {
            if f.ins(j).kind != Kind::Run {
                continue;
            }
            let Some(range) = stable_run(&f.steps[j]) else {
                continue;
            };
            let Some(t) = target(f, stage, j) else {
                continue;
            };
            let what = ctx.slice(range.clone()).to_string();
            let (copy_at, fix) = match t {
                Ok((t, carried)) => {
                    let mut moving: Vec<usize> = carried;
                    moving.push(j);
                    let blocks: Vec<Block> = moving
                        .iter()
                        .map(|&i| block(doc, i, true, ctx.newline()))
                        .collect();
                    let refs: Vec<&Block> = blocks.iter().collect();
                    let mut edits = removals(doc, &refs);
                    edits.push(Edit::insert(
                        block_start(doc, t),
                        blocks.iter().map(|b| b.text.as_str()).collect::<String>(),
                    ));
                    let fix = Fix::unsafe_(
                        format!("Move `{what}` above `{}`", first_line(ctx, f, t)),
                        edits,
                    );
                    (t, Some(fix))
                }
                Err(first) => (first, None),
            };
            let _ = copy_at;
            let mut message = format!(
                "`{what}` runs again whenever the files copied before it change, though it reads none of them"
            );
            if fix.is_none() {
                message.push_str(": move it above the copy by hand if nothing in between must run first (a `USER`, `SHELL`, system `RUN` or a step that reads or writes what it touches is in between)");
            }
            out.push(ctx.diagnostic(range, message).with_fix_opt(fix));
        }
    }

    fn copy_before_build(
        &self,
        ctx: &Context,
        f: &Facts,
        stage: &Stage,
        out: &mut Vec<Diagnostic>,
    ) {
        let doc = ctx.doc();
        for j in stage.instructions.clone() {
            let Some((tool, anchor)) = f.steps[j].actions.iter().find_map(|a| match &a.kind {
                ActionKind::Build { tool, .. }
                    if matches!(tool, Tool::Go | Tool::Cc) && !a.conditional =>
                {
                    Some((*tool, a.anchor.clone()))
                }
                _ => None,
            }) else {
                continue;
            };
            for c in stage.instructions.start + 1..j {
                let Some(copy) = &f.steps[c].copy else {
                    continue;
                };
                if !copy.in_context() || copy.broad || copy.heredoc || copy.sources.is_empty() {
                    continue;
                }
                let foreign = copy.sources.iter().all(|s| {
                    !s.value.contains(['*', '?', '[', '$'])
                        && reads_extension(tool, &s.value) == Some(false)
                });
                if !foreign {
                    continue;
                }
                // Only copies, metadata and variables between: nothing else can read the file.
                let dest_absolute = copy.dest.value.starts_with('/');
                let clear = (c + 1..j).all(|i| {
                    matches!(
                        f.ins(i).kind,
                        Kind::Copy
                            | Kind::Add
                            | Kind::Env
                            | Kind::Arg
                            | Kind::Expose
                            | Kind::Label
                            | Kind::Cmd
                            | Kind::Entrypoint
                    ) || (f.ins(i).kind == Kind::Workdir && dest_absolute)
                });
                // Something between may read the file and feed the build (a generator): nothing certain to say.
                if !clear {
                    continue;
                }
                let embeds = tool == Tool::Go && f.go_embeds();
                // The build model: nothing up to the build reads or writes what the copy writes.
                let blocker = f
                    .model()
                    .check_move(stage.instructions.clone(), &[c], j + 1)
                    .err()
                    .map(|(_, later)| first_line(ctx, f, later));
                let build = ctx
                    .slice(
                        f.steps[j]
                            .script
                            .as_ref()
                            .and_then(|s| {
                                s.commands.iter().find(|cmd| {
                                    cmd.range.start <= anchor.start && anchor.end <= cmd.range.end
                                })
                            })
                            .map_or(anchor.clone(), |cmd| cmd.argv()[0].range.start..anchor.end),
                    )
                    .to_string();
                let copied = first_line(ctx, f, c);
                let range = copy
                    .sources
                    .first()
                    .map(|s| s.range.start)
                    .unwrap_or(f.ins(c).range.start)
                    ..copy
                        .sources
                        .last()
                        .map(|s| s.range.end)
                        .unwrap_or(f.ins(c).range.end);
                let fix = (!embeds && blocker.is_none()).then(|| {
                    let b = block(doc, c, true, ctx.newline());
                    let mut edits = removals(doc, &[&b]);
                    edits.push(insertion(doc, after(doc, j), &b.text, ctx.newline()));
                    Fix::unsafe_(format!("Move `{copied}` after `{build}`"), edits)
                });
                let mut message = format!(
                    "`{copied}` comes before `{build}`, which does not read it: every change to it rebuilds the program{}",
                    if embeds { " (a Go file embeds files, so move it by hand if it is not embedded)" } else { "" }
                );
                if let (Some(b), false) = (&blocker, embeds) {
                    message.push_str(&format!(
                        " (`{b}` may read or write what it copies: move it by hand if it does not)"
                    ));
                }
                out.push(ctx.diagnostic(range, message).with_fix_opt(fix));
            }
        }
    }
}

impl VolatileLayerBeforeStable {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        for stage in ctx.doc().stages() {
            self.stable_after_copy(ctx, f, stage, out);
            self.copy_before_build(ctx, f, stage, out);
        }
    }
}

impl Rule for VolatileLayerBeforeStable {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &VolatileLayerBeforeStable::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM a\nCOPY . .\nRUN apt-get update && apt-get install -y curl\n", &["apt-get install"]),
                ("FROM a\nCOPY src/ /app/\nRUN curl -fsSL -o /usr/local/bin/t https://x/t\n", &["curl"]),
                ("FROM a\nCOPY . .\nUSER app\nRUN apk add --no-cache git\n", &["apk add"]),
                ("FROM a\nWORKDIR /web\nCOPY index.html .\nCOPY main.go .\nRUN go build -o /web/server\n", &["index.html"]),
                ("FROM a\nCOPY . .\nRUN npm ci\nRUN npm install -g serve\n", &["npm install"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM a\nRUN apt-get update && apt-get install -y curl\nCOPY . .\n",
                "FROM a\nCOPY requirements.txt .\nRUN apt-get install -y gcc\n",
                "FROM a\nCOPY . .\nRUN apt-get install -y ./pkg.deb\n",
                "FROM a\nCOPY . .\nRUN ./install.sh && apt-get install -y x\n",
                "FROM a\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\nRUN apk add curl\n",
                "FROM a\nCOPY config.yaml /etc/app/\nRUN sed -i s/a/b/ /etc/app/config.yaml && apt-get install -y x\n",
                "FROM a\nCOPY main.go helper.go ./\nRUN go build -o /app\n",
                "FROM a\nCOPY index.html .\nRUN ls\nRUN go build -o /app\n",
            ],
        );
    }

    #[test]
    fn no_fix_past_a_user() {
        let d = spec::diagnostics(
            R,
            "FROM a\nCOPY . .\nUSER app\nRUN apk add --no-cache git\n",
        );
        assert!(d[0].fix.is_none());
        assert!(d[0].message.contains("by hand"));
    }

    /// What real files showed: the install reads a file copied before it (a repository, the CA store).
    #[test]
    fn installs_stay_below_the_configuration_they_read() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nCOPY . /app\nRUN yum install -y --enablerepo=internal tool\n",
                    "FROM centos\nCOPY internal.repo /etc/yum.repos.d/\nRUN yum install -y --enablerepo=internal tool\nCOPY . /app\n",
                ),
                (
                    "FROM debian\nCOPY mirror.sources /etc/apt/sources.list.d/\nCOPY . /app\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM debian\nCOPY mirror.sources /etc/apt/sources.list.d/\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n",
                ),
                (
                    "FROM debian\nCOPY corp.crt /usr/local/share/ca-certificates/\nCOPY . /app\nRUN update-ca-certificates && apt-get update && apt-get install -y curl\n",
                    "FROM debian\nCOPY corp.crt /usr/local/share/ca-certificates/\nRUN update-ca-certificates && apt-get update && apt-get install -y curl\nCOPY . /app\n",
                ),
            ],
        );
    }

    /// `go generate` runs generators that may read any file: the copies before it stay.
    #[test]
    fn a_generator_in_the_build_step_pins_the_copies() {
        let d = spec::diagnostics(
            R,
            "FROM golang\nWORKDIR /app/src/cmd/x\nCOPY main.go .\nCOPY assets.go.tmpl /app/src/\nCOPY README.md /app/\nRUN go generate ./... && go build -o /out/x\n",
        );
        assert!(d.iter().all(|d| d.fix.is_none()), "{d:?}");
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM a\nWORKDIR /app\n# sources\nCOPY . .\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get update \\\n && apt-get install -y curl\nCMD [\"x\"]\n",
                    "FROM a\nWORKDIR /app\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get update \\\n && apt-get install -y curl\n# sources\nCOPY . .\nCMD [\"x\"]\n",
                ),
                // A global install may change what `npm ci` does (`npm install -g npm@10`): it stays below it.
                (
                    "FROM a\nCOPY . .\nRUN npm ci\nRUN npm install -g serve\n",
                    "FROM a\nCOPY . .\nRUN npm ci\nRUN npm install -g serve\n",
                ),
                (
                    "FROM a\r\n\r\nWORKDIR web\r\nCOPY index.html .\r\nCOPY main.go .\r\n\r\nRUN go build -o /web/server\r\nRUN chmod +x /web/server",
                    "FROM a\r\n\r\nWORKDIR web\r\nCOPY main.go .\r\n\r\nRUN go build -o /web/server\r\nCOPY index.html .\r\nRUN chmod +x /web/server",
                ),
                (
                    "FROM a\nCOPY . .\nRUN apt-get install -y a\nRUN curl -o /x https://x\n",
                    "FROM a\nRUN apt-get install -y a\nRUN curl -o /x https://x\nCOPY . .\n",
                ),
            ],
        );
    }
}
