//! Go modules that need cgo: a program that depends on one cannot be built with `CGO_ENABLED=0`.

/// Module paths (prefixes, as go.mod's `require` lines write them) of well-known packages that only build with cgo.
pub static CGO_MODULES: &[&str] = &[
    "github.com/mattn/go-sqlite3",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/DataDog/zstd",
    "github.com/valyala/gozstd",
    "github.com/tecbot/gorocksdb",
    "github.com/linxGnu/grocksdb",
    "github.com/libgit2/git2go",
    "github.com/h2non/bimg",
    "github.com/davidbyttow/govips",
    "gopkg.in/gographics/imagick",
    "github.com/miekg/pkcs11",
    "github.com/go-gl/",
    "github.com/gotk3/gotk3",
    "github.com/google/gopacket/pcap",
    "github.com/rjeczalik/notify",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        for m in CGO_MODULES {
            assert!(
                m.contains('/') && !m.starts_with('/') && !m.contains(' '),
                "{m}"
            );
        }
    }
}
