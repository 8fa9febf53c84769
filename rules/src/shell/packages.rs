//! Package-manager command lines read for the pinning and prompt rules: which manager, its subcommand, its
//! options wherever they are written, and the operands (packages) with option values left out.
use super::{basename, skip_wrappers, SimpleCommand, Word};

/// A package manager whose command line the rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Manager {
    AptGet,
    /// `apt`, the interactive front end.
    Apt,
    Apk,
    Yum,
    /// `dnf`, `dnf5`, `tdnf`.
    Dnf,
    Microdnf,
    Zypper,
    /// `pip`, `pip3`, `pipx`, `python -m pip`.
    Pip,
    Npm,
    Gem,
    Go,
}

impl Manager {
    fn of(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" => Manager::AptGet,
            "apt" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" => Manager::Yum,
            "dnf" | "dnf5" | "tdnf" => Manager::Dnf,
            "microdnf" => Manager::Microdnf,
            "zypper" => Manager::Zypper,
            "pipx" => Manager::Pip,
            p if is_versioned(p, "pip") => Manager::Pip,
            "npm" => Manager::Npm,
            "gem" => Manager::Gem,
            "go" => Manager::Go,
            _ => return None,
        })
    }

    /// Options that take the next word as their value (short ones also take the rest of their word: `-tfoo`); the
    /// recognisers read pip's command line with the same list.
    pub(super) fn valued(self) -> &'static [&'static str] {
        match self {
            Manager::AptGet | Manager::Apt => &[
                "-o",
                "--option",
                "-c",
                "--config-file",
                "-t",
                "--target-release",
                "--default-release",
            ],
            Manager::Apk => &[
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
                "--cache-max-age",
            ],
            Manager::Yum | Manager::Dnf | Manager::Microdnf => &[
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
                "--repoid",
                "-d",
                "--debuglevel",
                "-e",
                "--errorlevel",
                "-R",
                "--randomwait",
                "--forcearch",
                "--nodocs-dir",
                "--destdir",
                "--downloaddir",
            ],
            Manager::Zypper => &[
                "-r",
                "--repo",
                "--root",
                "-R",
                "--from",
                "-t",
                "--type",
                "-c",
                "--config",
                "-D",
                "--reposd-dir",
                "-C",
                "--cache-dir",
                "--installroot",
            ],
            Manager::Pip => &[
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-e",
                "--editable",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "-t",
                "--target",
                "--prefix",
                "--root",
                "--trusted-host",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--src",
                "--upgrade-strategy",
                "--progress-bar",
                "--cache-dir",
                "--log",
                "--proxy",
                "--timeout",
                "--retries",
                "--global-option",
                "--config-settings",
                "-C",
                "--only-binary",
                "--no-binary",
                "--report",
                "--root-user-action",
                "--python",
                "--cert",
                "--client-cert",
                "--exists-action",
                "--use-feature",
                "--use-deprecated",
                "--pip-args",
            ],
            Manager::Npm => &[
                "--prefix",
                "--registry",
                "--cache",
                "--omit",
                "--include",
                "--loglevel",
                "-w",
                "--workspace",
                "--userconfig",
                "--install-strategy",
                "--tag",
            ],
            Manager::Gem => &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "-p",
                "--http-proxy",
                "--platform",
                "-P",
                "--trust-policy",
                "--build-root",
                "-g",
                "--file",
                "--document",
                "--target-rbconfig",
            ],
            Manager::Go => &[
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
                "-exec",
            ],
        }
    }

    /// Go's options are all single-dash words: no bundles.
    fn bundles(self) -> bool {
        self != Manager::Go
    }
}

/// `pip`, `pip3`, `pip3.12`.
fn is_versioned(p: &str, base: &str) -> bool {
    p.strip_prefix(base)
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// One package-manager command line.
#[derive(Debug)]
pub struct PackageCommand<'a> {
    pub manager: Manager,
    /// The program as written (`/usr/bin/apt-get`, `pip3`; `pip` in `python -m pip`).
    pub program: &'a Word,
    /// The words after the program.
    pub args: &'a [Word],
    /// The first operand (`install`, `add`, `i`), if any.
    pub subcommand: Option<&'a Word>,
    /// The operands after the subcommand, option values left out.
    pub operands: Vec<&'a Word>,
    /// Run by `xargs`: more operands come from its input.
    pub from_stdin: bool,
}

