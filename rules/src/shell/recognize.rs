//! Recognisers: what a simple command does, read from its words (never from the raw RUN text).
use super::{basename, Manager, SimpleCommand, Word};
use crate::knowledge::{PackageManager, Tool};
use crate::syntax::Span;

/// What a command does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionKind {
    SystemInstall {
        manager: PackageManager,
        packages: Vec<String>,
        /// `apk add --no-cache`.
        no_cache: bool,
        /// `apk add --virtual .build-deps`: the group name, removable later with `apk del`.
        virtual_name: Option<String>,
        /// Installs files (`./x.deb`, `dpkg -i`): reads the build context.
        local: bool,
    },
    SystemUpdate {
        manager: PackageManager,
    },
    SystemUpgrade {
        manager: PackageManager,
    },
    SystemRemove {
        manager: PackageManager,
        packages: Vec<String>,
    },
    SystemClean {
        manager: PackageManager,
    },
    /// Installs what a manifest lists (`npm ci`, `pip install -r requirements.txt`, `go mod download`).
    DependencyInstall {
        tool: Tool,
        /// Manifest files named on the command line (`-r requirements.txt`).
        files: Vec<String>,
        no_cache: bool,
        /// The command needs the project's sources too (`poetry install` without `--no-root`, `pip install .`).
        needs_sources: bool,
    },
    /// Installs a named tool or package: reads nothing from the build context.
    ToolInstall {
        tool: Tool,
        no_cache: bool,
    },
    /// Compiles or bundles the project.
    Build {
        tool: Tool,
        /// `-o X` / `--output X` / `-o=X`.
        output: Option<String>,
        /// `--release` (cargo), `-c Release` (dotnet).
        release: bool,
        /// The positional arguments (packages, goals, tasks, sources).
        operands: Vec<String>,
        /// Installs into the tool's bin folder (`go install`, `cargo install --path`).
        installs: bool,
    },
    Download {
        urls: Vec<String>,
        output: Option<String>,
    },
    Chmod {
        mode: String,
        targets: Vec<Word>,
        recursive: bool,
    },
    Chown {
        owner: String,
        targets: Vec<Word>,
        recursive: bool,
    },
    Remove {
        paths: Vec<String>,
    },
    CacheClean {
        tool: Tool,
    },
}

/// One recognised command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Index into `Script::commands`.
    pub command: usize,
    pub kind: ActionKind,
    /// The word that says what happens (`install`, `ci`, `build`): flags are inserted after it.
    pub anchor: Span,
    /// The program as written (`./mvnw`, `pip3`), for commands a fix repeats.
    pub program: String,
    pub conditional: bool,
}

/// Options of a command line: which take a separate value.
struct Cli<'a> {
    args: &'a [Word],
    /// Options that take the next word as their value (`-o`, `--output`).
    valued: &'a [&'a str],
}

