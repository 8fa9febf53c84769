//! Artifacts: what each build command produces, and where, so that a final stage can copy only that.
use super::Tool;
use crate::build_context::BuildContext;
use crate::shell::ActionKind;

/// What a build produced. Paths are relative to the build's working directory unless absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// One file (a binary).
    File(String),
    /// A folder (`dotnet publish -o out`, `dist/`).
    Dir(String),
    /// Files matching a glob (`target/*.jar`).
    Glob(String),
}

impl Artifact {
    pub fn path(&self) -> &str {
        match self {
            Artifact::File(p) | Artifact::Dir(p) | Artifact::Glob(p) => p,
        }
    }
}

/// Where each build tool puts its output by default, for the docs and the tests.
pub static DEFAULT_OUTPUTS: &[(Tool, &str)] = &[
    (Tool::Go, "`-o <path>`, else the module's name (go.mod) in the working directory"),
    (Tool::Cargo, "`target/release/<bin>` (`target/debug/<bin>` without `--release`); the binary's name from Cargo.toml"),
    (Tool::Maven, "`target/*.jar` (`*.war` for war packaging)"),
    (Tool::Gradle, "`build/libs/*.jar`"),
    (Tool::Dotnet, "`-o <folder>`"),
    (Tool::Npm, "`dist/` or `build/`, as CMD or the build script says"),
    (Tool::Yarn, "`dist/` or `build/`, as CMD or the build script says"),
    (Tool::Pnpm, "`dist/` or `build/`, as CMD or the build script says"),
    (Tool::Cc, "`-o <path>`, else `a.out`"),
    (Tool::Make, "the program CMD/ENTRYPOINT runs"),
];

/// What `build` (a `Build` action) produces. `src_dir` is where the sources sit in the build context; `runs` are the
/// words of the final CMD/ENTRYPOINT (which often name the artifact). `Err` says why it is unknown.
pub fn artifact_of(
    build: &ActionKind,
    ctx: Option<&dyn BuildContext>,
    src_dir: &str,
    runs: &[String],
) -> Result<Artifact, String> {
    let ActionKind::Build {
        tool,
        output,
        release,
        operands,
        installs,
    } = build
    else {
        return Err("not a build".into());
    };
    let read = |file: &str| ctx.and_then(|c| c.read(&join(src_dir, file)));
    match tool {
        Tool::Go => {
            if let Some(o) = output {
                if o.ends_with('/') {
                    return Err(format!(
                        "`-o {o}` names a folder: the binary's name is not known"
                    ));
                }
                return Ok(Artifact::File(o.clone()));
            }
            let module = || {
                read("go.mod")
                    .and_then(|t| go_module(&t))
                    .or_else(|| installs.then(|| installed_program(runs)).flatten())
                    .ok_or("`go build` without `-o` names the binary after go.mod's module: add `-o <path>`")
            };
            // `go install` puts the binary in $GOPATH/bin (/go/bin in the golang image).
            let dir = if *installs { "/go/bin/" } else { "" };
            let at = |name: String| Ok(Artifact::File(format!("{dir}{name}")));
            match operands.as_slice() {
                [] => at(module()?),
                [one] if one == "." || one == "./" => at(module()?),
                [one] if one.ends_with(".go") => {
                    let file = one.rsplit('/').next().unwrap_or(one);
                    at(file.trim_end_matches(".go").to_string())
                }
                [one] if !one.contains("...") => at(one
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(one)
                    .to_string()),
                _ => Err("`go build` of several packages: add `-o <path>`".into()),
            }
        }
        Tool::Cargo => {
            let bin = match operands.as_slice() {
                [one] => one.clone(),
                [] => {
                    let manifest = read("Cargo.toml")
                        .ok_or("the binary's name is in Cargo.toml, which is not available")?;
                    cargo_bin(&manifest).ok_or("Cargo.toml does not name exactly one binary")?
                }
                _ => return Err("several `--bin`s".into()),
            };
            if *installs {
                let root = output.clone().unwrap_or_else(|| "/usr/local/cargo".into());
                return Ok(Artifact::File(format!(
                    "{}/bin/{bin}",
                    root.trim_end_matches('/')
                )));
            }
            let dir = output.clone().unwrap_or_else(|| "target".into());
            let profile = if *release { "release" } else { "debug" };
            Ok(Artifact::File(format!(
                "{}/{profile}/{bin}",
                dir.trim_end_matches('/')
            )))
        }
        Tool::Maven => {
            let war = read("pom.xml").is_some_and(|p| p.contains("<packaging>war</packaging>"));
            Ok(Artifact::Glob(
                if war { "target/*.war" } else { "target/*.jar" }.into(),
            ))
        }
        Tool::Gradle => {
            if operands.iter().any(|t| {
                t.ends_with("installDist") || t.ends_with("distTar") || t.ends_with("distZip")
            }) {
                return Err("a Gradle distribution: copy `build/install/<name>` by hand".into());
            }
            let war = operands
                .iter()
                .any(|t| t.ends_with("war") || t.ends_with("War"));
            Ok(Artifact::Glob(
                if war {
                    "build/libs/*.war"
                } else {
                    "build/libs/*.jar"
                }
                .into(),
            ))
        }
        Tool::Dotnet => match output {
            Some(o) => Ok(Artifact::Dir(o.trim_end_matches('/').to_string())),
            None => Err("`dotnet publish` without `-o`: add `-o <folder>`".into()),
        },
        Tool::Npm | Tool::Yarn | Tool::Pnpm => {
            if let Some(dir) = runs.iter().find_map(|w| output_dir_in(w)) {
                return Ok(Artifact::Dir(dir));
            }
            let pkg = read("package.json").ok_or("the build's output folder is not known: CMD names none and package.json is not available")?;
            node_output(&pkg, |f| read(f)).map(Artifact::Dir)
        }
        Tool::Cc => output
            .clone()
            .map(Artifact::File)
            .ok_or_else(|| "the compiler's output is not known".to_string()),
        Tool::Make => {
            let program = runs
                .first()
                .ok_or("`make` builds something CMD does not name")?;
            let system = program.starts_with("/usr/")
                || program.starts_with("/bin/")
                || !program.contains('/');
            if system {
                return Err("`make` builds something CMD does not name".into());
            }
            Ok(Artifact::File(program.clone()))
        }
        _ => Err(format!("`{}` produces no known artifact", tool.name())),
    }
}

