//! The model of one document: the state in force and the effects of every instruction, the dependencies between the
//! instructions of a stage, and each stage's image config. Rules ask it before they move, drop or merge lines.
use std::collections::BTreeMap;

use super::effects::{self, Effects};
use super::facts::{base_stage, Facts};
use super::state::States;
use crate::syntax::{buildkit, Document, Kind};

/// The build model of a document.
pub(crate) struct BuildModel {
    pub states: States,
    /// Per instruction.
    pub effects: Vec<Effects>,
}

impl BuildModel {
    pub fn of(doc: &Document, f: &Facts) -> BuildModel {
        let states = States::of(doc);
        let effects = effects::of_document(doc, f, &states);
        BuildModel { states, effects }
    }

    /// Whether instructions `a` and `b` (of one stage) must keep their order.
    pub fn depends(&self, a: usize, b: usize) -> bool {
        self.effects[a].conflicts(&self.effects[b])
    }

    /// The instructions of earlier stages whose writes instruction `i` reads through `COPY --from`, a mount's
    /// `from=` or `FROM <stage>`: (stage, instruction). An instruction whose effects are unknown may have written
    /// anything. What the stage read inherited from the stage it builds on is its FROM line: that FROM reads the
    /// stage below in turn, so the edges reach every ancestor without a walk per read (a chain of thousands of
    /// `FROM <previous>` stages stays linear).
    pub fn stage_edges(&self, doc: &Document, i: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for read in &self.effects[i].stage_reads {
            let Some(s) = read.stage.and_then(|s| doc.stages().get(s)) else {
                continue;
            };
            for w in s.instructions.start + 1..s.instructions.end {
                // Only these put files in a stage (a template's placeholder makes any line unknown).
                if !matches!(
                    doc.instructions()[w].kind,
                    Kind::Run | Kind::Copy | Kind::Add
                ) {
                    continue;
                }
                let writes = &self.effects[w].writes;
                let hit = writes.unknown || writes.paths.iter().any(|p| p.overlaps(&read.path));
                if hit && !out.contains(&(s.index, w)) {
                    out.push((s.index, w));
                }
            }
            let inherits = base_stage(doc, s).is_some_and(|p| p.index < s.index);
            if inherits && !out.contains(&(s.index, s.instructions.start)) {
                out.push((s.index, s.instructions.start));
            }
        }
        out
    }

    /// Whether running the instructions of a stage in `order` (old indices, every instruction once) keeps every
    /// dependent pair in its order; `Err` holds the first pair (earlier, later) it would swap.
    pub fn check_order(&self, order: &[usize]) -> Result<(), (usize, usize)> {
        for (p, &x) in order.iter().enumerate() {
            for &y in &order[p + 1..] {
                if y < x && self.depends(y, x) {
                    return Err((y, x));
                }
            }
        }
        Ok(())
    }

    /// Whether `moving` (ascending indices of one stage) can be taken out and put, in their order, right before
    /// instruction `before` (`stage_end` for after the last instruction of the stage `range`). `Err` holds the pair
    /// that would swap.
    pub fn check_move(
        &self,
        range: std::ops::Range<usize>,
        moving: &[usize],
        before: usize,
    ) -> Result<(), (usize, usize)> {
        let mut order: Vec<usize> = Vec::with_capacity(range.len());
        for i in range.clone() {
            if i == before {
                order.extend_from_slice(moving);
            }
            if !moving.contains(&i) {
                order.push(i);
            }
        }
        if before >= range.end {
            order.extend_from_slice(moving);
        }
        self.check_order(&order)
    }

    /// The image config each stage ends with, as key → value (BuildKit's reading of the values, not expanded).
    /// A stage built on an image starts from an empty config (the image's is not known); `FROM <stage>` inherits.
    pub fn config(&self, doc: &Document) -> Vec<BTreeMap<String, String>> {
        let mut out: Vec<BTreeMap<String, String>> = Vec::new();
        for stage in doc.stages() {
            let base = base_stage(doc, stage)
                .filter(|p| p.index < stage.index)
                .map(|p| out[p.index].clone())
                .unwrap_or_default();
            let body = stage.instructions.start + 1..stage.instructions.end;
            out.push(self.stage_config(doc, stage.index, base, body));
        }
        out
    }

