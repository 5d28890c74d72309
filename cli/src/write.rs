//! Writing a generated crate into its folder: only what changed, never half a file.
//!
//! In: the folder and the planned files (path relative to the folder → contents). Out: the
//! [`Changes`] that writing would make ([`changes`]), then made ([`apply`]): changed and missing
//! files written beside and renamed into place, and files of `src/` that are marked
//! `@generated` but no longer planned removed. Hand-written files are never touched.

use crate::Error;
use std::collections::BTreeMap;
use std::path::Path;

/// How a folder differs from the planned files (paths relative to the folder, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Planned files missing from the folder or with other contents.
    pub changed: Vec<String>,
    /// Planned files already on disk as planned.
    pub unchanged: Vec<String>,
    /// Files of `src/` starting with `// @generated` that the plan no longer produces.
    pub stale: Vec<String>,
}

impl Changes {
    /// Whether the folder already holds exactly the plan.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

/// Compares the planned files with what `dir` holds; reads, never writes.
pub fn changes(dir: &Path, files: &BTreeMap<String, String>) -> Changes {
    let mut out = Changes::default();
    for (path, contents) in files {
        if std::fs::read_to_string(dir.join(path)).ok().as_deref() == Some(contents.as_str()) {
            out.unchanged.push(path.clone());
        } else {
            out.changed.push(path.clone());
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("src")) {
        out.stale = entries
            .filter_map(|e| e.ok())
            .map(|e| format!("src/{}", e.file_name().to_string_lossy()))
            .filter(|rel| !files.contains_key(rel))
            .filter(|rel| {
                std::fs::read_to_string(dir.join(rel)).is_ok_and(|t| t.starts_with("// @generated"))
            })
            .collect();
        out.stale.sort();
    }
    out
}

/// Makes `changes` (from [`changes`] over the same plan): writes each changed file beside its
/// place and renames it there, then removes the stale ones. Stops at the first I/O error.
pub fn apply(dir: &Path, files: &BTreeMap<String, String>, changes: &Changes) -> Result<(), Error> {
    for path in &changes.changed {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // Write beside, then rename: a reader never sees half a file, a crash leaves the old
        // one (and at worst a `.tmp` beside it).
        let mut tmp = target.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let result =
            std::fs::write(&tmp, &files[path]).and_then(|()| std::fs::rename(&tmp, &target));
        if let Err(source) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::Io {
                path: target,
                source,
            });
        }
    }
    for path in &changes.stale {
        let target = dir.join(path);
        std::fs::remove_file(&target).map_err(|source| Error::Io {
            path: target,
            source,
        })?;
    }
    Ok(())
}
