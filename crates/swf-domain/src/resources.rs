//! Resources and request bodies with their exact DSO v5 wire names.
//!
//! Fields marked "extension" are this service's additions; a DSO v5 client ignores them.
use crate::enums::*;
use crate::oin::Oin;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A HAL link (Spring HATEOAS shape; only `href` is always present).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Link {
    pub href: String,
    // `default` last: specta reads the attributes in order and then marks the field optional
    // (it is left out on the wire when false)
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[serde(default)]
    pub templated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    pub fn new(href: impl Into<String>) -> Self {
        Link {
            href: href.into(),
            templated: false,
            title: None,
        }
    }
}

pub type Links = BTreeMap<String, Link>;

/// `page` block of a HAL list (0-based `number`, as Spring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page {
    pub number: u64,
    pub size: u64,
    pub total_elements: u64,
    pub total_pages: u64,
}

impl Page {
    pub fn new(number: u64, size: u64, total_elements: u64) -> Self {
        let total_pages = if size == 0 {
            0
        } else {
            total_elements.div_ceil(size)
        };
        Page {
            number,
            size,
            total_elements,
            total_pages,
        }
    }
}

/// `status` of a samenwerking is a nested object on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusObject {
    pub status: SamenwerkingStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Samenwerking {
    pub samenwerking_id: String,
    pub verzoeknummer: Option<String>,
    pub olo_verzoeknummer: Option<String>,
    pub bron_verzoek: Option<String>,
    pub type_verzoek: Option<String>,
    pub globale_locatie: Option<String>,
    pub titel: String,
    pub beschrijving: Option<String>,
    pub taal: String,
    pub samenwerk_vorm: SamenwerkVorm,
    pub samenwerk_doel: SamenwerkDoel,
    pub status: StatusObject,
    pub aangemaakt_door: Oin,
    pub aangemaakt_door_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub creatie_datum_tijd: DateTime<Utc>,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub eind_datum_tijd: DateTime<Utc>,
    pub laatst_aangepast_door: Oin,
    pub laatst_aangepast_door_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub laatst_aangepast_datum_tijd: DateTime<Utc>,
    pub kenmerk_systeem: Option<String>,
    pub nummer_binnen_systeem: Option<String>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_emailadres: Option<String>,
    pub contactpersoon_telefoonnummer: Option<String>,
    pub aantal_actieverzoeken: u64,
    pub aantal_notificaties: u64,
    /// Extension: when it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::rfc3339::serialize_opt")]
    pub sluit_datum_tijd: Option<DateTime<Utc>>,
    /// Extension: when it will be deleted automatically (1 year after closing by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::rfc3339::serialize_opt")]
    pub verwijder_datum_tijd: Option<DateTime<Utc>>,
    /// Extension: the caller's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mijn_rol: Option<Rol>,
    /// Extension: the caller's effective privilege.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mijn_privilege: Option<Privilege>,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deelnemer {
    pub oin: Oin,
    pub naam: String,
    pub rol: Rol,
    pub privilege: Privilege,
    pub samenwerking_id: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub toegevoegd_datum_tijd: DateTime<Utc>,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Document {
    pub document_id: Uuid,
    pub bestands_naam: String,
    pub samenwerking_id: String,
    pub kenmerk_systeem: Option<String>,
    pub nummer_binnen_systeem: Option<String>,
    pub aangemaakt_door: Oin,
    pub aangemaakt_door_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub creatie_datum_tijd: DateTime<Utc>,
    pub laatst_aangepast_door: Oin,
    pub laatst_aangepast_door_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub laatst_aangepast_datum_tijd: DateTime<Utc>,
    pub document_omschrijving: String,
    pub vertrouwelijkheids_aanduiding: Vertrouwelijkheid,
    pub taal: Option<String>,
    /// Media type as sent on upload.
    pub formaat: String,
    /// Lowercase hex SHA-256 of the content.
    pub document_hash: String,
    /// Extension: size in bytes.
    pub grootte: u64,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actieverzoek {
    pub actieverzoek_id: Uuid,
    pub samenwerking_id: String,
    pub titel: String,
    pub omschrijving: String,
    pub melding: Option<String>,
    pub product_id: Option<String>,
    pub status: ActieverzoekStatus,
    pub zender: Oin,
    pub zender_naam: String,
    pub ontvanger: Oin,
    pub ontvanger_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub creatie_datum_tijd: DateTime<Utc>,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub laatst_aangepast_datum_tijd: DateTime<Utc>,
    pub laatst_aangepast_door: Oin,
    pub laatst_aangepast_door_naam: String,
    pub aantal_berichten: u64,
    pub documenten: Vec<Document>,
    /// Extension: optimistic-concurrency version; the `ETag` carries the same number.
    pub versie: i64,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Bericht {
    pub bericht_id: Uuid,
    pub actieverzoek_id: Uuid,
    pub samenwerking_id: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub creatie_datum_tijd: DateTime<Utc>,
    pub inhoud: String,
    pub zender: Oin,
    pub zender_naam: String,
    pub ontvanger: Oin,
    pub ontvanger_naam: String,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Notificatie {
    pub notificatie_id: Uuid,
    pub notificatie_type: NotificatieType,
    pub samenwerking_id: String,
    pub samenwerk_vorm: SamenwerkVorm,
    pub notificatie_titel: String,
    pub notificatie_tekst: String,
    pub event_initiator: Oin,
    pub event_initiator_naam: String,
    pub deelnemer: Oin,
    pub deelnemer_naam: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub event_datum_tijd: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub properties: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "_links")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Link>))]
    pub links: Links,
}

