//! One process per data folder, and the hand-over between the app (window) and the background
//! process (decisions D39, D52, D53).
//!
//! Whoever runs for a data folder listens on the Unix socket `app.sock` in it. A start that
//! finds the socket taken connects and sends [`TONEN`]; the answer says what happened:
//!
//! - [`GETOOND`]: an app with a window runs and brought it up; the new start ends
//!   ([`Claim::Andere`]).
//! - [`VRIJ`]: the background process ran; it stopped syncing, closed the mirror, gave up the
//!   socket and ends. The new start (the app) takes the folder over ([`Claim::Eerste`]).
//! - nothing (an older app that does not answer, or no answer in time): as `GETOOND`.
//!
//! So the app and the background process never sync the same folder at once: at most one
//! process holds the socket, and the one that holds it is the one that syncs and notifies.
//! The background process itself never asks anything: started while someone holds the socket,
//! it ends ([`claim_stil`]).
//!
//! Elsewhere than Unix there is no socket: every start runs on its own (as before).
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket's name in the data folder.
pub const SOCKET: &str = "app.sock";
/// What a start of the app sends to the one that runs.
pub const TONEN: &[u8] = b"tonen\n";
/// The app's answer: its window is up.
pub const GETOOND: &[u8] = b"getoond\n";
/// The background process's answer: it gave the folder up.
pub const VRIJ: &[u8] = b"vrij\n";
/// How long a start waits for the answer (the background process closes its mirror first).
pub const WACHTTIJD: Duration = Duration::from_secs(20);

/// What the other side answered to [`TONEN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Antwoord {
    Getoond,
    Vrij,
    /// No (known) answer in time.
    Geen,
}

impl Antwoord {
    pub fn lezen(buf: &[u8]) -> Antwoord {
        if buf == GETOOND {
            Antwoord::Getoond
        } else if buf == VRIJ {
            Antwoord::Vrij
        } else {
            Antwoord::Geen
        }
    }
}

pub enum Claim {
    /// This process holds the folder: listen on it.
    #[cfg(unix)]
    Eerste(std::os::unix::net::UnixListener, PathBuf),
    /// Another process runs for the folder (and was asked to show its window, when the caller
    /// asked): end.
    Andere,
}

/// The socket path of `data_dir`.
pub fn socket(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

/// Claim `data_dir` for the app: a running app shows its window ([`Claim::Andere`]), a running
/// background process gives the folder up ([`Claim::Eerste`]). `None`: no socket (logged to
/// stderr: the log does not run yet); run without.
pub fn claim(data_dir: &Path, wachttijd: Duration) -> Option<Claim> {
    claim_met(data_dir, Some(wachttijd))
}

/// Claim `data_dir` for the background process: ask nothing of whoever runs.
pub fn claim_stil(data_dir: &Path) -> Option<Claim> {
    claim_met(data_dir, None)
}

#[cfg(unix)]
fn claim_met(data_dir: &Path, vragen: Option<Duration>) -> Option<Claim> {
    use std::io::{Read, Write};
    use std::os::unix::net::{UnixListener, UnixStream};
    if let Err(e) = std::fs::create_dir_all(data_dir) {
        eprintln!("Samenwerkruimte: {}: {e}", data_dir.display());
        return None;
    }
    let pad = socket(data_dir);
    // bind, or (taken) ask; a background process that gave the folder up is gone by the next
    // round, a stale socket file is removed: a few rounds are enough
    for _ in 0..4 {
        match UnixListener::bind(&pad) {
            Ok(l) => return Some(Claim::Eerste(l, pad)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                let mut s = match UnixStream::connect(&pad) {
                    Ok(s) => s,
                    // left behind by a process that ended abruptly: take it over
                    Err(_) => {
                        let _ = std::fs::remove_file(&pad);
                        continue;
                    }
                };
                let Some(wachttijd) = vragen else {
                    return Some(Claim::Andere);
                };
                if s.write_all(TONEN).is_err() {
                    continue;
                }
                let _ = s.set_read_timeout(Some(wachttijd));
                let mut buf = Vec::new();
                let _ = s.take(16).read_to_end(&mut buf);
                match Antwoord::lezen(&buf) {
                    Antwoord::Vrij => {
                        // it removed the socket before answering; bind again
                        continue;
                    }
                    Antwoord::Getoond | Antwoord::Geen => {
                        eprintln!(
                            "Samenwerkruimte draait al voor {}: het venster wordt getoond.",
                            data_dir.display()
                        );
                        return Some(Claim::Andere);
                    }
                }
            }
            Err(e) => {
                eprintln!("Samenwerkruimte: no single-instance socket ({e})");
                return None;
            }
        }
    }
    None
}

#[cfg(not(unix))]
fn claim_met(_data_dir: &Path, _vragen: Option<Duration>) -> Option<Claim> {
    None
}

/// Read one request from a connection to the socket: whether it is [`TONEN`] (anything else,
/// e.g. a background process that only checked whether someone runs, is nothing).
#[cfg(unix)]
pub fn is_tonen(s: &mut std::os::unix::net::UnixStream) -> bool {
    use std::io::Read;
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf).unwrap_or(0);
    buf[..n] == *TONEN
}

