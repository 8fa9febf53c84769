//! What an instruction reads or writes: paths in the image (with how far below them the access reaches), variable
//! names, and "unknown", which reaches everything.

/// How much of the file tree under a path an access touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The path and everything below it.
    Tree,
    /// Exactly this file.
    File,
    /// The folder's direct entries (a build tool looking for `go.mod` in the folders above it).
    Shallow,
    /// Files below the path whose extension is one of these (`""`: no extension).
    Ext(&'static [&'static str]),
}

/// One path an instruction touches: absolute and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathAccess {
    pub path: String,
    pub reach: Reach,
}

/// `a` is `b` or below it.
pub(crate) fn under(a: &str, b: &str) -> bool {
    b == "/" || a == b || a.strip_prefix(b).is_some_and(|rest| rest.starts_with('/'))
}

fn parent(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => p,
    }
}

fn extension(p: &str) -> &str {
    let name = p.rsplit('/').next().unwrap_or(p);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[i + 1..],
        _ => "",
    }
}

/// Whether an access that reaches `outer` (a `Tree`, `Shallow` or `Ext` at a folder) can see `inner`, a path below it
/// touched with `inner_reach`.
fn sees_below(outer: Reach, outer_path: &str, inner: &PathAccess) -> bool {
    match outer {
        Reach::Tree => true,
        Reach::File => false,
        Reach::Shallow => parent(&inner.path) == outer_path,
        Reach::Ext(exts) => match inner.reach {
            // A folder's content is not known: it may hold such files.
            Reach::Tree | Reach::Shallow | Reach::Ext(_) => true,
            Reach::File => exts.contains(&extension(&inner.path).to_ascii_lowercase().as_str()),
        },
    }
}

impl PathAccess {
    pub fn tree(path: impl Into<String>) -> PathAccess {
        PathAccess {
            path: path.into(),
            reach: Reach::Tree,
        }
    }
    pub fn file(path: impl Into<String>) -> PathAccess {
        PathAccess {
            path: path.into(),
            reach: Reach::File,
        }
    }

    /// Whether two accesses can touch a common file.
    pub fn overlaps(&self, other: &PathAccess) -> bool {
        if self.path == other.path {
            return true;
        }
        if under(&other.path, &self.path) {
            return sees_below(self.reach, &self.path, other);
        }
        if under(&self.path, &other.path) {
            return sees_below(other.reach, &other.path, self);
        }
        false
    }
}

/// Everything an instruction reads, or everything it writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Access {
    pub paths: Vec<PathAccess>,
    /// Variable names, and the state an instruction sets (see [`STATE_WORKDIR`] and friends).
    pub vars: Vec<String>,
    /// Every variable in force (a RUN's environment).
    pub all_vars: bool,
    /// The analysis is not sure: reaches every path and variable.
    pub unknown: bool,
}

/// Names for the state an instruction sets, as variables: a space keeps them apart from real names.
pub(crate) const STATE_WORKDIR: &str = " workdir";
pub(crate) const STATE_USER: &str = " user";
pub(crate) const STATE_SHELL: &str = " shell";

/// Whether a name is a key of the image config (see `effects::config_var`), which no command can see.
pub(crate) fn is_config(name: &str) -> bool {
    name.starts_with(" cfg:")
}

/// Whether a name is a real variable (not one of the `STATE_*` names or a config key).
pub(crate) fn is_variable(name: &str) -> bool {
    !name.starts_with(' ')
}

impl Access {
    pub fn unknown() -> Access {
        Access {
            unknown: true,
            ..Access::default()
        }
    }
    pub fn path(&mut self, p: PathAccess) {
        if !self.paths.contains(&p) {
            self.paths.push(p);
        }
    }
    pub fn var(&mut self, name: impl Into<String>) {
        let name = name.into();
        if !self.vars.contains(&name) {
            self.vars.push(name);
        }
    }

    /// Whether two accesses can touch a common path or variable.
    pub fn meets(&self, other: &Access) -> bool {
        if self.unknown || other.unknown {
            // A command the analysis does not understand can touch any file, variable or state, never the config.
            let reachable = |a: &Access| {
                a.unknown
                    || a.all_vars
                    || !a.paths.is_empty()
                    || a.vars.iter().any(|v| !is_config(v))
            };
            return reachable(self) && reachable(other);
        }
        let vars = |a: &Access, b: &Access| {
            a.vars
                .iter()
                .any(|v| b.vars.contains(v) || (b.all_vars && is_variable(v)))
        };
        vars(self, other)
            || vars(other, self)
            || self
                .paths
                .iter()
                .any(|p| other.paths.iter().any(|q| p.overlaps(q)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_overlap_by_prefix() {
        let t = PathAccess::tree;
        let f = PathAccess::file;
        assert!(t("/app").overlaps(&f("/app/src/main.go")));
        assert!(f("/app/src/main.go").overlaps(&t("/app")));
        assert!(t("/app/src/cmd/x").overlaps(&t("/app/src")));
        assert!(!t("/app2").overlaps(&t("/app")));
        assert!(!f("/app/a").overlaps(&f("/app/b")));
        assert!(t("/").overlaps(&f("/etc/apt/sources.list")));
        let shallow = PathAccess {
            path: "/app".into(),
            reach: Reach::Shallow,
        };
        assert!(shallow.overlaps(&f("/app/go.mod")));
        assert!(!shallow.overlaps(&f("/app/web/index.html")));
        assert!(shallow.overlaps(&t("/")));
        let go = PathAccess {
            path: "/web".into(),
            reach: Reach::Ext(&["go", "mod"]),
        };
        assert!(go.overlaps(&f("/web/main.go")));
        assert!(!go.overlaps(&f("/web/index.html")));
        assert!(go.overlaps(&t("/web/static")), "a folder may hold Go files");
    }

    #[test]
    fn unknown_meets_everything_but_nothing() {
        let mut run = Access::default();
        run.path(PathAccess::tree("/usr"));
        assert!(Access::unknown().meets(&run));
        assert!(run.meets(&Access::unknown()));
        assert!(!Access::unknown().meets(&Access::default()));
        let mut env = Access::default();
        env.var("PATH");
        let all = Access {
            all_vars: true,
            ..Access::default()
        };
        assert!(env.meets(&all) && all.meets(&env));
        let mut state = Access::default();
        state.var(STATE_USER);
        assert!(!state.meets(&all), "the user is not a variable");
    }
}
