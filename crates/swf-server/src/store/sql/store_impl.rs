//! The one `impl Store` of both backends: read this way it is the index of where each method's
//! SQL lives (see the backend's module documentation for why it delegates to free functions).
use super::*;

#[async_trait]
impl Store for Backend {
    async fn insert_organisatie(&self, o: &OrganisatieRow, now: i64) -> Result<()> {
        auth::insert_organisatie(self, o, now).await
    }

    async fn get_organisatie(&self, oin: &str) -> Result<Option<OrganisatieRow>> {
        auth::get_organisatie(self, oin).await
    }

    async fn search_organisaties(&self, zoek: &str, limit: i64) -> Result<Vec<OrganisatieRow>> {
        auth::search_organisaties(self, zoek, limit).await
    }

    async fn insert_gebruiker(&self, g: &GebruikerRow, now: i64) -> Result<()> {
        auth::insert_gebruiker(self, g, now).await
    }

    async fn find_gebruiker(&self, gebruikersnaam: &str) -> Result<Option<GebruikerRow>> {
        auth::find_gebruiker(self, gebruikersnaam).await
    }

    async fn insert_token(&self, t: &NewToken) -> Result<()> {
        auth::insert_token(self, t).await
    }

    async fn find_token(&self, hash: &str) -> Result<Option<TokenIdentity>> {
        auth::find_token(self, hash).await
    }

    async fn delete_token(&self, hash: &str) -> Result<()> {
        auth::delete_token(self, hash).await
    }

    async fn list_tokens(&self, soort: &str) -> Result<Vec<TokenRow>> {
        auth::list_tokens(self, soort).await
    }

    async fn set_token_verloopt(&self, hash: &str, verloopt: Option<i64>) -> Result<bool> {
        auth::set_token_verloopt(self, hash, verloopt).await
    }

    async fn set_gebruiker_uitgeschakeld(
        &self,
        gebruikersnaam: &str,
        uitgeschakeld: Option<i64>,
    ) -> Result<bool> {
        auth::set_gebruiker_uitgeschakeld(self, gebruikersnaam, uitgeschakeld).await
    }

    async fn set_wachtwoord_hash(&self, gebruikersnaam: &str, hash: &str) -> Result<bool> {
        auth::set_wachtwoord_hash(self, gebruikersnaam, hash).await
    }

    async fn delete_expired_tokens(&self, now: i64) -> Result<u64> {
        auth::delete_expired_tokens(self, now).await
    }

    async fn next_samenwerking_nummer(&self) -> Result<i64> {
        samenwerkingen::next_samenwerking_nummer(self).await
    }

    async fn create_samenwerking(
        &self,
        s: &SamenwerkingRow,
        deelnemers: &[DeelnemerRow],
        fx: &Effects,
    ) -> Result<()> {
        samenwerkingen::create_samenwerking(self, s, deelnemers, fx).await
    }

    async fn get_samenwerking(&self, id: &str) -> Result<Option<SamenwerkingRow>> {
        samenwerkingen::get_samenwerking(self, id).await
    }

    async fn get_samenwerking_view(&self, id: &str, oin: &str) -> Result<Option<SamenwerkingView>> {
        samenwerkingen::get_samenwerking_view(self, id, oin).await
    }

    async fn list_samenwerkingen(
        &self,
        oin: &str,
        f: &SamenwerkingFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SamenwerkingKort>, i64)> {
        samenwerkingen::list_samenwerkingen(self, oin, f, offset, limit).await
    }

    async fn update_samenwerking(&self, s: &SamenwerkingRow, fx: &Effects) -> Result<Applied> {
        samenwerkingen::update_samenwerking(self, s, fx).await
    }

