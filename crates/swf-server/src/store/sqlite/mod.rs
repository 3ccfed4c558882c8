//! SQLite implementation of [`Store`]: WAL, foreign keys, `synchronous=FULL`, one writer
//! connection (writes are serialised in-process, so no SQLITE_BUSY) and a pool of readers.
//!
//! One module per aggregate holds the SQL for it: [`auth`] (organisaties, gebruikers, tokens),
//! [`samenwerkingen`], [`deelnemers`], [`documenten`], [`actieverzoeken`] (with berichten),
//! [`notificaties`], [`historie`] (audit) and [`feed`] (gebeurtenissen). This file keeps what they
//! share: opening (pragmas, migrations, the writer and reader pools), `begin`/`commit` and the
//! ends of every write (`finish`: the effects and commit; `finish_guarded`: the same, or `Stale`
//! when the guarded statement missed its row), [`apply_effects`], the list helpers (`count`,
//! `rows`, `page`), the visibility fragments, and the one `impl Store for SqliteStore`.
//!
//! Why the trait impl delegates to free functions (`documenten::list_documenten(self, ..)`) rather
//! than to same-named inherent methods: a trait impl must be one block, so it stays here, and read
//! this way it is the index of where each method's SQL lives; a body that goes missing is a compile
//! error, where a same-named inherent method that went missing would silently make `self.x()` call
//! the trait method again (endless recursion). The free functions take the store as `db`.
use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

/// Notifications an organisation may see: its own copies, minus those about a document that is
/// SV now while it has limited access, minus those of samenwerkingen it no longer takes part in
/// (unless meant for that).
const NOTIF_VISIBLE: &str = " FROM notificaties n LEFT JOIN deelnemers dn \
    ON dn.samenwerking_id = n.samenwerking_id AND dn.oin = n.ontvanger \
    WHERE n.ontvanger = ";
const NOTIF_VISIBLE_TAIL: &str =
    " AND (n.na_vertrek = 1 OR (dn.oin IS NOT NULL AND dn.verwijderd IS NULL \
    AND (NOT COALESCE((SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id), \
    n.alleen_volledig = 1) OR dn.privilege = 'VOLLEDIGE_TOEGANG' OR dn.rol = 'INITIATOR')))";

/// Whether the row `x` (with `document_id` and `alleen_volledig`) is about an SV document: the
/// document's confidentiality now, or the last one it had when it is gone (decision D4).
macro_rules! over_sv {
    ($x:literal) => {
        concat!(
            "COALESCE((SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = ",
            $x,
            ".document_id), ",
            $x,
            ".alleen_volledig = 1)"
        )
    };
}