/// Extension: an organisation in the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Organisatie {
    pub oin: Oin,
    pub naam: String,
    pub soort: OrganisatieSoort,
}

/// Extension: one line of a samenwerking's history (audit log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistorieRegel {
    pub volgnummer: i64,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub datum_tijd: DateTime<Utc>,
    pub organisatie: Oin,
    pub organisatie_naam: String,
    pub gebruiker: Option<String>,
    pub actie: String,
    pub omschrijving: String,
}

/// Extension: one event of an organisation's change feed (`GET /gebeurtenissen`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Gebeurtenis {
    /// Position in the feed; pass it as `na` (or `Last-Event-ID`) to read what follows.
    pub volgnummer: i64,
    pub soort: GebeurtenisSoort,
    pub samenwerking_id: String,
    /// The document, actieverzoek or notificatie the event is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub datum_tijd: DateTime<Utc>,
}

/// Extension: a page of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Gebeurtenissen {
    pub gebeurtenissen: Vec<Gebeurtenis>,
    /// The cursor to pass as `na` next time: the last event's `volgnummer`, or the feed's head
    /// when the page is empty.
    pub volgende: i64,
    /// True when more events follow right away (the page was full).
    pub meer: bool,
}

// ---------- request bodies ----------

/// A partner to invite together with the start (extension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeelnemerUitnodigen {
    pub oin: Oin,
    pub privilege: Privilege,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SamenwerkingStarten {
    pub titel: String,
    #[serde(default)]
    pub beschrijving: Option<String>,
    #[serde(default)]
    pub verzoeknummer: Option<String>,
    #[serde(default)]
    pub bron_verzoek: Option<String>,
    #[serde(default)]
    pub type_verzoek: Option<String>,
    #[serde(default)]
    pub globale_locatie: Option<String>,
    #[serde(default)]
    pub kenmerk_systeem: Option<String>,
    #[serde(default)]
    pub nummer_binnen_systeem: Option<String>,
    #[serde(default)]
    pub contactpersoon_naam: Option<String>,
    #[serde(default)]
    pub contactpersoon_emailadres: Option<String>,
    #[serde(default)]
    pub contactpersoon_telefoonnummer: Option<String>,
    #[serde(default)]
    pub taal: Option<String>,
    /// Extension: partners to invite in the same step.
    #[serde(default)]
    pub deelnemers: Vec<DeelnemerUitnodigen>,
}

/// merge-patch of a samenwerking. `status: {status: GESLOTEN}` closes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SamenwerkingWijzigen {
    #[serde(default)]
    pub titel: Option<String>,
    #[serde(default)]
    pub beschrijving: Option<String>,
    #[serde(default)]
    pub kenmerk_systeem: Option<String>,
    #[serde(default)]
    pub nummer_binnen_systeem: Option<String>,
    #[serde(default)]
    pub contactpersoon_naam: Option<String>,
    #[serde(default)]
    pub contactpersoon_emailadres: Option<String>,
    #[serde(default)]
    pub contactpersoon_telefoonnummer: Option<String>,
    #[serde(default)]
    pub status: Option<StatusObject>,
}