impl<'a> Cli<'a> {
    fn new(args: &'a [Word], valued: &'a [&'a str]) -> Cli<'a> {
        Cli { args, valued }
    }

    /// Positional arguments (index into args, word), skipping options and their values; `--` ends options.
    fn positionals(&self) -> Vec<(usize, &'a Word)> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut options = true;
        while i < self.args.len() {
            let v = self.args[i].value.as_str();
            if options && v == "--" {
                options = false;
                i += 1;
                continue;
            }
            if options && v.starts_with('-') && v.len() > 1 {
                let takes = self.valued.contains(&v);
                i += if takes { 2 } else { 1 };
                continue;
            }
            out.push((i, &self.args[i]));
            i += 1;
        }
        out
    }

    fn has(&self, names: &[&str]) -> bool {
        self.args.iter().any(|w| {
            names.iter().any(|n| {
                w.value == *n
                    || (n.starts_with("--")
                        && w.value.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
            })
        })
    }

    /// A short flag letter inside a bundle (`-rf` has `r`).
    fn has_short(&self, letter: char) -> bool {
        self.args.iter().any(|w| {
            let v = w.value.as_str();
            v.starts_with('-') && !v.starts_with("--") && v[1..].contains(letter)
        })
    }

    /// The value of an option: `-o X`, `-oX` (single-letter short options), `--output=X`, `--output X`, `-o=X`.
    fn value(&self, names: &[&str]) -> Option<String> {
        for (i, w) in self.args.iter().enumerate() {
            let v = w.value.as_str();
            for n in names {
                if v == *n {
                    return self.args.get(i + 1).map(|x| x.value.clone());
                }
                if let Some(rest) = v.strip_prefix(n) {
                    if let Some(val) = rest.strip_prefix('=') {
                        return Some(val.to_string());
                    }
                    if n.len() == 2 && !n.starts_with("--") && !rest.is_empty() {
                        return Some(rest.to_string());
                    }
                }
            }
        }
        None
    }

    /// Every value of a repeatable option.
    fn values(&self, names: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for (i, w) in self.args.iter().enumerate() {
            let v = w.value.as_str();
            for n in names {
                if v == *n {
                    if let Some(x) = self.args.get(i + 1) {
                        out.push(x.value.clone());
                    }
                } else if let Some(val) = v.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                    out.push(val.to_string());
                }
            }
        }
        out
    }
}

fn action(cmd: &SimpleCommand, index: usize, kind: ActionKind, anchor: &Word) -> Action {
    Action {
        command: index,
        kind,
        anchor: anchor.range.clone(),
        program: cmd
            .argv()
            .first()
            .map(|w| w.value.clone())
            .unwrap_or_default(),
        conditional: cmd.conditional,
    }
}

/// What `cmd` (the `index`th command of its script) does; empty when nothing is recognised.
pub fn recognize(cmd: &SimpleCommand, index: usize) -> Vec<Action> {
    let argv = cmd.argv();
    let Some(first) = argv.first() else {
        return Vec::new();
    };
    if first.dynamic {
        return Vec::new();
    }
    let program = basename(&first.value);
    let args = &argv[1..];
    let mk = |kind: ActionKind, anchor: &Word| vec![action(cmd, index, kind, anchor)];
    match program {
        "apt-get" | "apt" | "aptitude" => system(PackageManager::Apt, args, first, &mk),
        "apk" => system(PackageManager::Apk, args, first, &mk),
        "yum" => system(PackageManager::Yum, args, first, &mk),
        "dnf" | "dnf5" | "tdnf" => system(PackageManager::Dnf, args, first, &mk),
        "microdnf" => system(PackageManager::Microdnf, args, first, &mk),
        "zypper" => system(PackageManager::Zypper, args, first, &mk),
        "pacman" => pacman(args, first, &mk),
        "dpkg" | "rpm"
            if args.iter().any(|a| {
                a.value == "-i"
                    || a.value == "--install"
                    || (a.value.starts_with("-U") && program == "rpm")
            }) =>
        {
            mk(
                ActionKind::SystemInstall {
                    manager: PackageManager::Local,
                    packages: Vec::new(),
                    no_cache: true,
                    virtual_name: None,
                    local: true,
                },
                first,
            )
        }
        "npm" => npm(args, first, &mk),
        "yarn" => yarn(args, first, &mk),
        "pnpm" => pnpm(args, first, &mk),
        p if is_pip(p) => pip(args, first, &mk),
        p if is_python(p) => {
            // `python -m pip install ...`
            match (args.first(), args.get(1)) {
                (Some(m), Some(module)) if m.value == "-m" && is_pip(&module.value) => {
                    pip(&args[2..], module, &mk)
                }
                _ => Vec::new(),
            }
        }
        "poetry" => poetry(args, first, &mk),
        "pipenv" => pipenv(args, first, &mk),
        "uv" => uv(args, first, &mk),
        "bundle" | "bundler" => bundle(args, first, &mk),
        "gem" => match args.first() {
            Some(s) if s.value == "install" => mk(
                ActionKind::ToolInstall {
                    tool: Tool::Gem,
                    no_cache: Cli::new(args, &[]).has(&["--no-document", "-N"]),
                },
                s,
            ),
            _ => Vec::new(),
        },
        "composer" | "composer.phar" => composer(args, first, &mk),
        "go" => go(args, first, &mk),
        "cargo" => cargo(args, first, &mk),
        "mvn" | "mvnw" | "mvnw.cmd" => maven(args, first, &mk),
        "gradle" | "gradlew" => gradle(args, first, &mk),
        "dotnet" => dotnet(args, first, &mk),
        "make" | "gmake" | "cmake" | "ninja" => make(program, args, first, &mk),
        "gcc" | "cc" | "g++" | "c++" | "clang" | "clang++" | "musl-gcc" => cc(args, first, &mk),
        "curl" | "wget" => download(program, args, first, &mk),
        "chmod" => chmod(args, first, &mk),
        "chown" => chown(args, first, &mk),
        "rm" => {
            let cli = Cli::new(args, &[]);
            let paths = cli
                .positionals()
                .into_iter()
                .map(|(_, w)| w.value.clone())
                .collect();
            mk(ActionKind::Remove { paths }, first)
        }
        _ => Vec::new(),
    }
}

fn is_pip(p: &str) -> bool {
    p == "pip"
        || p.strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(p: &str) -> bool {
    p == "python"
        || p.strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

type Mk<'a> = dyn Fn(ActionKind, &Word) -> Vec<Action> + 'a;

fn system(pm: PackageManager, args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let valued: &[&str] = match pm {
        PackageManager::Apt => &[
            "-o",
            "-c",
            "-t",
            "--target-release",
            "--default-release",
            "--option",
        ],
        PackageManager::Apk => &[
            "-X",
            "--repository",
            "-t",
            "--virtual",
            "-p",
            "--root",
            "--arch",
            "--keys-dir",
            "--repositories-file",
            "--cache-dir",
        ],
        PackageManager::Yum | PackageManager::Dnf | PackageManager::Microdnf => &[
            "-c",
            "--config",
            "--setopt",
            "--installroot",
            "--releasever",
            "-x",
            "--exclude",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "-d",
            "-e",
        ],
        PackageManager::Zypper => &["-r", "--repo", "--root", "-R"],
        PackageManager::Pacman | PackageManager::Local => &[],
    };
    let cli = Cli::new(args, valued);
    let pos = cli.positionals();
    let Some(&(_, sub)) = pos.first() else {
        return Vec::new();
    };
    let rest: Vec<String> = pos[1..].iter().map(|(_, w)| w.value.clone()).collect();
    let mut out = Vec::new();
    let kind = match (pm, sub.value.as_str()) {
        (PackageManager::Apk, "add")
        | (_, "install" | "in" | "groupinstall" | "reinstall" | "localinstall") => {
            let local = rest.iter().any(|p| {
                p.starts_with("./")
                    || p.starts_with('/')
                    || p.ends_with(".deb")
                    || p.ends_with(".rpm")
                    || p.ends_with(".apk")
            });
            // `apt-get install --update` (apt 3) refreshes the package lists first.
            if let Some(update) = args
                .iter()
                .find(|a| pm == PackageManager::Apt && a.value == "--update")
            {
                out.extend(mk(ActionKind::SystemUpdate { manager: pm }, update));
            }
            ActionKind::SystemInstall {
                manager: pm,
                // `--no-network` installs from what is already there: nothing is downloaded or cached.
                no_cache: pm == PackageManager::Apk && cli.has(&["--no-cache", "--no-network"]),
                virtual_name: if pm == PackageManager::Apk {
                    cli.value(&["--virtual", "-t"])
                } else {
                    None
                },
                packages: rest,
                local,
            }
        }
        (_, "update") if matches!(pm, PackageManager::Apt | PackageManager::Apk) => {
            ActionKind::SystemUpdate { manager: pm }
        }
        (_, "refresh" | "ref" | "makecache") => ActionKind::SystemUpdate { manager: pm },
        (_, "upgrade" | "dist-upgrade" | "full-upgrade" | "update" | "up" | "dup") => {
            ActionKind::SystemUpgrade { manager: pm }
        }
        (_, "remove" | "purge" | "autoremove" | "del" | "erase" | "rm" | "autopurge") => {
            ActionKind::SystemRemove {
                manager: pm,
                packages: rest,
            }
        }
        // `apt-get dist-clean` (apt 2.7) also deletes the package lists and the package cache.
        (PackageManager::Apt, "dist-clean" | "distclean") => {
            out.extend(mk(ActionKind::SystemClean { manager: pm }, sub));
            ActionKind::Remove {
                paths: vec!["/var/lib/apt/lists/*".into(), "/var/cache/apt/*".into()],
            }
        }
        (_, "clean" | "autoclean" | "cc") => ActionKind::SystemClean { manager: pm },
        (PackageManager::Apk, "cache")
            if rest.first().is_some_and(|r| r == "clean" || r == "purge") =>
        {
            ActionKind::SystemClean { manager: pm }
        }
        _ => return Vec::new(),
    };
    let _ = first;
    out.extend(mk(kind, sub));
    out
}

fn pacman(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let Some(op) = args.iter().find(|a| a.value.starts_with("-S")) else {
        return Vec::new();
    };
    let cli = Cli::new(args, &[]);
    let packages = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .collect();
    if op.value.contains('c') && !op.value.contains('y') {
        return mk(
            ActionKind::SystemClean {
                manager: PackageManager::Pacman,
            },
            first,
        );
    }
    mk(
        ActionKind::SystemInstall {
            manager: PackageManager::Pacman,
            packages,
            no_cache: false,
            virtual_name: None,
            local: false,
        },
        op,
    )
}

/// `npm run build`, `yarn build:prod`: the script builds the project.
fn is_build_script(name: &str) -> bool {
    name == "build" || name.starts_with("build:") || name == "compile" || name == "dist"
}

fn npm(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "--prefix",
            "--registry",
            "--cache",
            "--omit",
            "--include",
            "--loglevel",
            "-w",
            "--workspace",
            "--userconfig",
        ],
    );
    let pos = cli.positionals();
    let Some(&(_, sub)) = pos.first() else {
        return Vec::new();
    };
    let operands: Vec<&Word> = pos[1..].iter().map(|(_, w)| *w).collect();
    match sub.value.as_str() {
        "ci" | "clean-install" | "install-clean" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Npm,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            sub,
        ),
        "install" | "i" | "in" | "add" | "isntall" => {
            if cli.has(&["-g", "--global"]) {
                mk(
                    ActionKind::ToolInstall {
                        tool: Tool::Npm,
                        no_cache: false,
                    },
                    sub,
                )
            } else {
                mk(
                    ActionKind::DependencyInstall {
                        tool: Tool::Npm,
                        files: Vec::new(),
                        no_cache: false,
                        // `npm install ./local-dir` reads sources.
                        needs_sources: operands
                            .iter()
                            .any(|o| o.value.starts_with('.') || o.value.starts_with('/')),
                    },
                    sub,
                )
            }
        }
        "run" | "run-script" | "rum" | "urn" => match operands.first() {
            Some(s) if is_build_script(&s.value) => mk(
                ActionKind::Build {
                    tool: Tool::Npm,
                    output: None,
                    release: true,
                    operands: vec![s.value.clone()],
                    installs: false,
                },
                s,
            ),
            _ => Vec::new(),
        },
        "cache" if operands.first().is_some_and(|o| o.value == "clean") => {
            mk(ActionKind::CacheClean { tool: Tool::Npm }, sub)
        }
        _ => Vec::new(),
    }
}

fn yarn(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "--cwd",
            "--cache-folder",
            "--modules-folder",
            "--network-timeout",
            "--mutex",
        ],
    );
    let pos = cli.positionals();
    let dep = |anchor: &Word| {
        mk(
            ActionKind::DependencyInstall {
                tool: Tool::Yarn,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            anchor,
        )
    };
    let Some(&(_, sub)) = pos.first() else {
        // A bare `yarn` installs; `yarn --version` or `yarn --help` does not.
        if cli.has(&["--version", "-v", "-V", "--help", "-h"]) {
            return Vec::new();
        }
        return dep(first);
    };
    match sub.value.as_str() {
        "install" => dep(sub),
        "global" => mk(
            ActionKind::ToolInstall {
                tool: Tool::Yarn,
                no_cache: false,
            },
            sub,
        ),
        "add" => dep(sub),
        "run" => match pos.get(1) {
            Some((_, s)) if is_build_script(&s.value) => build_script(Tool::Yarn, s, mk),
            _ => Vec::new(),
        },
        "cache" if pos.get(1).is_some_and(|(_, w)| w.value == "clean") => {
            mk(ActionKind::CacheClean { tool: Tool::Yarn }, sub)
        }
        s if is_build_script(s) => build_script(Tool::Yarn, sub, mk),
        _ => Vec::new(),
    }
}

