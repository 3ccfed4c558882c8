//! Deelnemers: invite, change access, remove, and the organisation directory to find them.
use super::parse_oin;
use crate::error::Result;
use crate::session::Session;
use swf_domain::{Deelnemer, DeelnemerUitnodigen, Organisatie, Privilege};

impl Session {
    /// Invite an organisation (by OIN) with `privilege`; returns the new deelnemer.
    pub async fn deelnemer_uitnodigen(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
    ) -> Result<Deelnemer> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .deelnemer_uitnodigen(samenwerking_id, &DeelnemerUitnodigen { oin, privilege }),
        )
        .await
    }

    /// Change a deelnemer's access; returns the changed deelnemer.
    pub async fn privilege_wijzigen(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
    ) -> Result<Deelnemer> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .wijzig_privilege(samenwerking_id, &oin, privilege),
        )
        .await
    }

    pub async fn deelnemer_verwijderen(&self, samenwerking_id: &str, oin: &str) -> Result<()> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .verwijder_deelnemer(samenwerking_id, &oin),
        )
        .await
        .map(drop)
    }

    /// Organisations by (part of their) name or OIN, to invite as partner.
    pub async fn organisaties_zoeken(&self, zoek: &str) -> Result<Vec<Organisatie>> {
        let q = zoek.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        self.engine.remote().zoek_organisaties(q).await
    }
}
