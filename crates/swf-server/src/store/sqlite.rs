//! SQLite implementation of [`Store`]: WAL, foreign keys, `synchronous=FULL`, one writer
//! connection (writes are serialised in-process, so no SQLITE_BUSY) and a pool of readers.
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

const SAM_COLS: &str = "s.id, s.volgnummer, s.verzoeknummer, s.olo_verzoeknummer, s.bron_verzoek, s.type_verzoek, \
    s.globale_locatie, s.titel, s.beschrijving, s.taal, s.status, s.aangemaakt_door, s.aangemaakt_door_naam, s.creatie, \
    s.eind, s.laatst_aangepast_door, s.laatst_aangepast_door_naam, s.laatst_aangepast, s.kenmerk_systeem, \
    s.nummer_binnen_systeem, s.contactpersoon_naam, s.contactpersoon_emailadres, s.contactpersoon_telefoonnummer, \
    s.gesloten, s.verwijder_na, s.versie";

const AV_COLS: &str = "a.id, a.samenwerking_id, a.titel, a.omschrijving, a.melding, a.product_id, a.status, a.zender, \
    a.zender_naam, a.ontvanger, a.ontvanger_naam, a.creatie, a.laatst_aangepast, a.laatst_aangepast_door, \
    a.laatst_aangepast_door_naam, a.versie, (SELECT COUNT(*) FROM berichten b WHERE b.actieverzoek_id = a.id) AS aantal_berichten";

const DOC_COLS: &str = "d.id, d.samenwerking_id, d.bestandsnaam, d.kenmerk_systeem, d.nummer_binnen_systeem, \
    d.aangemaakt_door, d.aangemaakt_door_naam, d.creatie, d.laatst_aangepast_door, d.laatst_aangepast_door_naam, \
    d.laatst_aangepast, d.omschrijving, d.vertrouwelijkheid, d.taal, d.formaat, d.hash, d.grootte";

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
        .bind(&n.soort)
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
        insert_audit_in(tx, a).await?;
    }
    for g in &fx.gebeurtenissen {
        insert_gebeurtenis(tx, g).await?;
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
        insert_gebeurtenis(tx, &g).await?;
    }
    Ok(())
}

