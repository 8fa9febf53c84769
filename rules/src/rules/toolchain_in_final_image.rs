//! `toolchain-in-final-image`: the final image is a toolchain image that builds and runs its own artifact.
use crate::engine::{declare_rule, Context, Diagnostic, Fix, Rule};
use crate::optimizer::facts::Facts;
use crate::optimizer::multistage::{analyse, saving};

declare_rule! {
    /// Reports a final stage built on a toolchain image (golang, rust, maven, gradle, a JDK, gcc, dotnet/sdk, the full node or python image) that builds in that stage and runs what it built.
    ///
    /// ## Why is this bad?
    /// Everything the final stage starts `FROM` ships in the image: `golang` is about 800 MB, `rust` 1.4 GB, a JDK
    /// with Maven 500 MB, while the program they build needs a few megabytes and a small runtime.
    /// The compilers, headers, package caches and sources also widen the attack surface.
    /// A multi-stage build compiles in a first stage and starts the final one from a small image, copying only the
    /// artifact: the classic Go web app goes from ~800 MB to ~15 MB.
    ///
    /// Images whose product is the toolchain are not reported: devcontainers, CI runners and build agents, `-dev`
    /// images, stages named `dev`/`test`/`ci`, and stages whose `CMD`/`ENTRYPOINT` does not run what the stage built
    /// (a REPL, a shell, a base image for others).
    /// For Python, the rule applies when the stage installs compilers to build packages (`gcc`, `build-essential`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// WORKDIR /src
    /// RUN go mod init example.com/web && CGO_ENABLED=0 go build -o /out/web
    /// EXPOSE 8080
    /// ENTRYPOINT ["/out/web"]
    /// ```
    /// ```dockerfile fixed
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/web && CGO_ENABLED=0 go build -o /out/web
    ///
    /// FROM scratch
    /// WORKDIR /src
    /// EXPOSE 8080
    /// ENTRYPOINT ["/out/web"]
    /// COPY --from=build /out/web /out/web
    /// COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// WORKDIR /src
    /// RUN go mod init example.com/web && CGO_ENABLED=0 go build -o /out/web
    ///
    /// FROM scratch
    /// EXPOSE 8080
    /// ENTRYPOINT ["/out/web"]
    /// COPY --from=build /out/web /out/web
    /// COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the file to a multi-stage build in one edit set: the stage becomes `AS build` and keeps its
    /// `ARG`s, `WORKDIR`s, copies and build steps; a new final stage starts from a runtime image chosen per toolchain.
    /// The builder image is read with the global `ARG` defaults put in (`FROM golang:${GO_VERSION}-bookworm` after
    /// `ARG GO_VERSION=1.22`).
    /// - Go: when cgo is off (`CGO_ENABLED=0` in the stage, or an alpine builder with no C compiler) or the build
    ///   context shows the module does not use it (no `import "C"` or C files, no cgo-only dependency such as
    ///   `github.com/mattn/go-sqlite3` in go.mod), the build gets `CGO_ENABLED=0` and the binary ships on
    ///   `scratch` with the CA certificates (and `/etc/passwd` and `/etc/group` for a named `USER`) copied from the
    ///   build; alpine when `CMD` needs a shell. Otherwise (cgo, or no build context to read) the builder's own OS
    ///   release: `debian:<release>-slim`, or the alpine release of an alpine builder.
    /// - Rust, C: the same Debian release slim (or alpine), with the CA certificates copied over.
    /// - Maven/Gradle/JDK: the JRE of the same Java version; a Node build: `node:<version>-slim`, or `nginx:alpine`
    ///   for a static site; .NET SDK: `aspnet` (or `runtime` for a console project); full Python: the slim image of
    ///   the same version.
    ///
    /// When the builder's tag does not pin its OS release (`golang:1.22`, `rust:1.80-alpine`, no tag), the release
    /// is inferred, and the message says which tag to pin so the runtime keeps matching it.
    /// It copies only the artifact (`go build -o X` → X; `go install` of the stage's module → its binary in
    /// `/go/bin`, copied to `/usr/local/bin` when `CMD` runs it by name; `cargo build --release` → `target/release/<bin>`;
    /// `mvn package` → `target/*.jar`; `gradle` → `build/libs/*.jar`; `npm run build` → `dist/` with
    /// `node_modules`; `dotnet publish -o out` → `out/`; Python → `/usr/local` and the app folder) to the same
    /// absolute path, so `CMD`/`ENTRYPOINT` keep pointing at it, and moves the runtime metadata (`ENV`, `EXPOSE`,
    /// `LABEL`, `CMD`, `ENTRYPOINT`, `USER`) and files the build does not read (an `index.html` next to a Go program)
    /// to the final stage; such a file that a `RUN` of the stage reads all the same (a `cat` in the build's flags,
    /// as the build model sees it) is copied in both stages.
    /// A named `USER` moves when the builder image already has that user (`node` in node images, Debian's
    /// `www-data` and `nobody`) and the runtime image has it too.
    /// It is refused, with a message saying what to do by hand, when the artifact's path or the Java version is not
    /// known, when a `RUN` after the build, a user the build creates or the runtime image lacks, or a `HEALTHCHECK`
    /// would need the runtime image to have more, when a `RUN` of the build also puts a file at a path it names that
    /// the final stage would not get (`cp static/banner.txt /etc/`, a redirect, a link or a new folder; temporary,
    /// cache and toolchain folders aside), or when Python packages were built against `-dev` libraries.
    /// The runtime image lacks the toolchain's shell tools and libraries: the fix is unsafe.
    ///
    /// ## References
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - *Learn Docker in a Month of Lunches*, chapter 4 (`ch04/lab`: 800 MB to 15 MB)
    pub struct ToolchainInFinalImage {
        code: "DF431",
        name: "toolchain-in-final-image",
        category: Size,
        severity: Warning,
        fix: Sometimes,
        peers: [],
        options: [],
        withhold_fixes_on_syntax_errors: true,
        changes: [Stages],
    }
}