fn build_script(tool: Tool, script: &Word, mk: &Mk) -> Vec<Action> {
    mk(
        ActionKind::Build {
            tool,
            output: None,
            release: true,
            operands: vec![script.value.clone()],
            installs: false,
        },
        script,
    )
}

fn pnpm(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &["--filter", "-F", "--dir", "-C", "--store-dir"]);
    let pos = cli.positionals();
    let Some(&(_, sub)) = pos.first() else {
        return Vec::new();
    };
    match sub.value.as_str() {
        "install" | "i" | "fetch" | "add" if !cli.has(&["-g", "--global"]) => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Pnpm,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            sub,
        ),
        "add" | "install" | "i" => mk(
            ActionKind::ToolInstall {
                tool: Tool::Pnpm,
                no_cache: false,
            },
            sub,
        ),
        "run" => match pos.get(1) {
            Some((_, s)) if is_build_script(&s.value) => build_script(Tool::Pnpm, s, mk),
            _ => Vec::new(),
        },
        "store" if pos.get(1).is_some_and(|(_, w)| w.value == "prune") => {
            mk(ActionKind::CacheClean { tool: Tool::Pnpm }, sub)
        }
        s if is_build_script(s) => build_script(Tool::Pnpm, sub, mk),
        _ => Vec::new(),
    }
}

