//! `--diff`: what `--fix` would change, as a unified diff that `patch -p0` or `git apply -p0` accepts.
use std::path::Path;

use similar::TextDiff;

/// The unified diff from `old` to `new` with three lines of context, headed `--- path` / `+++ path`;
/// empty when they are equal. Line endings are kept, so a CRLF file's diff shows CRLF lines.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let name = path.to_string_lossy().replace('\\', "/");
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
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
        let expected =
            "--- Dockerfile\n+++ Dockerfile\n@@ -1,3 +1,3 @@\n-FROM a\n+FROM a:1\n RUN b\n CMD c\n";
        assert_eq!(unified_diff(Path::new("Dockerfile"), old, new), expected);
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let diff = unified_diff(Path::new("D"), "FROM a", "FROM b");
        assert_eq!(diff, "--- D\n+++ D\n@@ -1 +1 @@\n-FROM a\n\\ No newline at end of file\n+FROM b\n\\ No newline at end of file\n");
    }
}