impl ToolchainInFinalImage {
    fn check_all(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let f = Facts::new(ctx);
        let Some(found) = analyse(ctx, f) else {
            return;
        };
        let size = found.image_size.uncompressed_mb;
        match &found.rewrite {
            Ok(rw) => {
                let saved = saving(&found, &rw.runtime);
                let mut message = format!(
                    "the final image is `{}` (~{size} MB), a {} toolchain, and it builds in place: a multi-stage build on `{}` (~{} MB) saves about {saved} MB",
                    found.image_text,
                    if found.eco.is_jvm() { "Java" } else { found.eco.name() },
                    rw.runtime.image,
                    rw.runtime.size.uncompressed_mb,
                );
                if let Some(note) = &rw.note {
                    message.push_str("; ");
                    message.push_str(note);
                }
                let title = format!(
                    "Build in a stage of its own and start the final stage from `{}`",
                    rw.runtime.image
                );
                out.push(
                    ctx.diagnostic(found.image_range.clone(), message)
                        .with_fix(Fix::unsafe_(title, rw.edits.clone())),
                );
            }
            Err(why) => {
                out.push(ctx.diagnostic(
                    found.image_range.clone(),
                    format!(
                        "the final image is `{}` (~{size} MB), a {} toolchain, and it builds in place: move the build to its own stage and copy only the artifact into a small runtime image ({why})",
                        found.image_text,
                        if found.eco.is_jvm() { "Java" } else { found.eco.name() },
                    ),
                ));
            }
        }
    }
}

