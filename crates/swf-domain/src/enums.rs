//! Enumerations with their exact wire spelling.
use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $wire)] $var),+
        }
        // Written out, not derived: the derive does not see a `rename` whose literal comes from
        // this macro and documented the Rust variant names (`BeperkteToegang`) instead of the
        // wire names (`BEPERKTE_TOEGANG`). The schema lists exactly the wire spellings.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $wire),+ }
            }
            /// Parse the wire spelling (exact, case-sensitive).
            pub fn from_wire(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$var),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        /// Stored as its wire spelling in a text column: a row decodes straight into the
        /// enum, and a value that is no wire spelling is a decoding error that names both.
        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }
        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::from_wire(s).ok_or_else(|| {
                    UnknownWireValue {
                        enumeration: stringify!($name),
                        value: s.to_owned(),
                    }
                    .into()
                })
            }
        }
    };
}

/// A value that is not the wire spelling of any variant of `enumeration`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {enumeration} value")]
pub struct UnknownWireValue {
    pub enumeration: &'static str,
    pub value: String,
}

wire_enum!(
    /// Status of a samenwerking. `VERWIJDERD` is never shown on the wire to a caller: a deleted
    /// samenwerking answers 404; the value exists for the tombstone and the audit log.
    SamenwerkingStatus {
        Initialisatie = "INITIALISATIE",
        Open = "OPEN",
        Gesloten = "GESLOTEN",
        Verwijderd = "VERWIJDERD",
    }
);

wire_enum!(
    /// Status of an actieverzoek (v5).
    ActieverzoekStatus {
        Open = "OPEN",
        InBehandeling = "IN_BEHANDELING",
        Geweigerd = "GEWEIGERD",
        Gereedgemeld = "GEREEDGEMELD",
        Gereed = "GEREED",
        Ingetrokken = "INGETROKKEN",
    }
);

wire_enum!(
    /// `vertrouwelijkheidsAanduiding` of a document.
    Vertrouwelijkheid {
        /// Regulier vertrouwelijk: no personal and no commercially sensitive data.
        Rv = "RV",
        /// Strikt vertrouwelijk: may contain personal and/or commercially sensitive data.
        Sv = "SV",
    }
);

wire_enum!(
    /// Privilege of a deelnemer (decision D2 in docs/decisions.md: the wire literals).
    Privilege {
        /// Beperkte toegang: sees RV documents only.
        BeperkteToegang = "BEPERKTE_TOEGANG",
        /// Volledige toegang: sees RV and SV documents.
        VolledigeToegang = "VOLLEDIGE_TOEGANG",
    }
);

wire_enum!(
    /// Role of a deelnemer in a samenwerking.
    Rol {
        Initiator = "INITIATOR",
        Ketenpartner = "KETENPARTNER",
    }
);

wire_enum!(
    SamenwerkVorm {
        SamenwerkenAanBehandelen = "SAMENWERKEN_AAN_BEHANDELEN",
    }
);

wire_enum!(
    SamenwerkDoel {
        Behandelen = "BEHANDELEN",
    }
);

wire_enum!(
    /// Kind of organisation (extension: the organisation directory).
    OrganisatieSoort {
        Gemeente = "GEMEENTE",
        Provincie = "PROVINCIE",
        Waterschap = "WATERSCHAP",
        Rijk = "RIJK",
        Omgevingsdienst = "OMGEVINGSDIENST",
        Veiligheidsregio = "VEILIGHEIDSREGIO",
        Adviesbureau = "ADVIESBUREAU",
        Overig = "OVERIG",
    }
);

wire_enum!(
    /// `notificatieType`. The first seven are DSO's; the rest are this service's extensions and
    /// are returned only to clients that send the extensions header (a DSO client would throw).
    NotificatieType {
        DocumentToegevoegd = "DOCUMENT_TOEGEVOEGD",
        DocumentGewijzigd = "DOCUMENT_GEWIJZIGD",
        DocumentVerwijderd = "DOCUMENT_VERWIJDERD",
        StatusActieverzoekGewijzigd = "STATUS_ACTIEVERZOEK_GEWIJZIGD",
        UitnodigingKetenpartner = "UITNODIGING_KETENPARTNER",
        VerzoekOphalenGeslaagd = "VERZOEK_OPHALEN_GESLAAGD",
        NieuwBericht = "NIEUW_BERICHT",
        DeelnemerVerwijderd = "DEELNEMER_VERWIJDERD",
        PrivilegeGewijzigd = "PRIVILEGE_GEWIJZIGD",
        SamenwerkingGewijzigd = "SAMENWERKING_GEWIJZIGD",
        SamenwerkingGesloten = "SAMENWERKING_GESLOTEN",
        SamenwerkingVerwijderd = "SAMENWERKING_VERWIJDERD",
        VerwijderingGepland = "VERWIJDERING_GEPLAND",
    }
);

