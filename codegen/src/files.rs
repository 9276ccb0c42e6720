//! A set of generated files and the one place that writes them to disk: only files whose content
//! changed are written, so timestamps (and the builds that watch them) stay put.

use crate::diag::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Generated files, by path relative to the project directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Files {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

/// What [`Files::write_to`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written (new or changed).
    pub written: usize,
    /// Files left alone because their content was already there.
    pub unchanged: usize,
}

impl Files {
    /// An empty set.
    pub fn new() -> Self {
        Files::default()
    }

    /// Adds (or replaces) a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), contents.into());
    }

    /// A file's contents.
    pub fn get(&self, path: impl AsRef<Path>) -> Option<&[u8]> {
        self.files.get(path.as_ref()).map(Vec::as_slice)
    }

    /// A text file's contents.
    pub fn text(&self, path: impl AsRef<Path>) -> Option<&str> {
        self.get(path).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Paths and contents, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_path(), c.as_slice()))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there is no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds every file of `other` under the folder `prefix`.
    pub fn extend_under(&mut self, prefix: impl AsRef<Path>, other: Files) {
        for (p, c) in other.files {
            self.files.insert(prefix.as_ref().join(p), c);
        }
    }

    /// Writes every file under `dir`, creating folders, skipping files whose content is unchanged.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> Result<WriteStats> {
        let dir = dir.as_ref();
        let mut stats = WriteStats::default();
        for (rel, contents) in &self.files {
            let path = dir.join(rel);
            if std::fs::read(&path).is_ok_and(|old| &old == contents) {
                stats.unchanged += 1;
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::in_file(parent, format!("cannot create the folder: {e}")))?;
            }
            std::fs::write(&path, contents).map_err(|e| Error::in_file(&path, format!("cannot write: {e}")))?;
            stats.written += 1;
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let dir = std::env::temp_dir().join(format!("hls4ml-files-{}", std::process::id()));
        let mut f = Files::new();
        f.add("a/b.h", "x");
        f.add("c.cpp", "y");
        assert_eq!(
            f.write_to(&dir).unwrap(),
            WriteStats {
                written: 2,
                unchanged: 0
            }
        );
        assert_eq!(
            f.write_to(&dir).unwrap(),
            WriteStats {
                written: 0,
                unchanged: 2
            }
        );
        f.add("c.cpp", "z");
        assert_eq!(
            f.write_to(&dir).unwrap(),
            WriteStats {
                written: 1,
                unchanged: 1
            }
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
