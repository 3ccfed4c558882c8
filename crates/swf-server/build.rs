//! `SWF_SERVER_BUILD_ID`: a fingerprint of the source this service is built from (this crate's
//! `Cargo.toml`, `build.rs`, `src/` and `migrations/`, and the same of `swf-domain`, which is
//! compiled into it). Exposed as `swf_server::BUILD_ID` and printed by `swf-server --build-id`,
//! so that a test kit can tell whether a `swf-server` binary on disk was built from the source
//! it was compiled against (crates/swf-testkit), instead of testing a stale one.
//!
//! FNV-1a (64 bit) over every file's relative path and bytes, in path order: stable across
//! machines and toolchains, no dependency. It detects change; it is no security measure.
use std::path::{Path, PathBuf};

const OWN: &[&str] = &["Cargo.toml", "build.rs", "src", "migrations"];
const DOMAIN: &[&str] = &["Cargo.toml", "src"];

fn main() {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let domain = here.join("..").join("swf-domain");
    let mut files = Vec::new();
    for (root, label, parts) in [(&here, "swf-server", OWN), (&domain, "swf-domain", DOMAIN)] {
        for part in parts {
            let p = root.join(part);
            // a directory: cargo reruns this script when anything below it changes
            println!("cargo:rerun-if-changed={}", p.display());
            collect(&p, &format!("{label}/{part}"), &mut files);
        }
    }
    files.sort();
    let mut h = Fnv::new();
    for (name, path) in &files {
        h.write(name.as_bytes());
        h.write(&[0]);
        // an unreadable file still counts, as a different fingerprint
        let bytes = std::fs::read(path).unwrap_or_default();
        h.write(&(bytes.len() as u64).to_le_bytes());
        h.write(&bytes);
    }
    println!("cargo:rustc-env=SWF_SERVER_BUILD_ID={:016x}", h.0);
}

/// Every file below `p` (or `p` itself), with its name relative to the crate, `/`-separated.
fn collect(p: &Path, name: &str, out: &mut Vec<(String, PathBuf)>) {
    if p.is_dir() {
        let Ok(rd) = std::fs::read_dir(p) else {
            return;
        };
        for e in rd.flatten() {
            let child = format!("{name}/{}", e.file_name().to_string_lossy());
            collect(&e.path(), &child, out);
        }
    } else if p.is_file() {
        out.push((name.to_owned(), p.to_path_buf()));
    }
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
