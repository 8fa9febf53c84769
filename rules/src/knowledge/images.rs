//! Images: which are toolchains, which runtime image replaces each, typical sizes, and images whose product is the
//! toolchain itself (devcontainers, CI runners, build agents) so that they are never reported.
use super::Ecosystem;

/// A typical image size, in megabytes (amd64): as pulled (compressed) and on disk (uncompressed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub compressed_mb: u32,
    pub uncompressed_mb: u32,
}

const fn mb(compressed_mb: u32, uncompressed_mb: u32) -> Size {
    Size {
        compressed_mb,
        uncompressed_mb,
    }
}

/// What an image is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Compiles or bundles code of an ecosystem: golang, rust, maven, gradle, a JDK, gcc, dotnet/sdk; the full node and
    /// python images (compilers and headers included).
    Toolchain(Ecosystem),
    /// Runs what a toolchain built (a JRE, aspnet, distroless, slim variants).
    Runtime,
    /// A general-purpose base (debian, alpine, ubuntu).
    Base,
}

/// One row of the image table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageEntry {
    /// The repository, matched against the end of the image name (`golang` matches `golang`, `diamol/golang` and
    /// `public.ecr.aws/docker/library/golang`); with `prefix`, against its start (`distroless/static` matches
    /// `gcr.io/distroless/static-debian12`).
    pub repo: &'static str,
    pub prefix: bool,
    pub role: Role,
    pub size: Size,
    /// Tag markers that change role and size: `("slim", Runtime, ...)`.
    pub variants: &'static [(&'static str, Role, Size)],
}

const fn entry(repo: &'static str, role: Role, size: Size) -> ImageEntry {
    ImageEntry {
        repo,
        prefix: false,
        role,
        size,
        variants: &[],
    }
}

use Ecosystem as E;
use Role::{Base, Runtime, Toolchain};

/// Typical sizes of the images dflint talks about. Approximate (they move with every release); used for the
/// "about N MB saved" estimate, never for decisions.
pub static IMAGES: &[ImageEntry] = &[
    ImageEntry {
        variants: &[("alpine", Toolchain(E::Go), mb(80, 250))],
        ..entry("golang", Toolchain(E::Go), mb(280, 800))
    },
    ImageEntry {
        variants: &[
            ("slim", Toolchain(E::Rust), mb(260, 800)),
            ("alpine", Toolchain(E::Rust), mb(300, 850)),
        ],
        ..entry("rust", Toolchain(E::Rust), mb(520, 1400))
    },
    ImageEntry {
        variants: &[
            ("slim", Runtime, mb(75, 200)),
            ("alpine", Runtime, mb(45, 135)),
        ],
        ..entry("node", Toolchain(E::Node), mb(390, 1100))
    },
    ImageEntry {
        variants: &[
            ("slim", Runtime, mb(45, 130)),
            ("alpine", Runtime, mb(18, 50)),
        ],
        ..entry("python", Toolchain(E::Python), mb(360, 1000))
    },
    entry("maven", Toolchain(E::Maven), mb(200, 500)),
    entry("gradle", Toolchain(E::Gradle), mb(260, 650)),
    ImageEntry {
        variants: &[("jre", Runtime, mb(90, 270))],
        ..entry("eclipse-temurin", Toolchain(E::Maven), mb(190, 450))
    },
    ImageEntry {
        variants: &[("jre", Runtime, mb(90, 270))],
        ..entry("openjdk", Toolchain(E::Maven), mb(200, 470))
    },
    entry("amazoncorretto", Toolchain(E::Maven), mb(190, 430)),
    entry("sapmachine", Toolchain(E::Maven), mb(200, 450)),
    entry("ibm-semeru-runtimes", Toolchain(E::Maven), mb(190, 450)),
    entry("dotnet/sdk", Toolchain(E::Dotnet), mb(250, 800)),
    entry("dotnet/core/sdk", Toolchain(E::Dotnet), mb(250, 700)),
    entry("dotnet/aspnet", Runtime, mb(90, 220)),
    entry("dotnet/runtime", Runtime, mb(80, 190)),
    entry("gcc", Toolchain(E::C), mb(450, 1300)),
    ImageEntry {
        variants: &[("slim", Base, mb(28, 75))],
        ..entry("debian", Base, mb(48, 120))
    },
    entry("ubuntu", Base, mb(29, 78)),
    entry("alpine", Base, mb(3, 7)),
    entry("busybox", Base, mb(2, 4)),
    entry("scratch", Base, mb(0, 0)),
    ImageEntry {
        prefix: true,
        ..entry("distroless/static", Runtime, mb(1, 2))
    },
    ImageEntry {
        prefix: true,
        ..entry("distroless/cc", Runtime, mb(9, 23))
    },
    ImageEntry {
        prefix: true,
        ..entry("distroless/base", Runtime, mb(8, 20))
    },
    ImageEntry {
        prefix: true,
        ..entry("distroless/java", Runtime, mb(80, 230))
    },
    ImageEntry {
        variants: &[("alpine", Runtime, mb(20, 50))],
        ..entry("nginx", Runtime, mb(70, 190))
    },
];