/// Programs a Go toolchain stage runs that `go install` of the stage's own module does not build.
const NOT_THE_MODULE: &[&str] = &[
    "go",
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "env",
    "tini",
    "dumb-init",
    "make",
    "dlv",
    "air",
    "gopls",
    "reflex",
    "gin",
    "CompileDaemon",
    "watchexec",
    "nodemon",
    "supervisord",
];

/// Without go.mod, the name `go install .` gives its binary (the module's last element) is best read from the CMD
/// that runs it through PATH: a bare program name that is not a shell, the toolchain or a known dev tool.
fn installed_program(runs: &[String]) -> Option<String> {
    let program = runs.first()?;
    let plain = !program.is_empty()
        && program
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (plain && !NOT_THE_MODULE.contains(&program.as_str())).then(|| program.clone())
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() || dir == "." || dir == "./" {
        file.to_string()
    } else {
        format!("{}/{file}", dir.trim_end_matches('/'))
    }
}

/// The last element of go.mod's `module` path.
fn go_module(go_mod: &str) -> Option<String> {
    let line = go_mod
        .lines()
        .find(|l| l.trim_start().starts_with("module "))?;
    let path = line
        .trim_start()
        .strip_prefix("module ")?
        .trim()
        .trim_matches('"');
    let last = path.rsplit('/').next()?;
    // `example.com/app/v2` builds `app`.
    if last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) && path.contains('/')
    {
        return path.rsplit('/').nth(1).map(str::to_string);
    }
    Some(last.to_string())
}

/// The binary of a Cargo.toml: its single `[[bin]]` name, else the package name.
pub fn cargo_bin(manifest: &str) -> Option<String> {
    let mut section = String::new();
    let mut package_name = None;
    let mut bins = Vec::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_string();
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        if k.trim() != "name" {
            continue;
        }
        let v = v.trim().trim_matches('"').to_string();
        match section.as_str() {
            "[package]" => package_name = Some(v),
            "[[bin]]" => bins.push(v),
            _ => {}
        }
    }
    match bins.len() {
        0 => package_name,
        1 => bins.pop(),
        _ => None,
    }
}

