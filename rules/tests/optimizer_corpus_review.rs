//! The false-positive review of `toolchain-in-final-image`, `source-copy-before-install` and
//! `build-deps-in-final-stage` over the shared corpus
//! (`../shared/corpus/public`, Dockerfiles only, so linted without a build context): every hit was read and judged;
//! this test fails when the hits change, so that new ones get reviewed and the table updated.
//! List the hits with `cargo run -p dflint_rules --example optimizer_hits -- ../shared/corpus/public`.
mod support;

use dflint_rules::engine::{lint, Settings};
use dflint_rules::syntax::Document;

/// (file, 1-based line, rule, verdict, why).
const REVIEWED: &[(&str, usize, &str, &str, &str)] = &[
    ("GoogleCloudPlatform__microservices-demo/src__cartservice__src__Dockerfile.debug", 17, "source-copy-before-install", "right", "COPY . . before dotnet restore"),
    ("GoogleContainerTools__distroless/examples__go__Dockerfile", 4, "source-copy-before-install", "right", "COPY . . before go mod download"),
    ("GoogleContainerTools__distroless/examples__nodejs__Dockerfile", 2, "source-copy-before-install", "right", "COPY . /app before npm ci"),
    ("GoogleContainerTools__distroless/examples__nodejs__node-express__Dockerfile", 2, "source-copy-before-install", "right", "ADD . /app before npm install"),
    ("GoogleContainerTools__distroless/examples__rust__Dockerfile", 3, "source-copy-before-install", "right", "COPY . /app before cargo build --release"),
    ("GoogleContainerTools__kaniko/vendor__github.com__pjbgf__sha1cd__Dockerfile.arm", 18, "source-copy-before-install", "right", "sha1cd requires avo and x/tools: go build ./... downloads them"),
    ("GoogleContainerTools__kaniko/vendor__github.com__pjbgf__sha1cd__Dockerfile.arm64", 19, "source-copy-before-install", "right", "same file as above, arm64"),
    ("GoogleContainerTools__skaffold/examples__grpc-e2e-tests__cloud-spanner-bootstrap__Dockerfile", 6, "source-copy-before-install", "right", "COPY . . before go build (module with dependencies)"),
    ("GoogleContainerTools__skaffold/examples__grpc-e2e-tests__service__Dockerfile", 6, "source-copy-before-install", "right", "COPY . . before go build"),
    ("GoogleContainerTools__skaffold/integration__testdata__debug__nodejs__Dockerfile", 8, "source-copy-before-install", "right", "COPY . . before npm install"),
    ("GoogleContainerTools__skaffold/integration__testdata__debug__npm__Dockerfile", 8, "source-copy-before-install", "right", "COPY . . before npm install"),
    ("GoogleContainerTools__skaffold/integration__testdata__debug__python3__Dockerfile", 9, "source-copy-before-install", "right", "COPY . /app before pip3 install -r"),
    ("GoogleContainerTools__skaffold/integration__testdata__debug__specified-runtime__Dockerfile", 10, "source-copy-before-install", "right", "COPY . . before npm install"),
    ("GoogleContainerTools__skaffold/vendor__github.com__pjbgf__sha1cd__Dockerfile.arm", 18, "source-copy-before-install", "right", "same sha1cd file vendored in skaffold"),
    ("GoogleContainerTools__skaffold/vendor__github.com__pjbgf__sha1cd__Dockerfile.arm64", 19, "source-copy-before-install", "right", "same sha1cd file vendored in skaffold"),
    ("docker__awesome-compose/aspnet-mssql__app__aspnetapp__Dockerfile", 6, "source-copy-before-install", "right", "COPY . /src before dotnet build, no restore step"),
    ("docker__awesome-compose/nginx-wsgi-flask__flask__Dockerfile", 18, "source-copy-before-install", "right", "COPY . . before pip install -r (no fix: a RUN between)"),
    ("docker__awesome-compose/vuejs__vuejs__Dockerfile", 7, "source-copy-before-install", "right", "COPY . . before yarn install (no fix: a RUN between)"),
    ("docker__labs/windows__aspnet-web__webserver__Dockerfile", 4, "source-copy-before-install", "right", "ADD ./app/ before dotnet restore"),
    ("dockersamples__atsea-sample-shop-app/app__Dockerfile", 3, "source-copy-before-install", "right", "COPY react-app . before npm install"),
    ("dockersamples__atsea-sample-shop-app/app__Dockerfile-dev", 3, "source-copy-before-install", "right", "same as above"),
    ("jpetazzo__container.training/dockercoins__hasher__Dockerfile", 3, "build-deps-in-final-stage", "right", "build-base stays in the image after gem install built thin's native extension; the app only runs ruby hasher.rb"),
    ("kubernetes__examples/_archived__phabricator__php-phabricator__Dockerfile", 19, "build-deps-in-final-stage", "right", "php5-dev and dpkg-dev stay after building the pcntl extension in place (git, also listed, is a run-time tool for Phabricator)"),
    ("moby__buildkit/vendor__github.com__containerd__fuse-overlayfs-snapshotter__v2__Dockerfile", 23, "source-copy-before-install", "right", "GO111MODULE=on and COPY . before go build ./..."),
    ("openfaas__templates/template__java11-vert-x__Dockerfile", 26, "source-copy-before-install", "right", "COPY . before gradle build"),
    ("openfaas__templates/template__java11__Dockerfile", 26, "source-copy-before-install", "right", "COPY . before gradle build"),
    ("openfaas__templates/template__java17__Dockerfile", 27, "source-copy-before-install", "right", "COPY . before gradle build"),
    ("openfaas__templates/template__php7__Dockerfile", 31, "source-copy-before-install", "right", "COPY ./function before composer install"),
    ("openfaas__templates/template__php8__Dockerfile", 31, "source-copy-before-install", "right", "COPY ./function before composer install"),
    ("sixeyed__diamol/ch04__lab__Dockerfile", 1, "toolchain-in-final-image", "right", "the book's lab: golang builds and runs the binary"),
    ("sixeyed__diamol/ch12__exercises__timecheck__Dockerfile-1.0", 6, "source-copy-before-install", "right", "COPY src/ . before dotnet restore (the csproj was copied, then the sources too)"),
    ("sixeyed__diamol/ch15__exercises__timecheck__Dockerfile-3.0", 6, "source-copy-before-install", "right", "same"),
    ("sixeyed__diamol/ch19__exercises__timecheck__Dockerfile-4.0", 6, "source-copy-before-install", "right", "same"),
    ("tilt-dev__tilt-example-go/0-base__deployments__Dockerfile", 1, "toolchain-in-final-image", "right", "golang runs what `go install ./` put in /go/bin (ENTRYPOINT by its bare name): found by the review of single-stage toolchain files the rule missed"),
    ("tilt-dev__tilt-example-go/0-base__deployments__Dockerfile", 3, "source-copy-before-install", "right", "ADD . . before go install ./ (no go.mod first)"),
    ("tilt-dev__tilt-example-java/0-base__Dockerfile", 1, "toolchain-in-final-image", "right", "a JDK builds the jar with gradlew and the ENTRYPOINT runs it: a JRE is enough"),
    ("tilt-dev__tilt-example-java/0-base__Dockerfile", 3, "source-copy-before-install", "right", "ADD . . before gradlew bootJar"),
    ("tilt-dev__tilt-example-nodejs/0-base__Dockerfile", 5, "source-copy-before-install", "right", "ADD . . before yarn install"),
];