/// `docker.io/library/golang` → `golang`; lower case.
pub fn normalize_name(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    let n = ["docker.io/", "index.docker.io/", "registry-1.docker.io/"]
        .iter()
        .find_map(|p| n.strip_prefix(p).map(str::to_string))
        .unwrap_or(n);
    n.strip_prefix("library/").map(str::to_string).unwrap_or(n)
}

/// Whether a tag has a marker as one of its `-` separated parts (`20-alpine3.20` has `alpine`).
pub fn tag_has(tag: &str, marker: &str) -> bool {
    tag.to_ascii_lowercase().split(['-', '_']).any(|part| {
        part == marker
            || part
                .strip_prefix(marker)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    })
}

/// The table row for an image name.
pub fn image_entry(name: &str) -> Option<&'static ImageEntry> {
    let n = normalize_name(name);
    IMAGES.iter().find(|e| {
        if e.prefix {
            n.split('/').collect::<Vec<_>>().windows(2).any(|w| {
                let two = format!("{}/{}", w[0], w[1]);
                two.starts_with(e.repo)
            })
        } else {
            n == e.repo || n.ends_with(&format!("/{}", e.repo))
        }
    })
}

/// What an image (name and tag) is, and its typical size.
pub fn classify(name: &str, tag: Option<&str>) -> Option<(Role, Size)> {
    let e = image_entry(name)?;
    let tag = tag.unwrap_or("");
    for (marker, role, size) in e.variants {
        if tag_has(tag, marker) {
            return Some((*role, *size));
        }
    }
    // `eclipse-temurin:21-jdk` is the JDK; a JRE tag was handled above.
    Some((e.role, e.size))
}

/// Images whose product is the toolchain: building on them is the point (devcontainers, CI runners, build agents,
/// `-dev` variants meant as a base for development).
static TOOLCHAIN_PRODUCTS: &[(&str, &str)] = &[
    ("devcontainers", "a devcontainer image"),
    ("vscode/devcontainers", "a devcontainer image"),
    ("vscode-devcontainers", "a devcontainer image"),
    ("jenkins", "a Jenkins image"),
    ("inbound-agent", "a Jenkins agent"),
    ("jnlp-slave", "a Jenkins agent"),
    ("actions-runner", "a CI runner"),
    ("gitlab-runner", "a CI runner"),
    ("github-runner", "a CI runner"),
    ("circleci", "a CI image"),
    ("cimg", "a CI image"),
    ("buildpack-deps", "a build base image"),
    ("gitpod", "a development workspace"),
    ("codespaces", "a development workspace"),
];

/// Why an image is a toolchain product (never reported), when it is one.
pub fn toolchain_product(name: &str, tag: Option<&str>) -> Option<&'static str> {
    let n = normalize_name(name);
    let parts: Vec<&str> = n.split('/').collect();
    for (needle, why) in TOOLCHAIN_PRODUCTS {
        let hit = if needle.contains('/') {
            n.contains(needle)
        } else {
            parts
                .iter()
                .any(|p| p == needle || p.starts_with(&format!("{needle}-")))
        };
        if hit {
            return Some(why);
        }
    }
    let dev = |s: &str| s.ends_with("-dev") || s == "dev";
    if parts.last().is_some_and(|p| dev(p)) || tag.is_some_and(dev) {
        return Some("a `-dev` image meant for development");
    }
    None
}

/// Programs that make a container a development environment when they are its command: build tools, compilers,
/// REPLs and shells. An image whose `CMD`/`ENTRYPOINT` runs one of these ships its toolchain on purpose.
pub static TOOLCHAIN_COMMANDS: &[&str] = &[
    "ash", "bash", "cargo", "cc", "dash", "g++", "gcc", "go", "gradle", "gradlew", "irb", "javac",
    "jshell", "make", "mvn", "mvnw", "node", "python", "python3", "rustc", "sh", "zsh",
];

