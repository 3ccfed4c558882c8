//! Document bytes in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, …): one
//! object per document under `<prefix>/blobs/xx/<id>`, shared by every instance (D61).
//!
//! An upload streams into a multipart upload at the document's own key, hashed on the way; S3
//! shows no object until the upload is completed, so the in-progress multipart upload plays the
//! part of the filesystem's `tmp/` file and completing it that of the rename. A refused, failed or
//! dropped upload is aborted (its parts removed); one a crash left behind stays invisible and is
//! removed by the bucket's lifecycle rule (docs/operations.md). At most
//! [`PART_SIZE`] × ([`PARALLEL_PARTS`] + 1) bytes of an upload are in memory at once.
use super::BlobError;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    ClientOptions, GetOptions, GetRange, ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart,
};
use std::sync::Arc;
use std::time::Duration;

/// Size of one part of a multipart upload (S3's smallest part, except the last, is 5 MiB).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts of one upload in flight at once; the request body waits while they are. One: an
/// upload holds at most two parts (16 MiB) in memory, so 100 parallel uploads stay under 2 GiB.
pub const PARALLEL_PARTS: usize = 1;
/// How long the readiness check waits for the object store.
const READY_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the start-up sweep may take before the service starts without it.
const SWEEP_TIMEOUT: Duration = Duration::from_secs(60);

/// Where and how to reach the object store (from `storage_url`, `storage_endpoint`,
/// `storage_region` and the standard `AWS_*` variables for credentials).
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// `s3://bucket` or `s3://bucket/prefix`.
    pub url: String,
    /// e.g. `http://127.0.0.1:9000` for MinIO; `None`: AWS itself.
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone)]
pub struct S3Blobs {
    store: Arc<AmazonS3>,
    /// Key prefix (no leading or trailing `/`), empty for the bucket's root.
    prefix: String,
    bucket: String,
}

fn err(e: object_store::Error) -> BlobError {
    BlobError::Object(e.to_string())
}

/// `s3://bucket/some/prefix` → (`bucket`, `some/prefix`).
pub fn parse_url(url: &str) -> Result<(String, String), BlobError> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| BlobError::Config(format!("storage_url {url:?}: verwacht s3://bucket")))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(BlobError::Config(format!(
            "storage_url {url:?}: de bucket ontbreekt"
        )));
    }
    Ok((bucket.to_owned(), prefix.trim_matches('/').to_owned()))
}

