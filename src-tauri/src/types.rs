//! Types that exist only at the IPC boundary (the engine's own types are used as they are).
use serde::{Deserialize, Serialize};
use specta::Type;
use swf_client::instellingen::Taal;
use swf_client::mirror::{self, Account, OverviewFilter, StatusFilter};

/// Pages are capped so one call cannot ask the mirror for everything at once.
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub versie: String,
    /// `nl.samenwerkruimte.desktop` (or `.dev` / `.test` for those builds).
    pub identifier: String,
    /// The built-in practice service can be started (`oefenomgeving_starten`).
    pub oefenomgeving_beschikbaar: bool,
    pub data_map: String,
    pub log_map: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessieInfo {
    pub account: Account,
    /// Why the sign-in will not be remembered (keychain unavailable), if so.
    pub waarschuwing: Option<String>,
    /// Signed in as a role of the built-in practice environment (the colour band, the role
    /// switcher, the exercises).
    pub oefenomgeving: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Oefenomgeving {
    /// `http://127.0.0.1:<port>`: fill in as the service URL.
    pub service_url: String,
    /// The password of every practice user.
    pub wachtwoord: String,
    pub gebruikers: Vec<OefenGebruiker>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OefenGebruiker {
    pub gebruikersnaam: String,
    pub naam: String,
    /// The name of the user's organisation.
    pub organisatie: String,
    pub oin: String,
    /// `GEMEENTE`, `VEILIGHEIDSREGIO`, …
    pub soort: String,
}

/// What the panel "Oefeningen" shows: the five exercises with their steps ticked by what was
/// done, the organisations that play the two roles, and the learner's notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OefeningenStand {
    pub oefeningen: Vec<swf_client::oefeningen::Oefening>,
    /// The practice user that plays the vergunningverlener (who started the samenwerking; the
    /// gemeente until then).
    pub vergunningverlener: OefenGebruiker,
    /// The practice user that plays the adviser (the first ketenpartner invited; the
    /// veiligheidsregio until then).
    pub adviseur: OefenGebruiker,
    /// The exercises' samenwerking, once started.
    pub samenwerking_id: Option<String>,
    pub samenwerking_titel: Option<String>,
    /// Notes per exercise number.
    pub notities: Vec<OefenNotitie>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OefenNotitie {
    pub nummer: u8,
    pub tekst: String,
}

/// A screen the learner looked at, which a mirror cannot show (the exercises count it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Gezien {
    Deelnemers,
    Actieverzoeken,
}

/// The overview filter as the UI sends it (the point of view is always the signed-in account).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OverzichtFilter {
    pub status: StatusFilter,
    #[serde(default)]
    pub zoek: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl From<OverzichtFilter> for OverviewFilter {
    fn from(f: OverzichtFilter) -> Self {
        OverviewFilter {
            mijn_oin: None,
            status: f.status,
            zoek: f
                .zoek
                .map(|z| z.trim().to_owned())
                .filter(|z| !z.is_empty()),
            limit: f.limit.clamp(1, MAX_LIMIT),
            offset: f.offset,
        }
    }
}

/// The notificaties filter as the UI sends it (the mirror's `NotificatieFilter`, with
/// the page capped).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificatieFilter {
    #[serde(default)]
    pub samenwerking_id: Option<String>,
    #[serde(default)]
    pub alleen_ongelezen: bool,
    pub limit: u32,
    pub offset: u32,
}

impl From<NotificatieFilter> for mirror::NotificatieFilter {
    fn from(f: NotificatieFilter) -> Self {
        mirror::NotificatieFilter {
            samenwerking_id: f.samenwerking_id,
            alleen_ongelezen: f.alleen_ongelezen,
            limit: f.limit.clamp(1, MAX_LIMIT),
            offset: f.offset,
        }
    }
}

/// Settings of this installation (kept in the local database, not on the service).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Instellingen {
    pub taal: Taal,
}

impl Instellingen {
    /// The engine's key: the notifications it writes use the same language.
    pub const TAAL: &'static str = Taal::SLEUTEL;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_take_the_ui_names_and_cap_the_page() {
        let f: OverzichtFilter = serde_json::from_value(
            json!({ "status": "open", "zoek": "  ", "limit": 100000, "offset": 5 }),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let f = OverviewFilter::from(f);
        assert_eq!(f.status, StatusFilter::Open);
        assert_eq!(f.zoek, None);
        assert_eq!(f.limit, MAX_LIMIT);
        assert_eq!(f.offset, 5);

        let n: NotificatieFilter = serde_json::from_value(
            json!({ "samenwerkingId": null, "alleenOngelezen": true, "limit": 0, "offset": 0 }),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let n = mirror::NotificatieFilter::from(n);
        assert!(n.alleen_ongelezen);
        assert_eq!(n.limit, 1);
    }

    #[test]
    fn settings_round_trip() {
        let i = Instellingen { taal: Taal::En };
        assert_eq!(serde_json::to_value(i).ok(), Some(json!({ "taal": "en" })));
        assert_eq!(Taal::from_setting(Some("en")), Taal::En);
        assert_eq!(Taal::from_setting(Some("fr")), Taal::Nl);
        assert_eq!(Taal::from_setting(None), Taal::Nl);
    }
}