// after `over_sv!`: a `macro_rules!` macro is visible only to the modules declared below it
mod actieverzoeken;
mod auth;
mod deelnemers;
mod documenten;
mod feed;
mod historie;
mod notificaties;
mod samenwerkingen;

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self> {
        let url = format!("sqlite://{}", path.display());
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let readers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(2, 8) as u32
            * 2;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .min_connections(1)
            .connect_with(opts.read_only(true))
            .await?;
        let (changes, _) = tokio::sync::watch::channel(0u64);
        Ok(SqliteStore {
            reader,
            writer,
            changes: std::sync::Arc::new(changes),
        })
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin().await?)
    }

    /// Commit a write transaction, bumping the write generation in it; then wake the live feed.
    async fn commit(&self, mut tx: Transaction<'static, Sqlite>) -> Result<()> {
        sqlx::query("UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'generatie'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    /// Write a change's effects in its transaction and commit.
    async fn finish(&self, mut tx: Transaction<'static, Sqlite>, fx: &Effects) -> Result<()> {
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await
    }

    /// The end of a guarded write whose guarded statement touched `rows` rows. Exactly one: write
    /// the effects and commit. Otherwise the row was changed or removed by someone else first:
    /// `Stale`, and the transaction is rolled back (dropped).
    async fn finish_guarded(
        &self,
        tx: Transaction<'static, Sqlite>,
        rows: u64,
        fx: &Effects,
    ) -> Result<Applied> {
        if rows != 1 {
            return Ok(Applied::Stale);
        }
        self.finish(tx, fx).await?;
        Ok(Applied::Yes)
    }
}

/// Adds a list's `FROM … WHERE …` (with its bound values) to a query.
type FromWhere<'f> = &'f (dyn Fn(&mut QueryBuilder<'_, Sqlite>) + Sync);

/// How many rows a list has in all.
async fn count(db: &SqliteStore, from: FromWhere<'_>) -> Result<i64> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
    from(&mut q);
    Ok(q.build_query_as::<(i64,)>().fetch_one(&db.reader).await?.0)
}

/// One page of a list: `select` (the columns) `from`, in `order` (ORDER BY …, ending in a
/// unique column so pages never overlap).
async fn rows<T>(
    db: &SqliteStore,
    select: &str,
    from: FromWhere<'_>,
    order: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut q = QueryBuilder::<Sqlite>::new(select);
    from(&mut q);
    q.push(" ORDER BY ")
        .push(order)
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok(q.build_query_as().fetch_all(&db.reader).await?)
}

/// A page of a list and the list's total.
async fn page<T>(
    db: &SqliteStore,
    select: &str,
    from: FromWhere<'_>,
    order: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<T>, i64)>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let total = count(db, from).await?;
    Ok((rows(db, select, from, order, offset, limit).await?, total))
}

async fn apply_effects(tx: &mut Transaction<'static, Sqlite>, fx: &Effects) -> Result<()> {
    for n in &fx.notificaties {
        sqlx::query(
            "INSERT INTO notificaties (id, ontvanger, ontvanger_naam, samenwerking_id, type, titel, tekst, event_initiator, \
             event_initiator_naam, event_datum, properties, document_id, alleen_volledig, na_vertrek) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&n.id)
        .bind(&n.ontvanger)
        .bind(&n.ontvanger_naam)
        .bind(&n.samenwerking_id)
        .bind(n.soort.as_str())
        .bind(&n.titel)
        .bind(&n.tekst)
        .bind(&n.event_initiator)
        .bind(&n.event_initiator_naam)
        .bind(n.event_datum)
        .bind(&n.properties)
        .bind(&n.document_id)
        .bind(n.alleen_volledig)
        .bind(n.na_vertrek)
        .execute(&mut **tx)
        .await?;
    }
    for a in &fx.audit {
        historie::insert_audit_in(tx, a).await?;
    }
    for g in &fx.gebeurtenissen {
        feed::insert_gebeurtenis(tx, g).await?;
    }
    for n in &fx.notificaties {
        // the announcement of a notification is as visible as the notification
        let g = NewGebeurtenis {
            oin: n.ontvanger.clone(),
            soort: swf_domain::GebeurtenisSoort::NotificatieNieuw,
            samenwerking_id: n.samenwerking_id.clone(),
            object_id: Some(n.id.clone()),
            tijd: n.event_datum,
            document_id: n.document_id.clone(),
            alleen_volledig: n.alleen_volledig != 0,
        };
        feed::insert_gebeurtenis(tx, &g).await?;
    }
    Ok(())
}

fn direction(desc: bool) -> &'static str {
    if desc {
        "DESC"
    } else {
        "ASC"
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[async_trait]
impl Store for SqliteStore {
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
    ) -> Result<(Vec<SamenwerkingView>, i64)> {
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

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value in an enum column that is no wire spelling (a corrupt or hand-edited database)
    /// is a decoding error that names the column and the value: a 500, never a panic.
    #[tokio::test]
    async fn a_corrupt_enum_column_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteStore::open(&dir.path().join("swf.sqlite"))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO samenwerkingen (id, volgnummer, titel, taal, status, aangemaakt_door, \
             aangemaakt_door_naam, creatie, eind, laatst_aangepast_door, laatst_aangepast_door_naam, \
             laatst_aangepast) VALUES ('SAM-1', 1, 't', 'NL', 'OPEN?', 'x', 'x', 0, 0, 'x', 'x', 0)",
        )
        .execute(&db.writer)
        .await
        .unwrap();
        let e = db.get_samenwerking("SAM-1").await.unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(e, StoreError::Db(sqlx::Error::ColumnDecode { .. })),
            "{e:?}"
        );
        assert!(
            text.contains("status") && text.contains("\"OPEN?\" is not a SamenwerkingStatus value"),
            "{text}"
        );
        let answer = crate::error::ApiError::from(e);
        assert_eq!(answer.status, 500);
    }
}