impl S3Blobs {
    /// Connect (lazily: nothing is sent until the first request).
    pub fn open(s: &S3Settings) -> Result<Self, BlobError> {
        let (bucket, prefix) = parse_url(&s.url)?;
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(&bucket)
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(120)),
            );
        if let Some(e) = &s.endpoint {
            b = b.with_endpoint(e).with_allow_http(e.starts_with("http://"));
        }
        if let Some(r) = &s.region {
            b = b.with_region(r);
        }
        let store = b.build().map_err(|e| BlobError::Config(e.to_string()))?;
        Ok(S3Blobs {
            store: Arc::new(store),
            prefix,
            bucket,
        })
    }

    fn join(&self, rel: &str) -> Key {
        if self.prefix.is_empty() {
            Key::from(rel)
        } else {
            Key::from(format!("{}/{rel}", self.prefix))
        }
    }

    /// The object of document `id` (a UUID we generated, never user input).
    pub fn key_of(&self, id: &str) -> Key {
        let shard = id.get(..2).unwrap_or("00");
        self.join(&format!("blobs/{shard}/{id}"))
    }

    /// Stream chunks into a multipart upload at document `id`'s key while hashing; refuse more
    /// than `limit` bytes. Only a complete, accepted body becomes an object; otherwise the
    /// upload is aborted. Returns (sha256 hex, size).
    pub async fn write<S, E>(
        &self,
        id: &str,
        mut chunks: S,
        limit: u64,
    ) -> Result<(String, u64), BlobError>
    where
        S: futures_util::Stream<Item = Result<super::bytes_like::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let upload = self
            .store
            .put_multipart(&self.key_of(id))
            .await
            .map_err(err)?;
        let mut guard = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)));
        let mut intake = super::Intake::new(limit);
        let streamed: Result<(), BlobError> = async {
            while let Some(chunk) = chunks.next().await {
                let chunk = intake.take(chunk)?;
                let w = guard.0.as_mut().ok_or(BlobError::Gone)?;
                w.wait_for_capacity(PARALLEL_PARTS).await.map_err(err)?;
                w.put(chunk);
            }
            Ok(())
        }
        .await;
        let w = guard.0.take().ok_or(BlobError::Gone)?;
        match streamed {
            Ok(()) => {
                // (an empty document: object_store sends the one empty part S3 requires)
                w.finish().await.map_err(err)?;
                Ok(intake.finish())
            }
            Err(e) => {
                if let Err(a) = w.abort().await {
                    tracing::warn!(error = %a, "could not abort a multipart upload");
                }
                Err(e)
            }
        }
    }

    /// `len` bytes of document `id` from `start`, streamed.
    pub async fn read(
        &self,
        id: &str,
        start: u64,
        len: u64,
    ) -> Result<super::ByteStream, BlobError> {
        if len == 0 {
            return Ok(futures_util::stream::empty().boxed());
        }
        let opts = GetOptions {
            range: Some(GetRange::Bounded(start..start + len)),
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&self.key_of(id), opts)
            .await
            .map_err(err)?;
        Ok(got.into_stream().map_err(std::io::Error::other).boxed())
    }

    pub async fn delete(&self, id: &str) -> Result<(), BlobError> {
        match self.store.delete(&self.key_of(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(err(e)),
        }
    }

    /// The bucket answers with our credentials: a HEAD of a key that need not exist (found or
    /// "not found" both prove it; a refused signature, a missing bucket or no answer do not).
    pub async fn reachable(&self) -> bool {
        let probe = self.join("ready-probe");
        match tokio::time::timeout(READY_TIMEOUT, self.store.head(&probe)).await {
            Ok(Ok(_)) | Ok(Err(object_store::Error::NotFound { .. })) => true,
            Ok(Err(e)) => {
                tracing::warn!(bucket = %self.bucket, error = %e, "object store not ready");
                false
            }
            Err(_) => {
                tracing::warn!(bucket = %self.bucket, "object store did not answer in time");
                false
            }
        }
    }

    /// Remove the objects no document refers to, of those last written longer ago than
    /// `min_age` (all with `None`). Returns how many.
    pub async fn sweep(
        &self,
        known: &std::collections::HashSet<String>,
        min_age: Option<Duration>,
    ) -> Result<u64, BlobError> {
        tokio::time::timeout(SWEEP_TIMEOUT, self.sweep_all(known, min_age))
            .await
            .map_err(|_| BlobError::Object("the sweep took too long".into()))?
    }

    async fn sweep_all(
        &self,
        known: &std::collections::HashSet<String>,
        min_age: Option<Duration>,
    ) -> Result<u64, BlobError> {
        let blobs = self.join("blobs");
        let mut listing = self.store.list(Some(&blobs));
        let now = chrono::Utc::now();
        let mut orphans = 0;
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(err)?;
            let Some(name) = meta.location.filename() else {
                continue;
            };
            let old_enough = min_age.is_none_or(|age| {
                (now - meta.last_modified)
                    .to_std()
                    .is_ok_and(|elapsed| elapsed >= age)
            });
            if !known.contains(name) && old_enough {
                self.store.delete(&meta.location).await.map_err(err)?;
                orphans += 1;
            }
        }
        Ok(orphans)
    }
}

/// Aborts the multipart upload when an upload ends without [`S3Blobs::write`] finishing it:
/// the request (and with it this future) was dropped.
struct AbortOnDrop(Option<WriteMultipart>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(w) = self.0.take() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    if let Err(e) = w.abort().await {
                        tracing::warn!(error = %e, "could not abort a dropped multipart upload");
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_urls() {
        assert_eq!(
            parse_url("s3://docs").unwrap(),
            ("docs".into(), String::new())
        );
        assert_eq!(
            parse_url("s3://docs/swf/prod/").unwrap(),
            ("docs".into(), "swf/prod".into())
        );
        assert!(parse_url("s3:///x").is_err());
        assert!(parse_url("https://docs").is_err());
    }
}