    /// The config stage `stage` ends with when its instructions after FROM are `body` (in that order) and it starts
    /// from `c` (what it inherits). The stage's final WORKDIR is the model's.
    pub fn stage_config(
        &self,
        doc: &Document,
        stage: usize,
        mut c: BTreeMap<String, String>,
        body: impl IntoIterator<Item = usize>,
    ) -> BTreeMap<String, String> {
        let text = doc.text();
        let escape = doc.escape();
        let mut cmd_set = false;
        let mut onbuild = 0;
        for i in body {
            let ins = &doc.instructions()[i];
            let kind = ins.kind;
            if !matches!(
                kind,
                Kind::Env
                    | Kind::Label
                    | Kind::Expose
                    | Kind::User
                    | Kind::Cmd
                    | Kind::Entrypoint
                    | Kind::Healthcheck
                    | Kind::Stopsignal
                    | Kind::Shell
                    | Kind::Volume
                    | Kind::Onbuild
                    | Kind::Maintainer
            ) {
                continue;
            }
            let view = match buildkit::view(ins, text, escape) {
                Ok(v) => v,
                Err(_) => {
                    c.insert(
                        format!("{} ?{i}", kind.keyword()),
                        ins.logical(text).into_owned(),
                    );
                    continue;
                }
            };
            let joined = || {
                let mut s = String::new();
                if view.json {
                    s.push_str("json ");
                }
                for f in &view.flags {
                    s.push_str(f);
                    s.push('\u{1f}');
                }
                s.push_str(&view.value.join("\u{1f}"));
                s
            };
            match kind {
                // The values with quotes removed: `ENV a b` and `ENV a="b"` set the same.
                Kind::Env | Kind::Label => {
                    for p in &ins.pairs {
                        let v = p
                            .value
                            .as_ref()
                            .map(|w| w.value.clone())
                            .unwrap_or_default();
                        c.insert(format!("{} {}", kind.keyword(), p.key), v);
                    }
                }
                Kind::Expose => {
                    for v in &view.value {
                        c.insert(format!("EXPOSE {}", exposed_port(v)), String::new());
                    }
                }
                Kind::Volume => {
                    for v in &view.value {
                        c.insert(format!("VOLUME {v}"), String::new());
                    }
                }
                Kind::Onbuild => {
                    c.insert(format!("ONBUILD {onbuild}"), joined());
                    onbuild += 1;
                }
                Kind::Cmd => {
                    cmd_set = true;
                    c.insert("CMD".into(), joined());
                }
                Kind::Entrypoint => {
                    if !cmd_set {
                        c.remove("CMD");
                    }
                    c.insert("ENTRYPOINT".into(), joined());
                }
                _ => {
                    c.insert(kind.keyword().to_string(), joined());
                }
            }
        }
        let workdir = self
            .states
            .end
            .get(stage)
            .and_then(|s| s.workdir.as_deref());
        c.insert("WORKDIR".into(), workdir.unwrap_or("?").to_string());
        c
    }
}

