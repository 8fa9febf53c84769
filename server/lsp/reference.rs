//! What the editor shows about Dockerfile syntax: a short text per instruction, flag, `--mount` key, parser
//! directive and automatic build argument, written from Docker's Dockerfile reference.
use dflint_rules::syntax::Kind;

pub const REFERENCE_URL: &str = "https://docs.docker.com/reference/dockerfile/";

pub struct InstructionDoc {
    pub kind: Kind,
    pub summary: &'static str,
    /// Forms, one per line, as the reference writes them.
    pub syntax: &'static str,
    /// A completion snippet after the keyword (LSP snippet syntax).
    pub snippet: &'static str,
}

impl InstructionDoc {
    pub fn url(&self) -> String {
        format!(
            "{REFERENCE_URL}#{}",
            self.kind.keyword().to_ascii_lowercase()
        )
    }

    pub fn markdown(&self) -> String {
        format!(
            "**{}**: {}\n\n```dockerfile\n{}\n```\n\n[Dockerfile reference]({})",
            self.kind.keyword(),
            self.summary,
            self.syntax,
            self.url()
        )
    }
}

pub const INSTRUCTIONS: &[InstructionDoc] = &[
    ins(
        Kind::From,
        "Starts a build stage from a base image (or an earlier stage). `AS name` names the stage for `COPY --from` and `--target`; the ARGs declared before the first `FROM` may be used in it.",
        "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
        "FROM ${1:image}:${2:tag}${3: AS ${4:name}}",
    ),
    ins(
        Kind::Run,
        "Runs a command in a new layer on top of the current image. The shell form runs through `/bin/sh -c` (or `SHELL`), the exec form runs the program directly; heredocs pass a script.",
        "RUN [--mount=<mount>] [--network=<mode>] [--security=<mode>] <command>\nRUN [\"executable\", \"arg\"]\nRUN <<EOF\n...\nEOF",
        "RUN ${1:command}",
    ),
    ins(
        Kind::Cmd,
        "The default command (or default arguments to `ENTRYPOINT`) of a container. Only the last `CMD` of a stage counts; the exec form lets the process receive signals.",
        "CMD [\"executable\", \"arg\"]\nCMD [\"arg\"]  # with ENTRYPOINT\nCMD command arg",
        "CMD [\"${1:executable}\"]",
    ),
    ins(
        Kind::Label,
        "Adds metadata to the image as key-value pairs (for example the `org.opencontainers.image.*` annotations).",
        "LABEL <key>=<value> [<key>=<value> ...]",
        "LABEL ${1:key}=\"${2:value}\"",
    ),
    ins(
        Kind::Maintainer,
        "Deprecated: sets the image's author field. Use `LABEL org.opencontainers.image.authors=...` instead.",
        "MAINTAINER <name>",
        "MAINTAINER ${1:name}",
    ),
    ins(
        Kind::Expose,
        "Documents the network ports the container listens on (TCP unless `/udp` is given). It publishes nothing: `docker run -p` does.",
        "EXPOSE <port>[/<protocol>] [<port>[/<protocol>] ...]",
        "EXPOSE ${1:8080}",
    ),
    ins(
        Kind::Env,
        "Sets environment variables for the rest of the stage and for containers run from the image (they persist in the image, unlike ARG).",
        "ENV <key>=<value> [<key>=<value> ...]",
        "ENV ${1:KEY}=${2:value}",
    ),
    ins(
        Kind::Add,
        "Copies files, URLs or git repositories into the image; local tar archives are extracted. Prefer `COPY` for plain files.",
        "ADD [--chown=<user>:<group>] [--chmod=<perms>] [--checksum=<checksum>] [--keep-git-dir] [--link] [--unpack] [--exclude=<path>] <src>... <dest>\nADD [\"<src>\", ... \"<dest>\"]",
        "ADD ${1:src} ${2:dest}",
    ),
    ins(
        Kind::Copy,
        "Copies files from the build context, an earlier stage (`--from=<stage>`) or an image into the image.",
        "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<path>] <src>... <dest>\nCOPY [\"<src>\", ... \"<dest>\"]",
        "COPY ${1:src} ${2:dest}",
    ),
    ins(
        Kind::Entrypoint,
        "The executable a container runs; `CMD` supplies its default arguments. The exec form runs it as PID 1 so it receives signals.",
        "ENTRYPOINT [\"executable\", \"arg\"]\nENTRYPOINT command arg",
        "ENTRYPOINT [\"${1:executable}\"]",
    ),
    ins(
        Kind::Volume,
        "Marks paths as mount points for external volumes. Changes to them after this instruction are discarded at build time.",
        "VOLUME [\"/data\"]\nVOLUME /data [/other]",
        "VOLUME ${1:/data}",
    ),
    ins(
        Kind::User,
        "Sets the user (and optionally group) for the following RUN, CMD and ENTRYPOINT instructions and for containers.",
        "USER <user>[:<group>]\nUSER <UID>[:<GID>]",
        "USER ${1:user}",
    ),
    ins(
        Kind::Workdir,
        "Sets the working directory for the following instructions, creating it when needed. Relative paths are relative to the previous WORKDIR.",
        "WORKDIR /path/to/workdir",
        "WORKDIR ${1:/app}",
    ),
    ins(
        Kind::Arg,
        "Declares a build argument, set with `docker build --build-arg`. Before the first FROM it is global (usable in FROM lines); inside a stage it is in scope from its declaration to the end of the stage, and a global ARG must be redeclared (`ARG NAME`) to be used in a stage. It does not persist in the image.",
        "ARG <name>[=<default value>] [<name>[=<default value>] ...]",
        "ARG ${1:NAME}${2:=${3:default}}",
    ),
    ins(
        Kind::Onbuild,
        "Registers an instruction to run later, when the image is used as the base of another build.",
        "ONBUILD <INSTRUCTION>",
        "ONBUILD ${1:INSTRUCTION}",
    ),
    ins(
        Kind::Stopsignal,
        "The system call signal sent to the container to make it exit (default `SIGTERM`).",
        "STOPSIGNAL <signal>",
        "STOPSIGNAL ${1:SIGTERM}",
    ),
    ins(
        Kind::Healthcheck,
        "How Docker checks that the container still works: a command run at an interval, healthy when it exits 0. `HEALTHCHECK NONE` disables one inherited from the base image.",
        "HEALTHCHECK [--interval=<d>] [--timeout=<d>] [--start-period=<d>] [--start-interval=<d>] [--retries=<n>] CMD <command>\nHEALTHCHECK NONE",
        "HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} CMD ${3:command}",
    ),
    ins(
        Kind::Shell,
        "Replaces the default shell (`[\"/bin/sh\", \"-c\"]` on Linux) used by the shell form of RUN, CMD and ENTRYPOINT.",
        "SHELL [\"executable\", \"parameters\"]",
        "SHELL [\"${1:/bin/bash}\", \"${2:-o}\", \"${3:pipefail}\", \"-c\"]",
    ),
];