fn pip(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, Manager::Pip.valued());
    // General options may come before the subcommand: `pip --no-cache-dir install x`.
    let no_cache_anywhere = cli.has(&["--no-cache-dir", "--no-cache"]);
    let pos = cli.positionals();
    let Some(&(_, sub)) = pos.first() else {
        return Vec::new();
    };
    let sub_args = &args[args
        .iter()
        .position(|a| a.range == sub.range)
        .map_or(0, |i| i + 1)..];
    let cli = Cli::new(sub_args, Manager::Pip.valued());
    match sub.value.as_str() {
        "install" | "download" | "wheel" => {
            let files: Vec<String> = cli.values(&["-r", "--requirement", "-c", "--constraint"]);
            let operands: Vec<String> = cli
                .positionals()
                .into_iter()
                .map(|(_, w)| w.value.clone())
                .collect();
            let editable = cli.values(&["-e", "--editable"]);
            let local = operands.iter().chain(editable.iter()).any(|o| {
                o.starts_with('.')
                    || o.starts_with('/')
                    || o.ends_with(".whl")
                    || o.ends_with(".tar.gz")
            });
            let no_cache = no_cache_anywhere;
            if files.is_empty() && !local {
                if operands.is_empty() {
                    return Vec::new();
                }
                return mk(
                    ActionKind::ToolInstall {
                        tool: Tool::Pip,
                        no_cache,
                    },
                    sub,
                );
            }
            mk(
                ActionKind::DependencyInstall {
                    tool: Tool::Pip,
                    files,
                    no_cache,
                    needs_sources: local,
                },
                sub,
            )
        }
        "cache"
            if cli
                .positionals()
                .first()
                .is_some_and(|(_, w)| w.value == "purge") =>
        {
            mk(ActionKind::CacheClean { tool: Tool::Pip }, sub)
        }
        _ => Vec::new(),
    }
}

fn poetry(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "--only",
            "--with",
            "--without",
            "-E",
            "--extras",
            "-C",
            "--directory",
        ],
    );
    let pos = cli.positionals();
    match pos.first() {
        Some((_, sub)) if sub.value == "install" || sub.value == "sync" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Poetry,
                files: Vec::new(),
                no_cache: cli.has(&["--no-cache"]),
                needs_sources: !cli.has(&["--no-root"])
                    && cli.value(&["--only"]).as_deref() != Some("main"),
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

fn pipenv(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &["--python"]);
    let pos = cli.positionals();
    match pos.first() {
        Some((_, sub)) if (sub.value == "install" && pos.len() == 1) || sub.value == "sync" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Pipenv,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

fn uv(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &["--python", "--extra", "--group", "--project", "--directory"],
    );
    let pos = cli.positionals();
    match pos.first() {
        Some((_, sub)) if sub.value == "sync" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Uv,
                files: Vec::new(),
                no_cache: cli.has(&["--no-cache"]),
                needs_sources: !cli.has(&["--no-install-project"]),
            },
            sub,
        ),
        Some((_, sub)) if sub.value == "pip" => {
            let i = args
                .iter()
                .position(|a| a.range == sub.range)
                .map_or(0, |i| i + 1);
            pip(&args[i..], first, mk)
        }
        _ => Vec::new(),
    }
}