/// The package-manager command `cmd` runs, past wrappers (`sudo`, `env`), `xargs` and `python -m`.
pub fn package_command(cmd: &SimpleCommand) -> Option<PackageCommand<'_>> {
    let mut w = cmd.argv();
    let mut from_stdin = false;
    if w.first()
        .is_some_and(|f| !f.dynamic && basename(&f.value) == "xargs")
    {
        w = &w[xargs_command(&w[1..]) + 1..];
        w = &w[skip_wrappers(w)..];
        from_stdin = true;
    }
    let first = w.first().filter(|f| !f.dynamic)?;
    let name = basename(&first.value);
    let (manager, program, args) = match Manager::of(name) {
        Some(m) => (m, first, &w[1..]),
        // `python3 -m pip install`
        None if is_versioned(name, "python") => match (w.get(1), w.get(2)) {
            (Some(m), Some(module)) if m.value == "-m" && is_versioned(&module.value, "pip") => {
                (Manager::Pip, module, &w[3..])
            }
            _ => return None,
        },
        None => return None,
    };
    let mut p = PackageCommand {
        manager,
        program,
        args,
        subcommand: None,
        operands: Vec::new(),
        from_stdin,
    };
    let positionals = p.positionals();
    let mut positionals = positionals.into_iter();
    p.subcommand = positionals.next();
    p.operands = positionals.collect();
    Some(p)
}

/// How many words of `xargs`' arguments are its own options.
fn xargs_command(args: &[Word]) -> usize {
    const VALUED: &[&str] = &[
        "-a",
        "--arg-file",
        "-d",
        "--delimiter",
        "-E",
        "-I",
        "-L",
        "--max-lines",
        "-n",
        "--max-args",
        "-P",
        "--max-procs",
        "-s",
        "--max-chars",
        "--process-slot-var",
    ];
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            return i + 1;
        }
        if !v.starts_with('-') || v.len() == 1 {
            break;
        }
        i += if VALUED.contains(&v) { 2 } else { 1 };
    }
    i.min(args.len())
}

