//! Samenwerkruimte desktop engine: everything the app does that is not a window.
//!
//! - [`remote::RemoteApi`]: the SWF v5 service over HTTP (reqwest, rustls).
//! - [`mirror::Mirror`]: the local SQLite mirror (a rebuildable cache) plus local-only state.
//! - [`sync`]: a pure planner (events → fetches and mirror operations) and the engine that
//!   follows the service's change feed and applies batches in one transaction each.
//! - [`secrets::SecretStore`]: the OS keychain (and a fake for tests).
//! - [`werk`]: one function per use case for the app and the `swf` CLI (writes, then sync;
//!   local changes with their change notice) and the screen model with the actions
//!   `swf-domain` allows now.
//! - [`session`]: sign in and out, restore a remembered sign-in; [`error`]: the one error type.
//! - [`archive`]: a samenwerking as a BagIt + MDTO archive on the user's own disk.
//! - [`attendering`]: OS notifications — which changes give one (a pure policy), recorded once
//!   per installation, delivered through a [`attendering::Notifier`] the shell provides.
pub mod archive;
pub mod attendering;
pub mod error;
pub mod instellingen;
pub mod mirror;
pub mod oefeningen;
pub mod remote;
pub mod secrets;
pub mod session;
pub mod stopsignaal;
pub mod sync;
pub mod werk;

pub use error::{ClientError, ErrorCode, Result};