fn bundle(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "--jobs",
            "-j",
            "--path",
            "--without",
            "--with",
            "--gemfile",
            "--retry",
        ],
    );
    let pos = cli.positionals();
    let install = |anchor: &Word| {
        mk(
            ActionKind::DependencyInstall {
                tool: Tool::Bundler,
                files: Vec::new(),
                no_cache: cli.has(&["--no-cache"]),
                needs_sources: false,
            },
            anchor,
        )
    };
    match pos.first() {
        None if args.is_empty() => install(first),
        Some((_, sub)) if sub.value == "install" => install(sub),
        _ => Vec::new(),
    }
}

fn composer(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &["-d", "--working-dir"]);
    let pos = cli.positionals();
    match pos.first() {
        Some((_, sub)) if sub.value == "install" || sub.value == "i" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Composer,
                files: Vec::new(),
                no_cache: cli.has(&["--no-cache"]),
                // Scripts and the autoloader read the sources.
                needs_sources: !(cli.has(&["--no-scripts"]) && cli.has(&["--no-autoloader"])),
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

const GO_VALUED: &[&str] = &[
    "-o",
    "-ldflags",
    "-gcflags",
    "-tags",
    "-mod",
    "-modfile",
    "-buildmode",
    "-p",
    "-asmflags",
    "-installsuffix",
    "-pkgdir",
    "-toolexec",
    "-overlay",
    "-pgo",
    "-C",
    "-compiler",
    "-gccgoflags",
];

fn go(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let Some(sub) = args.first() else {
        return Vec::new();
    };
    let rest = &args[1..];
    let cli = Cli::new(rest, GO_VALUED);
    let operands: Vec<String> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .collect();
    match sub.value.as_str() {
        "mod" if operands.first().is_some_and(|o| o == "download") => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Go,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            cli.positionals().first().map_or(sub, |(_, w)| *w),
        ),
        "build" => mk(
            ActionKind::Build {
                tool: Tool::Go,
                output: cli.value(&["-o", "--o"]),
                release: true,
                operands,
                installs: false,
            },
            sub,
        ),
        "install" if !operands.is_empty() && operands.iter().all(|o| o.contains('@')) => mk(
            ActionKind::ToolInstall {
                tool: Tool::Go,
                no_cache: false,
            },
            sub,
        ),
        "install" => mk(
            ActionKind::Build {
                tool: Tool::Go,
                output: None,
                release: true,
                operands,
                installs: true,
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

fn cargo(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "--target",
            "--target-dir",
            "-p",
            "--package",
            "--bin",
            "--features",
            "-F",
            "--manifest-path",
            "-j",
            "--jobs",
            "--profile",
            "--config",
            "-Z",
            "--root",
            "--path",
        ],
    );
    let pos = cli.positionals();
    let Some(&(_, sub)) = pos.first() else {
        return Vec::new();
    };
    match sub.value.as_str() {
        "fetch" | "vendor" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Cargo,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            sub,
        ),
        "build" | "b" => mk(
            ActionKind::Build {
                tool: Tool::Cargo,
                output: cli.value(&["--target-dir"]),
                release: cli.has(&["--release", "-r"])
                    || cli.value(&["--profile"]).as_deref() == Some("release"),
                operands: cli.values(&["--bin"]),
                installs: false,
            },
            sub,
        ),
        "install" if cli.has(&["--path"]) => mk(
            ActionKind::Build {
                tool: Tool::Cargo,
                output: cli.value(&["--root"]),
                release: true,
                operands: cli.values(&["--bin"]),
                installs: true,
            },
            sub,
        ),
        "install" => mk(
            ActionKind::ToolInstall {
                tool: Tool::Cargo,
                no_cache: false,
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

fn maven(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "-f",
            "--file",
            "-P",
            "-pl",
            "--projects",
            "-s",
            "--settings",
            "-gs",
            "-T",
            "-rf",
            "-t",
            "-l",
        ],
    );
    let goals: Vec<&Word> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| !w.value.starts_with("-D"))
        .collect();
    let deps = goals.iter().find(|g| {
        g.value.starts_with("dependency:go-offline") || g.value.starts_with("dependency:resolve")
    });
    let build = goals.iter().find(|g| {
        matches!(
            g.value.as_str(),
            "package" | "install" | "verify" | "deploy"
        ) || g.value.starts_with("spring-boot:repackage")
            || g.value.starts_with("assembly:single")
    });
    let mut out = Vec::new();
    if let Some(d) = deps {
        out.extend(mk(
            ActionKind::DependencyInstall {
                tool: Tool::Maven,
                files: cli.value(&["-f", "--file"]).into_iter().collect(),
                no_cache: false,
                needs_sources: false,
            },
            d,
        ));
    }
    if let Some(b) = build {
        out.extend(mk(
            ActionKind::Build {
                tool: Tool::Maven,
                output: None,
                release: true,
                operands: goals.iter().map(|g| g.value.clone()).collect(),
                installs: false,
            },
            b,
        ));
    }
    let _ = first;
    out
}

fn gradle(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "-p",
            "--project-dir",
            "-b",
            "--build-file",
            "-c",
            "-x",
            "--exclude-task",
            "--console",
            "--warning-mode",
            "-g",
            "--gradle-user-home",
            "-I",
            "--init-script",
        ],
    );
    let tasks: Vec<&Word> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| !w.value.starts_with("-D") && !w.value.starts_with("-P"))
        .collect();
    let task_name = |w: &&Word| w.value.rsplit(':').next().unwrap_or("").to_string();
    let build = tasks.iter().find(|t| {
        matches!(
            task_name(t).as_str(),
            "build"
                | "bootJar"
                | "assemble"
                | "jar"
                | "shadowJar"
                | "installDist"
                | "bootWar"
                | "war"
                | "distTar"
                | "distZip"
        )
    });
    let deps = tasks.iter().find(|t| {
        matches!(
            task_name(t).as_str(),
            "dependencies" | "downloadDependencies" | "resolveDependencies"
        )
    });
    if let Some(b) = build {
        return mk(
            ActionKind::Build {
                tool: Tool::Gradle,
                output: None,
                release: true,
                operands: tasks.iter().map(|t| t.value.clone()).collect(),
                installs: false,
            },
            b,
        );
    }
    if let Some(d) = deps {
        return mk(
            ActionKind::DependencyInstall {
                tool: Tool::Gradle,
                files: Vec::new(),
                no_cache: false,
                needs_sources: false,
            },
            d,
        );
    }
    Vec::new()
}

