//! The `swf-server` binary that the suites run, and the guarantee that it is built from the
//! source this kit was compiled against: never a stale one.
//!
//! The binary prints its build identifier (`swf-server --build-id`, a fingerprint of the
//! server's and the domain's source made by `crates/swf-server/build.rs`); this kit knows the
//! identifier of the `swf-server` library it was compiled with ([`swf_server::BUILD_ID`]).
//! When the two differ, or there is no binary, the kit builds it once (`cargo build --bin
//! swf-server` into the same target folder and profile, under a file lock so that parallel test
//! processes do not all build), and fails with a clear message when it still differs.
//!
//! A workspace test run (`scripts/test.sh`) builds the binary together with the tests, so the
//! identifiers match and nothing is built; the kit builds only when a package's tests run on
//! their own (`cargo nextest run -p swf-client`) after the server's source changed.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The identifier of the server source this kit was compiled against.
pub const EXPECTED_BUILD_ID: &str = swf_server::BUILD_ID;

#[derive(Debug, thiserror::Error)]
pub enum BinaryError {
    #[error("there is no swf-server binary at {0}")]
    Missing(PathBuf),
    #[error("{bin} does not say its build identifier: {reason}")]
    Unreadable { bin: PathBuf, reason: String },
    #[error("{bin} is built from other source (build id {found}, this source is {expected})")]
    Stale {
        bin: PathBuf,
        found: String,
        expected: String,
    },
    #[error("the test binary's location says nothing about the target folder: {0}")]
    NoTargetDir(PathBuf),
    #[error("I/O on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{command}` failed: {reason}")]
    Build { command: String, reason: String },
    #[error("{stale}; building it did not help: {hint}")]
    StillStale {
        stale: Box<BinaryError>,
        hint: String,
    },
}

