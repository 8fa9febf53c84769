//! What the multi-stage rewrite reads to choose and fill the final stage: the builder image with the global `ARG`
//! defaults resolved, whether a Go module uses cgo (read from the build context), and which named users the
//! builder and the runtime images already have.
use std::collections::HashMap;

use crate::engine::BuildContext;
use crate::knowledge::{image_users, CGO_MODULES};
use crate::syntax::{Document, ImageRef, Kind};

/// The image a `FROM` names, as `(name, tag)`, with the global `ARG` defaults (`ARG GO_VERSION=1.22` before the
/// first `FROM`) put in for `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR-default}`: a build without
/// `--build-arg` uses exactly that image. `None` when a variable has no default (only the build command knows it)
/// or uses another modifier.
pub(crate) fn resolved_image(doc: &Document, image: &ImageRef) -> Option<(String, Option<String>)> {
    if image.vars.is_empty() {
        return Some((image.name.clone(), image.tag.as_ref().map(|t| t.0.clone())));
    }
    let mut globals: HashMap<&str, Option<&str>> = HashMap::new();
    for ins in doc.global_instructions() {
        if ins.kind != Kind::Arg {
            continue;
        }
        for kv in &ins.pairs {
            globals.insert(&kv.key, kv.value.as_ref().map(|v| v.value.as_str()));
        }
    }
    let text = expand(&image.text, &globals)?;
    Some(split_image(&text))
}

/// `text` with its variables replaced, or `None` when one has no known value.
fn expand(text: &str, globals: &HashMap<&str, Option<&str>>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['$', '\\']) {
        out.push_str(&rest[..at]);
        if rest[at..].starts_with('\\') {
            return None;
        }
        let after = &rest[at + 1..];
        let (name, default, used) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            let body = &inner[..end];
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, op) = body.split_at(name_len);
            let default = match op {
                "" => None,
                _ => Some(op.strip_prefix(":-").or_else(|| op.strip_prefix('-'))?),
            };
            (name, default, end + 2)
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..len], None, len)
        };
        if name.is_empty() {
            return None;
        }
        let value = match (globals.get(name), default) {
            (Some(Some(v)), _) if !v.is_empty() => *v,
            (_, Some(d)) => d,
            _ => return None,
        };
        if value.contains(['$', '\\']) {
            return None;
        }
        out.push_str(value);
        rest = &after[used..];
    }
    out.push_str(rest);
    Some(out)
}

/// `registry:5000/golang:1.22@sha256:…` → (`registry:5000/golang`, `1.22`).
fn split_image(text: &str) -> (String, Option<String>) {
    let no_digest = text.split('@').next().unwrap_or(text);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].rfind(':') {
        Some(i) => (
            no_digest[..last_slash + i].to_string(),
            Some(no_digest[last_slash + i + 1..].to_string()),
        ),
        None => (no_digest.to_string(), None),
    }
}

/// Whether the Go module whose sources sit in `src_dir` of the build context uses cgo: an `import "C"` or C
/// sources in its packages (vendored ones included), or a dependency in go.mod that needs cgo
/// (`github.com/mattn/go-sqlite3`). `None` when the context or go.mod is not there to read, or the tree is too
/// big to read whole: then nobody knows.
pub(crate) fn go_uses_cgo(ctx: Option<&dyn BuildContext>, src_dir: &str) -> Option<bool> {
    let ctx = ctx?;
    let dir = src_dir.trim_end_matches('/');
    let join = |d: &str, n: &str| {
        if d.is_empty() {
            n.to_string()
        } else {
            format!("{d}/{n}")
        }
    };
    let go_mod = ctx.read(&join(dir, "go.mod"))?;
    if go_mod.lines().any(|l| {
        let l = l.trim_start().trim_start_matches("require").trim_start();
        CGO_MODULES.iter().any(|m| l.starts_with(m))
    }) {
        return Some(true);
    }
    let mut stack = vec![dir.to_string()];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        for name in ctx.list(&d) {
            seen += 1;
            if seen > 20_000 {
                return None;
            }
            if name.starts_with('.') || name == "testdata" || name == "node_modules" {
                continue;
            }
            let path = join(&d, &name);
            let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            if matches!(ext, "c" | "cc" | "cpp" | "cxx" | "m" | "swig") {
                return Some(true);
            }
            if ext == "go" {
                if name.ends_with("_test.go") {
                    continue;
                }
                if ctx.read(&path).is_some_and(|t| imports_c(&t)) {
                    return Some(true);
                }
                continue;
            }
            if !ctx.list(&path).is_empty() {
                stack.push(path);
            }
        }
    }
    Some(false)
}