const fn ins(
    kind: Kind,
    summary: &'static str,
    syntax: &'static str,
    snippet: &'static str,
) -> InstructionDoc {
    InstructionDoc {
        kind,
        summary,
        syntax,
        snippet,
    }
}

pub fn instruction(kind: Kind) -> Option<&'static InstructionDoc> {
    INSTRUCTIONS.iter().find(|d| d.kind == kind)
}

/// A flag of an instruction.
pub struct FlagDoc {
    pub name: &'static str,
    /// Placeholder of the value; `None` for a boolean flag.
    pub value: Option<&'static str>,
    pub doc: &'static str,
    /// The values it accepts, when they are a fixed set.
    pub values: &'static [&'static str],
}

const fn flag(name: &'static str, value: Option<&'static str>, doc: &'static str) -> FlagDoc {
    FlagDoc {
        name,
        value,
        doc,
        values: &[],
    }
}

const PLATFORMS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "$BUILDPLATFORM",
    "$TARGETPLATFORM",
];

const FROM_FLAGS: &[FlagDoc] = &[FlagDoc {
    name: "platform",
    value: Some("<platform>"),
    doc: "The platform of the base image when it is multi-platform, as `os/arch[/variant]`; often `$BUILDPLATFORM` for stages that cross-compile.",
    values: PLATFORMS,
}];

