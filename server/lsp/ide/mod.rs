//! The language features over a parsed document, in byte offsets (positions are converted by the caller).
pub mod completion;
pub mod format;
pub mod hover;
pub mod ignore;
pub mod links;
pub mod names;
pub mod navigate;
pub mod outline;
pub mod semantic;
