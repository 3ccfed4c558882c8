//! Document upload and download, streamed: a file is never held in memory whole.
use super::{seg, Call, CallBody, RemoteApi, Timeout};
use crate::error::{ClientError, Result};
use futures_util::StreamExt;
use reqwest::Method;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use swf_domain::{Document, Vertrouwelijkheid};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// Progress callback: bytes done, total if known.
pub type Progress<'a> = &'a (dyn Fn(u64, Option<u64>) + Send + Sync);

/// What a download wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the bytes written.
    pub sha256: String,
}

const CHUNK: usize = 256 * 1024;
/// Slowest upload throughput still considered alive, for the upload's overall time limit.
const MIN_UPLOAD_BYTES_PER_SEC: u64 = 32 * 1024;

/// Media type from the file extension (the service stores what we send as `formaat`).
fn media_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" | "gml" => "application/xml",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "dwg" => "image/vnd.dwg",
        "dxf" => "image/vnd.dxf",
        "ifc" => "application/x-step",
        "eml" => "message/rfc822",
        "msg" => "application/vnd.ms-outlook",
        _ => "application/octet-stream",
    }
}

/// Removes a temporary file unless disarmed.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl RemoteApi {
    /// Upload a file to a samenwerking, streamed from disk. `progress` is called with the bytes
    /// sent so far (non-decreasing) and ends with `(total, Some(total))` on success. Not
    /// retried (a POST).
    pub async fn upload_document(
        &self,
        samenwerking_id: &str,
        path: &Path,
        vertrouwelijkheid: Vertrouwelijkheid,
        omschrijving: &str,
        progress: Progress<'_>,
    ) -> Result<Document> {
        let file = tokio::fs::File::open(path).await?;
        let total = file.metadata().await?.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| ClientError::Config(format!("{} is geen bestand", path.display())))?;
        let (tx, mut rx) = tokio::sync::watch::channel(0u64);
        let mut sent = 0u64;
        let stream = tokio_util::io::ReaderStream::with_capacity(file.take(total), CHUNK).map(
            move |chunk| {
                if let Ok(c) = &chunk {
                    sent += c.len() as u64;
                    tx.send_replace(sent);
                }
                chunk
            },
        );
        let part =
            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), total)
                .file_name(name)
                .mime_str(media_type(path))
                .map_err(|e| ClientError::Protocol(format!("mediatype: {e}")))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let limit = self.inner.config.request_timeout
            + Duration::from_secs(total / MIN_UPLOAD_BYTES_PER_SEC);
        let call = Call::new(
            Method::POST,
            format!("/samenwerkingen/{}/documenten", seg(samenwerking_id)),
        )
        .query("vertrouwelijkheidsAanduiding", vertrouwelijkheid.as_str())
        .query("documentOmschrijving", omschrijving)
        .timeout(Timeout::Fixed(limit));
        let call = Call {
            body: Some(CallBody::Multipart(Mutex::new(Some(form)))),
            ..call
        };
        tracing::debug!(bytes = total, "upload starts");
        progress(0, Some(total));
        let mut reported = 0u64;
        let send = self.json::<Document>(&call);
        tokio::pin!(send);
        let result = loop {
            tokio::select! {
                r = &mut send => break r,
                changed = rx.changed() => {
                    if changed.is_err() {
                        // the body stream is gone; the answer follows
                        break (&mut send).await;
                    }
                    let done = *rx.borrow_and_update();
                    if done > reported && done < total {
                        reported = done;
                        progress(done, Some(total));
                    }
                }
            }
        };
        let doc = result?;
        progress(total, Some(total));
        Ok(doc)
    }

    /// Download a document's content to `dest`, streamed to a partial file next to it while
    /// hashing; fsync; verify the SHA-256 against `expected_sha256` (or, when not given, the
    /// service's `ETag`, which is the content hash); then rename into place. `dest` is untouched
    /// until the bytes are verified. When the connection drops, the partial file is kept and the
    /// next call for the same document and destination resumes it (`Range` + `If-Range`, so a
    /// changed document starts over); a hash mismatch is `Integrity` and removes it.
    pub async fn download_document(
        &self,
        document_id: Uuid,
        dest: &Path,
        expected_sha256: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<Downloaded> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let base = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                ClientError::Config(format!("{} is geen bestandsnaam", dest.display()))
            })?;
        let part_path = dir.join(format!(".{base}.{}.part", document_id.simple()));
        let expected_arg = expected_sha256.map(|h| h.trim().to_ascii_lowercase());

        // what an earlier, interrupted attempt left
        let have = match tokio::fs::metadata(&part_path).await {
            Ok(m) if m.is_file() => m.len(),
            _ => 0,
        };
        let mut call =
            Call::get(format!("/documenten/{document_id}/content")).timeout(Timeout::HeadOnly);
        if have > 0 {
            call = call.header("range", format!("bytes={have}-"));
            if let Some(h) = &expected_arg {
                call = call.header("if-range", format!("\"{h}\""));
            }
        }
        let resp = match self.send(&call).await {
            // the partial file is as long as the document (or longer): start over
            Err(ClientError::Server { status: 416, .. }) if have > 0 => {
                let _ = tokio::fs::remove_file(&part_path).await;
                let call = Call::get(format!("/documenten/{document_id}/content"))
                    .timeout(Timeout::HeadOnly);
                self.send(&call).await?
            }
            other => other?,
        };
        let resuming = resp.status() == reqwest::StatusCode::PARTIAL_CONTENT
            && have > 0
            && content_range_start(resp.headers()) == Some(have);
        let etag_hash = resp
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.trim()
                    .trim_start_matches("W/")
                    .trim_matches('"')
                    .to_ascii_lowercase()
            })
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let expected = expected_arg.or(etag_hash);

        let mut hasher = Sha256::new();
        let mut done = 0u64;
        let mut file = if resuming {
            // the bytes we have count towards the hash
            let mut f = tokio::fs::OpenOptions::new()
                .read(true)
                .append(true)
                .open(&part_path)
                .await?;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = f.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                done += n as u64;
            }
            f
        } else {
            tokio::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&part_path)
                .await?
        };
        // removed on any failure except a dropped connection (kept to resume)
        let mut tmp = TempFile {
            path: part_path,
            armed: true,
        };
        let total = resp.content_length().map(|n| n + done);

        let idle = self.inner.config.request_timeout;
        let mut resp = resp;
        progress(done, total);
        loop {
            let chunk = match tokio::time::timeout(idle, resp.chunk()).await {
                Err(_) => {
                    tmp.armed = false;
                    let _ = file.flush().await;
                    return Err(ClientError::Offline("de download stokte (time-out)".into()));
                }
                Ok(Err(e)) => {
                    tmp.armed = false;
                    let _ = file.flush().await;
                    return Err(super::offline(&e));
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(c))) => c,
            };
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
            done += chunk.len() as u64;
            progress(done, total);
        }
        if let Some(t) = total {
            if t != done {
                tmp.armed = false;
                let _ = file.flush().await;
                return Err(ClientError::Offline(format!(
                    "de download brak af na {done} van {t} bytes"
                )));
            }
        }
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let sha256 = hex::encode(hasher.finalize());
        if let Some(exp) = expected {
            if exp != sha256 {
                tracing::warn!(document = %document_id, "downloaded bytes do not match the hash");
                return Err(ClientError::Integrity(format!(
                    "verwacht {exp}, ontvangen {sha256}"
                )));
            }
        }
        tokio::fs::rename(&tmp.path, dest).await?;
        tmp.armed = false;
        sync_dir(&dir).await;
        tracing::debug!(document = %document_id, bytes = done, resumed = resuming, "downloaded");
        Ok(Downloaded {
            bytes: done,
            sha256,
        })
    }
}

/// The first byte position of a `Content-Range: bytes a-b/n` answer.
fn content_range_start(h: &reqwest::header::HeaderMap) -> Option<u64> {
    let v = h.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let range = v.trim().strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

/// Make the rename durable (Unix); best effort.
async fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        let dir = dir.to_path_buf();
        let _ = tokio::task::spawn_blocking(move || {
            std::fs::File::open(&dir).and_then(|d| d.sync_all())
        })
        .await;
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_by_extension() {
        assert_eq!(media_type(Path::new("a/advies.PDF")), "application/pdf");
        assert_eq!(media_type(Path::new("tekening.dwg")), "image/vnd.dwg");
        assert_eq!(media_type(Path::new("zonder")), "application/octet-stream");
    }

    #[test]
    fn temp_files_are_removed_unless_disarmed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t");
        std::fs::write(&p, b"x").unwrap();
        drop(TempFile {
            path: p.clone(),
            armed: true,
        });
        assert!(!p.exists());
        std::fs::write(&p, b"x").unwrap();
        drop(TempFile {
            path: p.clone(),
            armed: false,
        });
        assert!(p.exists());
    }
}
