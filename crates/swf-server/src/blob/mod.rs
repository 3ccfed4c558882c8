//! Document bytes: in the data folder ([`fs`], the default; a shared filesystem serves several
//! instances) or in an S3-compatible object store ([`s3`], `storage_url = "s3://…"`, D61). Both
//! keep the same promise: the bytes of an upload are hashed while they stream in, are never
//! held whole in memory, and become visible under the document's id only once they are all
//! there ([`BlobStore::commit`]); the row is written after that, and when it fails the bytes are
//! removed again. A start-up sweep removes what a crash left between the two.
pub mod fs;
pub mod s3;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("te groot: meer dan {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("upload afgebroken: {0}")]
    Source(String),
    #[error("objectopslag: {0}")]
    Object(String),
    #[error("documentopslag verkeerd ingesteld: {0}")]
    Config(String),
    #[error("upload al afgerond")]
    Gone,
}

/// Re-export so callers name one `Bytes` type.
pub mod bytes_like {
    pub use axum::body::Bytes;
}

/// What both stores do with each chunk of an upload as it streams in: count it against the
/// size limit and hash it, so neither holds the whole file to know its size or its SHA-256.
struct Intake {
    hasher: sha2::Sha256,
    size: u64,
    limit: u64,
}

impl Intake {
    fn new(limit: u64) -> Self {
        use sha2::Digest;
        Intake {
            hasher: sha2::Sha256::new(),
            size: 0,
            limit,
        }
    }

    /// The next chunk, counted and hashed; an error when the upload broke off or grew past
    /// the limit (then nothing of it may be kept).
    fn take<E: std::fmt::Display>(
        &mut self,
        chunk: Result<bytes_like::Bytes, E>,
    ) -> Result<bytes_like::Bytes, BlobError> {
        use sha2::Digest;
        let chunk = chunk.map_err(|e| BlobError::Source(e.to_string()))?;
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        self.hasher.update(&chunk);
        Ok(chunk)
    }

    /// The SHA-256 (hex) and the size of everything taken.
    fn finish(self) -> (String, u64) {
        use sha2::Digest;
        (hex::encode(self.hasher.finalize()), self.size)
    }
}

/// A document's bytes (or a range of them) on their way to the client.
pub type ByteStream = futures_util::stream::BoxStream<'static, std::io::Result<bytes_like::Bytes>>;

#[derive(Debug, Clone)]
pub struct BlobStore {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Fs(fs::FsBlobs),
    S3(s3::S3Blobs),
}

/// Bytes received for document `id`, hashed and durable, not yet part of the service: a
/// temporary file (filesystem), or (object store) an object no row refers to yet.
#[derive(Debug)]
pub struct PendingBlob {
    pub id: String,
    pub sha256: String,
    pub size: u64,
    temp: Option<PathBuf>,
}

impl BlobStore {
    /// Document bytes in the data folder `root`.
    pub async fn open(root: &Path) -> Result<Self, BlobError> {
        Ok(BlobStore {
            backend: Backend::Fs(fs::FsBlobs::open(root).await?),
        })
    }

    /// The data folder `root` shared with other instances (see [`fs::FsBlobs::open_shared`]).
    pub async fn open_shared(root: &Path) -> Result<Self, BlobError> {
        Ok(BlobStore {
            backend: Backend::Fs(fs::FsBlobs::open_shared(root).await?),
        })
    }

    /// Document bytes in an S3-compatible object store.
    pub fn open_s3(settings: &s3::S3Settings) -> Result<Self, BlobError> {
        Ok(BlobStore {
            backend: Backend::S3(s3::S3Blobs::open(settings)?),
        })
    }

    /// Stream chunks in for a new document `id` while hashing; refuse more than `limit` bytes.
    /// On any error nothing is left behind.
    pub async fn write_temp<S, E>(
        &self,
        id: &str,
        chunks: S,
        limit: u64,
    ) -> Result<PendingBlob, BlobError>
    where
        S: futures_util::Stream<Item = Result<bytes_like::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (temp, sha256, size) = match &self.backend {
            Backend::Fs(f) => {
                let (path, sha, size) = f.write_temp(chunks, limit).await?;
                (Some(path), sha, size)
            }
            Backend::S3(s) => {
                let (sha, size) = s.write(id, chunks, limit).await?;
                (None, sha, size)
            }
        };
        Ok(PendingBlob {
            id: id.to_owned(),
            sha256,
            size,
            temp,
        })
    }

    /// Make pending bytes the content of their document (filesystem: atomic rename + directory
    /// fsync; object store: the completed upload already is).
    pub async fn commit(&self, pending: PendingBlob) -> Result<(), BlobError> {
        match (&self.backend, &pending.temp) {
            (Backend::Fs(f), Some(temp)) => f.commit(temp, &pending.id).await,
            (Backend::Fs(_), None) => Err(BlobError::Gone),
            (Backend::S3(_), _) => Ok(()),
        }
    }

    /// Throw away pending bytes that will not become a document.
    pub async fn discard(&self, pending: PendingBlob) {
        match (&self.backend, &pending.temp) {
            (Backend::Fs(f), Some(temp)) => f.discard(temp).await,
            (Backend::Fs(_), None) => {}
            (Backend::S3(s), _) => {
                if let Err(e) = s.delete(&pending.id).await {
                    tracing::warn!(document = %pending.id, error = %e, "could not discard upload");
                }
            }
        }
    }

    /// `len` bytes of document `id` from `start`, as a stream.
    pub async fn read(&self, id: &str, start: u64, len: u64) -> Result<ByteStream, BlobError> {
        match &self.backend {
            Backend::Fs(f) => {
                use futures_util::StreamExt;
                use tokio::io::{AsyncReadExt, AsyncSeekExt};
                let mut file = tokio::fs::File::open(f.path_of(id)).await?;
                if start > 0 {
                    file.seek(std::io::SeekFrom::Start(start)).await?;
                }
                Ok(tokio_util::io::ReaderStream::with_capacity(file.take(len), 256 * 1024).boxed())
            }
            Backend::S3(s) => s.read(id, start, len).await,
        }
    }

    pub async fn delete(&self, id: &str) -> Result<(), BlobError> {
        match &self.backend {
            Backend::Fs(f) => f.delete(id).await,
            Backend::S3(s) => s.delete(id).await,
        }
    }

    /// Whether the storage is there for the readiness check: a file can be written (and
    /// removed) in the temp folder, or the bucket answers.
    pub async fn ready(&self) -> bool {
        match &self.backend {
            Backend::Fs(f) => f.writable().await,
            Backend::S3(s) => s.reachable().await,
        }
    }

    /// Remove what a crash left (temp files, bytes without a document): see
    /// [`fs::FsBlobs::sweep`]; in the object store the objects no row refers to, of those older
    /// than `min_age`. Returns (temp files removed, orphans removed).
    pub async fn sweep(
        &self,
        known: &HashSet<String>,
        min_age: Option<Duration>,
    ) -> Result<(u64, u64), BlobError> {
        match &self.backend {
            Backend::Fs(f) => f.sweep(known, min_age).await,
            // the bucket not answering does not stop the start: /ready says so, and the next
            // start sweeps again
            Backend::S3(s) => match s.sweep(known, min_age).await {
                Ok(n) => Ok((0, n)),
                Err(e) => {
                    tracing::warn!(error = %e, "could not look for orphaned objects");
                    Ok((0, 0))
                }
            },
        }
    }
}