/// Whether a command line (its words) just starts a toolchain: `mvn`, `bash`, `jshell`, `node` with no script.
pub fn runs_toolchain(words: &[String]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    let program = first.rsplit('/').next().unwrap_or(first);
    if !TOOLCHAIN_COMMANDS.contains(&program) {
        return false;
    }
    // `node server.js`, `python app.py` run an app; `node`, `python3 -i`, `mvn`, `bash` are the tool itself.
    let runs_a_file = words[1..]
        .iter()
        .any(|w| !w.starts_with('-') && (w.contains('.') || w.contains('/')));
    !(matches!(program, "node" | "python" | "python3") && runs_a_file)
}

/// What is known about the build that chooses the runtime image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimeHints {
    /// `CGO_ENABLED=0` is set for the Go build.
    pub cgo_disabled: bool,
    /// The Go module needs cgo (its sources import "C", or a dependency does), or an Alpine stage installs a C
    /// compiler: the binary links the builder's libc.
    pub cgo_used: bool,
    /// The build makes a static web site (served by a static file server).
    pub static_site: bool,
    /// .NET: the project is not a web app (`Microsoft.NET.Sdk` rather than `Microsoft.NET.Sdk.Web`).
    pub console_app: bool,
}

/// The image a final stage should start from, with its typical size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeChoice {
    pub image: String,
    pub size: Size,
    /// Why this image, for the docs and messages.
    pub why: &'static str,
}

const DEBIAN_CODENAMES: &[&str] = &["trixie", "bookworm", "bullseye", "buster", "stretch"];

/// The Debian release a tag names (`1.22-bookworm` → bookworm).
fn debian_codename(tag: &str) -> Option<&'static str> {
    DEBIAN_CODENAMES.iter().copied().find(|c| tag_has(tag, c))
}

/// The leading `major.minor` of a tag (`1.22.3-bookworm` → (1, 22)).
fn version(tag: &str) -> Option<(u32, u32)> {
    let first = tag.split('-').next()?;
    let mut it = first.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// The Debian release of an official toolchain image tag: named in the tag, or by the version that switched the
/// default to trixie; a binary built on an older glibc runs on a newer one, so unknown means the newest.
fn debian_of(tag: Option<&str>, trixie_from: (u32, u32), official: bool) -> &'static str {
    let tag = tag.unwrap_or("");
    if let Some(c) = debian_codename(tag) {
        return c;
    }
    match version(tag) {
        Some(v) if v < trixie_from => "bookworm",
        Some(_) => "trixie",
        // Not an official image: its base is unknown; bookworm is the long-term support release.
        None if !official => "bookworm",
        None => "trixie",
    }
}