const RUN_FLAGS: &[FlagDoc] = &[
    flag("mount", Some("type=<type>,<option>=<value>"), "Mounts something for this command only: a cache (`type=cache`), files of another stage or the context (`type=bind`), a secret (`type=secret`), the SSH agent (`type=ssh`) or a tmpfs. Nothing mounted ends up in the layer."),
    FlagDoc {
        name: "network",
        value: Some("default|none|host"),
        doc: "The network the command runs in: `default` (the build's), `none` (no network), or `host` (needs the `network.host` entitlement).",
        values: &["default", "none", "host"],
    },
    FlagDoc {
        name: "security",
        value: Some("sandbox|insecure"),
        doc: "`insecure` runs the command without the sandbox, like a privileged container (needs the `security.insecure` entitlement); `sandbox` is the default.",
        values: &["sandbox", "insecure"],
    },
    flag("device", Some("<name>[,required]"), "Makes a CDI device available to the command (Dockerfile syntax 1.14 labs and later)."),
];

const COPY_FLAGS: &[FlagDoc] = &[
    flag("from", Some("<stage|image|context>"), "Copies from an earlier build stage, an image, or a named build context instead of the build context."),
    flag("chown", Some("<user>:<group>"), "Owner of the copied files (Linux only); names are looked up in the image's `/etc/passwd` and `/etc/group`."),
    flag("chmod", Some("<perms>"), "Permissions of the copied files, in octal (`755`) or symbolic (`u=rwx,go=rx`) notation."),
    flag("link", None, "Copies into a layer of its own, independent of the layers below, so it stays cached when they change and can be rebased."),
    flag("parents", None, "Keeps the parent directories of the sources (below a `./` pivot) under the destination."),
    flag("exclude", Some("<path>"), "Leaves out sources matching the pattern (may be repeated)."),
];

const ADD_FLAGS: &[FlagDoc] = &[
    flag("chown", Some("<user>:<group>"), "Owner of the added files (Linux only)."),
    flag("chmod", Some("<perms>"), "Permissions of the added files, in octal or symbolic notation."),
    flag("checksum", Some("<checksum>"), "Verifies a remote source against a checksum (`sha256:...`), or a git source against a commit."),
    flag("keep-git-dir", None, "Keeps the `.git` directory when adding a git repository."),
    flag("link", None, "Adds into a layer of its own, independent of the layers below."),
    FlagDoc {
        name: "unpack",
        value: Some("true|false"),
        doc: "Whether a (local or remote) archive is extracted; local archives are extracted by default, remote ones are not.",
        values: &["true", "false"],
    },
    flag("exclude", Some("<path>"), "Leaves out sources matching the pattern (may be repeated)."),
];

const HEALTHCHECK_FLAGS: &[FlagDoc] = &[
    flag(
        "interval",
        Some("<duration>"),
        "Time between checks (default `30s`).",
    ),
    flag(
        "timeout",
        Some("<duration>"),
        "Time after which a check counts as failed (default `30s`).",
    ),
    flag(
        "start-period",
        Some("<duration>"),
        "Start-up time during which failures do not count toward the retries (default `0s`).",
    ),
    flag(
        "start-interval",
        Some("<duration>"),
        "Time between checks during the start period (default `5s`).",
    ),
    flag(
        "retries",
        Some("<n>"),
        "Consecutive failures that make the container unhealthy (default `3`).",
    ),
];

/// The flags an instruction accepts.
pub fn flags(kind: Kind) -> &'static [FlagDoc] {
    match kind {
        Kind::From => FROM_FLAGS,
        Kind::Run => RUN_FLAGS,
        Kind::Copy => COPY_FLAGS,
        Kind::Add => ADD_FLAGS,
        Kind::Healthcheck => HEALTHCHECK_FLAGS,
        _ => &[],
    }
}

pub fn flag_doc(kind: Kind, name: &str) -> Option<&'static FlagDoc> {
    flags(kind)
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
}

/// A key of `RUN --mount=`.
pub struct MountKey {
    pub name: &'static str,
    /// Whether it takes `=value`.
    pub has_value: bool,
    pub doc: &'static str,
    pub values: &'static [&'static str],
}

const fn key(name: &'static str, doc: &'static str) -> MountKey {
    MountKey {
        name,
        has_value: true,
        doc,
        values: &[],
    }
}

