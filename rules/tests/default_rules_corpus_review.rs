//! The precision review of every rule that is on by default, over the shared corpus (`../shared/corpus/public`,
//! Dockerfiles only, so linted without a build context): the hits of each rule were read and judged as a Docker
//! expert would, and the classes an expert would not act on were fixed or narrowed.
//! This test fails when a rule's count changes, so that the next change to a rule updates the table consciously.
//! Write every hit to a file with `DFLINT_REVIEW_DUMP=/tmp/hits.tsv cargo test -p dflint_rules --test
//! default_rules_corpus_review` to review them.
mod support;

use std::collections::BTreeMap;
use std::io::Write;

use dflint_rules::engine::{all_rules, lint, Settings};
use dflint_rules::syntax::Document;

/// (rule, hits before the review, hits now), for every rule on by default, and `metadata-after-volatile`, which
/// the review turned off by default (under BuildKit metadata adds no layer: moving it is the book's layout, not a
/// change an expert makes to every file).
///
/// What the review found, per rule (every hit read for rules under ~60 hits, samples of the others):
/// - `legacy-key-value-format`, `from-as-casing`, `instruction-casing`, `maintainer-deprecated`,
///   `empty-continuation-line`, `duplicate-stage-name`, `exec-form-not-json`, `syntax-error`: BuildKit's own checks
///   (or errors), every hit what `docker build` says too.
/// - `unknown-instruction`: 666 hits are template text (`{{ }}`, `%%VAR%%`) that BuildKit refuses as well; the
///   other 5 are fixtures written to be wrong (`BOGUS`, `WRONG DOCKERFILE`).
/// - `untagged-image`: right, except placeholders that are no image at all (`FROM REPLACE-ME`, `FROM {{ .from }}`):
///   fixed. `FROM 0` in three buildah fixtures names stage 0 for buildah; left (BuildKit would pull an image `0`).
/// - `package-cache-in-layer`: 117 hits were `apt-get dist-clean`, 19 `yarn --version` taken for an install, and
///   the rest apt installs that refresh no lists (the lists were an earlier layer's), a RUN that goes on to run a
///   cleanup script, and `pip --no-cache-dir install`: fixed; the split `RUN apt-get update` / `RUN apt-get
///   install` is now reported where the lists are written (10 new hits, right).
/// - `shell-cmd-signals`: `CMD /bin/sh` and `CMD /bin/bash` (12) run the same shell as PID 1 in exec form;
///   `CMD cat /build.txt`, `CMD echo a && ls b` and the book's other print-and-exit commands (16) end before a
///   signal could matter; two Windows `CMD`s run under `cmd /S /C`: fixed.
/// - `invalid-instruction`, `instruction-before-from`, `invalid-healthcheck`, `invalid-expose`: BuildKit's refusals
///   (every hit read): 22 `FROM` lines of docker-library templates (`FROM {{ ... }}`), three fixtures written to be
///   wrong (docker-language-server's `FROM` and `FROM scratch AS`, imagebuilder's bare `HEALTHCHECK`), and buildah and imagebuilder
///   tests whose stage names BuildKit refuses (`AS platform-arm/v7`, `AS ${TARGET3}`: buildah accepts them,
///   BuildKit does not expand variables in a stage name).
/// - `pipe-without-pipefail` (new; hadolint 2.15.1's DL4006 gives 666 on the corpus, counting `RUN`s that set
///   `pipefail` themselves, pipes from `echo`/`printf`/`yes`, and stages that inherit a `pipefail` SHELL): samples
///   read (`scanelf ... | tr | sort -u | xargs` in docker-library/php, `wget -O- ... | sh` in buildkit's lint
///   image, `locale -a | grep` in postgres): a failure on the left would pass unnoticed; right. A pipe after a
///   command with a substitution (`curl .../$(uname -m).tar.gz | tar xz` in ollama) was missed: fixed (6 more).
/// - `apt-install-recommends` (new; hadolint 2.15.1's DL3015 gives 72, one per `RUN` where dflint reports each
///   install): samples read (microservices-demo's `apt-get install -y unzip procps wget`, kubernetes' cross
///   image, docker-maven's corretto JDK): installs that take recommends nobody asked for; right.
/// - Package-manager rules (new). Prompts: `apt-get-without-yes`, `yum-without-yes`, `dnf-without-yes`,
///   `zypper-without-non-interactive` have no hits (hadolint's DL3014 gives 2, both `apt-get install -s`, a
///   simulation that asks nothing, in docker-library/postgres; DL3038 gives 4, all `microdnf`, which never asks).
///   `apt-instead-of-apt-get`: 16, every one a real `apt update` / `apt install` (kaniko, kind, sha1cd; DL3027
///   gives 10, one per `RUN`). Pinning of language packages, read in full: `unpinned-pip-package` 20 (`pip install
///   Flask`, `pip install --upgrade pip`; DL3013 17), `unpinned-npm-package` 7 (DL3016 6; one more behind
///   `sudo -u node`), `unpinned-gem` 9 (DL3028 9), `unpinned-go-package` 13 (`go install ...@latest` in moby,
///   buildx, compose, kind; DL3062 14, of which 9 are `go install pkg` without a version, which builds what go.mod
///   requires): right. Pinning of distribution packages is off by default (pins vanish from the mirrors); its
///   counts are in the rules' docs: `unpinned-apt-package` 661 (DL3008 545 `RUN`s), `unpinned-apk-package` 391
///   (DL3018 328), `unpinned-yum-package` 15 (DL3033 15), `unpinned-dnf-package` 41 (DL3041 35; `tdnf` in the
///   dotnet images), `unpinned-zypper-package` and `zypper-dist-upgrade` 0.
/// - `copy-from-unknown-stage`: docker/compose and buildx's docs tool copy `--from=set` where the stage is
///   `license-set`: real bugs.
/// - `too-deeply-nested`: no hits; no script in the corpus nests anywhere near 256 levels.
/// - The shell rules with ShellCheck codes (new): `backtick-substitution` (SC2006; every hit a real backtick
///   substitution, in buildah's and kaniko's test files, with a safe fix where no backslash is inside),
///   `negation-skips-errexit` (SC2251; postgres' `! grep -q '/usr/share/locale' ...` under `set -eux`, a check that
///   can never fail the build: right), `undefined-shell-variable` (SC2154; buildah and kaniko fixtures that read
///   variables on purpose, and docker-library templates whose `%%...%%` text hides the assignment: left, as
///   ShellCheck reports them too). The other shell rules are off by default; their docs say why.
/// - BuildKit's checks (new: `undefined-arg-in-from`, `invalid-default-arg-in-from`, `copy-ignored-file`,
///   `expose-host-mapping`, `constant-from-platform`, `secret-in-arg-or-env`, `stage-name-casing`,
///   `redundant-target-platform`, `expose-proto-casing`; every hit read for rules under 60): `undefined-arg-in-from`
///   (7) and `invalid-default-arg-in-from` (43) are buildah, kaniko, skaffold and kubernetes/release files whose
///   `FROM $BASEIMAGE` needs a `--build-arg` (or names an ARG declared in a stage): right, BuildKit says the same.
///   `secret-in-arg-or-env`: 34 `AWS_SECRET_ACCESS_KEY` (compose's e2e data), `COMPOSER_AUTH`, `sa_password`,
///   `MYSQL_PASSWORD`: right; 25 docker-library `ENV GPG_KEY` (a public key's fingerprint), which BuildKit reports,
///   an expert would not act on: no longer reported (72 to 47). `stage-name-casing`: 4 mixed-case names (kaniko,
///   buildah): right; 3 names written with a variable, which Docker refuses anyway (`invalid-instruction`): dropped
///   (7 to 4). `redundant-target-platform`: 14 openfaas templates with `--platform=${TARGETPLATFORM:-linux/amd64}`,
///   where the default never applies (the variable is always set): right. `constant-from-platform`: ollama's
///   `linux/arm64` stages named by GPU and the deno dev container's `linux/amd64`: right (the build cannot target
///   another platform). No `.dockerignore` is known over the corpus (no contexts), and no EXPOSE with a host or
///   protocol in capitals: 0 for `copy-ignored-file`, `expose-host-mapping` and `expose-proto-casing`.
/// - `undefined-var` (new; checked only on stages whose base image's environment is known): 48 hits were
///   docker-library tomcat's `ENV LD_LIBRARY_PATH ${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}...`, written for the unset
///   case, which BuildKit reports and an expert would not touch: no longer reported (63 to 12; the dev containers'
///   `${templateOption:installZsh}` template text goes with them, BuildKit refuses that modifier). The rest read:
///   kaniko's `COPY context/foo $HOME/foo` on debian (HOME is not in the image's environment: the copy lands in
///   `/foo`), kaniko's and buildah's deliberate `$doesntexist`/`${BOGUS}`, `ARG NAME="$NAME-dev"` with no global
///   `NAME` default in scope, `LABEL architecture=$TARGETARCH` without `ARG TARGETARCH`, and docker's
///   `{{ $key }}` template text: right (BuildKit says the same).
/// - hadolint's DL rules (new; each with hadolint 2.15.1's count on the corpus where it differs):
///   - `copy-multiple-sources-to-file` (DL3021): every hit read: buildah's `.bad` fixtures and copies of a glob
///     pair to a file path, which the classic builder refuses and BuildKit overwrites; one docker-library template
///     whose `{{ }}` flag splits a JSON form into words. Five were `COPY a b .` (ollama's among them), which BuildKit
///     copies into the working directory as meant: fixed.
///   - `env-self-reference` (DL3044): the one hit (vscode-dev-containers' `ENV NVM_DIR=... PATH=$NVM_DIR/...`)
///     gets an empty `NVM_DIR` in `PATH`: right.
///   - `copy-relative-without-workdir` (DL3045): samples read: `COPY . .` into `/` of an alpine download stage
///     (skaffold), ollama's `COPY llama/... llama/...` in stages that never set a `WORKDIR`, gogs' `./custom/conf`
///     that relies on the base image's `WORKDIR`; each depends on the base image's working directory, which is
///     what the rule says. Many hits are builder test fixtures (buildah, kaniko, imagebuilder).
///   - `user-root-last` (DL3002; hadolint reports build stages too): the gradle images' final `USER root` and the
///     devcontainer bases' `USER root`: the container runs as root, chosen or not; an expert asks for it to be
///     said with a suppression.
///   - `sudo-in-run` (DL3004): vscode-dev-containers' patch images `sudo` after `USER vscode`: right.
///   - `add-instead-of-copy` (DL3020): samples read (`ADD package.json .`, `ADD META-INF /app/META-INF`, buildah's
///     and kaniko's ADD fixtures): local files and folders; right.
///   - `ln-bin-sh` (DL4005): its one hit, kaniko's `ln -s /busybox/sh /bin/sh`, creates the `/bin/sh` a
///     busybox-only image lacks (without `-f`, `ln` cannot replace one): fixed, only a forced link or one after
///     `rm /bin/sh` is reported.
///   - `useradd-without-no-log-init` (DL3046), `archive-copied-then-extracted` (DL3010): no hits.
///   - the label schema rules (DL3049 to DL3058 but DL3057): they check only the labels of a project's schema, and the
///     corpus run has none, so no hits; `invalid-label-key` (DL3048) is off by default.
const COUNTS: &[(&str, usize, usize)] = &[
    ("unknown-instruction", 671, 671),
    ("unknown-flag", 0, 0),
    ("workdir-relative-path", 10, 10),
    ("duplicate-stage-name", 2, 2),
    ("reserved-stage-name", 0, 0),
    ("invalid-instruction", 30, 30),
    ("instruction-before-from", 0, 0),
    ("invalid-healthcheck", 0, 0),
    ("invalid-expose", 0, 0),
    ("untrusted-registry", 0, 0),
    ("latest-tag", 58, 58),
    ("untagged-image", 668, 650),
    ("source-copy-before-install", 33, 33),
    ("volatile-layer-before-stable", 8, 8),
    ("missing-dockerignore", 0, 0),
    ("package-cache-in-layer", 276, 139),
    ("toolchain-in-final-image", 3, 3),
    ("build-deps-in-final-stage", 2, 2),
    ("final-stage-from-builder", 0, 0),
    ("copy-from-unknown-stage", 3, 3),
    ("copy-from-missing-artifact", 0, 0),
    ("chmod-after-copy", 26, 26),
    ("entrypoint-shell-form", 17, 17),
    ("cmd-shell-form-with-entrypoint", 1, 1),
    ("exec-form-single-string", 0, 0),
    ("exec-form-not-json", 1, 1),
    ("multiple-cmd", 10, 10),
    ("multiple-entrypoint", 1, 1),
    ("multiple-healthcheck", 2, 2),
    ("shell-cmd-signals", 60, 30),
    ("pipe-without-pipefail", 350, 356),
    ("apt-install-recommends", 88, 88),
    ("apt-get-without-yes", 0, 0),
    ("yum-without-yes", 0, 0),
    ("zypper-without-non-interactive", 0, 0),
    ("dnf-without-yes", 0, 0),
    ("apt-instead-of-apt-get", 16, 16),
    ("unpinned-pip-package", 20, 20),
    ("unpinned-npm-package", 7, 7),
    ("unpinned-gem", 9, 9),
    ("unpinned-go-package", 13, 13),
    ("instruction-casing", 11, 11),
    ("from-as-casing", 233, 233),
    ("legacy-key-value-format", 1537, 1537),
    ("empty-continuation-line", 6, 6),
    ("maintainer-deprecated", 11, 11),
    ("syntax-error", 1, 1),
    ("unused-suppression", 0, 0),
    ("too-deeply-nested", 0, 0),
    ("backtick-substitution", 37, 37),
    ("negation-skips-errexit", 11, 11),
    ("undefined-shell-variable", 11, 11),
    ("undefined-var", 63, 12),
    ("undefined-arg-in-from", 7, 7),
    ("invalid-default-arg-in-from", 43, 43),
    ("copy-ignored-file", 0, 0),
    ("expose-host-mapping", 0, 0),
    ("constant-from-platform", 3, 3),
    ("secret-in-arg-or-env", 72, 47),
    ("stage-name-casing", 7, 4),
    ("redundant-target-platform", 14, 14),
    ("expose-proto-casing", 0, 0),
    ("copy-multiple-sources-to-file", 15, 10),
    ("env-self-reference", 1, 1),
    ("copy-relative-without-workdir", 220, 220),
    ("user-root-last", 35, 35),
    ("sudo-in-run", 31, 31),
    ("useradd-without-no-log-init", 0, 0),
    ("archive-copied-then-extracted", 0, 0),
    ("add-instead-of-copy", 129, 129),
    ("ln-bin-sh", 1, 0),
    ("missing-label", 0, 0),
    ("superfluous-label", 0, 0),
    ("empty-label", 0, 0),
    ("label-not-url", 0, 0),
    ("label-not-rfc3339", 0, 0),
    ("label-not-spdx", 0, 0),
    ("label-not-git-hash", 0, 0),
    ("label-not-semver", 0, 0),
    ("label-not-email", 0, 0),
    ("metadata-after-volatile", 777, 0),
];