impl<'a> PackageCommand<'a> {
    /// The words that are neither options nor their values, in order; `--` ends the options.
    fn positionals(&self) -> Vec<&'a Word> {
        let valued = self.manager.valued();
        let mut out = Vec::new();
        let mut i = 0;
        let mut options = true;
        while let Some(w) = self.args.get(i) {
            let v = w.value.as_str();
            i += 1;
            if options && v == "--" {
                options = false;
                continue;
            }
            if options && v.starts_with('-') && v.len() > 1 {
                if self.takes_next(v, valued) {
                    i += 1;
                }
                continue;
            }
            out.push(w);
        }
        out
    }

    /// Whether option word `v` leaves its value to the next word.
    fn takes_next(&self, v: &str, valued: &[&str]) -> bool {
        if v.starts_with("--") || !self.manager.bundles() {
            return valued.contains(&v);
        }
        // A bundle (`-yt`) ends with the option whose value may follow; `-tfoo` holds its value.
        for (i, ch) in v[1..].char_indices() {
            if valued.iter().any(|o| o.len() == 2 && o.ends_with(ch)) {
                return i + ch.len_utf8() == v.len() - 1;
            }
        }
        false
    }

    /// The option words (before `--`), values left out.
    fn options(&self) -> impl Iterator<Item = &'a Word> + '_ {
        let valued = self.manager.valued();
        let mut skip = false;
        let mut done = false;
        self.args.iter().filter(move |w| {
            let v = w.value.as_str();
            if done || std::mem::take(&mut skip) {
                return false;
            }
            if v == "--" {
                done = true;
                return false;
            }
            let option = v.starts_with('-') && v.len() > 1;
            if option && self.takes_next(v, valued) {
                skip = true;
            }
            option
        })
    }

    /// Whether any of the long options (`--yes`, also `--yes=...`) or short letters (`y`, also in a bundle such as
    /// `-qy`) is given, wherever it is written.
    pub fn has(&self, long: &[&str], short: &[char]) -> bool {
        self.options().any(|w| {
            let v = w.value.as_str();
            if v.starts_with("--") || !self.manager.bundles() {
                let name = v.split('=').next().unwrap_or(v);
                return long.contains(&name);
            }
            self.short_letters(v).any(|c| short.contains(&c))
        })
    }

    /// How many times a short letter is given (`-q -q`, `-qq`) or a long option (`--quiet`).
    pub fn count(&self, long: &str, short: char) -> usize {
        self.options()
            .map(|w| {
                let v = w.value.as_str();
                if v.starts_with("--") {
                    usize::from(v.split('=').next() == Some(long))
                } else {
                    self.short_letters(v).filter(|&c| c == short).count()
                }
            })
            .sum()
    }

    /// The letters of a short-option bundle, up to the one that takes a value.
    fn short_letters(&self, v: &'a str) -> impl Iterator<Item = char> + 'a {
        let valued = self.manager.valued();
        let mut stop = false;
        v[1..].chars().take_while(move |&ch| {
            if stop {
                return false;
            }
            stop = valued.iter().any(|o| o.len() == 2 && o.ends_with(ch));
            true
        })
    }

    /// The values of an option, however written (`-o X`, `-oX`, `--option X`, `--option=X`).
    pub fn values(&self, names: &[&str]) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (i, w) in self.args.iter().enumerate() {
            let v = w.value.as_str();
            if v == "--" {
                break;
            }
            for n in names {
                if v == *n {
                    if let Some(next) = self.args.get(i + 1) {
                        out.push(next.value.as_str());
                    }
                } else if let Some(rest) = v.strip_prefix(n) {
                    if let Some(val) = rest.strip_prefix('=') {
                        out.push(val);
                    } else if n.len() == 2 && !n.starts_with("--") && !rest.is_empty() {
                        out.push(rest);
                    }
                }
            }
        }
        out
    }

    /// Whether a word that is an expansion stands where an option could (`apt-get install $OPTS x`): it may hold
    /// any option.
    pub fn dynamic_option(&self) -> bool {
        self.args
            .iter()
            .any(|w| w.dynamic && (w.value.starts_with('$') || w.value.starts_with('`')))
    }

    /// The subcommand's value, if any.
    pub fn sub(&self) -> Option<&'a str> {
        self.subcommand.map(|w| w.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::script;
    use crate::syntax::Document;

    fn with<T>(run: &str, f: impl FnOnce(&PackageCommand) -> T) -> T {
        let src = format!("FROM a\nRUN {run}\n");
        let doc = Document::parse(&src);
        let s = script(&src, &doc.instructions()[1], '\\').unwrap();
        let p = package_command(&s.commands[0]).expect("a package command");
        f(&p)
    }

    fn operands(p: &PackageCommand) -> Vec<String> {
        p.operands.iter().map(|w| w.value.clone()).collect()
    }

    #[test]
    fn options_anywhere_and_their_values() {
        with(
            "sudo apt-get -o Dpkg::Options::=--force-confold install -t bookworm-backports curl -y git",
            |p| {
                assert_eq!(p.manager, Manager::AptGet);
                assert_eq!(p.sub(), Some("install"));
                assert_eq!(operands(p), ["curl", "git"]);
                assert!(p.has(&["--yes"], &['y']));
                assert_eq!(p.values(&["-t", "--target-release"]), ["bookworm-backports"]);
            },
        );
        with("apk add -t.deps --virtual .b gcc", |p| {
            assert_eq!(operands(p), ["gcc"]);
        });
        with("apt-get -qq install x", |p| {
            assert_eq!(p.count("--quiet", 'q'), 2)
        });
        // `-oAPT::Get::Assume-Yes=1` holds a `y` in its value, not the option.
        with("apt-get -oFoo=yes install x", |p| {
            assert!(!p.has(&["--yes"], &['y']))
        });
    }

    #[test]
    fn through_python_and_xargs() {
        with(
            "python3 -m pip install --no-cache-dir -i https://x flask",
            |p| {
                assert_eq!(p.manager, Manager::Pip);
                assert_eq!(p.program.value, "pip");
                assert_eq!(operands(p), ["flask"]);
            },
        );
        with("xargs -r -n 1 sudo apt-get install -y", |p| {
            assert_eq!(p.manager, Manager::AptGet);
            assert!(p.from_stdin);
            assert!(p.operands.is_empty());
        });
        with("go install -ldflags '-s' example.com/x@v1", |p| {
            assert_eq!(operands(p), ["example.com/x@v1"]);
        });
    }
}
