//! Where the optimizer must stay quiet: images whose product is the toolchain (a JDK base image, CI runners,
//! devcontainers, build agents, `-dev` images), REPLs and shells, files already in good order, and Go builds of a
//! vendored module (nothing to download, so nothing to order).
use dflint_rules::engine::{all_rules, lint, Category, Settings};
use dflint_rules::syntax::Document;

fn findings(text: &str, families: &[Category]) -> Vec<String> {
    lint(&Document::parse(text), &Settings::default(), None)
        .into_iter()
        .filter(|d| {
            let cat = all_rules()
                .iter()
                .find(|r| r.code == d.code)
                .unwrap()
                .category;
            families.contains(&cat)
        })
        .map(|d| format!("{}: {}", d.name, d.message))
        .collect()
}

const TOOLCHAIN_PRODUCTS: &[(&str, &str)] = &[
    (
        "a JDK base image for others",
        "FROM eclipse-temurin:21-jdk\nRUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*\nWORKDIR /workspace\nCMD [\"jshell\"]\n",
    ),
    (
        "a CI runner",
        "FROM ghcr.io/actions/actions-runner:2.317.0\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN cd /src && make && cp hello /usr/local/bin/\nUSER runner\nCMD [\"/usr/local/bin/hello\"]\n",
    ),
    (
        "a devcontainer",
        "FROM mcr.microsoft.com/devcontainers/go:1.22\nWORKDIR /workspace\nCOPY . .\nRUN go build -o /usr/local/bin/tool ./cmd/tool\nCMD [\"tool\"]\n",
    ),
    (
        "a Jenkins agent",
        "FROM jenkins/inbound-agent:latest-jdk17\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends maven && rm -rf /var/lib/apt/lists/*\nUSER jenkins\n",
    ),
    (
        "a -dev image",
        "FROM cgr.dev/chainguard/go:latest-dev\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app\nCMD [\"/src/app\"]\n",
    ),
    (
        "a stage named dev",
        "FROM golang:1.22 AS dev\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app\nCMD [\"/src/app\"]\n",
    ),
    (
        "a Go toolchain that runs `go run`",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nCMD [\"go\", \"run\", \".\"]\n",
    ),
    (
        "a toolchain with a shell as its command",
        "FROM rust:1.80\nRUN cargo install cargo-watch\nCMD [\"bash\"]\n",
    ),
    (
        "a CI builder on a plain base image that installs its own Go (kubernetes/release's k8s-ci-builder)",
        "FROM golang:1.22-alpine AS go-source\nFROM debian:bookworm-slim AS builder\nCOPY --from=go-source /usr/local/go /go\nENV PATH=/go/bin:$PATH GOROOT=/go GOPATH=/go\nWORKDIR /go/src/k8s.io/release\nCOPY ./ ./\nRUN ./compile-release-tools\n\nFROM debian:bookworm\nARG GO_VERSION\nENV GOPATH=/home/prow/go PATH=/home/prow/go/bin:/usr/local/go/bin:${PATH}\nCOPY images/releng/k8s-ci-builder/wrapper.sh /usr/local/bin/\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends build-essential ca-certificates curl git pkg-config python3-dev \\\n    && rm -rf /var/lib/apt/lists/* \\\n    && export GO_TARBALL=\"go${GO_VERSION}.linux-amd64.tar.gz\" \\\n    && curl -fsSL \"https://dl.google.com/go/${GO_TARBALL}\" --output \"${GO_TARBALL}\" \\\n    && tar xzf \"${GO_TARBALL}\" -C /usr/local \\\n    && rm \"${GO_TARBALL}\"\nWORKDIR /\nCOPY --from=builder /go/bin/* ./\nENTRYPOINT [\"wrapper.sh\"]\nVOLUME [\"/var/lib/docker\"]\n",
    ),
    (
        "a CI builder that copies Go from its image",
        "FROM ubuntu:24.04\nCOPY --from=golang:1.22 /usr/local/go /usr/local/go\nENV PATH=/usr/local/go/bin:$PATH\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential git && rm -rf /var/lib/apt/lists/*\nENTRYPOINT [\"/usr/local/bin/ci-entrypoint\"]\n",
    ),
];

#[test]
fn no_size_finding_when_the_toolchain_is_the_product() {
    for (what, text) in TOOLCHAIN_PRODUCTS {
        let f = findings(text, &[Category::Size]);
        assert!(f.is_empty(), "{what}: {f:#?}");
    }
}

const GOOD_ORDER: &[(&str, &str)] = &[
    (
        "Go",
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app\n\nFROM gcr.io/distroless/static-debian12\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\nCOPY --from=build /out/app /app\n",
    ),
    (
        "Python",
        "FROM python:3.12-slim\nWORKDIR /app\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
    ),
    (
        "Maven",
        "FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\nCOPY src ./src\nRUN mvn -B package -DskipTests\n\nFROM eclipse-temurin:21-jre\nWORKDIR /app\nENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]\nCOPY --from=build /app/target/app.jar app.jar\n",
    ),
    (
        ".NET",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY *.csproj ./\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /app\n\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\nCOPY --from=build /app .\n",
    ),
    (
        "static site",
        "FROM node:20 AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci && npm cache clean --force\nCOPY . .\nRUN npm run build\n\nFROM nginx:alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
    ),
];

#[test]
fn files_in_good_order_get_no_optimizer_finding() {
    for (what, text) in GOOD_ORDER {
        let f = findings(
            text,
            &[Category::Cache, Category::Size, Category::Entrypoint],
        );
        assert!(f.is_empty(), "{what}: {f:#?}");
    }
}

/// Go modules the Dockerfile shows to be vendored, linted without a build context: `COPY . .` before the build
/// costs no download.
const VENDORED_GO: &[(&str, &str)] = &[
    (
        "-mod=vendor on the build",
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -mod=vendor -o /out/app ./cmd/app\n\nFROM scratch\nENTRYPOINT [\"/app\"]\nCOPY --from=build /out/app /app\n",
    ),
    (
        "GOFLAGS in ENV",
        "FROM golang:1.22 AS build\nENV GOFLAGS=-mod=vendor CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n\nFROM scratch\nENTRYPOINT [\"/app\"]\nCOPY --from=build /out/app /app\n",
    ),
    (
        "the vendor folder copied",
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY vendor/ ./vendor/\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n\nFROM scratch\nENTRYPOINT [\"/app\"]\nCOPY --from=build /out/app /app\n",
    ),
    (
        "tools pinned in go.mod and updated with go mod vendor (kaniko's deploy Dockerfile)",
        "FROM golang:1.24 AS builder\nWORKDIR /src\nENV CGO_ENABLED=0\nENV GOBIN=/usr/local/bin\nCOPY . .\n# The versions of these tools are controlled via go.mod. To update one, run\n#   go get <tool>@<version>\n#   go mod vendor\nRUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2\nRUN go install github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login\n\nFROM scratch\nENTRYPOINT [\"/kaniko/docker-credential-gcr\"]\nCOPY --from=builder /usr/local/bin/docker-credential-gcr /kaniko/docker-credential-gcr\n",
    ),
];

#[test]
fn no_cache_finding_on_a_vendored_go_module() {
    for (what, text) in VENDORED_GO {
        let f = findings(text, &[Category::Cache]);
        assert!(f.is_empty(), "{what}: {f:#?}");
    }
    // Without the sign of vendoring, the same build is reported.
    let plain = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n\nFROM scratch\nENTRYPOINT [\"/app\"]\nCOPY --from=build /out/app /app\n";
    let f = findings(plain, &[Category::Cache]);
    assert!(
        f.iter()
            .any(|m| m.starts_with("source-copy-before-install")),
        "{f:#?}"
    );
}
