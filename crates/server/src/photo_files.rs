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

/// Whether a file name is one [`write_durably`] writes before its rename.
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

/// Writes `bytes` to `path` durably: temporary file, fsync, rename, fsync of the folder.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("photo"),
        uuid::Uuid::new_v4().simple()
    ));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_interrupted_writes_go_and_real_files_stay() {
        let root =
            std::env::temp_dir().join(format!("outfield-pf-{}", uuid::Uuid::new_v4().simple()));
        let tenant = root.join("photos").join("t1");
        std::fs::create_dir_all(&tenant).unwrap();
        let real = tenant.join("abc.orig");
        write_durably(&real, b"photo").unwrap();
        // What write_durably leaves when the process dies between create and rename.
        let tmp = tenant.join(format!(".abc.orig.{}.tmp", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, b"half a pho").unwrap();
        let files = PhotoFiles::open(&root, Path::new("/no/such/font.ttf"));
        assert!(!tmp.exists(), "the temporary file is removed at start-up");
        assert_eq!(std::fs::read(&real).unwrap(), b"photo");
        assert_eq!(remove_leftovers(&root.join("photos")), 0);
        drop(files);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