/// The app's binary next to this one (`samenwerkruimte` installed beside
/// `samenwerkruimte-achtergrond`), or `override_` (tests: `SWF_APP_EXE`).
pub fn naast(exe: &Path, naam: &str, override_: Option<PathBuf>) -> PathBuf {
    override_
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| {
            exe.parent()
                .unwrap_or(Path::new("."))
                .join(format!("{naam}{}", std::env::consts::EXE_SUFFIX))
        })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn answers_are_read_exactly() {
        assert_eq!(Antwoord::lezen(b"getoond\n"), Antwoord::Getoond);
        assert_eq!(Antwoord::lezen(b"vrij\n"), Antwoord::Vrij);
        assert_eq!(Antwoord::lezen(b""), Antwoord::Geen);
        assert_eq!(Antwoord::lezen(b"vrij"), Antwoord::Geen);
    }

    #[test]
    fn a_running_app_shows_its_window_and_the_new_start_ends() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Some(Claim::Eerste(l, _)) = claim(tmp.path(), WACHTTIJD) else {
            panic!("the first claim wins");
        };
        let app = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap_or_else(|e| panic!("{e}"));
            assert!(is_tonen(&mut s));
            s.write_all(GETOOND).unwrap_or_else(|e| panic!("{e}"));
            l
        });
        assert!(matches!(claim(tmp.path(), WACHTTIJD), Some(Claim::Andere)));
        let _l = app.join().unwrap_or_else(|_| panic!("the app thread"));
    }

    #[test]
    fn a_background_process_gives_the_folder_up_to_the_app() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Some(Claim::Eerste(l, pad)) = claim_stil(tmp.path()) else {
            panic!("the background process claims a free folder");
        };
        let achtergrond = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap_or_else(|e| panic!("{e}"));
            assert!(is_tonen(&mut s));
            // as the background process: stop, give the socket up, then answer
            drop(l);
            std::fs::remove_file(&pad).unwrap_or_else(|e| panic!("{e}"));
            s.write_all(VRIJ).unwrap_or_else(|e| panic!("{e}"));
        });
        let Some(Claim::Eerste(_l, _)) = claim(tmp.path(), WACHTTIJD) else {
            panic!("the app takes the folder over");
        };
        achtergrond
            .join()
            .unwrap_or_else(|_| panic!("the background thread"));
    }

    #[test]
    fn the_background_process_asks_nothing_of_a_running_app() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Some(Claim::Eerste(l, _)) = claim(tmp.path(), WACHTTIJD) else {
            panic!("the first claim wins");
        };
        assert!(matches!(claim_stil(tmp.path()), Some(Claim::Andere)));
        let (mut s, _) = l.accept().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !is_tonen(&mut s),
            "the app was not asked to show its window"
        );
    }

    #[test]
    fn no_answer_counts_as_shown_and_a_stale_socket_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Some(Claim::Eerste(l, _)) = claim(tmp.path(), WACHTTIJD) else {
            panic!("the first claim wins");
        };
        // an older app reads the request and closes without answering
        let oud = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap_or_else(|e| panic!("{e}"));
            assert!(is_tonen(&mut s));
            l
        });
        assert!(matches!(
            claim(tmp.path(), Duration::from_secs(5)),
            Some(Claim::Andere)
        ));
        let l = oud.join().unwrap_or_else(|_| panic!("the old app thread"));
        // it ended abruptly: the socket file stays, nobody listens
        drop(l);
        assert!(matches!(
            claim(tmp.path(), WACHTTIJD),
            Some(Claim::Eerste(..))
        ));
    }

    #[test]
    fn the_app_binary_is_found_next_to_this_one() {
        let exe = Path::new("/usr/bin/samenwerkruimte-achtergrond");
        assert_eq!(
            naast(exe, "samenwerkruimte", None),
            PathBuf::from(format!(
                "/usr/bin/samenwerkruimte{}",
                std::env::consts::EXE_SUFFIX
            ))
        );
        assert_eq!(
            naast(exe, "samenwerkruimte", Some("/t/app".into())),
            PathBuf::from("/t/app")
        );
        assert_eq!(
            naast(exe, "samenwerkruimte", Some("".into())),
            naast(exe, "samenwerkruimte", None)
        );
    }
}
