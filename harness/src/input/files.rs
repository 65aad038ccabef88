//! Writing the files a run leaves (results, baselines, pending snapshots, the matrix) so that
//! a reader, or a run interrupted half way, never sees half of one.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temp files of writes under way, so that an interrupted harness removes them (their
/// owners' destructors never run after `exit`): see [`remove_unfinished`].
static UNFINISHED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Remove the temp files of the writes under way; for the interrupt handler, just before the
/// process exits. The targets keep their old content.
pub fn remove_unfinished() -> usize {
    let paths: Vec<PathBuf> = UNFINISHED
        .lock()
        .map(|mut u| std::mem::take(&mut *u).into_iter().collect())
        .unwrap_or_default();
    paths
        .iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

/// Registers a temp file in [`UNFINISHED`] while it lives.
struct Unfinished(PathBuf);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Ok(mut u) = UNFINISHED.lock() {
            u.remove(&self.0);
        }
    }
}

/// Write a file so that readers see either the old content or the new, never half of it:
/// the bytes go to a temp file in the same directory, which is then renamed over the target.
/// Missing parent directories are created.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".ah-write-")
        .tempfile_in(dir)?;
    let _registered = {
        if let Ok(mut u) = UNFINISHED.lock() {
            u.insert(tmp.path().to_path_buf());
        }
        Unfinished(tmp.path().to_path_buf())
    };
    tmp.write_all(bytes)?;
    // Temp files are private (0600); what we write is meant to be read, as any file would be.
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    // The temp file is removed if this fails (dropping it deletes it).
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
        assert!(!UNFINISHED
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_link_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let target = dir.path().join("x.snap.new");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&target).unwrap().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }
}