impl Rule for ToolchainInFinalImage {
    fn check(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        self.check_all(ctx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FixMode, RuleMeta};
    use crate::rules::spec;

    const R: &RuleMeta = &ToolchainInFinalImage::META;

    #[test]
    fn invalid() {
        spec::invalid(
            R,
            &[
                ("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server\nCMD [\"/app/server\"]\n", &["golang:1.22"]),
                ("FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n", &["maven:3.9-eclipse-temurin-21"]),
                ("FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT [\"dotnet\", \"/app/web.dll\"]\n", &["mcr.microsoft.com/dotnet/sdk:8.0"]),
                ("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"node\", \"dist/server.js\"]\n", &["node:20"]),
                ("FROM gcc:13\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/hello hello.c\nCMD [\"hello\"]\n", &["gcc:13"]),
                ("FROM gcc:13\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o hello hello.c\nCMD [\"./hello\"]\n", &["gcc:13"]),
                ("FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build\nCMD [\"./app\"]\n", &["golang:1.22"]),
                ("FROM eclipse-temurin:17-jdk-alpine\nADD . .\nRUN ./gradlew --no-daemon bootJar\nENTRYPOINT java -jar build/libs/app-0.0.1.jar\n", &["eclipse-temurin:17-jdk-alpine"]),
                // `go install` of the stage's module, run by its bare name from /go/bin.
                ("FROM golang:1.21\nWORKDIR /app\nADD . .\nRUN go install ./\nENTRYPOINT tilt-example-go\n", &["golang:1.21"]),
                ("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install ./cmd/server\nCMD [\"server\"]\n", &["golang:1.22"]),
            ],
        );
    }

    #[test]
    fn valid() {
        spec::valid(
            R,
            &[
                "FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM scratch\nCOPY --from=build /out/app /app\nCMD [\"/app\"]\n",
                "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\nCMD [\"bash\"]\n",
                "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server\n",
                "FROM mcr.microsoft.com/devcontainers/go:1.22\nRUN go build -o /app/x\nCMD [\"/app/x\"]\n",
                "FROM golang:1.22 AS dev\nRUN go build -o /app/x\nCMD [\"/app/x\"]\n",
                "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nCMD [\"mvn\", \"spring-boot:run\"]\n",
                "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"node\", \"dist/server.js\"]\n",
                "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
                "FROM eclipse-temurin:21-jdk\nCMD [\"jshell\"]\n",
                // The stage's own module installed, but CMD runs a dev tool or a shell.
                "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go install ./\nCMD [\"air\"]\n",
                "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go install ./\nCMD bash\n",
                // A bare program that the installed package is not.
                "FROM golang:1.22\nRUN go install ./cmd/server\nCMD [\"client\"]\n",
            ],
        );
    }

    #[test]
    fn no_fix_while_the_file_has_syntax_errors() {
        let src = "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server\nCMD [\"/app/server\"]\nENV a\n";
        assert!(crate::syntax::Document::parse(src).has_syntax_errors());
        let d = spec::diagnostics(R, src);
        assert!(
            d[0].fix.is_none()
                && d[0]
                    .message
                    .ends_with("(no fix while the file has syntax errors)"),
            "{d:#?}"
        );
    }

    #[test]
    fn messages_carry_the_size_estimate() {
        let m = spec::messages(R, "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server\nCMD [\"/app/server\"]\n");
        assert!(
            m[0].contains("~800 MB")
                && m[0].contains("`debian:bookworm-slim` (~75 MB)")
                && m[0].contains("saves about 725 MB"),
            "{m:?}"
        );
        let m = spec::messages(
            R,
            "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build\nCMD [\"./app\"]\n",
        );
        assert!(m[0].contains("add `-o <path>`"), "{m:?}");
    }

    #[test]
    fn no_fix_when_the_build_writes_a_file_the_final_stage_would_lack() {
        let src = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/hello . && cp /src/static/banner.txt /etc/banner.txt\nCMD [\"hello\"]\n";
        let d = spec::diagnostics(R, src);
        assert!(
            d.len() == 1
                && d[0].fix.is_none()
                && d[0].message.contains(
                    "(no fix: the build also writes `/etc/banner.txt`, which the final stage would not have"
                ),
            "{d:#?}"
        );
        // Without the banner, the rewrite is offered.
        let src =
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
        let d = spec::diagnostics(R, src);
        assert!(d.len() == 1 && d[0].fix.is_some(), "{d:#?}");
    }

    #[test]
    fn fix() {
        spec::fixes(
            R,
            FixMode::Unsafe,
            &[
                (
                    "FROM golang:1.22\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app\nCMD [\"./app\"]\n",
                    "FROM golang:1.22 AS build\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app\n\nFROM scratch\nWORKDIR /go\nCMD [\"./app\"]\nCOPY --from=build /go/app /go/app\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",
                ),
                (
                    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN mkdir -p /src && CGO_ENABLED=0 go build -o /app . 2>/tmp/build.log\nCMD [\"/app\"]\n",
                    "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN mkdir -p /src && CGO_ENABLED=0 go build -o /app . 2>/tmp/build.log\n\nFROM scratch\nWORKDIR /src\nCMD [\"/app\"]\nCOPY --from=build /app /app\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",
                ),
                (
                    "FROM eclipse-temurin:17-jdk-alpine\nADD . .\nRUN ./gradlew --no-daemon bootJar\nENTRYPOINT java -jar build/libs/app-0.0.1.jar\n",
                    "FROM eclipse-temurin:17-jdk-alpine AS build\nADD . .\nRUN ./gradlew --no-daemon bootJar\n\nFROM eclipse-temurin:17-jre-alpine\nENTRYPOINT java -jar build/libs/app-0.0.1.jar\nCOPY --from=build /build/libs/*.jar /build/libs/\n",
                ),
                (
                    "FROM golang:1.21\nWORKDIR /app\nADD . .\nRUN go install ./\nENTRYPOINT tilt-example-go\n",
                    "FROM golang:1.21 AS build\nWORKDIR /app\nADD . .\nRUN go install ./\n\nFROM debian:bookworm-slim\nWORKDIR /app\nENTRYPOINT tilt-example-go\nCOPY --from=build /go/bin/tilt-example-go /usr/local/bin/tilt-example-go\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",
                ),
                (
                "FROM golang:1.22\n# app\nWORKDIR /app\nCOPY . .\nENV PORT=8080 CGO_ENABLED=0\nRUN go build -o /app/server\nEXPOSE 8080\nCMD [\"/app/server\"]\n",
                "FROM golang:1.22 AS build\n# app\nWORKDIR /app\nCOPY . .\nENV PORT=8080 CGO_ENABLED=0\nRUN go build -o /app/server\n\nFROM scratch\nWORKDIR /app\nENV PORT=8080 CGO_ENABLED=0\nEXPOSE 8080\nCMD [\"/app/server\"]\nCOPY --from=build /app/server /app/server\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",
            ),
                // The build reads one of the files a compiler would not (its flags `cat` it): it stays in the build
                // stage and is copied into the final one too; the other moves. Under a mount's target, the file
                // the RUN reads is the mount's, not the copy.
                (
                    "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod main.go ./\nCOPY banner.txt /data/banner.txt\nCOPY motd.txt /srv/motd.txt\nRUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -ldflags \"-X main.banner=$(cat /data/banner.txt)\" -o /usr/local/bin/greet .\nCMD [\"greet\"]\n",
                    "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nCOPY banner.txt /data/banner.txt\nRUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -ldflags \"-X main.banner=$(cat /data/banner.txt)\" -o /usr/local/bin/greet .\n\nFROM scratch\nWORKDIR /src\nCMD [\"greet\"]\nCOPY --from=build /usr/local/bin/greet /usr/local/bin/greet\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nCOPY banner.txt /data/banner.txt\nCOPY motd.txt /srv/motd.txt\n",
                ),
                (
                    "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod main.go ./\nCOPY banner.txt /data/banner.txt\nRUN --mount=type=bind,source=banner.txt,target=/data/banner.txt CGO_ENABLED=0 go build -ldflags \"-X main.banner=$(cat /data/banner.txt)\" -o /usr/local/bin/greet .\nCMD [\"greet\"]\n",
                    "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nRUN --mount=type=bind,source=banner.txt,target=/data/banner.txt CGO_ENABLED=0 go build -ldflags \"-X main.banner=$(cat /data/banner.txt)\" -o /usr/local/bin/greet .\n\nFROM scratch\nWORKDIR /src\nCMD [\"greet\"]\nCOPY --from=build /usr/local/bin/greet /usr/local/bin/greet\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\nCOPY banner.txt /data/banner.txt\n",
                ),
            ],
        );
    }
}
