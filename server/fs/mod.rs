//! Files on disk: finding Dockerfiles, reading them with their BOM and line endings, writing fixes atomically, diffs.
mod diff;
mod discover;
mod source;
mod write;

pub use diff::{creation_diff, unified_diff};
pub use discover::{discover, is_dockerfile_name, template_reason, Discovery, ExcludeFn};
pub use source::{read_source, FileError, LineEnding, SourceFile};
pub use write::{create_atomic, write_atomic, write_source};