/// `dist/server.js` → `dist`; only the usual output folders.
fn output_dir_in(word: &str) -> Option<String> {
    let w = word.trim_start_matches("./");
    let first = w.split('/').next()?;
    (matches!(first, "dist" | "build" | "out" | "lib") && w.len() > first.len())
        .then(|| first.to_string())
}

/// The output folder of a package.json `build` script, from the tool it runs.
fn node_output(
    package_json: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let script =
        json_string_field(package_json, "build").ok_or("package.json has no `build` script")?;
    let known: &[(&str, &str)] = &[
        ("react-scripts build", "build"),
        ("vite build", "dist"),
        ("vue-cli-service build", "dist"),
        ("ng build", "dist"),
        ("webpack", "dist"),
        ("parcel build", "dist"),
        ("nest build", "dist"),
        ("astro build", "dist"),
        ("rollup", "dist"),
        ("esbuild", "dist"),
    ];
    if let Some((_, dir)) = known.iter().find(|(tool, _)| script.contains(tool)) {
        return Ok(dir.to_string());
    }
    if script.split_whitespace().next() == Some("tsc") {
        let tsconfig = read("tsconfig.json")
            .ok_or("`tsc` writes where tsconfig.json says, and it is not available")?;
        return json_string_field(&tsconfig, "outDir")
            .map(|d| d.trim_start_matches("./").trim_end_matches('/').to_string())
            .ok_or_else(|| "tsconfig.json sets no `outDir`".to_string());
    }
    Err(format!("the output folder of `{script}` is not known"))
}