/// `import "C"`, alone or in an import block.
fn imports_c(source: &str) -> bool {
    let mut in_block = false;
    for line in source.lines() {
        let l = line.trim();
        if in_block {
            if l.starts_with(')') {
                in_block = false;
            } else if l == "\"C\"" || l.ends_with(" \"C\"") && !l.contains("//") {
                return true;
            }
            continue;
        }
        if l == "import \"C\"" || l.starts_with("import \"C\" ") {
            return true;
        }
        if l.starts_with("import (") {
            in_block = true;
        }
        // Imports come before any declaration.
        if l.starts_with("func ") || l.starts_with("type ") || l.starts_with("var ") {
            return false;
        }
    }
    false
}

/// Where a named `USER` of the build stage stands for the final stage.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UserFate {
    /// The runtime image has it too: the `USER` moves as written.
    Kept,
    /// Why the rewrite must stop (created in the build stage, or missing in the runtime image).
    Blocked(String),
}

/// Whether `user` (a name, maybe `name:group`) of a stage built `FROM builder` can run in `runtime`: users the
/// builder image already has (`node` in node images, Debian's `www-data`) are not created by the build, and the
/// runtime image must have them as well.
pub(crate) fn user_fate(
    user: &str,
    builder: (&str, Option<&str>),
    runtime: &str,
    created: bool,
) -> UserFate {
    let name = user.split(':').next().unwrap_or(user);
    if created {
        return UserFate::Blocked(format!(
            "user `{name}` is created in the build stage: create it in the final stage too, then rewrite by hand"
        ));
    }
    let has = |image: &str, tag: Option<&str>| image_users(image, tag).map(|u| u.contains(&name));
    match has(builder.0, builder.1) {
        Some(true) => {}
        // Not the builder's own: made by something dflint did not recognise.
        _ => {
            return UserFate::Blocked(format!(
                "user `{name}` is not one `{}` is known to have: create it in the final stage too, then rewrite by hand",
                builder.0
            ))
        }
    }
    // The rewrite gives `scratch` the build's user table.
    if runtime == "scratch" {
        return UserFate::Kept;
    }
    let (rt_name, rt_tag) = split_image(runtime);
    match has(&rt_name, rt_tag.as_deref()) {
        Some(true) => UserFate::Kept,
        _ => UserFate::Blocked(format!(
            "user `{name}` is not in `{runtime}`: use a user it has (distroless has `nonroot`), or create `{name}` there, then rewrite by hand"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::MemoryBuildContext;

    fn image(src: &str) -> Option<(String, Option<String>)> {
        let doc = Document::parse(src);
        let stage = doc.stages().last().unwrap();
        let from = &doc.instructions()[stage.from];
        resolved_image(&doc, from.image.as_ref().unwrap())
    }

    #[test]
    fn global_arg_defaults_resolve_the_image() {
        let s = |n: &str, t: &str| Some((n.to_string(), Some(t.to_string())));
        assert_eq!(
            image("ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION}-bookworm\n"),
            s("golang", "1.22-bookworm")
        );
        assert_eq!(
            image("ARG V=1.22\nARG OS=alpine3.20\nFROM golang:$V-$OS\n"),
            s("golang", "1.22-alpine3.20")
        );
        assert_eq!(
            image("FROM golang:${GO_VERSION:-1.21}\n"),
            s("golang", "1.21")
        );
        assert_eq!(
            image("ARG REG=registry:5000\nFROM ${REG}/rust:1.80@sha256:abc\n"),
            s("registry:5000/rust", "1.80")
        );
        assert_eq!(
            image("ARG IMG=golang\nFROM $IMG\n"),
            Some(("golang".into(), None))
        );
        // No default, a stage ARG (FROM does not see it), another modifier: unknown.
        assert_eq!(image("ARG GO_VERSION\nFROM golang:${GO_VERSION}\n"), None);
        assert_eq!(image("FROM a\nARG V=1\nFROM golang:$V\n"), None);
        assert_eq!(image("ARG V=1.22\nFROM golang:${V%.*}\n"), None);
    }

    #[test]
    fn cgo_is_read_from_the_sources_and_go_mod() {
        let plain = MemoryBuildContext::new()
            .with_file(
                "go.mod",
                "module x\n\nrequire github.com/gorilla/mux v1.8.0\n",
            )
            .with_file(
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() {}\n",
            )
            .with_file(
                "cmd/tool/main.go",
                "package main\nimport \"os\"\nfunc main() {}\n",
            )
            .with_file("x_test.go", "package main\nimport \"C\"\n");
        assert_eq!(go_uses_cgo(Some(&plain), ""), Some(false));
        let import_c = plain.clone().with_file(
            "db/sqlite.go",
            "package db\n\n// #include <stdio.h>\nimport \"C\"\n",
        );
        assert_eq!(go_uses_cgo(Some(&import_c), ""), Some(true));
        let block = plain.clone().with_file(
            "db/sqlite.go",
            "package db\n\nimport (\n\t\"unsafe\"\n\t\"C\"\n)\n",
        );
        assert_eq!(go_uses_cgo(Some(&block), ""), Some(true));
        let c_file = plain
            .clone()
            .with_file("native/add.c", "int add(int a) {}\n");
        assert_eq!(go_uses_cgo(Some(&c_file), ""), Some(true));
        let sqlite = MemoryBuildContext::new()
            .with_file(
                "app/go.mod",
                "module x\n\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.22\n)\n",
            )
            .with_file("app/main.go", "package main\n");
        assert_eq!(go_uses_cgo(Some(&sqlite), "app/"), Some(true));
        assert_eq!(go_uses_cgo(Some(&sqlite), ""), None);
        assert_eq!(go_uses_cgo(None, ""), None);
    }

    #[test]
    fn users_of_base_images() {
        assert_eq!(
            user_fate("node", ("node", Some("20")), "node:20-slim", false),
            UserFate::Kept
        );
        assert_eq!(
            user_fate(
                "www-data:www-data",
                ("golang", Some("1.22")),
                "debian:bookworm-slim",
                false
            ),
            UserFate::Kept
        );
        assert_eq!(
            user_fate(
                "nonroot",
                ("gcr.io/distroless/static-debian12", Some("nonroot")),
                "gcr.io/distroless/static-debian12:nonroot",
                false
            ),
            UserFate::Kept
        );
        assert_eq!(
            user_fate("www-data", ("golang", Some("1.22")), "scratch", false),
            UserFate::Kept
        );
        assert!(matches!(
            user_fate("www-data", ("golang", Some("1.22")), "gcr.io/distroless/static-debian12", false),
            UserFate::Blocked(m) if m.contains("not in `gcr.io/distroless/static-debian12`")
        ));
        assert!(matches!(
            user_fate("app", ("golang", Some("1.22")), "debian:bookworm-slim", true),
            UserFate::Blocked(m) if m.contains("created in the build stage")
        ));
        assert!(matches!(
            user_fate(
                "app",
                ("golang", Some("1.22")),
                "debian:bookworm-slim",
                false
            ),
            UserFate::Blocked(_)
        ));
    }
}
