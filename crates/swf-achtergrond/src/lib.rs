//! The background process of the desktop app (issue 13, decisions D52–D54): while the app's
//! window is closed, `samenwerkruimte-achtergrond` keeps the session syncing, gives the OS
//! notifications and shows the tray — without GTK or WebKit, so it stays small.
//!
//! This library holds what the app (`src-tauri`) and the background process share:
//! - [`notifier::OsNotifier`]: the desktop's notifier (notify-rust), with "Openen";
//! - [`tellingen`]: what waits for the user, as the trays show it;
//! - [`overdracht`]: one process per data folder and the hand-over between the two;
//! - [`opties`]: the folders, the identifier and the "Openen" target on the command line.
pub mod notifier;
pub mod opties;
pub mod overdracht;
pub mod tellingen;