pub const MOUNT_KEYS: &[MountKey] = &[
    MountKey {
        name: "type",
        has_value: true,
        doc: "What to mount: `bind` (default), `cache`, `tmpfs`, `secret` or `ssh`.",
        values: &["bind", "cache", "tmpfs", "secret", "ssh"],
    },
    key("target", "Where to mount it in the container (also `dst`, `destination`)."),
    key("dst", "Same as `target`."),
    key("source", "The path in `from` to mount (bind, cache); defaults to its root."),
    key("from", "The stage, image or build context to mount from (bind, cache); the build context by default."),
    key("id", "The cache's id (defaults to `target`), or the secret's or SSH agent socket's id."),
    MountKey {
        name: "sharing",
        has_value: true,
        doc: "How concurrent builds share a cache: `shared` (default), `private` (a new cache when busy) or `locked` (wait).",
        values: &["shared", "private", "locked"],
    },
    key("mode", "File mode of a cache's root, a secret or the SSH socket (octal)."),
    key("uid", "Owner user id of a cache's root, a secret or the SSH socket."),
    key("gid", "Owner group id of a cache's root, a secret or the SSH socket."),
    MountKey {
        name: "readonly",
        has_value: false,
        doc: "Mounts read-only (`ro` for short); bind mounts are read-only unless `rw`.",
        values: &[],
    },
    MountKey {
        name: "rw",
        has_value: false,
        doc: "Makes a bind mount writable (the writes are discarded).",
        values: &[],
    },
    MountKey {
        name: "required",
        has_value: false,
        doc: "Fails the build when the secret or SSH agent is not provided.",
        values: &[],
    },
    key("env", "Exposes a secret as this environment variable instead of a file."),
    key("size", "Size limit of a tmpfs mount."),
];

pub struct DirectiveDoc {
    pub name: &'static str,
    pub doc: &'static str,
    pub snippet: &'static str,
}

pub const DIRECTIVES: &[DirectiveDoc] = &[
    DirectiveDoc {
        name: "syntax",
        doc: "The Dockerfile frontend (syntax version) BuildKit uses to build this file, such as `docker/dockerfile:1`.",
        snippet: "# syntax=${1:docker/dockerfile:1}",
    },
    DirectiveDoc {
        name: "escape",
        doc: "The escape and line-continuation character: `\\` (default) or `` ` `` (handy on Windows).",
        snippet: "# escape=${1|`,\\\\|}",
    },
    DirectiveDoc {
        name: "check",
        doc: "Configures BuildKit's build checks: `skip=<check>,...` disables checks, `error=true` makes warnings fail the build.",
        snippet: "# check=${1:skip=${2:check}}",
    },
];

pub fn directive(name: &str) -> Option<&'static DirectiveDoc> {
    DIRECTIVES
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
}

/// Build arguments BuildKit defines without an `ARG` (usable in FROM lines; in a stage only after `ARG NAME`).
pub const AUTOMATIC_ARGS: &[(&str, &str)] = &[
    (
        "TARGETPLATFORM",
        "platform of the build result, e.g. `linux/amd64`",
    ),
    ("TARGETOS", "OS of `TARGETPLATFORM`"),
    ("TARGETARCH", "architecture of `TARGETPLATFORM`"),
    ("TARGETVARIANT", "variant of `TARGETPLATFORM`"),
    ("BUILDPLATFORM", "platform of the node running the build"),
    ("BUILDOS", "OS of `BUILDPLATFORM`"),
    ("BUILDARCH", "architecture of `BUILDPLATFORM`"),
    ("BUILDVARIANT", "variant of `BUILDPLATFORM`"),
    (
        "HTTP_PROXY",
        "proxy for HTTP requests (predefined, not kept in the image history)",
    ),
    ("HTTPS_PROXY", "proxy for HTTPS requests (predefined)"),
    ("FTP_PROXY", "proxy for FTP requests (predefined)"),
    ("NO_PROXY", "hosts reached without a proxy (predefined)"),
    ("ALL_PROXY", "proxy for all requests (predefined)"),
];

pub fn automatic_arg(name: &str) -> Option<&'static str> {
    AUTOMATIC_ARGS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_is_documented_once() {
        for kind in Kind::ALL {
            assert_eq!(
                INSTRUCTIONS.iter().filter(|d| d.kind == kind).count(),
                1,
                "{kind:?}"
            );
        }
    }
}