impl SamenwerkingWijzigen {
    pub fn changes_metadata(&self) -> bool {
        self.titel.is_some()
            || self.beschrijving.is_some()
            || self.kenmerk_systeem.is_some()
            || self.nummer_binnen_systeem.is_some()
            || self.contactpersoon_naam.is_some()
            || self.contactpersoon_emailadres.is_some()
            || self.contactpersoon_telefoonnummer.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeelnemerWijzigen {
    pub privilege: Privilege,
}

/// A document reference in an actieverzoek body: a bare id or `{documentId}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DocumentRef {
    Id(Uuid),
    Object {
        #[serde(rename = "documentId")]
        document_id: Uuid,
    },
}

impl DocumentRef {
    pub fn id(self) -> Uuid {
        match self {
            DocumentRef::Id(u) | DocumentRef::Object { document_id: u } => u,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActieverzoekOpstellen {
    pub titel: String,
    pub omschrijving: String,
    pub ontvanger: Oin,
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub documenten: Vec<DocumentRef>,
}

/// merge-patch of an actieverzoek: `{status, melding, omschrijving, productId, titel}`.
/// Unchanged values of fields the caller may not edit are accepted (a DSO client always sends all
/// five keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActieverzoekWijzigen {
    #[serde(default)]
    pub status: Option<ActieverzoekStatus>,
    #[serde(default)]
    pub melding: Option<String>,
    #[serde(default)]
    pub omschrijving: Option<String>,
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub titel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BerichtVerzenden {
    pub bericht: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentKoppelen {
    pub document_id: Uuid,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentWijzigen {
    #[serde(default)]
    pub document_omschrijving: Option<String>,
    #[serde(default)]
    pub vertrouwelijkheids_aanduiding: Option<Vertrouwelijkheid>,
    #[serde(default)]
    pub kenmerk_systeem: Option<String>,
    #[serde(default)]
    pub nummer_binnen_systeem: Option<String>,
    #[serde(default)]
    pub taal: Option<String>,
}

/// Extension: sign in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TokenAanvraag {
    pub gebruikersnaam: String,
    pub wachtwoord: String,
}

/// Extension: an issued bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    #[serde(serialize_with = "crate::rfc3339::serialize")]
    pub verloopt_op: DateTime<Utc>,
    pub organisatie: Organisatie,
    pub gebruikersnaam: String,
    /// The user's human name ("Vera Vergunningverlener"), for display. Absent from older
    /// services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naam: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actieverzoek_patch_accepts_the_dso_client_shape() {
        let body = r#"{"status":"GEREEDGEMELD","melding":"klaar","omschrijving":"x","productId":null,"titel":"t"}"#;
        let p: ActieverzoekWijzigen = serde_json::from_str(body).unwrap();
        assert_eq!(p.status, Some(ActieverzoekStatus::Gereedgemeld));
        assert_eq!(p.product_id, None);
    }

    #[test]
    fn document_refs_accept_ids_and_objects() {
        let id = Uuid::nil();
        let v: Vec<DocumentRef> =
            serde_json::from_str(&format!(r#"["{id}", {{"documentId":"{id}"}}]"#)).unwrap();
        assert!(v.iter().all(|d| d.id() == id));
    }

    #[test]
    fn start_rejects_unknown_fields_and_bad_oin() {
        assert!(
            serde_json::from_str::<SamenwerkingStarten>(r#"{"titel":"a","onbekend":1}"#).is_err()
        );
        assert!(serde_json::from_str::<SamenwerkingStarten>(
            r#"{"titel":"a","deelnemers":[{"oin":"123","privilege":"VOLLEDIGE_TOEGANG"}]}"#
        )
        .is_err());
    }

    #[test]
    fn page_counts() {
        assert_eq!(Page::new(0, 20, 0).total_pages, 0);
        assert_eq!(Page::new(0, 20, 41).total_pages, 3);
    }
}