fn dotnet(args: &[Word], _first: &Word, mk: &Mk) -> Vec<Action> {
    let Some(sub) = args.first() else {
        return Vec::new();
    };
    let rest = &args[1..];
    let cli = Cli::new(
        rest,
        &[
            "-o",
            "--output",
            "-c",
            "--configuration",
            "-r",
            "--runtime",
            "-f",
            "--framework",
            "--os",
            "--arch",
            "-s",
            "--source",
            "-v",
            "--verbosity",
            "--version-suffix",
            "-a",
            "--packages",
        ],
    );
    let operands: Vec<String> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .filter(|w| !w.starts_with("-p:") && !w.starts_with("/p:"))
        .collect();
    match sub.value.as_str() {
        "restore" => mk(
            ActionKind::DependencyInstall {
                tool: Tool::Dotnet,
                files: operands,
                no_cache: cli.has(&["--no-cache", "--no-http-cache"]),
                needs_sources: false,
            },
            sub,
        ),
        "publish" | "build" => mk(
            ActionKind::Build {
                tool: Tool::Dotnet,
                output: cli.value(&["-o", "--output"]),
                release: cli
                    .value(&["-c", "--configuration"])
                    .is_some_and(|c| c.eq_ignore_ascii_case("release"))
                    || sub.value == "publish",
                operands,
                installs: false,
            },
            sub,
        ),
        _ => Vec::new(),
    }
}

fn make(program: &str, args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(
        args,
        &[
            "-C", "-f", "--file", "-j", "-B", "-G", "-S", "--build", "--target", "--config",
        ],
    );
    let targets: Vec<String> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .filter(|t| !t.contains('='))
        .collect();
    // `make clean`, `make test` alone build nothing worth shipping.
    if targets
        .iter()
        .any(|t| matches!(t.as_str(), "clean" | "test" | "check" | "distclean"))
        && targets.len() == 1
    {
        return Vec::new();
    }
    // `cmake -S . -B build` only configures; `cmake --build build` builds.
    if program == "cmake" && !cli.has(&["--build"]) {
        return Vec::new();
    }
    mk(
        ActionKind::Build {
            tool: Tool::Make,
            output: None,
            release: true,
            operands: targets,
            installs: false,
        },
        first,
    )
}

fn cc(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &["-o", "-x", "-I", "-L", "-include", "-MF", "-MT"]);
    let sources: Vec<String> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .collect();
    // `gcc --version` and friends.
    if sources.is_empty() {
        return Vec::new();
    }
    mk(
        ActionKind::Build {
            tool: Tool::Cc,
            output: cli
                .value(&["-o"])
                .or_else(|| (!cli.has(&["-c", "-E", "-S"])).then(|| "a.out".to_string())),
            release: true,
            operands: sources,
            installs: false,
        },
        first,
    )
}

fn download(program: &str, args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let valued: &[&str] = if program == "curl" {
        &[
            "-o",
            "--output",
            "-H",
            "--header",
            "-d",
            "--data",
            "-u",
            "--user",
            "-X",
            "--request",
            "-A",
            "-e",
            "--retry",
            "-w",
            "-T",
            "--connect-timeout",
            "-m",
            "--max-time",
            "-x",
            "--proxy",
            "--cacert",
            "-b",
            "-c",
            "--retry-delay",
            "--url",
        ]
    } else {
        &[
            "-O",
            "--output-document",
            "-P",
            "--directory-prefix",
            "--header",
            "-t",
            "--tries",
            "-T",
            "--timeout",
            "-U",
            "--user-agent",
            "-o",
            "--output-file",
        ]
    };
    let cli = Cli::new(args, valued);
    let urls: Vec<String> = cli
        .positionals()
        .into_iter()
        .map(|(_, w)| w.value.clone())
        .filter(|u| u.contains("://"))
        .chain(cli.values(&["--url"]))
        .collect();
    if urls.is_empty() {
        return Vec::new();
    }
    let output = if program == "curl" {
        cli.value(&["-o", "--output"])
    } else {
        cli.value(&["-O", "--output-document"])
    };
    mk(ActionKind::Download { urls, output }, first)
}

fn chmod(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &[]);
    let pos = cli.positionals();
    let Some(((_, mode), rest)) = pos.split_first() else {
        return Vec::new();
    };
    mk(
        ActionKind::Chmod {
            mode: mode.value.clone(),
            targets: rest.iter().map(|(_, w)| (*w).clone()).collect(),
            recursive: cli.has(&["--recursive"]) || cli.has_short('R'),
        },
        first,
    )
}