/// Hits judged wrong and left: (file, 1-based line, rule, why).
const WRONG_LEFT: &[(&str, usize, &str, &str)] = &[
    ("moby__moby/hack__dockerfiles__generate-files.Dockerfile", 9, "package-cache-in-layer", "a CI file: its last stage, `validate`, checks generated code and is never shipped; nothing in the file says so"),
    ("moby__buildkit/hack__dockerfiles__archutil.Dockerfile", 13, "package-cache-in-layer", "same: the last stage is `validate`"),
    ("moby__buildkit/hack__dockerfiles__generated-files.Dockerfile", 12, "package-cache-in-layer", "same: the last stage is `validate`"),
];

/// Former false positives, one example per class: (file, 1-based line, rule, class). They must not come back.
const FIXED: &[(&str, usize, &str, &str)] = &[
    ("docker-library__buildpack-deps/debian__trixie__curl__Dockerfile", 11, "package-cache-in-layer", "`apt-get dist-clean` deletes the lists"),
    ("docker-library__httpd/2.4__Dockerfile", 15, "package-cache-in-layer", "`apt-get install --update` then `apt-get dist-clean`"),
    ("nodejs__docker-node/24__trixie__Dockerfile", 70, "package-cache-in-layer", "`yarn --version` installs nothing"),
    ("microsoft__vscode-dev-containers/containers__r__.devcontainer__Dockerfile", 31, "package-cache-in-layer", "`pip --no-cache-dir install`: the option before the subcommand"),
    ("GoogleContainerTools__kaniko/integration__dockerfiles__Dockerfile_test_issue_2066", 3, "package-cache-in-layer", "an install that refreshes no lists leaves none"),
    ("sixeyed__diamol/ch17__exercises__socat__Dockerfile", 4, "package-cache-in-layer", "the lists are in the layer of the `RUN apt-get update` above, reported there"),
    ("microsoft__vscode-dev-containers/containers__codespaces-linux__.devcontainer__base.Dockerfile", 51, "package-cache-in-layer", "the RUN goes on to run scripts that clean up"),
    ("devcontainers__images/build__assets__alpine.Dockerfile", 2, "untagged-image", "`FROM REPLACE-ME` is a placeholder"),
    ("docker-library__php/Dockerfile-linux.template", 36, "untagged-image", "`FROM {{ env.from }}` is template text"),
    ("containers__buildah/contrib__docker__Dockerfile", 9, "shell-cmd-signals", "`CMD /bin/bash`: the same shell is PID 1 in exec form"),
    ("sixeyed__diamol/ch06__exercises__file-display__Dockerfile", 2, "shell-cmd-signals", "`CMD cat /input.txt` prints and exits"),
    ("sixeyed__diamol/images__cert-generator__windows__Dockerfile", 33, "shell-cmd-signals", "a Windows file (backtick escape): `cmd /S /C`, not `/bin/sh`"),
    ("sixeyed__diamol/ch19__exercises__timecheck__Dockerfile-5.0", 38, "shell-cmd-signals", "the stage named `windows`: `start /B` is cmd's"),
    ("BretFisher__udemy-docker-mastery/dockerfile-sample-5__bad.Dockerfile", 5, "metadata-after-volatile", "off by default"),
    ("docker-library__python/3.10__slim-bookworm__Dockerfile", 27, "secret-in-arg-or-env", "`ENV GPG_KEY`: a public key's fingerprint"),
    ("docker-library__tomcat/10.1__jre11__temurin-jammy__Dockerfile", 16, "undefined-var", "`${LD_LIBRARY_PATH:+...}` is written for the unset case"),
    ("containers__buildah/tests__bud__save-stages__Dockerfile.arg-build-stages-and-chained-build-stages", 5, "stage-name-casing", "`AS ${FIRST_STAGE}`: refused by Docker whatever its case"),
    ("ollama__ollama/Dockerfile", 214, "copy-multiple-sources-to-file", "`.` is the working directory, a folder to BuildKit"),
    ("GoogleContainerTools__kaniko/deploy__Dockerfile", 113, "ln-bin-sh", "`ln -s` without `-f` creates a missing `/bin/sh`"),
];