async fn insert_gebeurtenis(
    tx: &mut Transaction<'static, Sqlite>,
    g: &NewGebeurtenis,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO gebeurtenissen (oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&g.oin)
    .bind(g.soort.as_str())
    .bind(&g.samenwerking_id)
    .bind(&g.object_id)
    .bind(g.tijd)
    .bind(&g.document_id)
    .bind(g.alleen_volledig as i64)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_audit_in(tx: &mut Transaction<'static, Sqlite>, a: &NewAudit) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (tijd, oin, organisatie_naam, gebruiker, samenwerking_id, actie, omschrijving, document_id, \
         alleen_volledig, actieverzoek_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.tijd)
    .bind(&a.oin)
    .bind(&a.organisatie_naam)
    .bind(&a.gebruiker)
    .bind(&a.samenwerking_id)
    .bind(&a.actie)
    .bind(&a.omschrijving)
    .bind(&a.document_id)
    .bind(a.alleen_volledig as i64)
    .bind(&a.actieverzoek_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert_organisatie(&self, o: &OrganisatieRow, now: i64) -> Result<()> {
        let r = sqlx::query(
            "INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES (?, ?, ?, ?)",
        )
        .bind(&o.oin)
        .bind(&o.naam)
        .bind(&o.soort)
        .bind(now)
        .execute(&self.writer)
        .await;
        match r {
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::Conflict(format!("organisatie {}", o.oin)))
            }
            r => r.map(|_| ()).map_err(Into::into),
        }
    }

    async fn get_organisatie(&self, oin: &str) -> Result<Option<OrganisatieRow>> {
        Ok(
            sqlx::query_as("SELECT oin, naam, soort FROM organisaties WHERE oin = ?")
                .bind(oin)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn search_organisaties(&self, zoek: &str, limit: i64) -> Result<Vec<OrganisatieRow>> {
        let like = format!(
            "%{}%",
            zoek.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        Ok(sqlx::query_as(
            "SELECT oin, naam, soort FROM organisaties WHERE LOWER(naam) LIKE ? ESCAPE '\\' OR oin LIKE ? ESCAPE '\\' \
             ORDER BY naam LIMIT ?",
        )
        .bind(&like)
        .bind(&like)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn insert_gebruiker(&self, g: &GebruikerRow, now: i64) -> Result<()> {
        let r = sqlx::query(
            "INSERT INTO gebruikers (id, gebruikersnaam, naam, oin, wachtwoord_hash, aangemaakt) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&g.id)
        .bind(&g.gebruikersnaam)
        .bind(&g.naam)
        .bind(&g.oin)
        .bind(&g.wachtwoord_hash)
        .bind(now)
        .execute(&self.writer)
        .await;
        match r {
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "gebruiker {}",
                g.gebruikersnaam
            ))),
            r => r.map(|_| ()).map_err(Into::into),
        }
    }

    async fn find_gebruiker(&self, gebruikersnaam: &str) -> Result<Option<GebruikerRow>> {
        Ok(sqlx::query_as("SELECT id, gebruikersnaam, naam, oin, wachtwoord_hash, uitgeschakeld FROM gebruikers WHERE gebruikersnaam = ?")
            .bind(gebruikersnaam)
            .fetch_optional(&self.reader)
            .await?)
    }

    async fn insert_token(&self, t: &NewToken) -> Result<()> {
        sqlx::query("INSERT INTO tokens (hash, oin, gebruiker_id, soort, omschrijving, aangemaakt, verloopt) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&t.hash)
            .bind(&t.oin)
            .bind(&t.gebruiker_id)
            .bind(t.soort)
            .bind(&t.omschrijving)
            .bind(t.aangemaakt)
            .bind(t.verloopt)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn find_token(&self, hash: &str) -> Result<Option<TokenIdentity>> {
        Ok(sqlx::query_as(
            "SELECT t.oin, o.naam AS organisatie_naam, g.gebruikersnaam, t.verloopt FROM tokens t \
             JOIN organisaties o ON o.oin = t.oin LEFT JOIN gebruikers g ON g.id = t.gebruiker_id \
             WHERE t.hash = ? AND (t.gebruiker_id IS NULL OR g.uitgeschakeld IS NULL)",
        )
        .bind(hash)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn delete_token(&self, hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM tokens WHERE hash = ?")
            .bind(hash)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn list_tokens(&self, soort: &str) -> Result<Vec<TokenRow>> {
        Ok(sqlx::query_as(
            "SELECT t.hash, t.oin, t.soort, t.omschrijving, g.gebruikersnaam, t.aangemaakt, t.verloopt \
             FROM tokens t LEFT JOIN gebruikers g ON g.id = t.gebruiker_id \
             WHERE t.soort = ? ORDER BY t.aangemaakt, t.hash",
        )
        .bind(soort)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn set_token_verloopt(&self, hash: &str, verloopt: Option<i64>) -> Result<bool> {
        Ok(sqlx::query("UPDATE tokens SET verloopt = ? WHERE hash = ?")
            .bind(verloopt)
            .bind(hash)
            .execute(&self.writer)
            .await?
            .rows_affected()
            > 0)
    }

    async fn set_gebruiker_uitgeschakeld(
        &self,
        gebruikersnaam: &str,
        uitgeschakeld: Option<i64>,
    ) -> Result<bool> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("UPDATE gebruikers SET uitgeschakeld = ? WHERE gebruikersnaam = ?")
            .bind(uitgeschakeld)
            .bind(gebruikersnaam)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if uitgeschakeld.is_some() {
            sqlx::query("DELETE FROM tokens WHERE gebruiker_id IN (SELECT id FROM gebruikers WHERE gebruikersnaam = ?)")
                .bind(gebruikersnaam)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn set_wachtwoord_hash(&self, gebruikersnaam: &str, hash: &str) -> Result<bool> {
        let mut tx = self.writer.begin().await?;
        let n = sqlx::query("UPDATE gebruikers SET wachtwoord_hash = ? WHERE gebruikersnaam = ?")
            .bind(hash)
            .bind(gebruikersnaam)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM tokens WHERE gebruiker_id IN (SELECT id FROM gebruikers WHERE gebruikersnaam = ?)")
            .bind(gebruikersnaam)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn delete_expired_tokens(&self, now: i64) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM tokens WHERE verloopt IS NOT NULL AND verloopt < ?")
                .bind(now)
                .execute(&self.writer)
                .await?
                .rows_affected(),
        )
    }

    async fn next_samenwerking_nummer(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'samenwerking' RETURNING waarde")
            .fetch_one(&self.writer)
            .await?;
        Ok(n)
    }

    async fn create_samenwerking(
        &self,
        s: &SamenwerkingRow,
        deelnemers: &[DeelnemerRow],
        fx: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO samenwerkingen (id, volgnummer, verzoeknummer, olo_verzoeknummer, bron_verzoek, type_verzoek, \
             globale_locatie, titel, beschrijving, taal, status, aangemaakt_door, aangemaakt_door_naam, creatie, eind, \
             laatst_aangepast_door, laatst_aangepast_door_naam, laatst_aangepast, kenmerk_systeem, nummer_binnen_systeem, \
             contactpersoon_naam, contactpersoon_emailadres, contactpersoon_telefoonnummer, versie) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id)
        .bind(s.volgnummer)
        .bind(&s.verzoeknummer)
        .bind(&s.olo_verzoeknummer)
        .bind(&s.bron_verzoek)
        .bind(&s.type_verzoek)
        .bind(&s.globale_locatie)
        .bind(&s.titel)
        .bind(&s.beschrijving)
        .bind(&s.taal)
        .bind(&s.status)
        .bind(&s.aangemaakt_door)
        .bind(&s.aangemaakt_door_naam)
        .bind(s.creatie)
        .bind(s.eind)
        .bind(&s.laatst_aangepast_door)
        .bind(&s.laatst_aangepast_door_naam)
        .bind(s.laatst_aangepast)
        .bind(&s.kenmerk_systeem)
        .bind(&s.nummer_binnen_systeem)
        .bind(&s.contactpersoon_naam)
        .bind(&s.contactpersoon_emailadres)
        .bind(&s.contactpersoon_telefoonnummer)
        .bind(s.versie)
        .execute(&mut *tx)
        .await?;
        for d in deelnemers {
            sqlx::query(
                "INSERT INTO deelnemers (samenwerking_id, oin, rol, privilege, toegevoegd, volgnummer) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&d.samenwerking_id)
            .bind(&d.oin)
            .bind(&d.rol)
            .bind(&d.privilege)
            .bind(d.toegevoegd)
            .bind(s.volgnummer)
            .execute(&mut *tx)
            .await?;
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn get_samenwerking(&self, id: &str) -> Result<Option<SamenwerkingRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn get_samenwerking_view(&self, id: &str, oin: &str) -> Result<Option<SamenwerkingView>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SAM_COLS}, d.rol AS mijn_rol, d.privilege AS mijn_privilege, \
             (SELECT COUNT(*) FROM actieverzoeken a WHERE a.samenwerking_id = s.id AND (a.zender = d.oin OR a.ontvanger = d.oin)) AS aantal_actieverzoeken, \
             (SELECT COUNT(*) {NOTIF_VISIBLE} d.oin {NOTIF_VISIBLE_TAIL} AND n.samenwerking_id = s.id) AS aantal_notificaties \
             FROM samenwerkingen s JOIN deelnemers d ON d.samenwerking_id = s.id \
             WHERE s.id = ? AND d.oin = ? AND d.verwijderd IS NULL AND s.status <> 'VERWIJDERD'"
        ))
        .bind(id)
        .bind(oin)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn list_samenwerkingen(
        &self,
        oin: &str,
        f: &SamenwerkingFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SamenwerkingView>, i64)> {
        fn filters(q: &mut QueryBuilder<'_, Sqlite>, oin: &str, f: &SamenwerkingFilter) {
            q.push(" FROM deelnemers d JOIN samenwerkingen s ON s.id = d.samenwerking_id WHERE d.oin = ")
                .push_bind(oin.to_owned())
                .push(" AND d.verwijderd IS NULL AND s.status <> 'VERWIJDERD'");
            if let Some(st) = &f.status {
                q.push(" AND s.status = ").push_bind(st.clone());
            }
            if let Some(t) = &f.titel {
                q.push(" AND LOWER(s.titel) LIKE ")
                    .push_bind(format!("%{}%", t.to_lowercase()));
            }
            if let Some(v) = &f.verzoeknummer {
                q.push(" AND s.verzoeknummer = ").push_bind(v.clone());
            }
            if let Some(r) = &f.rol {
                q.push(" AND d.rol = ").push_bind(r.clone());
            }
        }
        let unfiltered =
            f.status.is_none() && f.titel.is_none() && f.verzoeknummer.is_none() && f.rol.is_none();
        let total: i64 = if unfiltered {
            // deleted samenwerkingen have no deelnemers left, so no join is needed
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM deelnemers WHERE oin = ? AND verwijderd IS NULL",
            )
            .bind(oin)
            .fetch_one(&self.reader)
            .await?
        } else {
            let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
            filters(&mut count, oin, f);
            count
                .build_query_as::<(i64,)>()
                .fetch_one(&self.reader)
                .await?
                .0
        };
        if total <= offset {
            return Ok((Vec::new(), total));
        }
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {SAM_COLS}, d.rol AS mijn_rol, d.privilege AS mijn_privilege, \
             (SELECT COUNT(*) FROM actieverzoeken a WHERE a.samenwerking_id = s.id AND (a.zender = d.oin OR a.ontvanger = d.oin)) AS aantal_actieverzoeken, \
             (SELECT COUNT(*) {NOTIF_VISIBLE} d.oin {NOTIF_VISIBLE_TAIL} AND n.samenwerking_id = s.id) AS aantal_notificaties"
        ));
        filters(&mut q, oin, f);
        let sort = if f.sort.is_empty() {
            "d.volgnummer"
        } else {
            f.sort
        };
        q.push(format!(
            " ORDER BY {sort} {}{} LIMIT ",
            if f.desc { "DESC" } else { "ASC" },
            if sort == "d.volgnummer" {
                ""
            } else {
                ", d.volgnummer DESC"
            }
        ))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
        let rows = q.build_query_as().fetch_all(&self.reader).await?;
        Ok((rows, total))
    }

    async fn update_samenwerking(&self, s: &SamenwerkingRow, fx: &Effects) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "UPDATE samenwerkingen SET titel = ?, beschrijving = ?, status = ?, laatst_aangepast_door = ?, \
             laatst_aangepast_door_naam = ?, laatst_aangepast = ?, kenmerk_systeem = ?, nummer_binnen_systeem = ?, \
             contactpersoon_naam = ?, contactpersoon_emailadres = ?, contactpersoon_telefoonnummer = ?, gesloten = ?, \
             verwijder_na = ?, versie = ? WHERE id = ? AND versie = ?",
        )
        .bind(&s.titel)
        .bind(&s.beschrijving)
        .bind(&s.status)
        .bind(&s.laatst_aangepast_door)
        .bind(&s.laatst_aangepast_door_naam)
        .bind(s.laatst_aangepast)
        .bind(&s.kenmerk_systeem)
        .bind(&s.nummer_binnen_systeem)
        .bind(&s.contactpersoon_naam)
        .bind(&s.contactpersoon_emailadres)
        .bind(&s.contactpersoon_telefoonnummer)
        .bind(s.gesloten)
        .bind(s.verwijder_na)
        .bind(s.versie)
        .bind(&s.id)
        .bind(s.versie - 1)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn delete_samenwerking(
        &self,
        id: &str,
        by: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Option<Vec<String>>> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "UPDATE samenwerkingen SET status = 'VERWIJDERD', verwijderd = ?, verwijderd_door = ?, titel = '', \
             beschrijving = NULL, verzoeknummer = NULL, olo_verzoeknummer = NULL, type_verzoek = NULL, globale_locatie = NULL, \
             kenmerk_systeem = NULL, nummer_binnen_systeem = NULL, contactpersoon_naam = NULL, contactpersoon_emailadres = NULL, \
             contactpersoon_telefoonnummer = NULL, versie = versie + 1 WHERE id = ? AND status = 'GESLOTEN'",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(None);
        }
        let docs: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM documenten WHERE samenwerking_id = ?")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        for stmt in [
            "DELETE FROM berichten WHERE samenwerking_id = ?",
            "DELETE FROM actieverzoek_documenten WHERE actieverzoek_id IN (SELECT id FROM actieverzoeken WHERE samenwerking_id = ?)",
            "DELETE FROM actieverzoeken WHERE samenwerking_id = ?",
            "DELETE FROM documenten WHERE samenwerking_id = ?",
            "DELETE FROM deelnemers WHERE samenwerking_id = ?",
            "DELETE FROM notificaties WHERE samenwerking_id = ?",
            // the audit log keeps who did what when, but no content any more
            "UPDATE audit SET omschrijving = actie, document_id = NULL WHERE samenwerking_id = ?",
        ] {
            sqlx::query(stmt).bind(id).execute(&mut *tx).await?;
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Some(docs.into_iter().map(|(d,)| d).collect()))
    }

    async fn samenwerkingen_in_status_before(
        &self,
        status: &str,
        creatie_before: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        Ok(sqlx::query_as(&format!("SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.status = ? AND s.creatie <= ? ORDER BY s.creatie LIMIT ?"))
            .bind(status)
            .bind(creatie_before)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?)
    }

    async fn samenwerkingen_due_for_deletion(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.status = 'GESLOTEN' AND s.verwijder_na <= ? ORDER BY s.verwijder_na LIMIT ?"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn samenwerkingen_to_announce(
        &self,
        until: i64,
        days: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>> {
        let col = if days <= 7 {
            "aankondiging_7"
        } else {
            "aankondiging_30"
        };
        Ok(sqlx::query_as(&format!(
            "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.status = 'GESLOTEN' AND s.verwijder_na <= ? AND s.{col} = 0 \
             ORDER BY s.verwijder_na LIMIT ?"
        ))
        .bind(until)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn mark_announced(&self, id: &str, days: i64, fx: &Effects) -> Result<Applied> {
        let col = if days <= 7 {
            "aankondiging_7"
        } else {
            "aankondiging_30"
        };
        let mut tx = self.begin().await?;
        // claim: only one instance wins the 0 -> 1 change and sends the notifications
        let r = sqlx::query(&format!("UPDATE samenwerkingen SET {col} = 1 WHERE id = ? AND {col} = 0 AND status = 'GESLOTEN'"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn list_deelnemers(&self, samenwerking_id: &str) -> Result<Vec<DeelnemerRow>> {
        Ok(sqlx::query_as(
            "SELECT d.samenwerking_id, d.oin, o.naam, d.rol, d.privilege, d.toegevoegd, d.verwijderd FROM deelnemers d \
             JOIN organisaties o ON o.oin = d.oin WHERE d.samenwerking_id = ? AND d.verwijderd IS NULL \
             ORDER BY CASE d.rol WHEN 'INITIATOR' THEN 0 ELSE 1 END, d.toegevoegd, d.oin",
        )
        .bind(samenwerking_id)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn get_deelnemer(
        &self,
        samenwerking_id: &str,
        oin: &str,
    ) -> Result<Option<DeelnemerRow>> {
        Ok(sqlx::query_as(
            "SELECT d.samenwerking_id, d.oin, o.naam, d.rol, d.privilege, d.toegevoegd, d.verwijderd FROM deelnemers d \
             JOIN organisaties o ON o.oin = d.oin WHERE d.samenwerking_id = ? AND d.oin = ?",
        )
        .bind(samenwerking_id)
        .bind(oin)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn upsert_deelnemer(&self, d: &DeelnemerRow, fx: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        let existing: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT verwijderd FROM deelnemers WHERE samenwerking_id = ? AND oin = ?",
        )
        .bind(&d.samenwerking_id)
        .bind(&d.oin)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some((None,)) => return Err(StoreError::Conflict(format!("deelnemer {}", d.oin))),
            Some((Some(_),)) => {
                sqlx::query("UPDATE deelnemers SET verwijderd = NULL, privilege = ?, toegevoegd = ? WHERE samenwerking_id = ? AND oin = ?")
                    .bind(&d.privilege)
                    .bind(d.toegevoegd)
                    .bind(&d.samenwerking_id)
                    .bind(&d.oin)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO deelnemers (samenwerking_id, oin, rol, privilege, toegevoegd, volgnummer) \
                     SELECT ?, ?, ?, ?, ?, volgnummer FROM samenwerkingen WHERE id = ?",
                )
                .bind(&d.samenwerking_id)
                .bind(&d.oin)
                .bind(&d.rol)
                .bind(&d.privilege)
                .bind(d.toegevoegd)
                .bind(&d.samenwerking_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn set_privilege(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: &str,
        fx: &Effects,
    ) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query("UPDATE deelnemers SET privilege = ? WHERE samenwerking_id = ? AND oin = ? AND verwijderd IS NULL AND rol = 'KETENPARTNER'")
            .bind(privilege)
            .bind(samenwerking_id)
            .bind(oin)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn remove_deelnemer(
        &self,
        samenwerking_id: &str,
        oin: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query("UPDATE deelnemers SET verwijderd = ? WHERE samenwerking_id = ? AND oin = ? AND verwijderd IS NULL AND rol = 'KETENPARTNER'")
            .bind(now)
            .bind(samenwerking_id)
            .bind(oin)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn insert_document(&self, d: &DocumentRow, fx: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO documenten (id, samenwerking_id, bestandsnaam, kenmerk_systeem, nummer_binnen_systeem, aangemaakt_door, \
             aangemaakt_door_naam, creatie, laatst_aangepast_door, laatst_aangepast_door_naam, laatst_aangepast, omschrijving, \
             vertrouwelijkheid, taal, formaat, hash, grootte) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&d.id)
        .bind(&d.samenwerking_id)
        .bind(&d.bestandsnaam)
        .bind(&d.kenmerk_systeem)
        .bind(&d.nummer_binnen_systeem)
        .bind(&d.aangemaakt_door)
        .bind(&d.aangemaakt_door_naam)
        .bind(d.creatie)
        .bind(&d.laatst_aangepast_door)
        .bind(&d.laatst_aangepast_door_naam)
        .bind(d.laatst_aangepast)
        .bind(&d.omschrijving)
        .bind(&d.vertrouwelijkheid)
        .bind(&d.taal)
        .bind(&d.formaat)
        .bind(&d.hash)
        .bind(d.grootte)
        .execute(&mut *tx)
        .await?;
        // the samenwerking must still accept documents: guard against a concurrent close
        let (status,): (String,) = sqlx::query_as("SELECT status FROM samenwerkingen WHERE id = ?")
            .bind(&d.samenwerking_id)
            .fetch_one(&mut *tx)
            .await?;
        if status != "OPEN" && status != "INITIALISATIE" {
            return Err(StoreError::Conflict("samenwerking is niet open".into()));
        }
        // ... and the uploader must still be entitled: removed or downgraded during a long upload?
        let entitled: Option<(String, String)> = sqlx::query_as(
            "SELECT rol, privilege FROM deelnemers WHERE samenwerking_id = ? AND oin = ? AND verwijderd IS NULL",
        )
        .bind(&d.samenwerking_id)
        .bind(&d.aangemaakt_door)
        .fetch_optional(&mut *tx)
        .await?;
        match entitled {
            None => return Err(StoreError::NoLongerAllowed),
            Some((rol, privilege))
                if d.vertrouwelijkheid == "SV"
                    && rol != "INITIATOR"
                    && privilege != "VOLLEDIGE_TOEGANG" =>
            {
                return Err(StoreError::NoLongerAllowed)
            }
            Some(_) => {}
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn get_document(&self, id: &str) -> Result<Option<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DOC_COLS} FROM documenten d WHERE d.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn list_documenten(
        &self,
        samenwerking_id: &str,
        f: &DocumentFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DocumentRow>, i64)> {
        fn filters(q: &mut QueryBuilder<'_, Sqlite>, sid: &str, f: &DocumentFilter) {
            q.push(" FROM documenten d WHERE d.samenwerking_id = ")
                .push_bind(sid.to_owned());
            if f.alleen_rv {
                q.push(" AND d.vertrouwelijkheid = 'RV'");
            }
            if let Some(v) = &f.aangemaakt_door {
                q.push(" AND d.aangemaakt_door = ").push_bind(v.clone());
            }
            if let Some(v) = &f.aangemaakt_door_not {
                q.push(" AND d.aangemaakt_door <> ").push_bind(v.clone());
            }
            if let Some(v) = &f.aangemaakt_door_naam {
                q.push(" AND d.aangemaakt_door_naam = ")
                    .push_bind(v.clone());
            }
            if let Some(v) = &f.aangemaakt_door_naam_not {
                q.push(" AND d.aangemaakt_door_naam <> ")
                    .push_bind(v.clone());
            }
        }
        let mut c = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        filters(&mut c, samenwerking_id, f);
        let (total,): (i64,) = c.build_query_as().fetch_one(&self.reader).await?;
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {DOC_COLS}"));
        filters(&mut q, samenwerking_id, f);
        let sort = if f.sort.is_empty() {
            "d.creatie"
        } else {
            f.sort
        };
        q.push(format!(
            " ORDER BY {sort} {}, d.id LIMIT ",
            if f.desc { "DESC" } else { "ASC" }
        ))
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
        Ok((q.build_query_as().fetch_all(&self.reader).await?, total))
    }

    async fn documenten_van_actieverzoeken(
        &self,
        actieverzoek_ids: &[String],
    ) -> Result<Vec<GekoppeldDocument>> {
        if actieverzoek_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT ad.actieverzoek_id, {DOC_COLS} FROM actieverzoek_documenten ad \
             JOIN documenten d ON d.id = ad.document_id WHERE ad.actieverzoek_id IN ("
        ));
        let mut ids = q.separated(", ");
        for id in actieverzoek_ids {
            ids.push_bind(id.clone());
        }
        q.push(") ORDER BY d.creatie, d.id");
        Ok(q.build_query_as().fetch_all(&self.reader).await?)
    }

    async fn update_document(
        &self,
        d: &DocumentRow,
        expected_laatst_aangepast: i64,
        fx: &Effects,
    ) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "UPDATE documenten SET omschrijving = ?, vertrouwelijkheid = ?, kenmerk_systeem = ?, nummer_binnen_systeem = ?, \
             taal = ?, laatst_aangepast_door = ?, laatst_aangepast_door_naam = ?, laatst_aangepast = ? \
             WHERE id = ? AND laatst_aangepast = ?",
        )
        .bind(&d.omschrijving)
        .bind(&d.vertrouwelijkheid)
        .bind(&d.kenmerk_systeem)
        .bind(&d.nummer_binnen_systeem)
        .bind(&d.taal)
        .bind(&d.laatst_aangepast_door)
        .bind(&d.laatst_aangepast_door_naam)
        .bind(d.laatst_aangepast)
        .bind(&d.id)
        .bind(expected_laatst_aangepast)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        // earlier notifications and history lines follow the document's confidentiality
        let sv = (d.vertrouwelijkheid == "SV") as i64;
        for stmt in [
            "UPDATE notificaties SET alleen_volledig = ? WHERE document_id = ?",
            "UPDATE audit SET alleen_volledig = ? WHERE document_id = ?",
            "UPDATE gebeurtenissen SET alleen_volledig = ? WHERE document_id = ?",
        ] {
            sqlx::query(stmt)
                .bind(sv)
                .bind(&d.id)
                .execute(&mut *tx)
                .await?;
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn delete_document(&self, id: &str, fx: &Effects) -> Result<Applied> {
        let mut tx = self.begin().await?;
        // once the document is gone, the flags are all that is left of its confidentiality
        for stmt in [
            "UPDATE notificaties SET alleen_volledig = (SELECT vertrouwelijkheid = 'SV' FROM documenten WHERE id = ?) WHERE document_id = ?",
            "UPDATE audit SET alleen_volledig = (SELECT vertrouwelijkheid = 'SV' FROM documenten WHERE id = ?) WHERE document_id = ?",
            "UPDATE gebeurtenissen SET alleen_volledig = (SELECT vertrouwelijkheid = 'SV' FROM documenten WHERE id = ?) WHERE document_id = ?",
        ] {
            sqlx::query(stmt)
                .bind(id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let r = sqlx::query("DELETE FROM documenten WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn all_document_ids(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM documenten")
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    async fn insert_actieverzoek(
        &self,
        a: &ActieverzoekRow,
        documenten: &[String],
        fx: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO actieverzoeken (id, samenwerking_id, titel, omschrijving, melding, product_id, status, zender, zender_naam, \
             ontvanger, ontvanger_naam, creatie, laatst_aangepast, laatst_aangepast_door, laatst_aangepast_door_naam, versie) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&a.id)
        .bind(&a.samenwerking_id)
        .bind(&a.titel)
        .bind(&a.omschrijving)
        .bind(&a.melding)
        .bind(&a.product_id)
        .bind(&a.status)
        .bind(&a.zender)
        .bind(&a.zender_naam)
        .bind(&a.ontvanger)
        .bind(&a.ontvanger_naam)
        .bind(a.creatie)
        .bind(a.laatst_aangepast)
        .bind(&a.laatst_aangepast_door)
        .bind(&a.laatst_aangepast_door_naam)
        .bind(a.versie)
        .execute(&mut *tx)
        .await?;
        for d in documenten {
            sqlx::query(
                "INSERT INTO actieverzoek_documenten (actieverzoek_id, document_id) VALUES (?, ?)",
            )
            .bind(&a.id)
            .bind(d)
            .execute(&mut *tx)
            .await?;
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn get_actieverzoek(&self, id: &str) -> Result<Option<ActieverzoekView>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {AV_COLS} FROM actieverzoeken a WHERE a.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?)
    }

    async fn list_actieverzoeken(
        &self,
        oin: &str,
        f: &ActieverzoekFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ActieverzoekView>, i64)> {
        fn filters(q: &mut QueryBuilder<'_, Sqlite>, oin: &str, f: &ActieverzoekFilter) {
            // only samenwerkingen the caller still takes part in
            q.push(" FROM actieverzoeken a JOIN deelnemers d ON d.samenwerking_id = a.samenwerking_id AND d.oin = ")
                .push_bind(oin.to_owned())
                .push(" AND d.verwijderd IS NULL WHERE (a.zender = ")
                .push_bind(oin.to_owned())
                .push(" OR a.ontvanger = ")
                .push_bind(oin.to_owned())
                .push(")");
            if let Some(v) = &f.samenwerking_id {
                q.push(" AND a.samenwerking_id = ").push_bind(v.clone());
            }
            if let Some(v) = &f.ontvanger {
                q.push(" AND a.ontvanger = ").push_bind(v.clone());
            }
            if let Some(v) = &f.zender {
                q.push(" AND a.zender = ").push_bind(v.clone());
            }
            if let Some(v) = &f.status {
                q.push(" AND a.status = ").push_bind(v.clone());
            }
            if let Some(v) = &f.status_not {
                q.push(" AND a.status <> ").push_bind(v.clone());
            }
        }
        let mut c = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        filters(&mut c, oin, f);
        let (total,): (i64,) = c.build_query_as().fetch_one(&self.reader).await?;
        let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {AV_COLS}"));
        filters(&mut q, oin, f);
        q.push(" ORDER BY a.creatie DESC, a.id LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        Ok((q.build_query_as().fetch_all(&self.reader).await?, total))
    }

    async fn update_actieverzoek(&self, a: &ActieverzoekRow, fx: &Effects) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "UPDATE actieverzoeken SET titel = ?, omschrijving = ?, melding = ?, product_id = ?, status = ?, laatst_aangepast = ?, \
             laatst_aangepast_door = ?, laatst_aangepast_door_naam = ?, versie = ? WHERE id = ? AND versie = ?",
        )
        .bind(&a.titel)
        .bind(&a.omschrijving)
        .bind(&a.melding)
        .bind(&a.product_id)
        .bind(&a.status)
        .bind(a.laatst_aangepast)
        .bind(&a.laatst_aangepast_door)
        .bind(&a.laatst_aangepast_door_naam)
        .bind(a.versie)
        .bind(&a.id)
        .bind(a.versie - 1)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn koppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let bumped = sqlx::query("UPDATE actieverzoeken SET versie = ?, laatst_aangepast = ?, laatst_aangepast_door = ?, laatst_aangepast_door_naam = ? WHERE id = ? AND versie = ?")
            .bind(a.versie)
            .bind(a.laatst_aangepast)
            .bind(&a.laatst_aangepast_door)
            .bind(&a.laatst_aangepast_door_naam)
            .bind(actieverzoek_id)
            .bind(a.versie - 1)
            .execute(&mut *tx)
            .await?;
        if bumped.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        let r = sqlx::query("INSERT INTO actieverzoek_documenten (actieverzoek_id, document_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(actieverzoek_id)
            .bind(document_id)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::Conflict("document is al gekoppeld".into()));
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn ontkoppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(
            "DELETE FROM actieverzoek_documenten WHERE actieverzoek_id = ? AND document_id = ?",
        )
        .bind(actieverzoek_id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        let bumped = sqlx::query("UPDATE actieverzoeken SET versie = ?, laatst_aangepast = ?, laatst_aangepast_door = ?, laatst_aangepast_door_naam = ? WHERE id = ? AND versie = ?")
            .bind(a.versie)
            .bind(a.laatst_aangepast)
            .bind(&a.laatst_aangepast_door)
            .bind(&a.laatst_aangepast_door_naam)
            .bind(actieverzoek_id)
            .bind(a.versie - 1)
            .execute(&mut *tx)
            .await?;
        if bumped.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn insert_bericht(&self, b: &BerichtRow, fx: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO berichten (id, actieverzoek_id, samenwerking_id, creatie, inhoud, zender, zender_naam, ontvanger, ontvanger_naam) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&b.id)
        .bind(&b.actieverzoek_id)
        .bind(&b.samenwerking_id)
        .bind(b.creatie)
        .bind(&b.inhoud)
        .bind(&b.zender)
        .bind(&b.zender_naam)
        .bind(&b.ontvanger)
        .bind(&b.ontvanger_naam)
        .execute(&mut *tx)
        .await?;
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn list_berichten(
        &self,
        actieverzoek_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<BerichtRow>, i64)> {
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM berichten WHERE actieverzoek_id = ?")
                .bind(actieverzoek_id)
                .fetch_one(&self.reader)
                .await?;
        let rows = sqlx::query_as(
            "SELECT id, actieverzoek_id, samenwerking_id, creatie, inhoud, zender, zender_naam, ontvanger, ontvanger_naam \
             FROM berichten WHERE actieverzoek_id = ? ORDER BY creatie, id LIMIT ? OFFSET ?",
        )
        .bind(actieverzoek_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.reader)
        .await?;
        Ok((rows, total))
    }

    async fn list_notificaties(
        &self,
        oin: &str,
        f: &NotificatieFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<NotificatieRow>, i64)> {
        fn filters(q: &mut QueryBuilder<'_, Sqlite>, oin: &str, f: &NotificatieFilter) {
            q.push(NOTIF_VISIBLE)
                .push_bind(oin.to_owned())
                .push(NOTIF_VISIBLE_TAIL);
            if let Some(v) = &f.samenwerking_id {
                q.push(" AND n.samenwerking_id = ").push_bind(v.clone());
            }
            if let Some(v) = f.gt {
                q.push(" AND n.event_datum > ").push_bind(v);
            }
            if let Some(v) = f.lte {
                q.push(" AND n.event_datum <= ").push_bind(v);
            }
            if let Some(types) = &f.types {
                q.push(" AND n.type IN (");
                let mut sep = q.separated(", ");
                for t in types {
                    sep.push_bind(t.clone());
                }
                q.push(")");
            }
        }
        let mut c = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        filters(&mut c, oin, f);
        let (total,): (i64,) = c.build_query_as().fetch_one(&self.reader).await?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT n.id, n.ontvanger, n.ontvanger_naam, n.samenwerking_id, n.type, n.titel, n.tekst, n.event_initiator, \
             n.event_initiator_naam, n.event_datum, n.properties, n.document_id, n.alleen_volledig, n.na_vertrek",
        );
        filters(&mut q, oin, f);
        q.push(" ORDER BY n.event_datum DESC, n.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        Ok((q.build_query_as().fetch_all(&self.reader).await?, total))
    }

    async fn get_notificatie(&self, id: &str, oin: &str) -> Result<Option<NotificatieRow>> {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT n.id, n.ontvanger, n.ontvanger_naam, n.samenwerking_id, n.type, n.titel, n.tekst, n.event_initiator, \
             n.event_initiator_naam, n.event_datum, n.properties, n.document_id, n.alleen_volledig, n.na_vertrek",
        );
        q.push(NOTIF_VISIBLE)
            .push_bind(oin.to_owned())
            .push(NOTIF_VISIBLE_TAIL)
            .push(" AND n.id = ")
            .push_bind(id.to_owned());
        Ok(q.build_query_as().fetch_optional(&self.reader).await?)
    }

    async fn delete_notificatie(&self, id: &str, oin: &str, fx: &Effects) -> Result<Applied> {
        let mut tx = self.begin().await?;
        let r = sqlx::query("DELETE FROM notificaties WHERE id = ? AND ontvanger = ?")
            .bind(id)
            .bind(oin)
            .execute(&mut *tx)
            .await?;
        if r.rows_affected() != 1 {
            return Ok(Applied::Stale);
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await?;
        Ok(Applied::Yes)
    }

    async fn list_audit(
        &self,
        samenwerking_id: &str,
        lezer: &str,
        ziet_sv: bool,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditRow>, i64)> {
        // decided now, from the document's confidentiality and the actieverzoek's parties
        // (a line whose actieverzoek could not be identified, '', is its author's only)
        const WHERE: &str = concat!(
            " FROM audit a WHERE a.samenwerking_id = ? AND (? OR NOT ",
            over_sv!("a"),
            ") AND (a.actieverzoek_id IS NULL OR a.oin = ? OR EXISTS (SELECT 1 FROM actieverzoeken av \
             WHERE av.id = a.actieverzoek_id AND (av.zender = ? OR av.ontvanger = ?)))"
        );
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*){WHERE}"))
            .bind(samenwerking_id)
            .bind(ziet_sv)
            .bind(lezer)
            .bind(lezer)
            .bind(lezer)
            .fetch_one(&self.reader)
            .await?;
        let rows = sqlx::query_as(&format!(
            "SELECT a.volgnummer, a.tijd, a.oin, a.organisatie_naam, a.gebruiker, a.samenwerking_id, a.actie, a.omschrijving, \
             a.document_id, a.alleen_volledig{WHERE} ORDER BY a.volgnummer DESC LIMIT ? OFFSET ?"
        ))
        .bind(samenwerking_id)
        .bind(ziet_sv)
        .bind(lezer)
        .bind(lezer)
        .bind(lezer)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.reader)
        .await?;
        Ok((rows, total))
    }

    async fn insert_audit(&self, a: &NewAudit) -> Result<()> {
        let mut tx = self.begin().await?;
        insert_audit_in(&mut tx, a).await?;
        self.commit(tx).await?;
        Ok(())
    }

    async fn list_gebeurtenissen(
        &self,
        oin: &str,
        na: i64,
        limit: i64,
    ) -> Result<Vec<GebeurtenisRow>> {
        // an event about a document is shown only to who may see that document now
        const SQL: &str = concat!(
            "SELECT g.volgnummer, g.soort, g.samenwerking_id, g.object_id, g.tijd FROM gebeurtenissen g \
             WHERE g.oin = ? AND g.volgnummer > ? AND (NOT ",
            over_sv!("g"),
            " OR EXISTS (SELECT 1 FROM deelnemers dn WHERE dn.samenwerking_id = g.samenwerking_id \
             AND dn.oin = g.oin AND dn.verwijderd IS NULL \
             AND (dn.rol = 'INITIATOR' OR dn.privilege = 'VOLLEDIGE_TOEGANG'))) \
             ORDER BY g.volgnummer LIMIT ?"
        );
        Ok(sqlx::query_as(SQL)
            .bind(oin)
            .bind(na)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?)
    }

    async fn feed_bounds(&self) -> Result<(i64, i64)> {
        let row: (i64, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT waarde FROM volgnummers WHERE naam = 'gebeurtenissen_gesnoeid_tot'), \
             (SELECT MAX(volgnummer) FROM gebeurtenissen)",
        )
        .fetch_one(&self.reader)
        .await?;
        let (floor, max) = row;
        Ok((floor, max.unwrap_or(0).max(floor)))
    }

    async fn prune_gebeurtenissen(&self, tijd: i64) -> Result<u64> {
        let mut tx = self.begin().await?;
        let top: Option<i64> =
            sqlx::query_scalar("SELECT MAX(volgnummer) FROM gebeurtenissen WHERE tijd < ?")
                .bind(tijd)
                .fetch_one(&mut *tx)
                .await?;
        let Some(top) = top else {
            return Ok(0);
        };
        // everything up to `top` goes, so the floor is exact even if clocks went backwards
        let n = sqlx::query("DELETE FROM gebeurtenissen WHERE volgnummer <= ?")
            .bind(top)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "UPDATE volgnummers SET waarde = CASE WHEN waarde > ? THEN waarde ELSE ? END \
             WHERE naam = 'gebeurtenissen_gesnoeid_tot'",
        )
        .bind(top)
        .bind(top)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(n)
    }

    fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    async fn notificaties_over_document(&self, document_id: &str) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT id, ontvanger FROM notificaties WHERE document_id = ?")
                .bind(document_id)
                .fetch_all(&self.reader)
                .await?,
        )
    }

    async fn actieverzoeken_met_document(&self, document_id: &str) -> Result<Vec<ActieverzoekRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.samenwerking_id, a.titel, a.omschrijving, a.melding, a.product_id, a.status, a.zender, \
             a.zender_naam, a.ontvanger, a.ontvanger_naam, a.creatie, a.laatst_aangepast, a.laatst_aangepast_door, \
             a.laatst_aangepast_door_naam, a.versie FROM actieverzoeken a \
             JOIN actieverzoek_documenten k ON k.actieverzoek_id = a.id WHERE k.document_id = ?",
        )
        .bind(document_id)
        .fetch_all(&self.reader)
        .await?)
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
