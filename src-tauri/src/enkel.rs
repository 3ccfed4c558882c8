//! One app per data folder (issue 13, background mode): the first start listens on a Unix
//! socket in its data folder; a second start with the same folder connects, asks the first to
//! bring up its window (built again if background mode destroyed it) and ends. Two folders are
//! two apps (the e2e suite runs two organisations side by side), which is why this is not keyed
//! on the app's identifier like Tauri's single-instance plugin.
//!
//! Elsewhere than Unix, or when the socket cannot be made (a path too long for a socket
//! address), every start runs on its own, as before.
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Runtime};

/// The socket's name in the data folder.
pub const SOCKET: &str = "app.sock";
/// What a second start sends.
const TONEN: &[u8] = b"tonen\n";

pub enum Claim {
    /// This is the first app for the folder: listen with [`Enkel::luisteren`].
    Eerste(Enkel),
    /// Another app runs for the folder and was asked to show its window: end.
    Andere,
}

pub struct Enkel {
    #[cfg(unix)]
    listener: std::os::unix::net::UnixListener,
    pad: PathBuf,
}

impl Enkel {
    /// Claim `data_dir`, or (None) run without: the reason is logged to stderr (the log does
    /// not run yet).
    pub fn claim(data_dir: &Path) -> Option<Claim> {
        #[cfg(unix)]
        {
            use std::io::Write;
            use std::os::unix::net::{UnixListener, UnixStream};
            if let Err(e) = std::fs::create_dir_all(data_dir) {
                eprintln!("Samenwerkruimte: {}: {e}", data_dir.display());
                return None;
            }
            let pad = data_dir.join(SOCKET);
            for _ in 0..2 {
                match UnixListener::bind(&pad) {
                    Ok(listener) => return Some(Claim::Eerste(Enkel { listener, pad })),
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                        match UnixStream::connect(&pad) {
                            Ok(mut s) => {
                                if s.write_all(TONEN).is_ok() {
                                    eprintln!(
                                        "Samenwerkruimte draait al voor {}: het venster wordt getoond.",
                                        data_dir.display()
                                    );
                                    return Some(Claim::Andere);
                                }
                            }
                            // left behind by an app that ended abruptly: take it over
                            Err(_) => {
                                let _ = std::fs::remove_file(&pad);
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
        {
            let _ = data_dir;
            None
        }
    }

    /// Bring up the window whenever a second start asks (on a thread of its own, for the
    /// app's life); [`opruimen`] removes the socket when the app ends normally.
    pub fn luisteren<R: Runtime>(self, app: AppHandle<R>) {
        #[cfg(unix)]
        {
            use std::io::Read;
            use tauri::Manager;
            let Enkel { listener, pad } = self;
            app.manage(SocketPad(pad));
            let r = std::thread::Builder::new()
                .name("enkel".into())
                .spawn(move || {
                    for s in listener.incoming() {
                        let Ok(mut s) = s else { continue };
                        let mut buf = [0u8; 16];
                        let n = s.read(&mut buf).unwrap_or(0);
                        if buf[..n] == *TONEN {
                            tracing::info!("the app was started again: bringing up the window");
                            crate::venster::tonen_of_loggen(&app);
                        }
                    }
                });
            if let Err(e) = r {
                tracing::warn!(error = %e, "no thread for the single-instance socket");
            }
        }
        #[cfg(not(unix))]
        let _ = (self, app);
    }
}

/// The socket of this app (managed while it listens), removed by [`opruimen`].
struct SocketPad(PathBuf);

/// Remove this app's socket (at exit): the next start need not find out that nobody listens.
pub fn opruimen<R: Runtime>(app: &AppHandle<R>) {
    use tauri::Manager;
    if let Some(p) = app.try_state::<SocketPad>() {
        let _ = std::fs::remove_file(&p.0);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_second_claim_asks_the_first_and_a_stale_socket_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let Some(Claim::Eerste(eerste)) = Enkel::claim(tmp.path()) else {
            panic!("the first claim wins");
        };
        assert!(matches!(Enkel::claim(tmp.path()), Some(Claim::Andere)));
        let mut buf = [0u8; 16];
        let (mut s, _) = eerste.listener.accept().unwrap_or_else(|e| panic!("{e}"));
        let n = std::io::Read::read(&mut s, &mut buf).unwrap_or(0);
        assert_eq!(&buf[..n], TONEN);
        // another folder is another app
        let ander = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(Enkel::claim(ander.path()), Some(Claim::Eerste(_))));
        // the first app ended abruptly: its socket file stays, nobody listens
        drop(eerste);
        assert!(matches!(Enkel::claim(tmp.path()), Some(Claim::Eerste(_))));
    }
}
