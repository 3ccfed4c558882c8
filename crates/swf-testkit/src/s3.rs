//! The object-store switch of the suites: when `SWF_TEST_S3_URL` names a bucket on an
//! S3-compatible server that runs here (`http://127.0.0.1:PORT/bucket`; scripts/s3-moto.sh starts
//! moto in server mode and creates the bucket), every [`crate::Server`] keeps its document bytes
//! under a prefix of its own in that bucket (`SWF_STORAGE_URL=s3://bucket/<prefix>`), and the
//! tests can look into the bucket with [`TestBucket::keys`]. Without the variable documents stay
//! in the data folder, as before.
//!
//! Looking in uses plain unsigned S3 requests: moto does not check signatures (the server under
//! test signs its own, with throw-away credentials).
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable that switches the suites to the object store.
pub const ENV: &str = "SWF_TEST_S3_URL";

/// The bucket the suites keep documents in, if any.
pub fn bucket_url() -> Option<String> {
    std::env::var(ENV).ok().filter(|v| !v.is_empty())
}

/// Whether document bytes live in the object store (tests that look into the data folder's
/// `blobs/` say so and return).
pub fn on_s3() -> bool {
    bucket_url().is_some()
}

/// A server's own part of the test bucket.
#[derive(Debug, Clone)]
pub struct TestBucket {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    pub bucket: String,
    /// This server's key prefix (no slashes around it).
    pub prefix: String,
}

impl TestBucket {
    /// A fresh prefix in the bucket of `SWF_TEST_S3_URL`, when it is set.
    pub fn create_if_configured() -> Option<TestBucket> {
        let url = bucket_url()?;
        let (endpoint, bucket) = url.trim_end_matches('/').rsplit_once('/')?;
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let prefix = format!(
            "t{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        Some(TestBucket {
            endpoint: endpoint.to_owned(),
            bucket: bucket.to_owned(),
            prefix,
        })
    }

    /// The configuration of a server keeping its documents here.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            (
                "SWF_STORAGE_URL",
                format!("s3://{}/{}", self.bucket, self.prefix),
            ),
            ("SWF_STORAGE_ENDPOINT", self.endpoint.clone()),
            ("SWF_STORAGE_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "swf-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "swf-test-secret".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// The keys (below this server's prefix) and sizes of the objects in the bucket.
    pub async fn keys(&self) -> Vec<(String, u64)> {
        let url = format!(
            "{}/{}?list-type=2&prefix={}/",
            self.endpoint, self.bucket, self.prefix
        );
        let xml = reqwest::get(&url)
            .await
            .expect("list objects")
            .error_for_status()
            .expect("list objects status")
            .text()
            .await
            .expect("list objects body");
        assert!(
            !xml.contains("<IsTruncated>true</IsTruncated>"),
            "more than one page of objects"
        );
        let mut out = Vec::new();
        for c in xml.split("<Contents>").skip(1) {
            let key = between(c, "<Key>", "</Key>").unwrap_or_default();
            let size = between(c, "<Size>", "</Size>")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let rel = key
                .strip_prefix(&format!("{}/", self.prefix))
                .unwrap_or(key);
            out.push((rel.to_owned(), size));
        }
        out.sort();
        out
    }

    /// Store an object at `key` below this server's prefix (as something else than the service
    /// would: e.g. what a crash left behind).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) {
        let url = format!("{}/{}/{}/{key}", self.endpoint, self.bucket, self.prefix);
        reqwest::Client::new()
            .put(&url)
            .body(bytes)
            .send()
            .await
            .expect("put object")
            .error_for_status()
            .expect("put object status");
    }

    /// The multipart uploads below this server's prefix that were started and neither
    /// completed nor aborted (their parts are stored, invisible).
    pub async fn unfinished_uploads(&self) -> usize {
        let url = format!(
            "{}/{}?uploads&prefix={}/",
            self.endpoint, self.bucket, self.prefix
        );
        let xml = reqwest::get(&url)
            .await
            .expect("list uploads")
            .error_for_status()
            .expect("list uploads status")
            .text()
            .await
            .expect("list uploads body");
        xml.matches("<Upload>").count()
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let end = s[start..].find(close)? + start;
    Some(&s[start..end])
}
