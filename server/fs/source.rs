//! A Dockerfile as read from disk: its text exactly as written (CRLF kept), plus the BOM that is taken off the text.
//!
//! The core works on `text` as-is, so byte offsets and edits line up with the file; writing back adds the BOM again.
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The line ending style of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    Crlf,
    /// Both occur; new lines get `\n`.
    Mixed,
}

impl LineEnding {
    /// The style of `text`; a text without line breaks counts as `Lf`.
    pub fn detect(text: &str) -> LineEnding {
        let newlines = text.matches('\n').count();
        let crlf = text.matches("\r\n").count();
        match crlf {
            0 => LineEnding::Lf,
            n if n == newlines => LineEnding::Crlf,
            _ => LineEnding::Mixed,
        }
    }

    /// What to write when a fix inserts a line break.
    pub fn newline(self) -> &'static str {
        match self {
            LineEnding::Crlf => "\r\n",
            LineEnding::Lf | LineEnding::Mixed => "\n",
        }
    }
}

/// An IO problem with one file, naming it.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl FileError {
    pub fn new(path: &Path, error: io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            error,
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A Dockerfile's contents and what is needed to write it back byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The text after the BOM, line endings untouched.
    pub text: String,
    pub bom: bool,
    pub line_ending: LineEnding,
}

impl SourceFile {
    /// Decodes `bytes` (from disk, stdin or an editor). Only UTF-8 is accepted: rewriting a lossy decoding would
    /// corrupt the file.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, FileError> {
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            let error = io::Error::new(
                io::ErrorKind::InvalidData,
                "UTF-16 files are not supported; save as UTF-8",
            );
            return Err(FileError::new(path, error));
        }
        let bom = bytes.starts_with(UTF8_BOM);
        let body = if bom {
            bytes[UTF8_BOM.len()..].to_vec()
        } else {
            bytes
        };
        let text = String::from_utf8(body).map_err(|e| {
            let at = e.utf8_error().valid_up_to() + if bom { UTF8_BOM.len() } else { 0 };
            let error = io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not valid UTF-8 (byte {at})"),
            );
            FileError::new(path, error)
        })?;
        let line_ending = LineEnding::detect(&text);
        Ok(SourceFile {
            path: path.to_path_buf(),
            text,
            bom,
            line_ending,
        })
    }

    /// The bytes to write for `new_text`, a new version of `text` (with the BOM again if the file had one).
    pub fn to_bytes(&self, new_text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(new_text.len() + UTF8_BOM.len());
        if self.bom {
            bytes.extend_from_slice(UTF8_BOM);
        }
        bytes.extend_from_slice(new_text.as_bytes());
        bytes
    }
}

/// Reads a Dockerfile.
pub fn read_source(path: &Path) -> Result<SourceFile, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::new(path, e))?;
    SourceFile::from_bytes(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_line_endings() {
        assert_eq!(LineEnding::detect("FROM a"), LineEnding::Lf);
        assert_eq!(LineEnding::detect("FROM a\nRUN b\n"), LineEnding::Lf);
        assert_eq!(LineEnding::detect("FROM a\r\nRUN b\r\n"), LineEnding::Crlf);
        assert_eq!(LineEnding::detect("FROM a\r\nRUN b\n"), LineEnding::Mixed);
        assert_eq!(LineEnding::Crlf.newline(), "\r\n");
    }

    #[test]
    fn bom_is_split_off_and_restored() {
        let source =
            SourceFile::from_bytes(Path::new("D"), b"\xEF\xBB\xBFFROM a\r\n".to_vec()).unwrap();
        assert!(source.bom);
        assert_eq!(source.text, "FROM a\r\n");
        assert_eq!(source.line_ending, LineEnding::Crlf);
        assert_eq!(source.to_bytes("FROM b\r\n"), b"\xEF\xBB\xBFFROM b\r\n");
    }

    #[test]
    fn rejects_non_utf8_with_the_offset() {
        let error = SourceFile::from_bytes(Path::new("D"), b"FROM \xFF".to_vec()).unwrap_err();
        assert_eq!(error.to_string(), "D: not valid UTF-8 (byte 5)");
        let error = SourceFile::from_bytes(Path::new("D"), b"\xFF\xFEF\0".to_vec()).unwrap_err();
        assert!(error.to_string().contains("UTF-16"));
    }
}
