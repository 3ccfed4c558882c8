//! The test kit of every Rust suite (a dev-dependency, never shipped): a real `swf-server`
//! process built from the current source ([`bin`]; a stale binary is rebuilt, see
//! [`binary`]) on 127.0.0.1 with a temp data folder ([`Server`]), the test organisations,
//! users and tokens made with its real admin CLI, raw HTTP as an organisation ([`Api`],
//! [`Raw`]) and, with the feature `client`, sessions of the engine over it ([`session_for`]).
//!
//! ```ignore
//! use swf_testkit::*;
//! let srv = Server::start(&[]).await;
//! let sid = srv.as_org(GEMEENTE).start("Dakkapel", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
//! ```
pub mod api;
pub mod binary;
#[cfg(feature = "client")]
pub mod client;
pub mod pg;
pub mod s3;
pub mod server;

pub use api::{Api, Raw, Resp};
pub use binary::bin;
#[cfg(feature = "client")]
pub use client::{config, follow, no_progress, session_for};
pub use pg::on_postgres;
pub use s3::on_s3;
pub use server::{admin_env, exit_within, Server};

/// Where the API lives on the service.
pub const BASE: &str = swf_domain::BASE_PATH;

pub const GEMEENTE: &str = "00000001002220647000";
/// partner, full access
pub const VRV: &str = "00000001812579446000";
/// partner, limited access
pub const BUREAU: &str = "00000003123456780000";
/// partner that gets removed
pub const WATERSCHAP: &str = "00000001999999999000";
/// never takes part
pub const BUITENSTAANDER: &str = "00000099000000000001";

/// Password of every test user ([`Server::start_with_users`]).
pub const WACHTWOORD: &str = "correct paard batterij nietje";

/// A test organisation and the user name of its one user, if it has one.
pub struct Org {
    pub oin: &'static str,
    pub naam: &'static str,
    pub soort: &'static str,
    pub gebruiker: Option<&'static str>,
}

/// The organisations every [`Server`] starts with.
pub const ORGANISATIES: &[Org] = &[
    Org {
        oin: GEMEENTE,
        naam: "Gemeente Oefenstad",
        soort: "GEMEENTE",
        gebruiker: Some("vergunningverlener"),
    },
    Org {
        oin: VRV,
        naam: "Veiligheidsregio Oefenland",
        soort: "VEILIGHEIDSREGIO",
        gebruiker: Some("adviseur"),
    },
    Org {
        oin: BUREAU,
        naam: "Adviesbureau Bouwfysica",
        soort: "ADVIESBUREAU",
        gebruiker: Some("bouwfysicus"),
    },
    Org {
        oin: WATERSCHAP,
        naam: "Waterschap De Dijk",
        soort: "WATERSCHAP",
        gebruiker: Some("dijkgraaf"),
    },
    Org {
        oin: BUITENSTAANDER,
        naam: "Buitenstaander BV",
        soort: "OVERIG",
        gebruiker: None,
    },
];
