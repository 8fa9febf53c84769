//! Packages and caches: which system packages are build-only, where package managers leave caches, and which
//! environment variables only configure a toolchain.
use super::{PackageManager, Tool};

/// System packages needed only to compile (by exact name, any manager).
pub static BUILD_PACKAGES: &[&str] = &[
    "autoconf",
    "automake",
    "bison",
    "build-base",
    "build-essential",
    "clang",
    "cmake",
    "cpp",
    "flex",
    "g++",
    "gcc",
    "gcc-c++",
    "gfortran",
    "git",
    "libc-dev",
    "libc6-dev",
    "libtool",
    "linux-headers",
    "llvm",
    "make",
    "meson",
    "musl-dev",
    "nasm",
    "ninja",
    "ninja-build",
    "pkg-config",
    "pkgconf",
    "swig",
    "yasm",
];

/// Suffixes of development packages (headers, static libraries).
pub static BUILD_PACKAGE_SUFFIXES: &[&str] = &["-dev", "-devel", "-headers"];

/// Whether a system package is only needed to build (a compiler, headers, a build tool).
pub fn is_build_package(name: &str) -> bool {
    // `gcc=4:12.2.0-3`, `make>=4`, `libpq-dev:amd64`.
    let base = name
        .split(['=', '<', '>', ':', '~'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    BUILD_PACKAGES.contains(&base.as_str())
        || BUILD_PACKAGE_SUFFIXES.iter().any(|s| base.ends_with(s))
        || (base.starts_with("gcc-") && base[4..].chars().all(|c| c.is_ascii_digit()))
}

/// Packages that are compilers or build tools, as opposed to `-dev` libraries whose runtime part must stay.
pub fn is_compiler_package(name: &str) -> bool {
    let base = name.split(['=', '<', '>', ':']).next().unwrap_or(name);
    is_build_package(base) && !BUILD_PACKAGE_SUFFIXES.iter().any(|s| base.ends_with(s))
        || matches!(
            base,
            "libc-dev" | "libc6-dev" | "musl-dev" | "linux-headers" | "python3-dev"
        )
}

/// Where a package manager leaves its cache, what removes it, and the cache mount that keeps it out of the layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheSpec {
    pub what: CacheOwner,
    /// Paths (globs allowed) whose removal in the same RUN counts as cleaning up.
    pub dirs: &'static [&'static str],
    /// The flag on the install command that avoids the cache, when there is one.
    pub flag: Option<&'static str>,
    /// The command appended to clean up, when there is no flag.
    pub cleanup: Option<&'static str>,
    /// `--mount=type=cache,...` options for BuildKit.
    pub mount: &'static str,
    /// An environment variable that turns the cache off (`PIP_NO_CACHE_DIR=1`).
    pub env_off: Option<&'static str>,
}

/// Who owns a cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOwner {
    System(PackageManager),
    Tool(Tool),
}

/// The cache table (package-cache-in-layer).
pub static CACHES: &[CacheSpec] = &[
    CacheSpec {
        what: CacheOwner::System(PackageManager::Apt),
        dirs: &[
            "/var/lib/apt/lists",
            "/var/lib/apt/lists/*",
            "/var/lib/apt/lists/",
        ],
        flag: None,
        cleanup: Some("rm -rf /var/lib/apt/lists/*"),
        mount: "type=cache,target=/var/lib/apt/lists,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::System(PackageManager::Apk),
        dirs: &["/var/cache/apk", "/var/cache/apk/*", "/var/cache/apk/"],
        flag: Some("--no-cache"),
        cleanup: None,
        mount: "type=cache,target=/var/cache/apk,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::System(PackageManager::Yum),
        // On RHEL 8 and later `yum` is dnf, whose cache is /var/cache/dnf.
        dirs: &["/var/cache/yum", "/var/cache/dnf"],
        flag: None,
        cleanup: Some("yum clean all"),
        mount: "type=cache,target=/var/cache/yum,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::System(PackageManager::Dnf),
        // dnf5 (Fedora 41 and later) keeps its cache in /var/cache/libdnf5.
        dirs: &["/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"],
        flag: None,
        cleanup: Some("dnf clean all"),
        mount: "type=cache,target=/var/cache/dnf,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::System(PackageManager::Microdnf),
        dirs: &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"],
        flag: None,
        cleanup: Some("microdnf clean all"),
        mount: "type=cache,target=/var/cache/yum,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::System(PackageManager::Zypper),
        dirs: &["/var/cache/zypp", "/var/cache/zypp/*", "/var/cache/zypp/"],
        flag: None,
        cleanup: Some("zypper clean --all"),
        mount: "type=cache,target=/var/cache/zypp,sharing=locked",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::Tool(Tool::Pip),
        dirs: &[
            "/root/.cache/pip",
            "/root/.cache",
            "~/.cache/pip",
            "~/.cache",
            "$HOME/.cache/pip",
            "$HOME/.cache",
        ],
        flag: Some("--no-cache-dir"),
        cleanup: None,
        mount: "type=cache,target=/root/.cache/pip",
        env_off: Some("PIP_NO_CACHE_DIR"),
    },
    CacheSpec {
        what: CacheOwner::Tool(Tool::Npm),
        dirs: &[
            "/root/.npm",
            "~/.npm",
            "$HOME/.npm",
            "/root/.npm/_cacache",
            "/root/.npm/*",
        ],
        flag: None,
        cleanup: Some("npm cache clean --force"),
        mount: "type=cache,target=/root/.npm",
        env_off: None,
    },
    CacheSpec {
        what: CacheOwner::Tool(Tool::Yarn),
        dirs: &[
            "/usr/local/share/.cache/yarn",
            "/usr/local/share/.cache",
            "/root/.cache/yarn",
            "~/.cache/yarn",
        ],
        flag: None,
        cleanup: Some("yarn cache clean"),
        mount: "type=cache,target=/usr/local/share/.cache/yarn",
        env_off: None,
    },
];

