//! One app per data folder (issue 13, background mode; the protocol is
//! `swf_achtergrond::overdracht`, decision D53): the first start listens on a Unix socket in
//! its data folder; a second start with the same folder connects, asks the first to bring up
//! its window (built again if background mode destroyed it) and ends. When the one listening is
//! the background process (`samenwerkruimte-achtergrond`), it gives the folder up instead and
//! this start takes over. Two folders are two apps (the e2e suite runs two organisations side
//! by side), which is why this is not keyed on the app's identifier like Tauri's
//! single-instance plugin.
//!
//! Elsewhere than Unix, or when the socket cannot be made (a path too long for a socket
//! address), every start runs on its own, as before.
use std::path::{Path, PathBuf};
use swf_achtergrond::overdracht;
use tauri::{AppHandle, Runtime};

pub use overdracht::SOCKET;

pub enum Claim {
    /// This is the first app for the folder: listen with [`Enkel::luisteren`].
    Eerste(Enkel),
    /// Another app runs for the folder and was asked to show its window: end.
    Andere,
}

pub struct Enkel {
    #[cfg(unix)]
    listener: std::os::unix::net::UnixListener,
    // the socket file, removed on drop (there is no socket and no Enkel without unix)
    #[cfg_attr(not(unix), allow(dead_code))]
    pad: PathBuf,
}

impl Enkel {
    /// Claim `data_dir` (taking it over from the background process), or (None) run without:
    /// the reason is logged to stderr (the log does not run yet).
    pub fn claim(data_dir: &Path) -> Option<Claim> {
        match overdracht::claim(data_dir, overdracht::WACHTTIJD)? {
            #[cfg(unix)]
            overdracht::Claim::Eerste(listener, pad) => {
                Some(Claim::Eerste(Enkel { listener, pad }))
            }
            overdracht::Claim::Andere => Some(Claim::Andere),
        }
    }

    /// Bring up the window whenever a second start asks (on a thread of its own, for the
    /// app's life); [`opruimen`] removes the socket when the app ends normally.
    pub fn luisteren<R: Runtime>(self, app: AppHandle<R>) {
        #[cfg(unix)]
        {
            use std::io::Write;
            use tauri::Manager;
            let Enkel { listener, pad } = self;
            app.manage(SocketPad(pad));
            let r = std::thread::Builder::new()
                .name("enkel".into())
                .spawn(move || {
                    for s in listener.incoming() {
                        let Ok(mut s) = s else { continue };
                        if overdracht::is_tonen(&mut s) {
                            tracing::info!("the app was started again: bringing up the window");
                            crate::venster::tonen_of_loggen(&app);
                            let _ = s.write_all(overdracht::GETOOND);
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

/// Remove this app's socket (at exit): the next start need not find out that nobody listens,
/// and the background process the app hands over to can claim the folder.
pub fn opruimen<R: Runtime>(app: &AppHandle<R>) {
    use tauri::Manager;
    if let Some(p) = app.try_state::<SocketPad>() {
        let _ = std::fs::remove_file(&p.0);
    }
}