    async fn delete_samenwerking(
        &self,
        id: &str,
        by: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Option<Vec<String>>> {
        samenwerkingen::delete_samenwerking(self, id, by, now, fx).await
    }

    async fn samenwerkingen_in_status_before(
        &self,
        status: SamenwerkingStatus,
        creatie_before: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        samenwerkingen::samenwerkingen_in_status_before(self, status, creatie_before, limit).await
    }

    async fn samenwerkingen_due_for_deletion(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        samenwerkingen::samenwerkingen_due_for_deletion(self, now, limit).await
    }

    async fn samenwerkingen_to_announce(
        &self,
        until: i64,
        days: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        samenwerkingen::samenwerkingen_to_announce(self, until, days, limit).await
    }

    async fn mark_announced(&self, id: &str, days: i64, fx: &Effects) -> Result<Applied> {
        samenwerkingen::mark_announced(self, id, days, fx).await
    }

    async fn list_deelnemers(&self, samenwerking_id: &str) -> Result<Vec<DeelnemerRow>> {
        deelnemers::list_deelnemers(self, samenwerking_id).await
    }

    async fn get_deelnemer(
        &self,
        samenwerking_id: &str,
        oin: &str,
    ) -> Result<Option<DeelnemerRow>> {
        deelnemers::get_deelnemer(self, samenwerking_id, oin).await
    }

    async fn upsert_deelnemer(&self, d: &DeelnemerRow, fx: &Effects) -> Result<()> {
        deelnemers::upsert_deelnemer(self, d, fx).await
    }

    async fn set_privilege(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
        fx: &Effects,
    ) -> Result<Applied> {
        deelnemers::set_privilege(self, samenwerking_id, oin, privilege, fx).await
    }

    async fn remove_deelnemer(
        &self,
        samenwerking_id: &str,
        oin: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Applied> {
        deelnemers::remove_deelnemer(self, samenwerking_id, oin, now, fx).await
    }

    async fn insert_document(&self, d: &DocumentRow, fx: &Effects) -> Result<()> {
        documenten::insert_document(self, d, fx).await
    }

    async fn get_document(&self, id: &str) -> Result<Option<DocumentRow>> {
        documenten::get_document(self, id).await
    }

    async fn list_documenten(
        &self,
        samenwerking_id: &str,
        f: &DocumentFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DocumentRow>, i64)> {
        documenten::list_documenten(self, samenwerking_id, f, offset, limit).await
    }

    async fn documenten_van_actieverzoeken(
        &self,
        actieverzoek_ids: &[String],
    ) -> Result<Vec<GekoppeldDocument>> {
        documenten::documenten_van_actieverzoeken(self, actieverzoek_ids).await
    }

    async fn update_document(
        &self,
        d: &DocumentRow,
        expected_laatst_aangepast: i64,
        fx: &Effects,
    ) -> Result<Applied> {
        documenten::update_document(self, d, expected_laatst_aangepast, fx).await
    }

    async fn delete_document(&self, id: &str, fx: &Effects) -> Result<Applied> {
        documenten::delete_document(self, id, fx).await
    }

    async fn all_document_ids(&self) -> Result<Vec<String>> {
        documenten::all_document_ids(self).await
    }

    async fn insert_actieverzoek(
        &self,
        a: &ActieverzoekRow,
        documenten: &[String],
        fx: &Effects,
    ) -> Result<()> {
        actieverzoeken::insert_actieverzoek(self, a, documenten, fx).await
    }

    async fn get_actieverzoek(&self, id: &str) -> Result<Option<ActieverzoekView>> {
        actieverzoeken::get_actieverzoek(self, id).await
    }

    async fn list_actieverzoeken(
        &self,
        oin: &str,
        f: &ActieverzoekFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ActieverzoekView>, i64)> {
        actieverzoeken::list_actieverzoeken(self, oin, f, offset, limit).await
    }

    async fn update_actieverzoek(&self, a: &ActieverzoekRow, fx: &Effects) -> Result<Applied> {
        actieverzoeken::update_actieverzoek(self, a, fx).await
    }

    async fn koppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied> {
        actieverzoeken::koppel_document(self, actieverzoek_id, document_id, a, fx).await
    }

    async fn ontkoppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied> {
        actieverzoeken::ontkoppel_document(self, actieverzoek_id, document_id, a, fx).await
    }

    async fn insert_bericht(&self, b: &BerichtRow, fx: &Effects) -> Result<()> {
        actieverzoeken::insert_bericht(self, b, fx).await
    }

    async fn list_berichten(
        &self,
        actieverzoek_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<BerichtRow>, i64)> {
        actieverzoeken::list_berichten(self, actieverzoek_id, offset, limit).await
    }

    async fn list_notificaties(
        &self,
        oin: &str,
        f: &NotificatieFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<NotificatieRow>, i64)> {
        notificaties::list_notificaties(self, oin, f, offset, limit).await
    }

    async fn get_notificatie(&self, id: &str, oin: &str) -> Result<Option<NotificatieRow>> {
        notificaties::get_notificatie(self, id, oin).await
    }

    async fn delete_notificatie(&self, id: &str, oin: &str, fx: &Effects) -> Result<Applied> {
        notificaties::delete_notificatie(self, id, oin, fx).await
    }

    async fn list_audit(
        &self,
        samenwerking_id: &str,
        lezer: &str,
        ziet_sv: bool,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditRow>, i64)> {
        historie::list_audit(self, samenwerking_id, lezer, ziet_sv, offset, limit).await
    }

    async fn insert_audit(&self, a: &NewAudit) -> Result<()> {
        historie::insert_audit(self, a).await
    }

    async fn list_gebeurtenissen(
        &self,
        oin: &str,
        na: i64,
        limit: i64,
    ) -> Result<Vec<GebeurtenisRow>> {
        feed::list_gebeurtenissen(self, oin, na, limit).await
    }

    async fn feed_bounds(&self) -> Result<(i64, i64)> {
        feed::feed_bounds(self).await
    }

    async fn prune_gebeurtenissen(&self, tijd: i64) -> Result<u64> {
        feed::prune_gebeurtenissen(self, tijd).await
    }

    fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn token_epoch(&self) -> Option<u64> {
        self.token_epoch_now()
    }

    async fn notificaties_over_document(&self, document_id: &str) -> Result<Vec<(String, String)>> {
        notificaties::notificaties_over_document(self, document_id).await
    }

    async fn actieverzoeken_met_document(&self, document_id: &str) -> Result<Vec<ActieverzoekRow>> {
        actieverzoeken::actieverzoeken_met_document(self, document_id).await
    }

    async fn generation(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT waarde FROM volgnummers WHERE naam = 'generatie'")
                .fetch_one(&self.reader)
                .await?,
        )
    }

    async fn overview_generation(&self, oin: &str) -> Result<i64> {
        let g: Option<i64> = sqlx::query_scalar("SELECT generatie FROM overzicht WHERE oin = $1")
            .bind(oin)
            .fetch_optional(&self.reader)
            .await?;
        Ok(g.unwrap_or(0))
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn login_failures(&self, naam: &str) -> Result<Option<(i64, i64)>> {
        self.throttle_failures(naam).await
    }

    async fn record_login_failure(&self, naam: &str, now: i64, window_us: i64) -> Result<()> {
        self.throttle_record(naam, now, window_us).await
    }

    async fn clear_login_failures(&self, naam: &str) -> Result<()> {
        self.throttle_clear(naam).await
    }

    fn pool_stats(&self) -> (u32, usize) {
        self.pool_numbers()
    }
}