/// The Alpine release a tag names (`1.22-alpine3.20` → `alpine:3.20`), else the newest known: musl binaries run on
/// a newer Alpine than the one they were built on.
fn alpine_of(tag: &str) -> RuntimeChoice {
    let version = tag
        .to_ascii_lowercase()
        .split(['-', '_'])
        .find_map(|p| {
            p.strip_prefix("alpine")
                .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "3.22".to_string());
    RuntimeChoice {
        image: format!("alpine:{version}"),
        size: classify("alpine", None).map_or(mb(3, 7), |c| c.1),
        why: "the musl libc the alpine toolchain links against",
    }
}

/// When the runtime image's OS release was inferred from a builder tag that does not pin one (untagged, `latest`,
/// `1.22`, `1.22-alpine`): what to pin so the build and the runtime stay on the same release.
pub fn release_note(name: &str, tag: Option<&str>, runtime: &str) -> Option<String> {
    let t = tag.unwrap_or("");
    let release = if let Some(r) = runtime.strip_prefix("debian:") {
        r.trim_end_matches("-slim").to_string()
    } else if let Some(v) = runtime.strip_prefix("alpine:") {
        format!("alpine{v}")
    } else {
        // scratch, a JRE, node: nothing links the builder's libc.
        return None;
    };
    let pinned = if release.starts_with("alpine") {
        t.to_ascii_lowercase()
            .split(['-', '_'])
            .any(|p| p.strip_prefix("alpine").is_some_and(|v| !v.is_empty()))
    } else {
        debian_codename(t).is_some()
    };
    if pinned {
        return None;
    }
    Some(if t.is_empty() || t == "latest" {
        format!("`{name}` has no tag, so the OS release under the build moves with each new image: pin a version and the release (`{name}:<version>-{release}`) so that `{runtime}` keeps matching it")
    } else {
        let base = t
            .split('-')
            .filter(|p| !tag_has(p, "alpine"))
            .collect::<Vec<_>>()
            .join("-");
        format!("`{name}:{t}` follows the image's default OS release, which moves: pin `{name}:{base}-{release}` so that `{runtime}` keeps matching it")
    })
}

fn debian_slim(codename: &str) -> RuntimeChoice {
    RuntimeChoice {
        image: format!("debian:{codename}-slim"),
        size: classify("debian", Some("slim")).map_or(mb(28, 75), |c| c.1),
        why: "the same Debian (and glibc) the toolchain image is built on, without the compilers",
    }
}

fn is_official(name: &str) -> bool {
    !normalize_name(name).contains('/')
}

/// The Java major version a JDK/build-tool tag names (`3.9-eclipse-temurin-21` → 21, `jdk17` → 17, `17-jdk` → 17).
pub fn java_version(name: &str, tag: Option<&str>) -> Option<u32> {
    let tag = tag?.to_ascii_lowercase();
    let parts: Vec<&str> = tag.split('-').collect();
    let n = normalize_name(name);
    let jdk_image = [
        "eclipse-temurin",
        "openjdk",
        "amazoncorretto",
        "sapmachine",
        "ibm-semeru-runtimes",
    ]
    .iter()
    .any(|r| n == *r || n.ends_with(&format!("/{r}")));
    if jdk_image {
        // The tag starts with the Java version: `21-jdk`, `17.0.9_9-jdk`, `11`.
        let v: String = parts
            .first()?
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return v.parse().ok();
    }
    for (i, p) in parts.iter().enumerate() {
        for prefix in [
            "jdk",
            "openjdk",
            "temurin",
            "amazoncorretto",
            "corretto",
            "sapmachine",
            "semeru",
            "graalvm",
        ] {
            if let Some(rest) = p.strip_prefix(prefix) {
                if let Ok(v) = rest.parse::<u32>() {
                    return Some(v);
                }
                if rest.is_empty() {
                    if let Some(v) = parts.get(i + 1).and_then(|n| n.parse::<u32>().ok()) {
                        return Some(v);
                    }
                }
            }
        }
    }
    None
}

/// The runtime image that replaces a toolchain image in the final stage, or why none can be chosen.
pub fn runtime_for(
    eco: Ecosystem,
    name: &str,
    tag: Option<&str>,
    hints: RuntimeHints,
) -> Result<RuntimeChoice, String> {
    let t = tag.unwrap_or("");
    let alpine = tag_has(t, "alpine");
    let official = is_official(name);
    match eco {
        Ecosystem::Go => {
            // Without a C compiler (the alpine images have none) Go turns cgo off by itself.
            if hints.cgo_disabled || (alpine && !hints.cgo_used) {
                return Ok(RuntimeChoice {
                    image: "scratch".into(),
                    size: mb(0, 0),
                    why: "a static Go binary (cgo off) needs no libc: `scratch`, with the CA certificates (and the user table for a named `USER`) copied from the build",
                });
            }
            if alpine {
                return Ok(alpine_of(t));
            }
            Ok(debian_slim(debian_of(tag, (1, 25), official)))
        }
        Ecosystem::Rust => {
            if alpine {
                return Ok(alpine_of(t));
            }
            Ok(debian_slim(debian_of(tag, (1, 90), official)))
        }
        Ecosystem::C => Ok(debian_slim(debian_of(tag, (15, 0), official))),
        Ecosystem::Maven | Ecosystem::Gradle => {
            let v = java_version(name, tag).ok_or_else(|| {
                format!(
                    "the Java version of `{name}{}` is not in its tag",
                    tag.map(|t| format!(":{t}")).unwrap_or_default()
                )
            })?;
            let suffix = if alpine { "-jre-alpine" } else { "-jre" };
            Ok(RuntimeChoice {
                image: format!("eclipse-temurin:{v}{suffix}"),
                size: classify("eclipse-temurin", Some("jre")).map_or(mb(90, 270), |c| c.1),
                why:
                    "the Java runtime of the same major version, without the JDK and the build tool",
            })
        }
        Ecosystem::Node => {
            if hints.static_site {
                return Ok(RuntimeChoice {
                    image: "nginx:alpine".into(),
                    size: classify("nginx", Some("alpine")).map_or(mb(20, 50), |c| c.1),
                    why: "a static site needs a web server, not Node.js",
                });
            }
            if alpine || tag_has(t, "slim") {
                return Err(format!("`{name}:{t}` is already a small Node.js image"));
            }
            let image = if t.is_empty() || t == "latest" {
                format!("{name}:slim")
            } else {
                format!("{name}:{t}-slim")
            };
            Ok(RuntimeChoice {
                image,
                size: classify("node", Some("slim")).map_or(mb(75, 200), |c| c.1),
                why: "the same Node.js version without compilers and build tools",
            })
        }
        Ecosystem::Python => {
            if alpine || tag_has(t, "slim") {
                return Err(format!("`{name}:{t}` is already a small Python image"));
            }
            let image = match debian_codename(t) {
                Some(c) => format!("{name}:{}-slim-{c}", t.split('-').next().unwrap_or(t)),
                None if t.is_empty() || t == "latest" => format!("{name}:slim"),
                None => format!("{name}:{t}-slim"),
            };
            Ok(RuntimeChoice {
                image,
                size: classify("python", Some("slim")).map_or(mb(45, 130), |c| c.1),
                why: "the same Python build (in /usr/local) without compilers and headers",
            })
        }
        Ecosystem::Dotnet => {
            let runtime = if hints.console_app {
                "runtime"
            } else {
                "aspnet"
            };
            let n = name.to_ascii_lowercase();
            let Some(at) = n.rfind("/sdk") else {
                return Err(format!("`{name}` is not a `dotnet/sdk` image"));
            };
            let image = format!(
                "{}/{runtime}{}",
                &name[..at],
                tag.map(|t| format!(":{t}")).unwrap_or_default()
            );
            Ok(RuntimeChoice {
                size: classify(&image, None).map_or(mb(90, 220), |c| c.1),
                image,
                why: "the .NET runtime of the same version, without the SDK",
            })
        }
        Ecosystem::Ruby | Ecosystem::Php => {
            Err(format!("no runtime image is known for {}", eco.name()))
        }
    }
}

/// Environment that images set for what they build, read from their published Dockerfiles: `(image, name, value)`.
pub static IMAGE_ENV: &[(&str, &str, &str)] = &[
    // *Learn Docker in a Month of Lunches*' Go image (`images/golang` in sixeyed/diamol): golang:1.13 with cgo off.
    ("diamol/golang", "CGO_ENABLED", "0"),
];

/// The value an image sets for an environment variable, when known.
pub fn image_env(name: &str, var: &str) -> Option<&'static str> {
    let n = normalize_name(name);
    IMAGE_ENV
        .iter()
        .find(|(i, v, _)| *i == n && *v == var)
        .map(|(_, _, value)| *value)
}

