//! SWF domain: the wire types of the DSO *Samenwerkfunctionaliteit* v5 API, its enumerations,
//! the OIN, the state machines of samenwerking and actieverzoek, and the authorisation rules.
//!
//! This crate is pure: no I/O, no async. Both the service (to enforce) and the client (to
//! enable buttons and plan sync) use it.

pub mod enums;
pub mod machine;
pub mod oin;
pub mod resources;
pub mod rfc3339;
pub mod rules;
pub mod validation;

pub use enums::*;
pub use machine::*;
pub use oin::{Oin, OinError};
pub use resources::*;
pub use rules::*;
pub use validation::{InvalidParam, Validate};

/// The v5 base path, exactly as DSO publishes it.
pub const BASE_PATH: &str = "/overheid/samenwerken/api/behandelen/v5";

/// The semantic version of the API this crate describes (sent as `API-Version`).
pub const API_VERSION: &str = "5.0.0";

/// Request header with which a client asks for this service's extensions (extra notification
/// types and link relations). A plain DSO v5 client does not send it and sees only DSO values.
pub const EXTENSIONS_HEADER: &str = "swf-extensies";