#[test]
fn metadata_after_volatile_is_off_by_default() {
    let rule = all_rules()
        .iter()
        .find(|r| r.name == "metadata-after-volatile")
        .unwrap();
    assert!(!rule.default_enabled);
    assert!(!Settings::default().is_enabled(rule));
    assert!(Settings::select(["metadata-after-volatile"]).is_enabled(rule));
}

#[test]
fn default_rule_hits_are_the_reviewed_ones() {
    let Some(root) = support::corpus() else {
        return;
    };
    let settings = Settings::default();
    let mut dump =
        std::env::var_os("DFLINT_REVIEW_DUMP").map(|p| std::fs::File::create(p).unwrap());
    let mut got: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hits: Vec<(String, usize, &str)> = Vec::new();
    let files = support::files(&root);
    let linted = support::map_on_all_cores(&files, |path| {
        let doc = Document::parse_bytes(&std::fs::read(path).unwrap());
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let found: Vec<(usize, &'static str, String)> = lint(&doc, &settings, None)
            .into_iter()
            .map(|d| (doc.line_index().line(d.range.start) + 1, d.name, d.message))
            .collect();
        (rel, found)
    });
    for (rel, found) in linted {
        for (line, name, message) in found {
            *got.entry(name).or_default() += 1;
            if let Some(f) = dump.as_mut() {
                writeln!(f, "{rel}\t{line}\t{name}\t{message}").unwrap();
            }
            hits.push((rel.clone(), line, name));
        }
    }
    let defaults: Vec<&str> = all_rules()
        .iter()
        .filter(|r| r.default_enabled)
        .map(|r| r.name)
        .collect();
    let missing: Vec<_> = defaults
        .iter()
        .filter(|r| !COUNTS.iter().any(|c| c.0 == **r))
        .collect();
    assert!(
        missing.is_empty(),
        "default rules missing from COUNTS: {missing:?}"
    );
    let changed: Vec<String> = COUNTS
        .iter()
        .filter(|(rule, _, now)| got.get(rule).copied().unwrap_or(0) != *now)
        .map(|(rule, _, now)| {
            format!(
                "{rule}: {} (table: {now})",
                got.get(rule).copied().unwrap_or(0)
            )
        })
        .collect();
    assert!(
        changed.is_empty(),
        "review the hits (DFLINT_REVIEW_DUMP) and update COUNTS:\n{changed:#?}\nall: {got:#?}"
    );
    let has = |f: &str, l: usize, r: &str| hits.iter().any(|h| h.0 == f && h.1 == l && h.2 == r);
    let back: Vec<_> = FIXED.iter().filter(|x| has(x.0, x.1, x.2)).collect();
    assert!(back.is_empty(), "fixed false positives are back: {back:#?}");
    let gone: Vec<_> = WRONG_LEFT.iter().filter(|x| !has(x.0, x.1, x.2)).collect();
    assert!(
        gone.is_empty(),
        "wrong hits are gone: move them to FIXED: {gone:#?}"
    );
}