/// An `EXPOSE` word as the image records it: BuildKit drops an address and a host port, lowercases the protocol
/// and defaults it to `tcp` (`127.0.0.1:80:80/TCP` is `80/tcp`); a word with a variable stays as written.
fn exposed_port(word: &str) -> String {
    if word.contains('$') {
        return word.to_string();
    }
    let container = word.rsplit(':').next().unwrap_or(word);
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    let proto = if proto.is_empty() {
        "tcp".to_string()
    } else {
        proto.to_ascii_lowercase()
    };
    format!("{port}/{proto}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(src: &str) -> (Document, BuildModel) {
        let doc = Document::parse(src);
        let f = Facts::of(&doc, None);
        let m = BuildModel::of(&doc, &f);
        (doc, m)
    }

    /// Whether instruction `a` and `b` (0-based, FROM included) depend on each other.
    fn dep(src: &str, a: usize, b: usize) -> bool {
        let (_, m) = model(src);
        m.depends(a, b)
    }

    #[test]
    fn a_run_records_the_paths_it_puts_files_at() {
        // A redirect after a chain (which the grammar reads as the whole chain's) belongs to its last command.
        let (_, m) = model("FROM golang\nRUN true && echo hi > /etc/motd\nRUN cat /etc/motd\n");
        assert_eq!(
            m.effects[1].placed,
            [super::super::access::PathAccess::file("/etc/motd")]
        );
        assert!(m.depends(1, 2));
        let (_, m) = model("FROM golang\nWORKDIR /src\nRUN go build -o /out/app . && cp static/banner.txt /etc/ && echo hi > /etc/motd && ln -s /out/app /usr/bin/app && mkdir -p data && rm -rf /var/x\n");
        let placed: Vec<&str> = m.effects[2]
            .placed
            .iter()
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            placed,
            ["/etc", "/etc/motd", "/usr/bin/app", "/src/data"],
            "{:?}",
            m.effects[2]
        );
        // `tee`, `sed -i`, and archives unpacked where the command says.
        for (run, want) in [
            ("echo hi | tee /etc/motd /dev/null", &["/etc/motd"][..]),
            ("echo hi | tee -a /etc/motd", &["/etc/motd"]),
            ("sed -i 's/a/b/' /etc/app.conf", &["/etc/app.conf"]),
            (
                "sed -i.bak -e 's/a/b/' -e 's/c/d/' /etc/a /etc/b",
                &["/etc/a", "/etc/b"],
            ),
            ("sed -ri 's/a/b/' conf/app.conf", &["/src/conf/app.conf"]),
            (
                "sed 's/a/b/' /etc/app.conf > /etc/app2.conf",
                &["/etc/app2.conf"],
            ),
            ("tar -xzf /tmp/x.tgz -C /opt/x", &["/opt/x"]),
            ("tar xzf /tmp/x.tgz --directory=/opt/x", &["/opt/x"]),
            (
                "tar --extract -f /tmp/x.tar --directory /opt/x",
                &["/opt/x"],
            ),
            ("tar -czf /tmp/x.tgz -C /opt/x .", &[]),
            ("unzip -q /tmp/x.zip -d /opt/x", &["/opt/x"]),
            ("7z x /tmp/x.7z -o/opt/x", &["/opt/x"]),
        ] {
            let (_, m) = model(&format!("FROM golang\nWORKDIR /src\nRUN {run}\n"));
            let e = &m.effects[2];
            let placed: Vec<&str> = e.placed.iter().map(|p| p.path.as_str()).collect();
            assert!(!e.writes.unknown, "{run}: {e:?}");
            assert_eq!(placed, want, "{run}");
        }
        // The script given with `-e` is no file.
        let (_, m) = model("FROM a\nWORKDIR /src\nRUN sed -i -e 's/a/b/' /etc/x\nRUN cat s/a/b\n");
        assert!(!m.depends(2, 3));
        let (_, m) = model("FROM a\nRUN tar -xzf /tmp/x.tgz -C /opt/x\nRUN ls /opt/x/bin\n");
        assert!(m.depends(1, 2), "the unpacked files are read");
        let (_, m) = model("FROM a\nRUN perl -MFile::Find -e 'x'\n");
        assert!(
            m.effects[1].writes.unknown,
            "a perl program, not an edit in place"
        );
    }

    // The failure classes real files showed: each must create an edge.

    #[test]
    fn yum_reads_the_repo_file_copied_before_it() {
        let src = "FROM centos:7\nCOPY internal.repo /etc/yum.repos.d/\nCOPY . /app\nRUN yum install -y --enablerepo=internal tool\n";
        assert!(dep(src, 1, 3));
        assert!(!dep(src, 2, 3), "the sources are not read by yum");
    }

    #[test]
    fn apt_reads_its_sources_and_the_ca_store() {
        let src = "FROM debian\nCOPY mirror.sources /etc/apt/sources.list.d/\nCOPY corp.crt /usr/local/share/ca-certificates/\nRUN update-ca-certificates\nRUN apt-get update && apt-get install -y curl\n";
        assert!(dep(src, 1, 4), "apt reads /etc/apt");
        assert!(
            dep(src, 2, 3),
            "update-ca-certificates reads the certificate"
        );
        assert!(dep(src, 3, 4), "apt reads the CA store it wrote");
        assert!(dep(src, 2, 4), "and the certificate folder");
    }

    #[test]
    fn a_build_reads_the_folder_it_runs_in() {
        let src = "FROM golang\nCOPY src /app/src\nWORKDIR /app/src/cmd/x\nRUN go build -o /out/x\nCOPY index.html /app/static/\n";
        assert!(dep(src, 1, 3));
        assert!(!dep(src, 3, 4), "Go does not read HTML");
        let src = "FROM node\nWORKDIR /app/web\nCOPY docs /srv/docs\nRUN npm run build\n";
        assert!(!dep(src, 2, 3), "a folder elsewhere");
        let src = "FROM node\nWORKDIR /app/web\nCOPY shared /app/shared\nRUN npm run build\n";
        assert!(
            dep(src, 2, 3),
            "a folder beside the project may be a workspace"
        );
        let src = "FROM node\nWORKDIR /app/web\nCOPY package.json /app/\nRUN npm run build\n";
        assert!(dep(src, 2, 3), "a workspace file in a folder above");
    }

    #[test]
    fn relative_paths_resolve_against_workdir() {
        let src = "FROM golang\nWORKDIR /w\nCOPY src ./src\nRUN go build ./src\n";
        assert!(dep(src, 2, 3));
        let src = "FROM golang\nCOPY src ./src\nRUN go build ./src\n";
        assert!(dep(src, 1, 2), "an unknown WORKDIR is the same for both");
        let src = "FROM a\nWORKDIR /app\nRUN make\n";
        assert!(dep(src, 1, 2), "make runs in the folder WORKDIR set");
        let src = "FROM a\nWORKDIR /app\nRUN apt-get install -y curl\n";
        assert!(!dep(src, 1, 2), "apt does not care where it runs");
    }

    #[test]
    fn variables_create_edges() {
        let src = "FROM a\nARG DIR=/opt/x\nCOPY x $DIR/\nENV PIP_INDEX_URL=https://mirror\nRUN pip install tool\nLABEL a=b\n";
        assert!(dep(src, 1, 2), "the copy references the ARG");
        assert!(dep(src, 3, 4), "pip reads PIP_* from its environment");
        assert!(!dep(src, 3, 5), "a label reads no variable");
        assert!(!dep(src, 2, 3));
    }

    #[test]
    fn state_instructions_create_edges() {
        let src = "FROM a\nUSER app\nRUN apk add x\nSHELL [\"bash\", \"-c\"]\nCMD run\nCOPY --chown=app x /x\nRUN useradd app\n";
        assert!(dep(src, 1, 2), "a RUN runs as the user");
        assert!(dep(src, 3, 4), "a shell-form CMD uses SHELL");
        assert!(dep(src, 5, 6), "--chown looks the name up in /etc/passwd");
    }

    #[test]
    fn unknown_pins() {
        let src = "FROM a\nCOPY . .\nRUN ./install.sh\nRUN curl -fsSL https://x | sh\nCOPY $UNSET /x\nLABEL a=b\n";
        let (_, m) = model(src);
        assert!(m.effects[2].is_unknown(), "a script it executes");
        assert!(m.effects[3].is_unknown(), "`sh` runs what it downloads");
        assert!(m.depends(1, 2) && m.depends(2, 4));
        assert!(
            !m.effects[4].is_unknown(),
            "an unknown source still writes /x"
        );
        assert!(!m.depends(2, 5), "config reaches no file");
        let src = "FROM a\nRUN cd $(mktemp -d) && make\nWORKDIR $NOPE\nCOPY a b\n";
        let (_, m) = model(src);
        assert!(m.effects[1].is_unknown());
        assert!(
            m.effects[3].writes.unknown,
            "relative to an unknown WORKDIR"
        );
    }

    #[test]
    fn later_stages_read_what_earlier_ones_wrote() {
        let src = "FROM golang AS build\nWORKDIR /src\nRUN go build -o /out/app\nRUN echo hi > /out/notes.txt\nFROM debian\nCOPY --from=build /out/app /usr/local/bin/app\nCOPY --from=nginx:alpine /etc/nginx /etc/nginx\nCOPY --from=0 /out /srv/out\nFROM build AS test\nRUN ./run-tests.sh\nFROM debian\nCOPY --from=test /out/app /app\n";
        let (doc, m) = model(src);
        assert_eq!(
            m.stage_edges(&doc, 5),
            [(0, 2)],
            "the binary, not the notes"
        );
        assert!(m.stage_edges(&doc, 6).is_empty(), "an image");
        assert_eq!(m.stage_edges(&doc, 7), [(0, 2), (0, 3)], "by index");
        assert_eq!(
            m.stage_edges(&doc, 8),
            [(0, 2), (0, 3)],
            "FROM <stage> starts from every file it wrote"
        );
        let mut e = m.stage_edges(&doc, 11);
        e.sort_unstable();
        assert_eq!(
            e,
            [(2, 8), (2, 9)],
            "an unknown step may have written it, and so may the stage it builds on (through its FROM)"
        );
    }

    #[test]
    fn mounts_read_their_source_and_hide_the_image_below_their_target() {
        let src = "FROM debian AS build\nRUN echo x > /out/x\nFROM debian\nWORKDIR /src\nCOPY app.conf /src/ctx/app.conf\nRUN --mount=type=bind,target=/src/ctx cp /src/ctx/app.conf /etc/app.conf\nRUN --mount=type=bind,target=mnt cp /src/ctx/app.conf /etc/app.conf\nRUN --mount=type=tmpfs,target=/tmp/b cp -r /etc/app.conf /tmp/b\nRUN cat /tmp/b/app.conf\nRUN --mount=type=bind,from=build,source=/out,target=/mnt cp /mnt/x /etc/x\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc cat /root/.npmrc\nCOPY npmrc /root/.npmrc\nRUN --mount=type=cache,from=build,target=/c cat /c/x\n";
        let (doc, m) = model(src);
        assert!(!m.depends(4, 5), "the bind mount hides the copied file");
        assert!(
            m.depends(4, 6),
            "at the relative target's place, the image's file is read"
        );
        assert!(m.depends(3, 6), "a relative target is below the WORKDIR");
        assert!(!m.depends(3, 5));
        assert!(!m.depends(7, 8), "a tmpfs keeps nothing in the image");
        assert_eq!(
            m.stage_edges(&doc, 9),
            [(0, 1)],
            "a bind mount from a stage"
        );
        assert!(m.effects[10]
            .reads
            .vars
            .contains(&" secret:npmrc".to_string()));
        assert!(!m.depends(10, 11), "the secret, not the copied file");
        assert_eq!(
            m.stage_edges(&doc, 12),
            [(0, 1)],
            "a cache seeded from a stage"
        );
    }

    #[test]
    fn moves_keep_dependent_pairs() {
        let src =
            "FROM a\nCOPY internal.repo /etc/yum.repos.d/\nCOPY . /app\nRUN yum install -y tool\n";
        let (doc, m) = model(src);
        let range = doc.stages()[0].instructions.clone();
        assert_eq!(m.check_move(range.clone(), &[3], 2), Ok(()));
        assert_eq!(m.check_move(range, &[3], 1), Err((1, 3)));
    }

    #[test]
    fn config_follows_inheritance_and_entrypoint_resets_cmd() {
        let src = "FROM a AS base\nCMD [\"x\"]\nENV A=1\nEXPOSE 80\nFROM base\nENTRYPOINT [\"y\"]\nENV A 2\nFROM base\nCMD z\nENTRYPOINT [\"y\"]\n";
        let (doc, m) = model(src);
        let c = m.config(&doc);
        assert_eq!(c[0]["CMD"], "json x");
        assert!(
            !c[1].contains_key("CMD"),
            "ENTRYPOINT resets an inherited CMD"
        );
        assert_eq!(c[1]["ENV A"], "2");
        assert!(c[1].contains_key("EXPOSE 80/tcp"));
        assert_eq!(c[2]["CMD"], "z", "a CMD of the stage stays");
        // The ports as the image records them.
        let (doc, m) = model("FROM a\nEXPOSE 127.0.0.1:8080:80/TCP 53/udp $P\n");
        let keys: Vec<String> = m.config(&doc)[0].keys().cloned().collect();
        assert_eq!(
            keys,
            ["EXPOSE $P", "EXPOSE 53/udp", "EXPOSE 80/tcp", "WORKDIR"]
        );
    }
}