/// Former false positives, fixed by a better analysis: (file, 1-based line, rule, why it is silent now).
/// They must not come back.
const FIXED: &[(&str, usize, &str, &str)] = &[
    ("GoogleContainerTools__kaniko/deploy__Dockerfile", 31, "source-copy-before-install", "kaniko vendors its modules (`go install` of the tools builds from vendor/): the stage's comment says the tools are updated with `go mod vendor`"),
    ("kubernetes__release/images__releng__k8s-ci-builder__Dockerfile", 82, "build-deps-in-final-stage", "a CI builder (its ENTRYPOINT wraps the job's command): the final stage installs Go from dl.google.com for the jobs and builds nothing with it"),
];

#[test]
fn corpus_hits_are_the_reviewed_ones() {
    let Some(root) = support::corpus() else {
        return;
    };
    let settings = Settings::select([
        "toolchain-in-final-image",
        "source-copy-before-install",
        "build-deps-in-final-stage",
    ]);
    let mut got: Vec<(String, usize, &'static str)> = Vec::new();
    for path in support::files(&root) {
        let doc = Document::parse_bytes(&std::fs::read(&path).unwrap());
        for d in lint(&doc, &settings, None) {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            got.push((rel, doc.line_index().line(d.range.start) + 1, d.name));
        }
    }
    let want: Vec<(String, usize, &str)> = REVIEWED
        .iter()
        .map(|(f, l, r, _, _)| (f.to_string(), *l, *r))
        .collect();
    let back: Vec<_> = FIXED
        .iter()
        .filter(|(f, l, r, _)| got.contains(&(f.to_string(), *l, *r)))
        .collect();
    assert!(back.is_empty(), "fixed false positives are back: {back:#?}");
    let new: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    let gone: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "review these hits and update REVIEWED:\nnew: {new:#?}\ngone: {gone:#?}"
    );
    let wrong = REVIEWED.iter().filter(|r| r.3 == "wrong").count();
    assert!(
        wrong * 10 <= REVIEWED.len(),
        "more than 10% of the hits are false positives"
    );
}