/// The cache row of a system package manager or a tool.
pub fn cache_spec(owner: CacheOwner) -> Option<&'static CacheSpec> {
    CACHES.iter().find(|c| c.what == owner)
}

/// Whether a removed path cleans the cache: the folder, a folder above it, or a glob of what is in it
/// (`/var/lib/apt/lists/*`, `/var/lib/apt/lists/*_*`, `/var/cache/apk/*.tar.gz`).
pub fn removes_cache(spec: &CacheSpec, path: &str) -> bool {
    let p = path.trim_end_matches('/');
    spec.dirs.iter().any(|d| {
        let d = d.trim_end_matches("/*").trim_end_matches('/');
        p == d
            || d.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
            || p.strip_prefix(d)
                .and_then(|r| r.strip_prefix('/'))
                .is_some_and(|r| !r.contains('/') && r.contains(['*', '?', '[']))
    })
}

/// Whether `a clean` also cleans what `b` caches: yum, dnf and microdnf share their caches on current systems
/// (`yum` is dnf there), so any of them cleaning counts for the others.
pub fn cleans_for(a: PackageManager, b: PackageManager) -> bool {
    let rpm = |m| {
        matches!(
            m,
            PackageManager::Yum | PackageManager::Dnf | PackageManager::Microdnf
        )
    };
    a == b || (rpm(a) && rpm(b))
}

/// Environment variables that configure a toolchain only: they are not carried into a runtime stage.
pub static TOOLCHAIN_ENV_PREFIXES: &[&str] = &[
    "GO",
    "CGO_",
    "CARGO_",
    "RUSTUP_",
    "RUSTFLAGS",
    "MAVEN_",
    "M2_",
    "GRADLE_",
    "DOTNET_CLI_",
    "DOTNET_NOLOGO",
    "DOTNET_SKIP_",
    "NUGET_",
    "NPM_CONFIG_",
    "YARN_",
    "PIP_",
    "POETRY_",
    "PIPENV_",
    "CC",
    "CXX",
    "CFLAGS",
    "CXXFLAGS",
    "LDFLAGS",
    "MAKEFLAGS",
];

/// Whether an ENV key only configures the build toolchain.
pub fn is_toolchain_env(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    TOOLCHAIN_ENV_PREFIXES.iter().any(|p| {
        if p.ends_with('_') || p.len() > 4 {
            k.starts_with(p)
        } else {
            // `GO`, `CC`: the key itself or `GOxxx`/`CC_xxx` (GOPATH, GOFLAGS), not `GOOGLE_...`.
            k == *p || (k.starts_with(p) && !k.starts_with("GOOGLE") && *p == "GO")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_packages() {
        for p in BUILD_PACKAGES {
            assert!(is_build_package(p), "{p}");
        }
        for p in [
            "libpq-dev",
            "python3-dev",
            "openssl-devel",
            "gcc=4:12.2.0-3",
            "gcc-12",
            "linux-headers",
        ] {
            assert!(is_build_package(p), "{p}");
        }
        for p in [
            "curl",
            "ca-certificates",
            "libpq5",
            "tini",
            "gcc-doc",
            "developer",
        ] {
            assert!(!is_build_package(p), "{p}");
        }
        assert!(is_compiler_package("gcc"));
        assert!(is_compiler_package("musl-dev"));
        assert!(!is_compiler_package("libpq-dev"));
        let mut sorted = BUILD_PACKAGES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, BUILD_PACKAGES);
    }

    #[test]
    fn every_cache_has_a_way_out() {
        for c in CACHES {
            assert!(c.flag.is_some() || c.cleanup.is_some(), "{:?}", c.what);
            assert!(c.mount.starts_with("type=cache,target=/"), "{:?}", c.what);
            assert_eq!(cache_spec(c.what), Some(c));
            let target = c
                .mount
                .split("target=")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap();
            assert!(removes_cache(c, target), "{:?}", c.what);
        }
        let apt = cache_spec(CacheOwner::System(PackageManager::Apt)).unwrap();
        assert!(removes_cache(apt, "/var/lib/apt/lists/*"));
        assert!(removes_cache(apt, "/var/lib/apt/lists/*_*"));
        assert!(removes_cache(apt, "/var/lib/apt/lists/"));
        assert!(removes_cache(apt, "/var/lib/apt"));
        assert!(!removes_cache(apt, "/var/lib/apt/lists/partial"));
        assert!(!removes_cache(apt, "/var/lib/apt/lists/partial/*"));
        assert!(!removes_cache(apt, "/var/cache/apt/archives"));
        let dnf = cache_spec(CacheOwner::System(PackageManager::Dnf)).unwrap();
        assert!(removes_cache(dnf, "/var/cache/libdnf5/*"));
        assert!(cleans_for(PackageManager::Yum, PackageManager::Microdnf));
        assert!(!cleans_for(PackageManager::Apt, PackageManager::Dnf));
    }

    #[test]
    fn toolchain_env() {
        for k in [
            "GOPATH",
            "GOFLAGS",
            "CGO_ENABLED",
            "CARGO_HOME",
            "MAVEN_OPTS",
            "NPM_CONFIG_LOGLEVEL",
            "GO111MODULE",
            "CC",
        ] {
            assert!(is_toolchain_env(k), "{k}");
        }
        for k in [
            "PORT",
            "NODE_ENV",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "JAVA_OPTS",
            "ASPNETCORE_URLS",
            "USER",
            "CCACHE",
        ] {
            assert!(!is_toolchain_env(k), "{k}");
        }
    }
}