/// Is the binary at `bin` built from the source with identifier `expected`?
pub fn check(bin: &Path, expected: &str) -> Result<(), BinaryError> {
    if !bin.is_file() {
        return Err(BinaryError::Missing(bin.to_path_buf()));
    }
    let mut tries = 0;
    let out = loop {
        match Command::new(bin).arg("--build-id").output() {
            Ok(out) => break out,
            // just replaced, and still open for writing in a process that is forking
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => {
                return Err(BinaryError::Unreadable {
                    bin: bin.to_path_buf(),
                    reason: e.to_string(),
                })
            }
        }
    };
    if !out.status.success() {
        return Err(BinaryError::Unreadable {
            bin: bin.to_path_buf(),
            reason: format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    let found = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if found != expected {
        return Err(BinaryError::Stale {
            bin: bin.to_path_buf(),
            found,
            expected: expected.to_owned(),
        });
    }
    Ok(())
}

/// Make sure `bin` is built from `expected`: check; if not, take the lock at `lock`, check
/// again (another process may have built it meanwhile), run `build`, and check once more.
pub fn ensure_fresh(
    bin: &Path,
    expected: &str,
    lock: &Path,
    build: impl FnOnce() -> Result<(), BinaryError>,
) -> Result<(), BinaryError> {
    if check(bin, expected).is_ok() {
        return Ok(());
    }
    let io = |source| BinaryError::Io {
        path: lock.to_path_buf(),
        source,
    };
    if let Some(dir) = lock.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .map_err(io)?;
    // released when `file` is dropped, also when this process dies
    file.lock().map_err(io)?;
    let Err(first) = check(bin, expected) else {
        return Ok(());
    };
    eprintln!("swf-testkit: {first}; building it");
    build()?;
    check(bin, expected).map_err(|stale| BinaryError::StillStale {
        stale: Box::new(stale),
        hint: format!(
            "the build left another binary at {}; is CARGO_TARGET_DIR the one these tests were built in?",
            bin.display()
        ),
    })
}

/// Where this test executable's profile folder is (`target/<profile>/deps/<test>` → `target/<profile>`).
fn profile_dir() -> Result<PathBuf, BinaryError> {
    let exe = std::env::current_exe().map_err(|source| BinaryError::Io {
        path: PathBuf::from("current_exe"),
        source,
    })?;
    exe.parent()
        .filter(|d| d.file_name().is_some_and(|n| n == "deps"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or(BinaryError::NoTargetDir(exe))
}

/// `cargo build --bin swf-server` for the profile folder `profile` (debug, release, or a
/// named profile), into the target folder that holds it, with the feature set of the run.
fn cargo_build(profile: &Path) -> Result<(), BinaryError> {
    let target = profile
        .parent()
        .ok_or_else(|| BinaryError::NoTargetDir(profile.to_path_buf()))?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--locked")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .args(["--bin", "swf-server"]);
    match profile.file_name().and_then(|n| n.to_str()) {
        Some("debug") => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
        None => return Err(BinaryError::NoTargetDir(profile.to_path_buf())),
    }
    // scripts/test.sh (and session-tests.sh) build the whole workspace with one feature set:
    // build the same variant then, so that no later command of that run rebuilds it
    match std::env::var("SWF_CARGO_FEATURES") {
        Ok(f) if !f.trim().is_empty() => {
            cmd.args(["--workspace", "--features", f.trim()]);
        }
        _ => {
            cmd.args(["-p", "swf-server"]);
        }
    }
    let command = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| BinaryError::Build {
        command: command.clone(),
        reason: e.to_string(),
    })?;
    if !status.success() {
        return Err(BinaryError::Build {
            command,
            reason: status.to_string(),
        });
    }
    Ok(())
}

fn fresh_bin() -> Result<PathBuf, BinaryError> {
    let profile = profile_dir()?;
    let bin = profile.join(format!("swf-server{}", std::env::consts::EXE_SUFFIX));
    let lock = profile.join("swf-testkit-build.lock");
    ensure_fresh(&bin, EXPECTED_BUILD_ID, &lock, || cargo_build(&profile))?;
    Ok(bin)
}

/// The `swf-server` binary built from this source (built first if needed); panics with the
/// reason when there is none.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BIN.get_or_init(|| fresh_bin().map_err(|e| e.to_string())) {
        Ok(p) => p,
        Err(e) => panic!("swf-testkit: no swf-server built from this source: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A stand-in "binary": a shell script that answers `--build-id` with `id`.
    #[cfg(unix)]
    fn fake(dir: &Path, id: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("swf-server");
        let tmp = dir.join("swf-server.new");
        std::fs::write(&tmp, format!("#!/bin/sh\necho {id}\n")).unwrap();
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
        // a rename, as cargo replaces it: never a half-written script (ETXTBSY)
        std::fs::rename(&tmp, &p).unwrap();
        p
    }

    #[test]
    #[cfg(unix)]
    fn a_binary_of_other_source_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let bin = fake(dir.path(), "0123456789abcdef");
        match check(&bin, "fedcba9876543210") {
            Err(BinaryError::Stale {
                found, expected, ..
            }) => {
                assert_eq!(found, "0123456789abcdef");
                assert_eq!(expected, "fedcba9876543210");
            }
            other => panic!("not detected as stale: {other:?}"),
        }
        assert!(check(&bin, "0123456789abcdef").is_ok());
    }

    #[test]
    fn a_missing_binary_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("swf-server");
        assert!(matches!(
            check(&bin, EXPECTED_BUILD_ID),
            Err(BinaryError::Missing(p)) if p == bin
        ));
    }

    #[test]
    #[cfg(unix)]
    fn a_stale_binary_is_rebuilt_once_and_a_fresh_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("build.lock");
        let bin = fake(dir.path(), "old");
        let builds = Cell::new(0);
        let build = || {
            builds.set(builds.get() + 1);
            fake(dir.path(), "new");
            Ok(())
        };
        ensure_fresh(&bin, "new", &lock, build).unwrap();
        assert_eq!(builds.get(), 1, "stale: built");
        ensure_fresh(&bin, "new", &lock, || panic!("fresh: not built again")).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn a_build_that_leaves_a_stale_binary_fails_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("build.lock");
        let bin = fake(dir.path(), "old");
        let err = ensure_fresh(&bin, "new", &lock, || Ok(())).unwrap_err();
        assert!(matches!(err, BinaryError::StillStale { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("build id old") && msg.contains("this source is new"),
            "{msg}"
        );
        assert!(msg.contains("CARGO_TARGET_DIR"), "{msg}");
    }

    /// The binary the suites run answers with the identifier this kit was compiled against.
    #[test]
    fn the_binary_under_test_is_built_from_this_source() {
        let bin = bin();
        check(bin, EXPECTED_BUILD_ID).unwrap();
        assert_eq!(EXPECTED_BUILD_ID.len(), 16, "{EXPECTED_BUILD_ID}");
    }
}
