//! Language toolchains installed into an image by hand rather than inherited from a toolchain image: system
//! packages, downloads of a distribution, and the folders that hold a toolchain inside its official image.
//! An image that installs one of these for its users (a CI builder, a build agent) ships its toolchain on purpose.

/// System packages that are a whole language toolchain (compiler, standard library, build tool), by exact name.
/// Compilers and headers that native extensions need (`gcc`, `-dev` packages) are build packages, not this.
pub static TOOLCHAIN_PACKAGES: &[(&str, &str)] = &[
    ("ant", "Java"),
    ("cargo", "Rust"),
    ("default-jdk", "Java"),
    ("default-jdk-headless", "Java"),
    ("go", "Go"),
    ("golang", "Go"),
    ("golang-bin", "Go"),
    ("golang-go", "Go"),
    ("gradle", "Gradle"),
    ("maven", "Maven"),
    ("rust", "Rust"),
    ("rustc", "Rust"),
    ("rustup", "Rust"),
];

/// Which toolchain a system package installs, when it is one (`golang-1.22-go`, `openjdk-17-jdk`,
/// `openjdk17` on Alpine, `java-17-openjdk-devel`, `dotnet-sdk-8.0`; versions and architectures ignored).
pub fn toolchain_package(name: &str) -> Option<&'static str> {
    let base = name
        .split(['=', '<', '>', ':', '~'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    if let Some((_, what)) = TOOLCHAIN_PACKAGES.iter().find(|(p, _)| *p == base) {
        return Some(what);
    }
    let version = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.');
    // Debian's versioned Go: `golang-1.22-go`, `golang-1.22`.
    if let Some(rest) = base.strip_prefix("golang-") {
        if version(rest.strip_suffix("-go").unwrap_or(rest)) {
            return Some("Go");
        }
    }
    // `openjdk-17-jdk(-headless)`, `openjdk17-jdk`, Alpine's `openjdk17` (the JDK; its JRE is `openjdk17-jre`),
    // `temurin-21-jdk`, `zulu17-jdk`, `java-17-openjdk-devel` (Red Hat).
    let jdk = base.ends_with("-jdk") || base.ends_with("-jdk-headless");
    if (jdk
        && ["openjdk", "temurin", "zulu", "corretto", "msopenjdk"]
            .iter()
            .any(|p| base.starts_with(p)))
        || base
            .strip_prefix("openjdk")
            .is_some_and(|v| version(v.trim_start_matches('-')))
        || (base.starts_with("java-") && base.ends_with("-openjdk-devel"))
    {
        return Some("Java");
    }
    // `dotnet-sdk-8.0`, Alpine's `dotnet8-sdk`.
    if base.starts_with("dotnet") && base.contains("sdk") {
        return Some(".NET");
    }
    None
}

/// Download addresses of toolchain distributions (a fragment of the URL).
pub static TOOLCHAIN_DOWNLOADS: &[(&str, &str)] = &[
    ("dl.google.com/go/", "Go"),
    ("go.dev/dl/", "Go"),
    ("golang.org/dl/", "Go"),
    ("storage.googleapis.com/golang/", "Go"),
    ("sh.rustup.rs", "Rust"),
    ("static.rust-lang.org/rustup", "Rust"),
    ("dot.net/v1/dotnet-install", ".NET"),
    ("dotnet-install.sh", ".NET"),
    ("services.gradle.org/distributions/", "Gradle"),
    ("/maven/maven-3/", "Maven"),
    ("download.java.net/java/", "Java"),
    ("get.sdkman.io", "Java"),
];

/// Which toolchain a download fetches, when it is one.
pub fn toolchain_download(url: &str) -> Option<&'static str> {
    let u = url.to_ascii_lowercase();
    TOOLCHAIN_DOWNLOADS
        .iter()
        .find(|(fragment, _)| u.contains(fragment))
        .map(|(_, what)| *what)
}

/// Where official toolchain images keep their toolchain: copying one of these folders `--from` an image or stage
/// installs the toolchain (`COPY --from=golang:1.22 /usr/local/go /usr/local/go`).
pub static TOOLCHAIN_DIRS: &[(&str, &str)] = &[
    ("/usr/local/go", "Go"),
    ("/usr/local/cargo", "Rust"),
    ("/usr/local/rustup", "Rust"),
    ("/usr/share/maven", "Maven"),
    ("/opt/gradle", "Gradle"),
];

/// Which toolchain a copied folder holds, when it is one.
pub fn toolchain_dir(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    TOOLCHAIN_DIRS
        .iter()
        .find(|(dir, _)| p == *dir || p.starts_with(&format!("{dir}/")))
        .map(|(_, what)| *what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages() {
        for (p, what) in TOOLCHAIN_PACKAGES {
            assert_eq!(toolchain_package(p), Some(*what), "{p}");
        }
        for (p, what) in [
            ("golang-1.22-go", "Go"),
            ("golang-1.21", "Go"),
            ("golang-go=2:1.19~1", "Go"),
            ("openjdk-17-jdk", "Java"),
            ("openjdk-21-jdk-headless", "Java"),
            ("openjdk17-jdk", "Java"),
            ("openjdk17", "Java"),
            ("temurin-21-jdk", "Java"),
            ("java-17-openjdk-devel", "Java"),
            ("dotnet-sdk-8.0", ".NET"),
            ("dotnet8-sdk", ".NET"),
        ] {
            assert_eq!(toolchain_package(p), Some(what), "{p}");
        }
        // Runtimes, and the build packages build-deps-in-final-stage reports.
        for p in [
            "openjdk-17-jre",
            "openjdk17-jre-headless",
            "java-17-openjdk",
            "dotnet-runtime-8.0",
            "aspnetcore-runtime-8.0",
            "golang-github-x-dev",
            "nodejs",
            "python3",
            "gcc",
            "build-essential",
            "libgo-dev",
            "git",
        ] {
            assert_eq!(toolchain_package(p), None, "{p}");
        }
    }

    #[test]
    fn downloads() {
        for (fragment, what) in TOOLCHAIN_DOWNLOADS {
            assert_eq!(
                toolchain_download(&format!("https://x{fragment}y")),
                Some(*what),
                "{fragment}"
            );
        }
        assert_eq!(
            toolchain_download("https://dl.google.com/go/${GO_TARBALL}"),
            Some("Go")
        );
        assert_eq!(
            toolchain_download("https://go.dev/dl/go1.22.5.linux-amd64.tar.gz"),
            Some("Go")
        );
        for url in [
            "https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz",
            "https://dl.google.com/dl/cloudsdk/channels/rapid/google-cloud-cli.tar.gz",
            "https://github.com/docker/buildx/releases/download/v0.10.2/buildx",
        ] {
            assert_eq!(toolchain_download(url), None, "{url}");
        }
    }

    #[test]
    fn dirs() {
        for (dir, what) in TOOLCHAIN_DIRS {
            assert_eq!(toolchain_dir(dir), Some(*what), "{dir}");
            assert_eq!(toolchain_dir(&format!("{dir}/")), Some(*what), "{dir}");
        }
        assert_eq!(toolchain_dir("/usr/local/go/bin"), Some("Go"));
        for p in [
            "/usr/local/gobin",
            "/go/bin/app",
            "/out/app",
            "/usr/local/bin",
        ] {
            assert_eq!(toolchain_dir(p), None, "{p}");
        }
    }
}
