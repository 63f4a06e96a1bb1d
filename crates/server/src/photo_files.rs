//! Photo files on disk under the data directory: originals named by their SHA-256 (an
//! identical re-upload shares one file), watermarked copies and thumbnails named by the
//! photo id and body digest (so two racing uploads under one id never overwrite each
//! other's copy). Files are written to a temporary name, synced and renamed, so a crash
//! never leaves half a file under a real name.

use domain::TenantId;
use photo::Font;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct PhotoFiles {
    root: PathBuf,
    /// `None` when the configured font is missing or unreadable: uploads answer 503 until
    /// it is installed, because an unwatermarked photo is not what was promised.
    pub font: Option<Arc<Font>>,
    pub font_problem: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Original,
    Watermarked,
    Thumbnail,
}

impl PhotoFiles {
    pub fn open(data_dir: &Path, font_path: &Path) -> Self {
        let (font, font_problem) = match std::fs::read(font_path)
            .map_err(|e| e.to_string())
            .and_then(|b| Font::load(b).map_err(|e| e.to_string()))
        {
            Ok(f) => (Some(Arc::new(f)), None),
            Err(e) => {
                let problem = format!(
                    "watermark font {} unusable ({e}); install fonts-wqy-microhei or pass --font",
                    font_path.display()
                );
                tracing::warn!("{problem}; photo uploads will be refused");
                (None, Some(problem))
            }
        };
        let root = data_dir.join("photos");
        let removed = remove_leftovers(&root);
        if removed > 0 {
            tracing::info!(
                removed,
                "removed temporary files of interrupted photo uploads"
            );
        }
        Self {
            root,
            font,
            font_problem,
        }
    }

    /// The folder all photo files live under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a variant of a photo lives.
    pub fn path(
        &self,
        tenant: TenantId,
        variant: Variant,
        sha256: &str,
        id: uuid::Uuid,
        digest: &str,
    ) -> PathBuf {
        let dir = self.root.join(tenant.0.simple().to_string());
        let tag = digest.get(..16).unwrap_or(digest);
        match variant {
            Variant::Original => dir.join(format!("{sha256}.orig")),
            Variant::Watermarked => dir.join(format!("{}-{tag}.wm.jpg", id.simple())),
            Variant::Thumbnail => dir.join(format!("{}-{tag}.thumb.jpg", id.simple())),
        }
    }
}

/// Whether a file name is one [`write_photo_file`] writes before its rename.
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Removes the temporary files a crash left mid-write (they never got their real name, so
/// no photo row points at them) from every tenant folder under `root`; returns how many.
/// Runs at start-up, before any upload can be writing one.
pub fn remove_leftovers(root: &Path) -> usize {
    let Ok(tenants) = std::fs::read_dir(root) else {
        return 0;
    };
    let mut removed = 0;
    for dir in tenants.flatten().filter(|d| d.path().is_dir()) {
        let Ok(files) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for f in files.flatten() {
            let temp = f.file_name().to_str().is_some_and(is_temp_name);
            if temp && f.path().is_file() {
                match std::fs::remove_file(f.path()) {
                    Ok(()) => removed += 1,
                    Err(e) => {
                        tracing::warn!(path = %f.path().display(), %e, "cannot remove a leftover temporary file")
                    }
                }
            }
        }
    }
    removed
}

/// Writes `bytes` to `path` under a temporary name and renames it, so a crash never leaves
/// half a file under a real name; with `sync`, the file and its folder are fsynced first
/// (durable when this returns). Without it the caller syncs later ([`sync_filesystem`]).
pub fn write_photo_file(path: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = temp_name(dir, path);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
    }
    std::fs::rename(&tmp, path)?;
    if sync {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// A unique hidden name beside `path` for writing before the rename (and what
/// [`remove_leftovers`] looks for after a crash).
fn temp_name(dir: &Path, path: &Path) -> std::path::PathBuf {
    dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("photo"),
        uuid::Uuid::new_v4().simple()
    ))
}

/// Gives the file at `existing` a second name, `path` (a small photo's thumbnail is its
/// watermarked copy): a hard link costs no new inode or data blocks. Where links are not
/// supported the bytes are copied.
pub fn link_photo_file(existing: &Path, path: &Path, sync: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = temp_name(dir, path);
    if std::fs::hard_link(existing, &tmp).is_err() {
        return write_photo_file(path, &std::fs::read(existing)?, sync);
    }
    std::fs::rename(&tmp, path)?;
    if sync {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Makes every photo file under `dir` durable after a bulk load that skipped per-file
/// syncs: one `syncfs` of its filesystem on Linux, else a sync of each file and folder.
pub fn sync_filesystem(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let d = std::fs::File::open(dir)?;
        nix::unistd::syncfs(&d).map_err(std::io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                sync_filesystem(&path)?;
            } else {
                std::fs::File::open(&path)?.sync_all()?;
            }
        }
        std::fs::File::open(dir)?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::{sync_filesystem, write_photo_file};

    #[test]
    fn unsynced_writes_land_whole_and_one_sync_covers_them() {
        let dir = std::env::temp_dir().join(format!("outfield-pf-{}", uuid::Uuid::new_v4()));
        let a = dir.join("t1").join("a.wm.jpg");
        let b = dir.join("t1").join("b.thumb.jpg");
        write_photo_file(&a, b"first", false).unwrap();
        write_photo_file(&b, b"second", true).unwrap();
        sync_filesystem(&dir).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"first");
        assert_eq!(std::fs::read(&b).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.join("t1"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
