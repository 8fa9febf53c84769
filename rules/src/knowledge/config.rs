//! What configuration each package manager and language tool reads, and where tools write: the build model's
//! tables of implicit reads and writes (a `RUN apt-get update` reads `/etc/apt` although no word names it).
use super::{PackageManager, Tool};

/// Where a package manager installs: the system folders. Packages are assumed not to write `/home`, `/srv` or the
/// folders an application is usually copied to (`/app`, `/src`).
pub const SYSTEM_DIRS: &[&str] = &[
    "/usr", "/etc", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/opt",
    "/boot", "/run",
];

/// The home folders a tool's caches and per-user configuration live in.
pub const HOME_DIRS: &[&str] = &["/root", "/home"];

/// The CA store: every tool that downloads over TLS reads it, `update-ca-certificates` writes it.
pub const CA_STORE: &[&str] = &[
    "/usr/local/share/ca-certificates",
    "/usr/share/ca-certificates",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/ca-certificates.conf",
    "/etc/pki",
];

/// The configuration a package manager reads (repositories, keys, options), besides the CA store.
pub fn package_manager_config(pm: PackageManager) -> &'static [&'static str] {
    match pm {
        PackageManager::Apt => &[
            "/etc/apt",
            "/etc/dpkg",
            "/var/lib/dpkg",
            "/usr/share/keyrings",
        ],
        PackageManager::Apk => &["/etc/apk", "/lib/apk"],
        PackageManager::Yum => &[
            "/etc/yum.repos.d",
            "/etc/yum.conf",
            "/etc/yum",
            "/etc/pki/rpm-gpg",
        ],
        PackageManager::Dnf | PackageManager::Microdnf => &[
            "/etc/dnf",
            "/etc/yum.repos.d",
            "/etc/distro.repos.d",
            "/etc/pki/rpm-gpg",
        ],
        PackageManager::Zypper => &["/etc/zypp"],
        PackageManager::Pacman => &["/etc/pacman.conf", "/etc/pacman.d"],
        PackageManager::Local => &["/var/lib/dpkg", "/var/lib/rpm"],
    }
}

/// Configuration files a language tool reads in the folder it runs in (and, for most, in the folders above).
pub fn project_config(tool: Tool) -> &'static [&'static str] {
    match tool {
        Tool::Npm => &[".npmrc"],
        Tool::Yarn => &[".yarnrc", ".yarnrc.yml", ".npmrc"],
        Tool::Pnpm => &[".npmrc", "pnpm-workspace.yaml"],
        Tool::Pip => &["pip.conf"],
        Tool::Poetry => &["poetry.toml"],
        Tool::Pipenv => &[],
        Tool::Uv => &["uv.toml"],
        Tool::Bundler => &[".bundle/config"],
        Tool::Gem => &[],
        Tool::Composer => &["auth.json"],
        Tool::Go => &["go.work"],
        Tool::Cargo => &[".cargo/config.toml", ".cargo/config"],
        Tool::Maven => &[".mvn/maven.config", ".mvn/settings.xml"],
        Tool::Gradle => &["gradle.properties"],
        Tool::Dotnet => &["NuGet.Config", "nuget.config"],
        Tool::Make | Tool::Cc => &[],
    }
}

/// Configuration a language tool reads outside the project (besides `HOME_DIRS` and `PIP_*`-style variables, which
/// the model sees as the RUN's whole environment).
pub fn tool_config(tool: Tool) -> &'static [&'static str] {
    match tool {
        Tool::Npm | Tool::Yarn | Tool::Pnpm => &["/usr/local/etc/npmrc", "/etc/npmrc"],
        Tool::Pip | Tool::Pipenv | Tool::Poetry => &["/etc/pip.conf", "/etc/xdg/pip"],
        Tool::Uv => &["/etc/uv"],
        Tool::Bundler | Tool::Gem => &["/etc/gemrc", "/usr/local/bundle"],
        Tool::Composer => &["/tmp/composer"],
        Tool::Go => &["/go", "/usr/local/go"],
        Tool::Cargo => &["/usr/local/cargo", "/usr/local/rustup"],
        Tool::Maven => &["/usr/share/maven/conf"],
        Tool::Gradle => &["/opt/gradle"],
        Tool::Dotnet => &["/usr/share/dotnet"],
        Tool::Make | Tool::Cc => &[],
    }
}

/// Extensions of the files a compiler reads when it builds the folder it runs in (`None`: any file).
pub fn source_extensions(tool: Tool) -> Option<&'static [&'static str]> {
    match tool {
        Tool::Go => Some(&["go", "mod", "sum", "work", "s", "c", "h", "syso"]),
        Tool::Cc => Some(&[
            "c", "h", "cc", "cpp", "hpp", "cxx", "s", "o", "a", "so", "inc",
        ]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_config_path_is_absolute_or_relative_as_its_table_says() {
        for pm in [
            PackageManager::Apt,
            PackageManager::Apk,
            PackageManager::Yum,
            PackageManager::Dnf,
            PackageManager::Microdnf,
            PackageManager::Zypper,
            PackageManager::Pacman,
            PackageManager::Local,
        ] {
            assert!(
                package_manager_config(pm)
                    .iter()
                    .all(|p| p.starts_with('/')),
                "{pm:?}"
            );
        }
        for t in [Tool::Npm, Tool::Pip, Tool::Go, Tool::Cargo, Tool::Maven] {
            assert!(tool_config(t).iter().all(|p| p.starts_with('/')), "{t:?}");
            assert!(
                project_config(t).iter().all(|p| !p.starts_with('/')),
                "{t:?}"
            );
        }
        assert!(package_manager_config(PackageManager::Yum).contains(&"/etc/yum.repos.d"));
        assert!(CA_STORE.contains(&"/usr/local/share/ca-certificates"));
    }
}
