//! Document bytes on the filesystem. A write goes to `tmp/`, is fsynced, then renamed into
//! `blobs/xx/<id>` and the directory fsynced: a crash never leaves a half document visible.
use super::BlobError;
use std::path::{Path, PathBuf};
use tokio::fs;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct FsBlobs {
    root: PathBuf,
    /// Where uploads in progress are written: `tmp/`, or with several instances sharing the
    /// folder `tmp/<instance>/` ([`FsBlobs::open_shared`]).
    tmp: PathBuf,
    /// The instance's lock (`instances/<instance>.lock`), held while it runs.
    _instance: Option<std::sync::Arc<std::fs::File>>,
}

impl FsBlobs {
    pub async fn open(root: &Path) -> Result<Self, BlobError> {
        fs::create_dir_all(root.join("blobs")).await?;
        fs::create_dir_all(root.join("tmp")).await?;
        Ok(FsBlobs {
            root: root.to_owned(),
            tmp: root.join("tmp"),
            _instance: None,
        })
    }

    /// The folder as one of several instances that share it (on PostgreSQL, D50): uploads go to
    /// this instance's own `tmp/<id>/`, whose lock `instances/<id>.lock` it holds while it runs,
    /// so a later start can tell the temp folders of instances that are gone (their lock is
    /// free) from those of instances that still write.
    pub async fn open_shared(root: &Path) -> Result<Self, BlobError> {
        let mut b = FsBlobs::open(root).await?;
        let id = uuid::Uuid::new_v4().to_string();
        fs::create_dir_all(root.join("instances")).await?;
        let lock = std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(root.join("instances").join(format!("{id}.lock")))?;
        lock.try_lock().map_err(|e| match e {
            std::fs::TryLockError::Error(e) => BlobError::Io(e),
            std::fs::TryLockError::WouldBlock => {
                BlobError::Io(std::io::Error::other("a new instance lock is held"))
            }
        })?;
        b.tmp = root.join("tmp").join(&id);
        fs::create_dir_all(&b.tmp).await?;
        b._instance = Some(std::sync::Arc::new(lock));
        Ok(b)
    }

    fn tmp_dir(&self) -> PathBuf {
        self.tmp.clone()
    }

    /// Remove the temp folders of instances that are gone (their lock is free). Returns the
    /// files removed.
    async fn sweep_gone_instances(&self) -> Result<u64, BlobError> {
        let mut removed = 0;
        let Ok(mut rd) = fs::read_dir(self.root.join("instances")).await else {
            return Ok(0);
        };
        while let Some(e) = rd.next_entry().await? {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".lock") else {
                continue;
            };
            let Ok(f) = std::fs::OpenOptions::new().write(true).open(e.path()) else {
                continue;
            };
            // held: that instance still runs (our own included)
            if f.try_lock().is_err() {
                continue;
            }
            let dir = self.root.join("tmp").join(id);
            if let Ok(mut files) = fs::read_dir(&dir).await {
                while let Some(f) = files.next_entry().await? {
                    fs::remove_file(f.path()).await?;
                    removed += 1;
                }
            }
            let _ = fs::remove_dir(&dir).await;
            fs::remove_file(e.path()).await?;
        }
        Ok(removed)
    }

    /// Where the bytes of document `id` live. `id` is a UUID we generated, never user input.
    pub fn path_of(&self, id: &str) -> PathBuf {
        let shard = id.get(..2).unwrap_or("00");
        self.root.join("blobs").join(shard).join(id)
    }

    /// Stream chunks into a temporary file while hashing; refuse more than `limit` bytes.
    /// On any error the temporary file is removed.
    pub async fn write_temp<S, E>(
        &self,
        mut chunks: S,
        limit: u64,
    ) -> Result<(PathBuf, String, u64), BlobError>
    where
        S: futures_util::Stream<Item = Result<super::bytes_like::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        use futures_util::StreamExt;
        let path = self
            .tmp_dir()
            .join(format!("{}.part", uuid::Uuid::new_v4()));
        let result = async {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await?;
            let mut intake = super::Intake::new(limit);
            while let Some(chunk) = chunks.next().await {
                let chunk = intake.take(chunk)?;
                file.write_all(&chunk).await?;
            }
            file.flush().await?;
            file.sync_all().await?;
            Ok(intake.finish())
        }
        .await;
        match result {
            Ok((sha256, size)) => Ok((path, sha256, size)),
            Err(e) => {
                let _ = fs::remove_file(&path).await;
                Err(e)
            }
        }
    }

    /// Make a pending blob the content of document `id` (atomic rename + directory fsync).
    pub async fn commit(&self, temp: &Path, id: &str) -> Result<(), BlobError> {
        let dest = self.path_of(id);
        let dir = dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.join("blobs"));
        fs::create_dir_all(&dir).await?;
        fs::rename(temp, &dest).await?;
        sync_dir(&dir).await?;
        Ok(())
    }

    /// Whether a file can be written (and removed) in the temp folder: the storage is there.
    pub async fn writable(&self) -> bool {
        let probe = self
            .tmp_dir()
            .join(format!("{}.probe", uuid::Uuid::new_v4()));
        let written = fs::write(&probe, b"ok").await.is_ok();
        written && fs::remove_file(&probe).await.is_ok()
    }

    pub async fn discard(&self, temp: &Path) {
        let _ = fs::remove_file(temp).await;
    }

    pub async fn delete(&self, id: &str) -> Result<(), BlobError> {
        match fs::remove_file(self.path_of(id)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove every temporary file (left by a crash) and every blob no document refers to.
    /// Run at start-up, before serving. Returns (temp files removed, orphans removed).
    ///
    /// With `min_age` (several instances share this folder, on PostgreSQL): the temp folders of
    /// instances that are gone, and of the rest only files last written longer ago than that:
    /// another instance may be writing an upload, or have renamed a document's bytes into place
    /// a moment before it stores the document's row.
    pub async fn sweep(
        &self,
        known: &std::collections::HashSet<String>,
        min_age: Option<std::time::Duration>,
    ) -> Result<(u64, u64), BlobError> {
        let old_enough = |m: std::io::Result<std::fs::Metadata>| match min_age {
            None => true,
            Some(age) => m
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|e| e >= age),
        };
        let mut tmp_removed = 0;
        if min_age.is_some() {
            tmp_removed += self.sweep_gone_instances().await?;
        }
        let mut rd = fs::read_dir(self.root.join("tmp")).await?;
        while let Some(e) = rd.next_entry().await? {
            // the temp folders of running instances (and of gone ones, above) are not files
            if e.file_type().await?.is_dir() || !old_enough(e.metadata().await) {
                continue;
            }
            fs::remove_file(e.path()).await?;
            tmp_removed += 1;
        }
        let mut orphans = 0;
        let mut shards = fs::read_dir(self.root.join("blobs")).await?;
        while let Some(shard) = shards.next_entry().await? {
            if !shard.file_type().await?.is_dir() {
                continue;
            }
            let mut files = fs::read_dir(shard.path()).await?;
            while let Some(f) = files.next_entry().await? {
                let name = f.file_name().to_string_lossy().into_owned();
                if !known.contains(&name) && old_enough(f.metadata().await) {
                    fs::remove_file(f.path()).await?;
                    orphans += 1;
                }
            }
        }
        Ok((tmp_removed, orphans))
    }
}

async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let d = dir.to_owned();
    tokio::task::spawn_blocking(move || std::fs::File::open(&d)?.sync_all())
        .await
        .map_err(std::io::Error::other)?
}