/// The working directory official toolchain images start in (their `WORKDIR`, `/` when they set none).
pub static DEFAULT_WORKDIRS: &[(&str, &str)] = &[
    ("golang", "/go"),
    ("gradle", "/home/gradle"),
    ("maven", "/"),
    ("eclipse-temurin", "/"),
    ("openjdk", "/"),
    ("amazoncorretto", "/"),
    ("rust", "/"),
    ("node", "/"),
    ("python", "/"),
    ("gcc", "/"),
    ("mcr.microsoft.com/dotnet/sdk", "/"),
];

/// The working directory an image starts in, for official images whose Dockerfile is known.
pub fn default_workdir(name: &str) -> Option<&'static str> {
    let n = normalize_name(name);
    DEFAULT_WORKDIRS
        .iter()
        .find(|(img, _)| *img == n)
        .map(|(_, wd)| *wd)
}

/// Docker official images a `COPY --from=<name>` may name without a registry or tag.
pub static OFFICIAL_IMAGES: &[&str] = &[
    "almalinux",
    "alpine",
    "amazoncorretto",
    "amazonlinux",
    "arangodb",
    "bash",
    "bonita",
    "buildpack-deps",
    "busybox",
    "caddy",
    "cassandra",
    "centos",
    "chronograf",
    "clojure",
    "composer",
    "consul",
    "couchbase",
    "couchdb",
    "crate",
    "debian",
    "docker",
    "drupal",
    "eclipse-mosquitto",
    "eclipse-temurin",
    "elasticsearch",
    "elixir",
    "erlang",
    "fedora",
    "flink",
    "fluentd",
    "gcc",
    "ghost",
    "golang",
    "gradle",
    "groovy",
    "haproxy",
    "haskell",
    "hello-world",
    "httpd",
    "influxdb",
    "jenkins",
    "jetty",
    "joomla",
    "julia",
    "kibana",
    "kong",
    "logstash",
    "mariadb",
    "maven",
    "memcached",
    "mongo",
    "mysql",
    "neo4j",
    "nextcloud",
    "nginx",
    "node",
    "openjdk",
    "oraclelinux",
    "perl",
    "php",
    "postgres",
    "pypy",
    "python",
    "rabbitmq",
    "redis",
    "redmine",
    "registry",
    "rockylinux",
    "ruby",
    "rust",
    "sapmachine",
    "scratch",
    "solr",
    "sonarqube",
    "swift",
    "telegraf",
    "tomcat",
    "traefik",
    "ubuntu",
    "vault",
    "wordpress",
    "zookeeper",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_classifies_itself() {
        for e in IMAGES {
            let name = if e.prefix {
                format!("gcr.io/{}-debian12", e.repo)
            } else {
                e.repo.to_string()
            };
            assert_eq!(classify(&name, None), Some((e.role, e.size)), "{}", e.repo);
            for (marker, role, size) in e.variants {
                assert_eq!(
                    classify(&name, Some(&format!("1-{marker}"))),
                    Some((*role, *size)),
                    "{}:{marker}",
                    e.repo
                );
            }
            assert!(e.size.compressed_mb <= e.size.uncompressed_mb, "{}", e.repo);
        }
    }

    #[test]
    fn names_match_through_registries_and_mirrors() {
        assert_eq!(
            classify("docker.io/library/golang", Some("1.22"))
                .unwrap()
                .0,
            Role::Toolchain(Ecosystem::Go)
        );
        assert_eq!(
            classify("diamol/golang", None).unwrap().0,
            Role::Toolchain(Ecosystem::Go)
        );
        assert_eq!(
            classify("mcr.microsoft.com/dotnet/sdk", Some("8.0"))
                .unwrap()
                .0,
            Role::Toolchain(Ecosystem::Dotnet)
        );
        assert_eq!(
            classify("node", Some("20-alpine3.20")).unwrap().0,
            Role::Runtime
        );
        assert_eq!(
            classify("eclipse-temurin", Some("21-jre-jammy")).unwrap().0,
            Role::Runtime
        );
        assert_eq!(
            classify("eclipse-temurin", Some("21-jdk")).unwrap().0,
            Role::Toolchain(Ecosystem::Maven)
        );
        assert!(classify("gcr.io/distroless/static-debian12", Some("nonroot")).is_some());
        assert!(classify("mygolang", None).is_none());
        assert!(classify("nginxinc/nginx-unprivileged", None).is_none());
    }

    #[test]
    fn toolchain_products() {
        for (name, tag) in [
            ("mcr.microsoft.com/devcontainers/go", Some("1.22")),
            ("mcr.microsoft.com/vscode/devcontainers/base", None),
            ("jenkins/inbound-agent", None),
            ("jenkins/jenkins", Some("lts")),
            ("ghcr.io/actions/actions-runner", None),
            ("gitlab/gitlab-runner", None),
            ("cimg/go", Some("1.22")),
            ("buildpack-deps", Some("bookworm")),
            ("cgr.dev/chainguard/go", Some("latest-dev")),
        ] {
            assert!(toolchain_product(name, tag).is_some(), "{name}");
        }
        for name in [
            "golang",
            "maven",
            "node",
            "rust",
            "mcr.microsoft.com/dotnet/sdk",
        ] {
            assert!(toolchain_product(name, Some("1")).is_none(), "{name}");
        }
    }

    #[test]
    fn runtimes_per_toolchain() {
        let r = |eco, name, tag: Option<&str>, hints| {
            runtime_for(eco, name, tag, hints).map(|c| c.image)
        };
        let none = RuntimeHints::default();
        let cgo_off = RuntimeHints {
            cgo_disabled: true,
            ..none
        };
        assert_eq!(
            r(E::Go, "golang", Some("1.22"), cgo_off).unwrap(),
            "scratch"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.22-alpine"), none).unwrap(),
            "scratch"
        );
        let cgo = RuntimeHints {
            cgo_used: true,
            ..none
        };
        assert_eq!(
            r(E::Go, "golang", Some("1.22-alpine3.20"), cgo).unwrap(),
            "alpine:3.20"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.22-alpine"), cgo).unwrap(),
            "alpine:3.22"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.22-bookworm"), cgo).unwrap(),
            "debian:bookworm-slim"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.23-bullseye"), cgo).unwrap(),
            "debian:bullseye-slim"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.22"), none).unwrap(),
            "debian:bookworm-slim"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.21-bullseye"), none).unwrap(),
            "debian:bullseye-slim"
        );
        assert_eq!(
            r(E::Go, "golang", Some("1.25"), none).unwrap(),
            "debian:trixie-slim"
        );
        assert_eq!(
            r(E::Go, "diamol/golang", None, none).unwrap(),
            "debian:bookworm-slim"
        );
        assert_eq!(
            r(E::Rust, "rust", Some("1.80"), none).unwrap(),
            "debian:bookworm-slim"
        );
        assert_eq!(
            r(E::Rust, "rust", Some("1.80-alpine"), none).unwrap(),
            "alpine:3.22"
        );
        assert_eq!(
            r(E::Maven, "maven", Some("3.9-eclipse-temurin-21"), none).unwrap(),
            "eclipse-temurin:21-jre"
        );
        assert_eq!(
            r(E::Maven, "maven", Some("3.8.6-openjdk-11-slim"), none).unwrap(),
            "eclipse-temurin:11-jre"
        );
        assert_eq!(
            r(E::Maven, "maven", Some("3-jdk-8-alpine"), none).unwrap(),
            "eclipse-temurin:8-jre-alpine"
        );
        assert_eq!(
            r(E::Gradle, "gradle", Some("8.5-jdk17"), none).unwrap(),
            "eclipse-temurin:17-jre"
        );
        assert_eq!(
            r(E::Maven, "eclipse-temurin", Some("21-jdk"), none).unwrap(),
            "eclipse-temurin:21-jre"
        );
        assert_eq!(
            r(E::Maven, "openjdk", Some("17-jdk-slim"), none).unwrap(),
            "eclipse-temurin:17-jre"
        );
        assert!(r(E::Maven, "maven", Some("3.9"), none).is_err());
        assert_eq!(
            r(E::Node, "node", Some("20"), none).unwrap(),
            "node:20-slim"
        );
        assert_eq!(
            r(
                E::Node,
                "node",
                Some("20"),
                RuntimeHints {
                    static_site: true,
                    ..none
                }
            )
            .unwrap(),
            "nginx:alpine"
        );
        assert!(r(E::Node, "node", Some("20-alpine"), none).is_err());
        assert_eq!(
            r(E::Python, "python", Some("3.12"), none).unwrap(),
            "python:3.12-slim"
        );
        assert_eq!(
            r(E::Python, "python", Some("3.12-bookworm"), none).unwrap(),
            "python:3.12-slim-bookworm"
        );
        assert_eq!(
            r(E::Dotnet, "mcr.microsoft.com/dotnet/sdk", Some("8.0"), none).unwrap(),
            "mcr.microsoft.com/dotnet/aspnet:8.0"
        );
        assert_eq!(
            r(
                E::Dotnet,
                "mcr.microsoft.com/dotnet/sdk",
                Some("8.0"),
                RuntimeHints {
                    console_app: true,
                    ..none
                }
            )
            .unwrap(),
            "mcr.microsoft.com/dotnet/runtime:8.0"
        );
        assert_eq!(
            r(E::C, "gcc", Some("13"), none).unwrap(),
            "debian:bookworm-slim"
        );
        assert_eq!(
            r(E::C, "gcc", Some("15.1"), none).unwrap(),
            "debian:trixie-slim"
        );
    }

    #[test]
    fn floating_builder_tags_get_a_note() {
        assert_eq!(
            release_note("golang", Some("1.22-bookworm"), "debian:bookworm-slim"),
            None
        );
        assert_eq!(
            release_note("golang", Some("1.22-alpine3.20"), "alpine:3.20"),
            None
        );
        assert_eq!(release_note("golang", Some("1.22"), "scratch"), None);
        assert_eq!(
            release_note("golang", Some("1.22"), "debian:bookworm-slim").unwrap(),
            "`golang:1.22` follows the image's default OS release, which moves: pin `golang:1.22-bookworm` so that `debian:bookworm-slim` keeps matching it"
        );
        assert!(release_note("rust", Some("1.80-alpine"), "alpine:3.22")
            .unwrap()
            .contains("pin `rust:1.80-alpine3.22`"));
        assert!(release_note("diamol/golang", None, "debian:bookworm-slim")
            .unwrap()
            .contains("`diamol/golang` has no tag"));
    }

    #[test]
    fn runtime_is_smaller_than_its_toolchain() {
        for e in IMAGES {
            let Role::Toolchain(eco) = e.role else {
                continue;
            };
            let name = e.repo;
            let tag = match eco {
                E::Maven | E::Gradle => Some("3.9-jdk-21"),
                E::Dotnet => Some("8.0"),
                _ => Some("1.0"),
            };
            let Ok(rt) = runtime_for(eco, name, tag, RuntimeHints::default()) else {
                continue;
            };
            assert!(
                rt.size.uncompressed_mb < e.size.uncompressed_mb,
                "{name} → {}",
                rt.image
            );
        }
    }

    #[test]
    fn toolchain_commands() {
        let w = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        for yes in [
            "mvn",
            "/bin/bash",
            "jshell",
            "node",
            "python3 -i",
            "gradle build",
        ] {
            assert!(runs_toolchain(&w(yes)), "{yes}");
        }
        for no in [
            "node server.js",
            "python app.py",
            "java -jar app.jar",
            "/app/server",
            "nginx -g x",
        ] {
            assert!(!runs_toolchain(&w(no)), "{no}");
        }
    }

    #[test]
    fn default_workdirs() {
        for (img, wd) in DEFAULT_WORKDIRS {
            assert_eq!(default_workdir(img), Some(*wd));
            assert!(wd.starts_with('/'));
        }
        assert_eq!(default_workdir("docker.io/library/golang"), Some("/go"));
        assert_eq!(default_workdir("diamol/golang"), None);
    }

    #[test]
    fn official_images_are_sorted_and_unique() {
        let mut sorted = OFFICIAL_IMAGES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, OFFICIAL_IMAGES);
    }
}

