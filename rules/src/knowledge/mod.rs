//! What the optimizer knows about the world, as data tables in one place: ecosystems and their manifests, build
//! commands and their artifacts, toolchain images and the runtime images that replace them, typical image sizes,
//! images whose product is the toolchain, toolchains installed by hand (packages, downloads, copied folders),
//! build-only packages and package-manager caches.
//!
//! To teach dflint a new ecosystem or image, add a row here; each table has a test per entry.
mod artifacts;
mod cgo;
mod config;
mod hadolint;
mod images;
mod manifests;
mod packages;
mod spdx;
mod toolchains;
mod users;

pub use artifacts::*;
pub use cgo::*;
pub use config::*;
pub use hadolint::*;
pub use images::*;
pub use manifests::*;
pub use packages::*;
pub use spdx::*;
pub use toolchains::*;
pub use users::*;

/// A language ecosystem: how its dependencies are installed and its code is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Node,
    Python,
    Ruby,
    Php,
    Go,
    Maven,
    Gradle,
    Rust,
    Dotnet,
    /// C and C++ with gcc/cc/make.
    C,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 10] = [
        Ecosystem::Node,
        Ecosystem::Python,
        Ecosystem::Ruby,
        Ecosystem::Php,
        Ecosystem::Go,
        Ecosystem::Maven,
        Ecosystem::Gradle,
        Ecosystem::Rust,
        Ecosystem::Dotnet,
        Ecosystem::C,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Ecosystem::Node => "Node.js",
            Ecosystem::Python => "Python",
            Ecosystem::Ruby => "Ruby",
            Ecosystem::Php => "PHP",
            Ecosystem::Go => "Go",
            Ecosystem::Maven => "Maven",
            Ecosystem::Gradle => "Gradle",
            Ecosystem::Rust => "Rust",
            Ecosystem::Dotnet => ".NET",
            Ecosystem::C => "C",
        }
    }

    /// Whether the build of this ecosystem is Java's (Maven and Gradle share runtimes).
    pub fn is_jvm(self) -> bool {
        matches!(self, Ecosystem::Maven | Ecosystem::Gradle)
    }
}

/// A system package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PackageManager {
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Pacman,
    /// `dpkg -i`, `rpm -i`: installs files.
    Local,
}

impl PackageManager {
    pub fn name(self) -> &'static str {
        match self {
            PackageManager::Apt => "apt-get",
            PackageManager::Apk => "apk",
            PackageManager::Yum => "yum",
            PackageManager::Dnf => "dnf",
            PackageManager::Microdnf => "microdnf",
            PackageManager::Zypper => "zypper",
            PackageManager::Pacman => "pacman",
            PackageManager::Local => "dpkg",
        }
    }
}

/// A language tool: package manager or build tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tool {
    Npm,
    Yarn,
    Pnpm,
    Pip,
    Poetry,
    Pipenv,
    Uv,
    Bundler,
    Gem,
    Composer,
    Go,
    Cargo,
    Maven,
    Gradle,
    Dotnet,
    Make,
    /// gcc, cc, g++, clang.
    Cc,
}

impl Tool {
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Tool::Npm | Tool::Yarn | Tool::Pnpm => Ecosystem::Node,
            Tool::Pip | Tool::Poetry | Tool::Pipenv | Tool::Uv => Ecosystem::Python,
            Tool::Bundler | Tool::Gem => Ecosystem::Ruby,
            Tool::Composer => Ecosystem::Php,
            Tool::Go => Ecosystem::Go,
            Tool::Cargo => Ecosystem::Rust,
            Tool::Maven => Ecosystem::Maven,
            Tool::Gradle => Ecosystem::Gradle,
            Tool::Dotnet => Ecosystem::Dotnet,
            Tool::Make | Tool::Cc => Ecosystem::C,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tool::Npm => "npm",
            Tool::Yarn => "yarn",
            Tool::Pnpm => "pnpm",
            Tool::Pip => "pip",
            Tool::Poetry => "poetry",
            Tool::Pipenv => "pipenv",
            Tool::Uv => "uv",
            Tool::Bundler => "bundle",
            Tool::Gem => "gem",
            Tool::Composer => "composer",
            Tool::Go => "go",
            Tool::Cargo => "cargo",
            Tool::Maven => "mvn",
            Tool::Gradle => "gradle",
            Tool::Dotnet => "dotnet",
            Tool::Make => "make",
            Tool::Cc => "cc",
        }
    }
}
