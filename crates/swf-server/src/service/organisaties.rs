//! The organisation directory: search it, and the caller's own organisation.
use super::*;

/// An organisation as the wire shows it. A kind this build does not know reads as OVERIG.
pub fn present_organisatie(o: OrganisatieRow) -> ApiResult<Organisatie> {
    Ok(Organisatie {
        oin: oin(&o.oin)?,
        naam: o.naam,
        soort: OrganisatieSoort::from_wire(&o.soort).unwrap_or(OrganisatieSoort::Overig),
    })
}

impl<'a> Ctx<'a> {
    /// Organisations whose name or OIN contains `zoek`, by name, at most `limit`.
    pub async fn zoek_organisaties(&self, zoek: &str, limit: i64) -> ApiResult<Vec<Organisatie>> {
        self.st
            .store
            .search_organisaties(zoek, limit)
            .await?
            .into_iter()
            .map(present_organisatie)
            .collect()
    }

    /// The caller's organisation, and the signed-in user's own name (none for a system token:
    /// it has no person).
    pub async fn mijn_organisatie(&self) -> ApiResult<(Organisatie, Option<String>)> {
        let o = self
            .st
            .store
            .get_organisatie(self.me())
            .await?
            .ok_or_else(ApiError::internal)?;
        let naam = match &self.caller.gebruiker {
            Some(g) => self.st.store.find_gebruiker(g).await?.map(|u| u.naam),
            None => None,
        };
        Ok((present_organisatie(o)?, naam))
    }
}
