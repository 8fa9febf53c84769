//! Document links from base images to their registry pages, computed from the name alone (no network).
use std::ops::Range;

use dflint_rules::syntax::{Document, ImageRef, Kind};

/// The registry page of an image: Docker Hub for Docker Hub images, the registry host otherwise.
pub fn image_url(image: &ImageRef) -> Option<String> {
    if !image.vars.is_empty() || image.name.is_empty() || image.name.eq_ignore_ascii_case("scratch")
    {
        return None;
    }
    let name = image.name.as_str();
    let (host, path) = match name.split_once('/') {
        // A first component with a dot or a port, or `localhost`, is a registry host.
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    match host {
        None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
            let path = path.strip_prefix("library/").unwrap_or(path);
            Some(if path.contains('/') {
                format!("https://hub.docker.com/r/{path}")
            } else {
                format!("https://hub.docker.com/_/{path}")
            })
        }
        Some("localhost") => None,
        Some(h) if h.starts_with("localhost:") || h.starts_with("127.") => None,
        Some("quay.io") => Some(format!("https://quay.io/repository/{path}")),
        Some("mcr.microsoft.com") => Some(format!("https://mcr.microsoft.com/artifact/mar/{path}")),
        Some(h) => Some(format!("https://{h}/{path}")),
    }
}

/// Links for the images of FROM lines (not for earlier stages they name).
pub fn document_links(doc: &Document) -> Vec<(Range<usize>, String)> {
    doc.stages()
        .iter()
        .filter(|s| !dflint_rules::syntax::query::from_is_stage_ref(doc, s))
        .filter_map(|s| {
            let ins = &doc.instructions()[s.from];
            debug_assert_eq!(ins.kind, Kind::From);
            let image = ins.image.as_ref()?;
            Some((image.name_range.clone(), image_url(image)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<String> {
        document_links(&Document::parse(text))
            .into_iter()
            .map(|(_, u)| u)
            .collect()
    }

    #[test]
    fn registry_pages() {
        assert_eq!(
            links("FROM alpine:3.20 AS a\nFROM a\nFROM bitnami/redis\nFROM ghcr.io/o/img:1\nFROM ${X}\nFROM scratch\n"),
            [
                "https://hub.docker.com/_/alpine",
                "https://hub.docker.com/r/bitnami/redis",
                "https://ghcr.io/o/img"
            ]
        );
        assert_eq!(
            links("FROM docker.io/library/debian\n"),
            ["https://hub.docker.com/_/debian"]
        );
        assert!(links("FROM localhost:5000/x\n").is_empty());
    }
}
