//! Reports: diagnostics rendered for people (text), machines (JSON, SARIF) and CI systems (GitHub, GitLab, ...).
mod line_index;

pub use line_index::{floor_char_boundary, LineCol, LineIndex};
