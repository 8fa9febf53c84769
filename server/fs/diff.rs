//! `--diff`: what `--fix` would change, as a unified diff that `git apply` and `patch -p1` accept from the working
//! folder: `a/` and `b/` prefixes, `\ No newline at end of file` markers, CRLF lines kept, `/dev/null` for files
//! a fix creates.
use std::path::Path;

use similar::TextDiff;

/// The unified diff from `old` to `new` with three lines of context; empty when they are equal. Line endings are
/// kept (a CRLF file's diff has CRLF lines) and a BOM at the start of both texts is part of the first line.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let name = diff_name(path);
    render(&format!("a/{name}"), &format!("b/{name}"), old, new)
}

/// The diff that creates `path` with `content`.
pub fn creation_diff(path: &Path, content: &str) -> String {
    render("/dev/null", &format!("b/{}", diff_name(path)), "", content)
}

fn render(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// A path as diffs name it: `/` separators, no leading `./` or `/`.
fn diff_name(path: &Path) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    let mut name = name.as_str();
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    name.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(
            unified_diff(Path::new("Dockerfile"), "FROM a\n", "FROM a\n"),
            ""
        );
    }

    #[test]
    fn changed_line_with_context() {
        let old = "FROM a\nRUN b\nCMD c\n";
        let new = "FROM a:1\nRUN b\nCMD c\n";
        let expected = "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n-FROM a\n+FROM a:1\n RUN b\n CMD c\n";
        assert_eq!(unified_diff(Path::new("./Dockerfile"), old, new), expected);
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let diff = unified_diff(Path::new("D"), "FROM a", "FROM b");
        assert_eq!(diff, "--- a/D\n+++ b/D\n@@ -1 +1 @@\n-FROM a\n\\ No newline at end of file\n+FROM b\n\\ No newline at end of file\n");
    }

    #[test]
    fn created_files_come_from_dev_null() {
        let diff = creation_diff(Path::new("./app/.dockerignore"), ".git\n.env\n");
        assert_eq!(
            diff,
            "--- /dev/null\n+++ b/app/.dockerignore\n@@ -0,0 +1,2 @@\n+.git\n+.env\n"
        );
    }
}