/// The string value of the first `"key": "value"` in a JSON text (enough for package.json and tsconfig.json).
pub fn json_string_field(json: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    let at = json.find(&pat)? + pat.len();
    let rest = json[at..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut it = rest.chars();
    while let Some(c) = it.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(it.next()?),
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_context::MemoryBuildContext;

    fn build(tool: Tool, output: Option<&str>, release: bool, operands: &[&str]) -> ActionKind {
        ActionKind::Build {
            tool,
            output: output.map(str::to_string),
            release,
            operands: operands.iter().map(|s| s.to_string()).collect(),
            installs: false,
        }
    }

    #[test]
    fn every_tool_with_a_default_output_is_handled() {
        let ctx = MemoryBuildContext::new()
            .with_file("go.mod", "module github.com/acme/web/v2\n")
            .with_file("Cargo.toml", "[package]\nname = \"api\"\n")
            .with_file("pom.xml", "<project/>")
            .with_file("package.json", "{\"scripts\": {\"build\": \"vite build\"}}");
        for (tool, _) in DEFAULT_OUTPUTS {
            let (output, runs): (Option<&str>, Vec<String>) = match tool {
                Tool::Dotnet => (Some("out"), vec![]),
                Tool::Cc => (Some("hello"), vec![]),
                Tool::Make => (None, vec!["./hello".into()]),
                _ => (None, vec![]),
            };
            let got = artifact_of(&build(*tool, output, true, &[]), Some(&ctx), "", &runs);
            assert!(got.is_ok(), "{tool:?}: {got:?}");
        }
    }

    #[test]
    fn artifacts() {
        let ctx = MemoryBuildContext::new()
            .with_file("go.mod", "module github.com/acme/web/v2\n")
            .with_file(
                "Cargo.toml",
                "[package]\nname = \"api\"\n[[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n",
            );
        let a = |b: ActionKind, runs: &[&str]| {
            artifact_of(
                &b,
                Some(&ctx),
                "",
                &runs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            a(build(Tool::Go, Some("/web/server"), true, &[]), &[]),
            Ok(Artifact::File("/web/server".into()))
        );
        assert_eq!(
            a(build(Tool::Go, None, true, &[]), &[]),
            Ok(Artifact::File("web".into()))
        );
        assert_eq!(
            a(build(Tool::Go, None, true, &["./cmd/api"]), &[]),
            Ok(Artifact::File("api".into()))
        );
        assert!(artifact_of(&build(Tool::Go, None, true, &[]), None, "", &[]).is_err());
        assert_eq!(
            a(build(Tool::Cargo, None, true, &[]), &[]),
            Ok(Artifact::File("target/release/server".into()))
        );
        assert_eq!(
            a(build(Tool::Cargo, None, false, &["cli"]), &[]),
            Ok(Artifact::File("target/debug/cli".into()))
        );
        assert_eq!(
            a(build(Tool::Maven, None, true, &["package"]), &[]),
            Ok(Artifact::Glob("target/*.jar".into()))
        );
        assert_eq!(
            a(build(Tool::Gradle, None, true, &["bootJar"]), &[]),
            Ok(Artifact::Glob("build/libs/*.jar".into()))
        );
        assert_eq!(
            a(build(Tool::Dotnet, Some("out/"), true, &[]), &[]),
            Ok(Artifact::Dir("out".into()))
        );
        assert_eq!(
            a(
                build(Tool::Npm, None, true, &["build"]),
                &["node", "dist/server.js"]
            ),
            Ok(Artifact::Dir("dist".into()))
        );
        assert_eq!(
            a(build(Tool::Make, None, true, &[]), &["./app", "--port"]),
            Ok(Artifact::File("./app".into()))
        );
        assert!(a(build(Tool::Make, None, true, &[]), &["nginx"]).is_err());
    }

    #[test]
    fn go_install_writes_to_the_bin_folder() {
        let install = ActionKind::Build {
            tool: Tool::Go,
            output: None,
            release: true,
            operands: vec!["github.com/x/tool".into()],
            installs: true,
        };
        assert_eq!(
            artifact_of(&install, None, "", &[]),
            Ok(Artifact::File("/go/bin/tool".into()))
        );
    }

    #[test]
    fn go_install_of_the_module_is_named_by_the_cmd_without_go_mod() {
        let install = |operands: &[&str]| ActionKind::Build {
            tool: Tool::Go,
            output: None,
            release: true,
            operands: operands.iter().map(|s| s.to_string()).collect(),
            installs: true,
        };
        let runs = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for operands in [&[][..], &["."], &["./"]] {
            assert_eq!(
                artifact_of(
                    &install(operands),
                    None,
                    "",
                    &runs(&["web", "--port", "80"])
                ),
                Ok(Artifact::File("/go/bin/web".into())),
                "{operands:?}"
            );
        }
        // Not a plain program name, or a program the module is not.
        assert!(artifact_of(&install(&["."]), None, "", &runs(&["./web"])).is_err());
        assert!(artifact_of(&install(&["."]), None, "", &[]).is_err());
        for tool in NOT_THE_MODULE {
            assert_eq!(installed_program(&runs(&[tool])), None, "{tool}");
        }
        // `go build` names its output after the module too, but CMD runs it by path: no guess.
        let build = ActionKind::Build {
            tool: Tool::Go,
            output: None,
            release: true,
            operands: vec![],
            installs: false,
        };
        assert!(artifact_of(&build, None, "", &runs(&["web"])).is_err());
    }

    #[test]
    fn manifests_are_read_for_names() {
        assert_eq!(cargo_bin("[package]\nname = \"a\"\n"), Some("a".into()));
        assert_eq!(
            cargo_bin("[package]\nname = \"a\"\n[[bin]]\nname = \"x\"\n[[bin]]\nname = \"y\"\n"),
            None
        );
        assert_eq!(
            go_module("module example.com/hello\n\ngo 1.22\n"),
            Some("hello".into())
        );
        assert_eq!(
            json_string_field("{\"compilerOptions\": {\"outDir\": \"./lib\"}}", "outDir"),
            Some("./lib".into())
        );
        let pkg = "{\"scripts\":{\"build\":\"tsc -p .\"}}";
        assert_eq!(
            node_output(pkg, |_| Some("{\"outDir\": \"./out/\"}".into())),
            Ok("out".into())
        );
        assert!(node_output("{\"scripts\":{\"build\":\"next build\"}}", |_| None).is_err());
    }
}