fn chown(args: &[Word], first: &Word, mk: &Mk) -> Vec<Action> {
    let cli = Cli::new(args, &[]);
    let pos = cli.positionals();
    let Some(((_, owner), rest)) = pos.split_first() else {
        return Vec::new();
    };
    mk(
        ActionKind::Chown {
            owner: owner.value.clone(),
            targets: rest.iter().map(|(_, w)| (*w).clone()).collect(),
            recursive: cli.has(&["--recursive"]) || cli.has_short('R'),
        },
        first,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::script;
    use crate::syntax::Document;

    fn kinds(run: &str) -> Vec<ActionKind> {
        let src = format!("FROM a\nRUN {run}\n");
        let doc = Document::parse(&src);
        script(&src, &doc.instructions()[1], '\\')
            .unwrap()
            .actions()
            .into_iter()
            .map(|a| a.kind)
            .collect()
    }

    #[test]
    fn system_packages() {
        assert_eq!(
            kinds("apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold gcc make"),
            [
                ActionKind::SystemUpdate { manager: PackageManager::Apt },
                ActionKind::SystemInstall {
                    manager: PackageManager::Apt,
                    packages: vec!["gcc".into(), "make".into()],
                    no_cache: false,
                    virtual_name: None,
                    local: false
                }
            ]
        );
        assert_eq!(
            kinds("apk add --no-cache --virtual .deps build-base"),
            [ActionKind::SystemInstall {
                manager: PackageManager::Apk,
                packages: vec!["build-base".into()],
                no_cache: true,
                virtual_name: Some(".deps".into()),
                local: false
            }]
        );
        assert!(matches!(
            kinds("yum -y install httpd && yum clean all")[..],
            [
                ActionKind::SystemInstall {
                    manager: PackageManager::Yum,
                    ..
                },
                ActionKind::SystemClean {
                    manager: PackageManager::Yum
                }
            ]
        ));
        assert!(matches!(
            kinds("apt-get install -y ./pkg.deb")[..],
            [ActionKind::SystemInstall { local: true, .. }]
        ));
        assert!(matches!(
            kinds("zypper --non-interactive in curl")[..],
            [ActionKind::SystemInstall {
                manager: PackageManager::Zypper,
                ..
            }]
        ));
        assert!(matches!(
            kinds("dnf install -y gcc")[..],
            [ActionKind::SystemInstall {
                manager: PackageManager::Dnf,
                ..
            }]
        ));
    }

    #[test]
    fn apt_list_refresh_and_cleanup_spellings() {
        assert_eq!(
            kinds("apt-get install --update -y curl")[0],
            ActionKind::SystemUpdate {
                manager: PackageManager::Apt
            }
        );
        assert!(kinds("apt-get dist-clean").contains(&ActionKind::Remove {
            paths: vec!["/var/lib/apt/lists/*".into(), "/var/cache/apt/*".into()]
        }));
        // `apt-get clean` empties the package cache, not the lists.
        assert_eq!(
            kinds("apt-get clean"),
            [ActionKind::SystemClean {
                manager: PackageManager::Apt
            }]
        );
        assert!(matches!(
            kinds("dnf5 install -y curl")[..],
            [ActionKind::SystemInstall {
                manager: PackageManager::Dnf,
                ..
            }]
        ));
        // `--nodocs` takes no value: the package after it is a package.
        assert!(matches!(
            &kinds("microdnf install --nodocs curl")[..],
            [ActionKind::SystemInstall { packages, .. }] if packages == &["curl".to_string()]
        ));
    }

    #[test]
    fn questions_are_not_installs() {
        for run in [
            "yarn --version",
            "yarn -v",
            "yarn --help",
            "yarn info react",
            "yarn config set x y",
            "npm --version",
            "npm config set registry x",
            "pip --version",
            "pip config set global.x y",
            "pip3 show flask",
        ] {
            assert!(
                kinds(run).iter().all(|k| !matches!(
                    k,
                    ActionKind::DependencyInstall { .. } | ActionKind::ToolInstall { .. }
                )),
                "{run}"
            );
        }
        assert!(matches!(
            kinds("yarn --frozen-lockfile")[..],
            [ActionKind::DependencyInstall { .. }]
        ));
    }

    #[test]
    fn pip_options_before_the_subcommand() {
        assert!(matches!(
            kinds("pip --no-cache-dir install flask")[..],
            [ActionKind::ToolInstall { no_cache: true, .. }]
        ));
        assert!(matches!(
            kinds("python3 -m pip --no-cache-dir install -r r.txt")[..],
            [ActionKind::DependencyInstall { no_cache: true, .. }]
        ));
    }

    #[test]
    fn dependency_installs() {
        let dep = |k: &ActionKind| match k {
            ActionKind::DependencyInstall {
                tool,
                files,
                no_cache,
                needs_sources,
            } => Some((*tool, files.clone(), *no_cache, *needs_sources)),
            _ => None,
        };
        let one = |run: &str| kinds(run).first().and_then(dep);
        assert_eq!(
            one("npm ci --omit=dev"),
            Some((Tool::Npm, vec![], false, false))
        );
        assert_eq!(one("npm install"), Some((Tool::Npm, vec![], false, false)));
        assert_eq!(
            one("yarn install --frozen-lockfile"),
            Some((Tool::Yarn, vec![], false, false))
        );
        assert_eq!(one("yarn"), Some((Tool::Yarn, vec![], false, false)));
        assert_eq!(
            one("pnpm install --frozen-lockfile"),
            Some((Tool::Pnpm, vec![], false, false))
        );
        assert_eq!(
            one("pip install --no-cache-dir -r requirements/prod.txt"),
            Some((
                Tool::Pip,
                vec!["requirements/prod.txt".to_string()],
                true,
                false
            ))
        );
        assert_eq!(
            one("python3 -m pip install -r req.txt"),
            Some((Tool::Pip, vec!["req.txt".to_string()], false, false))
        );
        assert_eq!(
            one("pip install -e ."),
            Some((Tool::Pip, vec![], false, true))
        );
        // The same valued options as the package rules read: the certificate is no local package.
        assert_eq!(
            one("pip install --cert /etc/ssl/ca.pem -r req.txt"),
            Some((Tool::Pip, vec!["req.txt".to_string()], false, false))
        );
        assert_eq!(
            one("poetry install --no-root"),
            Some((Tool::Poetry, vec![], false, false))
        );
        assert_eq!(
            one("poetry install"),
            Some((Tool::Poetry, vec![], false, true))
        );
        assert_eq!(
            one("pipenv install --system --deploy"),
            Some((Tool::Pipenv, vec![], false, false))
        );
        assert_eq!(
            one("bundle install --jobs 4"),
            Some((Tool::Bundler, vec![], false, false))
        );
        assert_eq!(
            one("composer install --no-dev"),
            Some((Tool::Composer, vec![], false, true))
        );
        assert_eq!(
            one("go mod download"),
            Some((Tool::Go, vec![], false, false))
        );
        assert_eq!(
            one("cargo fetch"),
            Some((Tool::Cargo, vec![], false, false))
        );
        assert_eq!(
            one("mvn -B dependency:go-offline"),
            Some((Tool::Maven, vec![], false, false))
        );
        assert_eq!(
            one("./gradlew dependencies --no-daemon"),
            Some((Tool::Gradle, vec![], false, false))
        );
        assert_eq!(
            one("dotnet restore"),
            Some((Tool::Dotnet, vec![], false, false))
        );
    }

    #[test]
    fn tool_installs_read_no_context() {
        for run in [
            "npm install -g serve",
            "pip install --upgrade pip",
            "go install github.com/x/y@latest",
            "cargo install cargo-chef",
            "gem install bundler",
            "yarn global add pm2",
        ] {
            assert!(
                matches!(kinds(run)[..], [ActionKind::ToolInstall { .. }]),
                "{run}"
            );
        }
    }

    #[test]
    fn builds_and_outputs() {
        let build = |run: &str| match kinds(run)
            .into_iter()
            .find(|k| matches!(k, ActionKind::Build { .. }))
        {
            Some(ActionKind::Build {
                tool,
                output,
                release,
                operands,
                ..
            }) => Some((tool, output, release, operands)),
            _ => None,
        };
        assert_eq!(
            build("CGO_ENABLED=0 go build -o /web/server"),
            Some((Tool::Go, Some("/web/server".into()), true, vec![]))
        );
        assert_eq!(
            build("go build -ldflags '-s -w' -o=bin/app ./cmd/app"),
            Some((
                Tool::Go,
                Some("bin/app".into()),
                true,
                vec!["./cmd/app".into()]
            ))
        );
        assert_eq!(
            build("cargo build --release --bin web").map(|b| (b.0, b.2, b.3)),
            Some((Tool::Cargo, true, vec!["web".into()]))
        );
        assert_eq!(
            build("mvn -B clean package -DskipTests").map(|b| b.0),
            Some(Tool::Maven)
        );
        assert_eq!(
            build("./gradlew bootJar --no-daemon").map(|b| b.0),
            Some(Tool::Gradle)
        );
        assert_eq!(
            build("gradle build -x test").map(|b| b.0),
            Some(Tool::Gradle)
        );
        assert_eq!(
            build("dotnet publish -c Release -o out").map(|b| (b.0, b.1)),
            Some((Tool::Dotnet, Some("out".into())))
        );
        assert_eq!(build("npm run build").map(|b| b.0), Some(Tool::Npm));
        assert_eq!(build("yarn build").map(|b| b.0), Some(Tool::Yarn));
        assert_eq!(
            build("gcc -O2 -o hello hello.c").map(|b| (b.0, b.1)),
            Some((Tool::Cc, Some("hello".into())))
        );
        assert_eq!(build("make -j4").map(|b| b.0), Some(Tool::Make));
        assert_eq!(build("make clean"), None);
        assert_eq!(build("npm run test"), None);
    }

    #[test]
    fn downloads_permissions_cleanup() {
        assert_eq!(
            kinds("curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz"),
            [ActionKind::Download {
                urls: vec!["https://example.com/x.tgz".into()],
                output: Some("/tmp/x.tgz".into())
            }]
        );
        assert!(
            matches!(&kinds("chmod +x /app/run.sh")[..], [ActionKind::Chmod { mode, targets, recursive: false }] if mode == "+x" && targets[0].value == "/app/run.sh")
        );
        assert!(
            matches!(&kinds("chown -R node:node /app")[..], [ActionKind::Chown { owner, recursive: true, .. }] if owner == "node:node")
        );
        assert_eq!(
            kinds("rm -rf /var/lib/apt/lists/*"),
            [ActionKind::Remove {
                paths: vec!["/var/lib/apt/lists/*".into()]
            }]
        );
        assert_eq!(
            kinds("npm cache clean --force"),
            [ActionKind::CacheClean { tool: Tool::Npm }]
        );
    }
}
