//! Named users that images already have in `/etc/passwd`: a `USER` naming one of them needs no `useradd`, and a
//! final stage may only name a user its own image has.
use super::{image_entry, normalize_name, tag_has};

/// Debian's base users (`base-passwd`), in every Debian-based image: the official toolchain images and the slim
/// runtimes dflint picks.
pub static DEBIAN_USERS: &[&str] = &[
    "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
    "www-data", "backup", "list", "irc", "nobody", "_apt",
];

/// Alpine's base users that every release has.
pub static ALPINE_USERS: &[&str] = &["root", "bin", "daemon", "nobody"];

/// distroless images: `nonroot` is uid 65532 (the `:nonroot` tags run as it).
pub static DISTROLESS_USERS: &[&str] = &["root", "nobody", "nonroot"];

/// Users an official image adds to its OS's own.
pub static IMAGE_USERS: &[(&str, &str)] =
    &[("node", "node"), ("nginx", "nginx"), ("gradle", "gradle")];

/// Images on Debian (or Ubuntu, which has the same base users) unless the tag says Alpine.
const DEBIAN_BASED: &[&str] = &[
    "debian",
    "ubuntu",
    "golang",
    "rust",
    "python",
    "node",
    "gcc",
    "nginx",
    "maven",
    "gradle",
    "eclipse-temurin",
    "openjdk",
];

/// The named users an image has, when dflint knows it.
pub fn image_users(name: &str, tag: Option<&str>) -> Option<Vec<&'static str>> {
    let n = normalize_name(name);
    if n.split('/').any(|p| p == "distroless") {
        return Some(DISTROLESS_USERS.to_vec());
    }
    if n == "scratch" {
        return Some(Vec::new());
    }
    let repo = image_entry(&n)
        .map(|e| e.repo)
        .or((n == "alpine").then_some("alpine"))?;
    let alpine = repo == "alpine" || tag.is_some_and(|t| tag_has(t, "alpine"));
    let mut users = if alpine {
        ALPINE_USERS.to_vec()
    } else if DEBIAN_BASED.contains(&repo) {
        DEBIAN_USERS.to_vec()
    } else {
        return None;
    };
    users.extend(
        IMAGE_USERS
            .iter()
            .filter(|(i, _)| *i == repo)
            .map(|(_, u)| *u),
    );
    Some(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users() {
        let has =
            |n: &str, t: Option<&str>, u: &str| image_users(n, t).is_some_and(|v| v.contains(&u));
        assert!(has("node", Some("20"), "node"));
        assert!(has("node", Some("20-alpine"), "node"));
        assert!(has("node", Some("20-slim"), "www-data"));
        assert!(!has("node", Some("20-alpine"), "www-data"));
        assert!(has("golang", Some("1.22-bookworm"), "www-data"));
        assert!(!has("golang", Some("1.22"), "node"));
        assert!(has(
            "gcr.io/distroless/static-debian12",
            Some("nonroot"),
            "nonroot"
        ));
        assert!(has("debian", Some("bookworm-slim"), "nobody"));
        assert!(has("alpine", Some("3.22"), "nobody"));
        assert_eq!(image_users("scratch", None), Some(vec![]));
        assert_eq!(image_users("example.com/custom", None), None);
        for (image, user) in IMAGE_USERS {
            assert!(has(image, Some("1"), user), "{image}");
        }
    }
}