impl NotificatieType {
    /// True for the seven types a DSO v5 client knows.
    pub fn is_dso(self) -> bool {
        matches!(
            self,
            NotificatieType::DocumentToegevoegd
                | NotificatieType::DocumentGewijzigd
                | NotificatieType::DocumentVerwijderd
                | NotificatieType::StatusActieverzoekGewijzigd
                | NotificatieType::UitnodigingKetenpartner
                | NotificatieType::VerzoekOphalenGeslaagd
                | NotificatieType::NieuwBericht
        )
    }
}

impl SamenwerkingStatus {
    /// Work can be done (documents, invitations, actieverzoeken): INITIALISATIE behaves as OPEN
    /// ("all functions available", CIM).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            SamenwerkingStatus::Initialisatie | SamenwerkingStatus::Open
        )
    }
}

impl ActieverzoekStatus {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ActieverzoekStatus::Geweigerd
                | ActieverzoekStatus::Gereed
                | ActieverzoekStatus::Ingetrokken
        )
    }
}

impl Privilege {
    pub fn may_see(self, v: Vertrouwelijkheid) -> bool {
        match v {
            Vertrouwelijkheid::Rv => true,
            Vertrouwelijkheid::Sv => self == Privilege::VolledigeToegang,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_spellings() {
        assert_eq!(
            serde_json::to_string(&ActieverzoekStatus::InBehandeling).unwrap(),
            "\"IN_BEHANDELING\""
        );
        assert_eq!(
            serde_json::to_string(&Privilege::BeperkteToegang).unwrap(),
            "\"BEPERKTE_TOEGANG\""
        );
        assert_eq!(
            ActieverzoekStatus::from_wire("GEREEDGEMELD"),
            Some(ActieverzoekStatus::Gereedgemeld)
        );
        assert_eq!(ActieverzoekStatus::from_wire("gereedgemeld"), None);
        assert!(serde_json::from_str::<Vertrouwelijkheid>("\"ZV\"").is_err());
        for t in NotificatieType::ALL {
            assert_eq!(NotificatieType::from_wire(t.as_str()), Some(*t));
        }
        assert_eq!(
            NotificatieType::ALL.iter().filter(|t| t.is_dso()).count(),
            7
        );
    }

    #[test]
    fn limited_access_never_sees_sv() {
        assert!(!Privilege::BeperkteToegang.may_see(Vertrouwelijkheid::Sv));
        assert!(Privilege::BeperkteToegang.may_see(Vertrouwelijkheid::Rv));
        assert!(Privilege::VolledigeToegang.may_see(Vertrouwelijkheid::Sv));
    }
}

wire_enum!(
    /// Extension: the kind of a change-feed event (`/gebeurtenissen`). The feed tells a
    /// machine client *what* to re-read; the resource itself is fetched with the normal calls.
    GebeurtenisSoort {
        /// The samenwerking or its deelnemers changed, or the organisation was invited to it.
        SamenwerkingGewijzigd = "SAMENWERKING_GEWIJZIGD",
        /// The organisation's own privilege changed: everything it may see must be re-read.
        ToegangGewijzigd = "TOEGANG_GEWIJZIGD",
        /// The organisation was removed as deelnemer: forget the samenwerking.
        ToegangIngetrokken = "TOEGANG_INGETROKKEN",
        /// The samenwerking was deleted: forget it.
        SamenwerkingVerwijderd = "SAMENWERKING_VERWIJDERD",
        /// A document was added or its metadata changed (`objectId` = documentId).
        DocumentGewijzigd = "DOCUMENT_GEWIJZIGD",
        /// A document was deleted or may no longer be seen (made SV): forget it.
        DocumentVerwijderd = "DOCUMENT_VERWIJDERD",
        /// An actieverzoek was created or changed, or got a bericht (`objectId` = actieverzoekId).
        ActieverzoekGewijzigd = "ACTIEVERZOEK_GEWIJZIGD",
        /// A notificatie for the organisation was created (`objectId` = notificatieId).
        NotificatieNieuw = "NOTIFICATIE_NIEUW",
        /// A notificatie of the organisation was deleted (`objectId` = notificatieId).
        NotificatieVerwijderd = "NOTIFICATIE_VERWIJDERD",
    }
);

impl GebeurtenisSoort {
    /// True for events after which the organisation may see less than before.
    pub fn is_revocation(self) -> bool {
        matches!(
            self,
            GebeurtenisSoort::ToegangIngetrokken
                | GebeurtenisSoort::SamenwerkingVerwijderd
                | GebeurtenisSoort::DocumentVerwijderd
                | GebeurtenisSoort::ToegangGewijzigd
        )
    }
}