/// The environment variables official images set (their published Dockerfiles' `ENV`, `PATH` included), for
/// `undefined-var`: a stage on one of these images has exactly these besides its own. Images not listed are not
/// known, and neither is what they set.
pub static IMAGE_ENV_NAMES: &[(&str, &[&str])] = &[
    ("alpine", &["PATH"]),
    ("busybox", &["PATH"]),
    ("debian", &["PATH"]),
    ("ubuntu", &["PATH"]),
    ("fedora", &["PATH", "DISTTAG", "FGC", "FBR"]),
    (
        "golang",
        &["PATH", "GOLANG_VERSION", "GOTOOLCHAIN", "GOPATH"],
    ),
    ("node", &["PATH", "NODE_VERSION", "YARN_VERSION"]),
    (
        "python",
        &[
            "PATH",
            "LANG",
            "GPG_KEY",
            "PYTHON_VERSION",
            "PYTHON_SHA256",
            "PYTHON_PIP_VERSION",
            "PYTHON_SETUPTOOLS_VERSION",
            "PYTHON_GET_PIP_URL",
            "PYTHON_GET_PIP_SHA256",
        ],
    ),
    (
        "ruby",
        &[
            "PATH",
            "LANG",
            "RUBY_VERSION",
            "RUBY_MAJOR",
            "RUBY_DOWNLOAD_URL",
            "RUBY_DOWNLOAD_SHA256",
            "GEM_HOME",
            "BUNDLE_SILENCE_ROOT_WARNING",
            "BUNDLE_APP_CONFIG",
        ],
    ),
    (
        "rust",
        &["PATH", "RUSTUP_HOME", "CARGO_HOME", "RUST_VERSION"],
    ),
    (
        "eclipse-temurin",
        &[
            "PATH",
            "JAVA_HOME",
            "LANG",
            "LANGUAGE",
            "LC_ALL",
            "JAVA_VERSION",
        ],
    ),
    (
        "nginx",
        &[
            "PATH",
            "NGINX_VERSION",
            "NJS_VERSION",
            "NJS_RELEASE",
            "PKG_RELEASE",
            "DYNPKG_RELEASE",
        ],
    ),
];

/// The names an official image sets in its environment, when the image is known.
pub fn image_env_names(name: &str) -> Option<&'static [&'static str]> {
    let n = normalize_name(name);
    IMAGE_ENV_NAMES
        .iter()
        .find(|(i, _)| *i == n)
        .map(|(_, names)| *names)
}
