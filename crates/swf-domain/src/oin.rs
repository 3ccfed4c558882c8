//! Organisatie-identificatienummer (OIN): exactly 20 digits.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// In TypeScript a plain `string` (serialised as one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(transparent))]
pub struct Oin(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OinError {
    #[error("een OIN heeft precies 20 cijfers, dit heeft er {0}")]
    WrongLength(usize),
    #[error("een OIN bestaat alleen uit cijfers (0-9)")]
    NotDigits,
}

impl Oin {
    pub fn parse(s: &str) -> Result<Self, OinError> {
        let n = s.chars().count();
        if n != 20 {
            return Err(OinError::WrongLength(n));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OinError::NotDigits);
        }
        Ok(Oin(s.to_owned()))
    }
    /// The service itself, as the actor of automatic changes (never an organisation).
    pub fn service() -> Self {
        Oin("00000000000000000000".to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Test OINs (prefix `00000099`) are free for anyone; accepted in test environments only.
    pub fn is_test(&self) -> bool {
        self.0.starts_with("00000099")
    }
}

impl FromStr for Oin {
    type Err = OinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Oin::parse(s)
    }
}

impl fmt::Display for Oin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Oin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Oin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Oin::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Oin {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]{20}$"))
            .description(Some("Organisatie-identificatienummer (20 cijfers)"))
            .examples(["00000001812579446000"])
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Oin {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_oins() {
        for s in [
            "00000001812579446000",
            "00000001852282229000",
            "00000099000000000001",
        ] {
            assert_eq!(Oin::parse(s).map(|o| o.to_string()), Ok(s.to_owned()));
        }
        assert!(Oin::parse("00000099000000000001").is_ok_and(|o| o.is_test()));
    }

    #[test]
    fn rejects_wrong_length_and_non_digits() {
        assert_eq!(Oin::parse(""), Err(OinError::WrongLength(0)));
        assert_eq!(
            Oin::parse("0000000181257944600"),
            Err(OinError::WrongLength(19))
        );
        assert_eq!(
            Oin::parse("000000018125794460001"),
            Err(OinError::WrongLength(21))
        );
        assert_eq!(Oin::parse("0000000181257944600A"), Err(OinError::NotDigits));
        assert_eq!(Oin::parse(" 0000000181257944600"), Err(OinError::NotDigits));
        // 20 characters but multi-byte: counted as characters, still not digits
        assert_eq!(Oin::parse("٠٠٠٠٠٠٠١٨١٢٥٧٩٤٤٦٠٠٠"), Err(OinError::NotDigits));
    }

    #[test]
    fn serde_round_trip_and_rejection() {
        let o: Oin = serde_json::from_str("\"00000001812579446000\"").unwrap();
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            "\"00000001812579446000\""
        );
        assert!(serde_json::from_str::<Oin>("\"123\"").is_err());
    }
}
