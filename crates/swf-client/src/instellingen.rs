//! Settings of this installation the engine itself needs (the app's language, which OS
//! notifications to give). Like every setting they live in the local database
//! (`lokaal.instellingen`, one row per key), never on the service, and survive a rebuilt cache.
use crate::error::Result;
use crate::mirror::Mirror;
use serde::{Deserialize, Serialize};

/// The user's language. Stored under [`Taal::SLEUTEL`] as `nl`/`en` (the app's setting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Taal {
    #[default]
    Nl,
    En,
}

impl Taal {
    /// The key in `lokaal.instellingen` (the same the app's Instellingen screen writes).
    pub const SLEUTEL: &'static str = "taal";

    pub fn as_str(self) -> &'static str {
        match self {
            Taal::Nl => "nl",
            Taal::En => "en",
        }
    }

    /// The stored value; anything unknown is Dutch.
    pub fn from_setting(s: Option<&str>) -> Taal {
        match s {
            Some("en") => Taal::En,
            _ => Taal::Nl,
        }
    }
}

/// One switch per kind of OS notification (all on unless the user switched one off).
/// Stored as one JSON object under [`AttenderingInstellingen::SLEUTEL`]; a field missing from
/// the stored object (written by an older app) takes its default, so old settings still load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttenderingInstellingen {
    /// A new actieverzoek addressed to my organisation.
    pub nieuw_actieverzoek: bool,
    /// An answer (gereedgemeld, geweigerd) to an actieverzoek my organisation sent.
    pub antwoord: bool,
    /// My organisation was invited to a samenwerking.
    pub uitnodiging: bool,
    /// A samenwerking was closed.
    pub samenwerking_gesloten: bool,
    /// A samenwerking's deletion was announced (`VERWIJDERING_GEPLAND`).
    pub verwijdering_gepland: bool,
}

impl Default for AttenderingInstellingen {
    fn default() -> Self {
        AttenderingInstellingen {
            nieuw_actieverzoek: true,
            antwoord: true,
            uitnodiging: true,
            samenwerking_gesloten: true,
            verwijdering_gepland: true,
        }
    }
}

impl AttenderingInstellingen {
    /// The key in `lokaal.instellingen`.
    pub const SLEUTEL: &'static str = "attendering";
}

impl Mirror {
    /// The app's language (Dutch when never set).
    pub async fn taal(&self) -> Result<Taal> {
        Ok(Taal::from_setting(
            self.setting(Taal::SLEUTEL).await?.as_deref(),
        ))
    }

    pub async fn set_taal(&self, taal: Taal) -> Result<()> {
        self.set_setting(Taal::SLEUTEL, taal.as_str()).await
    }

    /// Which OS notifications to give. Never set, or unreadable (logged): all on.
    pub async fn attendering_instellingen(&self) -> Result<AttenderingInstellingen> {
        let Some(stored) = self.setting(AttenderingInstellingen::SLEUTEL).await? else {
            return Ok(AttenderingInstellingen::default());
        };
        Ok(serde_json::from_str(&stored).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unreadable notification settings; using the defaults");
            AttenderingInstellingen::default()
        }))
    }

    pub async fn set_attendering_instellingen(&self, i: &AttenderingInstellingen) -> Result<()> {
        self.set_setting(
            AttenderingInstellingen::SLEUTEL,
            &crate::mirror::to_json(i)?,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_or_partial_settings_load_with_the_missing_switches_on() {
        let partial: AttenderingInstellingen =
            serde_json::from_str(r#"{"antwoord": false, "straksNieuw": 3}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            partial,
            AttenderingInstellingen {
                antwoord: false,
                ..AttenderingInstellingen::default()
            }
        );
        let leeg: AttenderingInstellingen =
            serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(leeg, AttenderingInstellingen::default());
        assert!(leeg.nieuw_actieverzoek && leeg.verwijdering_gepland);
    }

    #[test]
    fn language_names() {
        assert_eq!(Taal::from_setting(Some("en")), Taal::En);
        assert_eq!(Taal::from_setting(Some("fr")), Taal::Nl);
        assert_eq!(Taal::from_setting(None), Taal::Nl);
        assert_eq!(Taal::En.as_str(), "en");
    }
}
