//! Files on disk: Dockerfile discovery (names, `.gitignore` without git, excludes, explicit files), byte-exact
//! reading and atomic writing (CRLF, BOM, permissions, symlinks), and `--diff` output.
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dflint::config::{ConfigResolver, Overrides};
use dflint::fs::{
    discover, read_source, unified_diff, write_atomic, write_source, ExcludeFn, LineEnding,
};

struct Tree(tempfile::TempDir);

impl Tree {
    fn new() -> Tree {
        Tree(tempfile::tempdir().unwrap())
    }
    fn root(&self) -> &Path {
        self.0.path()
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }
    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        path
    }
    /// Found files as `/`-joined paths relative to the root.
    fn relative(&self, files: &[(PathBuf, bool)]) -> Vec<String> {
        files
            .iter()
            .map(|(f, _)| {
                f.strip_prefix(self.root())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }
}

fn nothing_excluded() -> ExcludeFn {
    Arc::new(|_: &Path| false)
}

#[test]
fn discovery_matches_names_respects_gitignore_without_git_and_sorts() {
    let tree = Tree::new();
    for rel in [
        "Dockerfile",
        "Dockerfile.dev",
        "api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
        "Containerfile.prod",
        "Dockerfile.dockerignore",
        "README.md",
        "docker/Dockerfile",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        "sub/build.Dockerfile",
        "sub/skip.Dockerfile",
        "node_modules/x/Dockerfile",
    ] {
        tree.write(rel, b"FROM scratch\n");
    }
    // No `.git` folder with a repository in it: `.gitignore` must still count.
    tree.write(".gitignore", b"/ignored/\nnode_modules\n");
    tree.write("sub/.gitignore", b"skip.*\n");

    let found = discover(&[tree.root().to_path_buf()], &nothing_excluded());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(
        tree.relative(&found.files),
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Containerfile.prod",
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "docker/Dockerfile",
            "sub/build.Dockerfile",
            "web.dockerfile",
        ]
    );
}

#[test]
fn git_folder_is_never_walked() {
    let tree = Tree::new();
    tree.write(".git/Dockerfile", b"FROM scratch\n");
    tree.write(".git/HEAD", b"ref: refs/heads/main\n");
    tree.write("Dockerfile", b"FROM scratch\n");
    let found = discover(&[tree.root().to_path_buf()], &nothing_excluded());
    assert_eq!(tree.relative(&found.files), ["Dockerfile"]);
}

#[test]
fn explicit_files_are_always_checked_and_duplicates_dropped() {
    let tree = Tree::new();
    let odd = tree.write("ignored/my-image.txt", b"FROM scratch\n");
    let normal = tree.write("Dockerfile", b"FROM scratch\n");
    tree.write(".gitignore", b"ignored/\n");
    let paths = [odd.clone(), tree.root().to_path_buf(), normal.clone()];
    let everything: ExcludeFn = Arc::new(|_: &Path| true);
    let found = discover(&paths, &everything);
    assert_eq!(found.files, {
        let mut expected = vec![(normal, true), (odd, true)];
        expected.sort();
        expected
    });
}

#[test]
fn missing_paths_are_errors_not_panics() {
    let tree = Tree::new();
    let missing = tree.path("nope");
    let found = discover(std::slice::from_ref(&missing), &nothing_excluded());
    assert!(found.files.is_empty());
    assert_eq!(found.errors.len(), 1);
    assert_eq!(found.errors[0].path, missing);
    assert_eq!(found.errors[0].error.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn config_excludes_prune_the_walk() {
    let tree = Tree::new();
    tree.write(
        "proj/.dflint.toml",
        b"exclude = [\"vendor\", \"**/*.template\"]\n",
    );
    tree.write("proj/Dockerfile", b"FROM a\n");
    tree.write("proj/vendor/lib/Dockerfile", b"FROM a\n");
    tree.write("proj/x/Dockerfile.template", b"FROM a\n");
    tree.write("proj/x/Dockerfile", b"FROM a\n");
    let resolver = Arc::new(ConfigResolver::new(Overrides::default()));
    let excluded: ExcludeFn = {
        let resolver = resolver.clone();
        Arc::new(move |path: &Path| resolver.is_excluded(path))
    };
    let found = discover(&[tree.root().to_path_buf()], &excluded);
    assert_eq!(
        tree.relative(&found.files),
        ["proj/Dockerfile", "proj/x/Dockerfile"]
    );
}

#[test]
fn read_keeps_crlf_in_text_and_remembers_bom() {
    let tree = Tree::new();
    let path = tree.write("Dockerfile", b"\xEF\xBB\xBFFROM a\r\nRUN b\r\n");
    let source = read_source(&path).unwrap();
    assert!(source.bom);
    assert_eq!(source.text, "FROM a\r\nRUN b\r\n");
    assert_eq!(source.line_ending, LineEnding::Crlf);
    assert_eq!(source.path, path);

    let mixed = tree.write("Dockerfile.mixed", b"FROM a\r\nRUN b\n");
    assert_eq!(read_source(&mixed).unwrap().line_ending, LineEnding::Mixed);
    assert!(read_source(&tree.path("missing")).is_err());
}

#[test]
fn write_keeps_crlf_bom_and_leaves_no_temporary_files() {
    let tree = Tree::new();
    let path = tree.write("Dockerfile", b"\xEF\xBB\xBFFROM a:latest\r\nRUN b\r\n");
    let source = read_source(&path).unwrap();
    // A fix edits the text as read, CRLF included.
    let fixed = source.text.replace("a:latest", "a:1.2");
    write_source(&source, &fixed).unwrap();
    assert_eq!(
        fs::read(&path).unwrap(),
        b"\xEF\xBB\xBFFROM a:1.2\r\nRUN b\r\n"
    );
    let names: Vec<_> = fs::read_dir(tree.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["Dockerfile"]);

    let plain = tree.write("Dockerfile.plain", b"FROM a\n");
    let source = read_source(&plain).unwrap();
    write_source(&source, "FROM b\n").unwrap();
    assert_eq!(fs::read(&plain).unwrap(), b"FROM b\n");
}

#[cfg(unix)]
#[test]
fn write_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let tree = Tree::new();
    let path = tree.write("Dockerfile", b"FROM a\n");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&path, b"FROM b\n").unwrap();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o7777,
        0o640
    );
    assert_eq!(fs::read(&path).unwrap(), b"FROM b\n");

    let target = tree.write("real/Dockerfile", b"FROM a\n");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
    let link = tree.path("Dockerfile.link");
    symlink(&target, &link).unwrap();
    write_atomic(&link, b"FROM c\n").unwrap();
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read(&target).unwrap(), b"FROM c\n");
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
        0o755
    );
}

#[test]
fn failed_write_leaves_the_original_alone() {
    let tree = Tree::new();
    let original = tree.write("Dockerfile", b"FROM a\n");
    // The folder the file would go into does not exist: nothing can be written, nothing else is touched.
    let error = write_atomic(&tree.path("missing/Dockerfile"), b"FROM b\n").unwrap_err();
    assert_eq!(error.path, tree.path("missing/Dockerfile"));
    assert_eq!(fs::read(&original).unwrap(), b"FROM a\n");
    let names: Vec<_> = fs::read_dir(tree.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["Dockerfile"]);
}

#[test]
fn diff_is_unified_with_the_path_in_headers() {
    let old =
        "FROM ubuntu:latest\nRUN a\nRUN b\nRUN c\nRUN d\nRUN e\nRUN apt-get install -y curl\n";
    let new = "FROM ubuntu:24.04\nRUN a\nRUN b\nRUN c\nRUN d\nRUN e\nRUN apt-get install -y --no-install-recommends curl\n";
    let expected = "\
--- a/sub/Dockerfile
+++ b/sub/Dockerfile
@@ -1,7 +1,7 @@
-FROM ubuntu:latest
+FROM ubuntu:24.04
 RUN a
 RUN b
 RUN c
 RUN d
 RUN e
-RUN apt-get install -y curl
+RUN apt-get install -y --no-install-recommends curl
";
    assert_eq!(
        unified_diff(Path::new("sub/Dockerfile"), old, new),
        expected
    );
    assert_eq!(unified_diff(Path::new("sub/Dockerfile"), old, old), "");
}

#[test]
fn diff_of_a_crlf_file_keeps_crlf_lines() {
    let diff = unified_diff(Path::new("D"), "FROM a\r\nRUN b\r\n", "FROM c\r\nRUN b\r\n");
    assert_eq!(
        diff,
        "--- a/D\n+++ b/D\n@@ -1,2 +1,2 @@\n-FROM a\r\n+FROM c\r\n RUN b\r\n"
    );
}
