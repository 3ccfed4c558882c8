//! Storage: the `Store` trait (one method per use case, each one transaction) and its rows.
//! Two implementations share their SQL (`store/sql/`, `$1`-style parameters, no engine-only
//! functions): [`sqlite`] (the default, a file in the data folder) and [`postgres`] (selected by
//! a `postgres://` database URL; several instances on one database).
mod decode;
mod group;
pub mod postgres;
pub mod sqlite;

use async_trait::async_trait;
use swf_domain::{
    ActieverzoekStatus, NotificatieType, Privilege, Rol, SamenwerkingStatus, Vertrouwelijkheid,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database URL {0:?} is not supported (expected postgres://…)")]
    UnsupportedUrl(String),
    #[error("already exists: {0}")]
    Conflict(String),
    /// The caller's rights changed while the request ran (e.g. removed during an upload).
    #[error("no longer allowed")]
    NoLongerAllowed,
    /// A write shared its commit with others (group commit, D66/D73) and that commit failed:
    /// nothing of the group was kept.
    #[error("database: the shared commit failed: {0}")]
    GroupCommit(std::sync::Arc<sqlx::Error>),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The store `config` names: PostgreSQL for a `postgres://` `database_url`, otherwise SQLite
/// in the data folder.
pub async fn open(config: &crate::config::Config) -> Result<std::sync::Arc<dyn Store>> {
    match config.database_url.as_deref() {
        Some(url) if postgres::is_postgres_url(url) => Ok(std::sync::Arc::new(
            postgres::PgStore::open(url, config.database_max_connections).await?,
        )),
        Some(url) => Err(StoreError::UnsupportedUrl(redact(url))),
        None => Ok(std::sync::Arc::new(
            sqlite::SqliteStore::open(&config.database_path()).await?,
        )),
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganisatieRow {
    pub oin: String,
    pub naam: String,
    pub soort: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GebruikerRow {
    pub id: String,
    pub gebruikersnaam: String,
    pub naam: String,
    pub oin: String,
    pub wachtwoord_hash: String,
    /// When an administrator disabled the user; `None` while active.
    #[sqlx(default)]
    pub uitgeschakeld: Option<i64>,
}

/// A token as the admin CLI lists it (never the token itself: it is stored only as a hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub hash: String,
    pub oin: String,
    pub soort: String,
    pub omschrijving: String,
    pub gebruikersnaam: Option<String>,
    pub aangemaakt: i64,
    pub verloopt: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenIdentity {
    pub oin: String,
    pub organisatie_naam: String,
    pub gebruikersnaam: Option<String>,
    pub verloopt: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub hash: String,
    pub oin: String,
    pub gebruiker_id: Option<String>,
    pub soort: &'static str,
    pub omschrijving: String,
    pub aangemaakt: i64,
    pub verloopt: Option<i64>,
}

// Rows carry the domain's enumerations, decoded from their wire spelling by sqlx (the enums'
// `sqlx` feature in swf-domain): a column holding anything else is a decoding error that names
// the column, the enum and the value (`StoreError::Db`, logged, 500), never a panic.

/// Decoded by position, checked by name (`decode`, D79): keep the fields in `SAM_COLS`' order.
#[derive(Debug, Clone)]
pub struct SamenwerkingRow {
    pub id: String,
    pub volgnummer: i64,
    pub verzoeknummer: Option<String>,
    pub olo_verzoeknummer: Option<String>,
    pub bron_verzoek: Option<String>,
    pub type_verzoek: Option<String>,
    pub globale_locatie: Option<String>,
    pub titel: String,
    pub beschrijving: Option<String>,
    pub taal: String,
    pub status: SamenwerkingStatus,
    pub aangemaakt_door: String,
    pub aangemaakt_door_naam: String,
    pub creatie: i64,
    pub eind: i64,
    pub laatst_aangepast_door: String,
    pub laatst_aangepast_door_naam: String,
    pub laatst_aangepast: i64,
    pub kenmerk_systeem: Option<String>,
    pub nummer_binnen_systeem: Option<String>,
    pub contactpersoon_naam: Option<String>,
    pub contactpersoon_emailadres: Option<String>,
    pub contactpersoon_telefoonnummer: Option<String>,
    pub gesloten: Option<i64>,
    pub verwijder_na: Option<i64>,
    pub versie: i64,
}

/// A samenwerking as seen by one organisation, with its counts (decoded as the row, `decode`).
#[derive(Debug, Clone)]
pub struct SamenwerkingView {
    pub s: SamenwerkingRow,
    pub mijn_rol: Rol,
    pub mijn_privilege: Privilege,
    pub aantal_actieverzoeken: i64,
    pub aantal_notificaties: i64,
}

/// A samenwerking in an organisation's overview (D80): the part of its JSON that is the same
/// for everyone as stored with the row (`None` when the row has none of its current `versie`),
/// and what the reader's own part is made from. Decoded as the row (`decode`).
#[derive(Debug, Clone)]
pub struct SamenwerkingKort {
    pub id: String,
    pub status: SamenwerkingStatus,
    pub gesloten: Option<i64>,
    pub verwijder_na: Option<i64>,
    pub weergave: Option<String>,
    pub mijn_rol: Rol,
    pub mijn_privilege: Privilege,
    pub aantal_actieverzoeken: i64,
    pub aantal_notificaties: i64,
}

#[derive(Debug, Clone, Default)]
pub struct SamenwerkingFilter {
    pub status: Option<SamenwerkingStatus>,
    pub titel: Option<String>,
    pub verzoeknummer: Option<String>,
    pub rol: Option<Rol>,
    pub sort: Sort<SamenwerkingSortKey>,
}

/// The order of a list: what to sort on, and whether descending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sort<K> {
    pub key: K,
    pub desc: bool,
}

/// What the samenwerkingen of an organisation can be ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SamenwerkingSortKey {
    /// Creation order (then the same order as the organisation's memberships).
    #[default]
    Creatie,
    Titel,
    LaatstAangepast,
}

/// What the documenten of a samenwerking can be ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocumentSortKey {
    #[default]
    Creatie,
    Bestandsnaam,
    LaatstAangepast,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeelnemerRow {
    pub samenwerking_id: String,
    pub oin: String,
    pub naam: String,
    pub rol: Rol,
    pub privilege: Privilege,
    pub toegevoegd: i64,
    pub verwijderd: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub samenwerking_id: String,
    pub bestandsnaam: String,
    pub kenmerk_systeem: Option<String>,
    pub nummer_binnen_systeem: Option<String>,
    pub aangemaakt_door: String,
    pub aangemaakt_door_naam: String,
    pub creatie: i64,
    pub laatst_aangepast_door: String,
    pub laatst_aangepast_door_naam: String,
    pub laatst_aangepast: i64,
    pub omschrijving: String,
    pub vertrouwelijkheid: Vertrouwelijkheid,
    pub taal: Option<String>,
    pub formaat: String,
    pub hash: String,
    pub grootte: i64,
}

/// A document with the actieverzoek it is linked to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GekoppeldDocument {
    pub actieverzoek_id: String,
    #[sqlx(flatten)]
    pub d: DocumentRow,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub alleen_rv: bool,
    pub aangemaakt_door: Option<String>,
    pub aangemaakt_door_not: Option<String>,
    pub aangemaakt_door_naam: Option<String>,
    pub aangemaakt_door_naam_not: Option<String>,
    pub sort: Sort<DocumentSortKey>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActieverzoekRow {
    pub id: String,
    pub samenwerking_id: String,
    pub titel: String,
    pub omschrijving: String,
    pub melding: Option<String>,
    pub product_id: Option<String>,
    pub status: ActieverzoekStatus,
    pub zender: String,
    pub zender_naam: String,
    pub ontvanger: String,
    pub ontvanger_naam: String,
    pub creatie: i64,
    pub laatst_aangepast: i64,
    pub laatst_aangepast_door: String,
    pub laatst_aangepast_door_naam: String,
    pub versie: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActieverzoekView {
    #[sqlx(flatten)]
    pub a: ActieverzoekRow,
    pub aantal_berichten: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ActieverzoekFilter {
    pub samenwerking_id: Option<String>,
    /// receiver OIN (DSO's `organisatie`)
    pub ontvanger: Option<String>,
    pub zender: Option<String>,
    pub status: Option<ActieverzoekStatus>,
    pub status_not: Option<ActieverzoekStatus>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BerichtRow {
    pub id: String,
    pub actieverzoek_id: String,
    pub samenwerking_id: String,
    pub creatie: i64,
    pub inhoud: String,
    pub zender: String,
    pub zender_naam: String,
    pub ontvanger: String,
    pub ontvanger_naam: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificatieRow {
    pub id: String,
    pub ontvanger: String,
    pub ontvanger_naam: String,
    pub samenwerking_id: String,
    #[sqlx(rename = "type")]
    pub soort: NotificatieType,
    pub titel: String,
    pub tekst: String,
    pub event_initiator: String,
    pub event_initiator_naam: String,
    pub event_datum: i64,
    pub properties: String,
    pub document_id: Option<String>,
    pub alleen_volledig: i64,
    pub na_vertrek: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NotificatieFilter {
    pub samenwerking_id: Option<String>,
    pub gt: Option<i64>,
    pub lte: Option<i64>,
    pub types: Option<Vec<NotificatieType>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub volgnummer: i64,
    pub tijd: i64,
    pub oin: String,
    pub organisatie_naam: String,
    pub gebruiker: Option<String>,
    pub samenwerking_id: Option<String>,
    pub actie: String,
    pub omschrijving: String,
    pub document_id: Option<String>,
    pub alleen_volledig: i64,
}

#[derive(Debug, Clone)]
pub struct NewAudit {
    pub tijd: i64,
    pub oin: String,
    pub organisatie_naam: String,
    pub gebruiker: Option<String>,
    pub samenwerking_id: Option<String>,
    pub actie: String,
    pub omschrijving: String,
    pub document_id: Option<String>,
    pub alleen_volledig: bool,
    /// The actieverzoek the line is about: then only its sender and receiver see it.
    pub actieverzoek_id: Option<String>,
}

/// A change-feed event for one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGebeurtenis {
    pub oin: String,
    pub soort: swf_domain::GebeurtenisSoort,
    pub samenwerking_id: String,
    pub object_id: Option<String>,
    pub tijd: i64,
    /// The document the event is about: hidden when reading from organisations that may not
    /// see it then (its confidentiality now, or `alleen_volledig` once it is deleted).
    pub document_id: Option<String>,
    /// About an SV document (when written): hidden from organisations without full access.
    pub alleen_volledig: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GebeurtenisRow {
    pub volgnummer: i64,
    pub soort: String,
    pub samenwerking_id: String,
    pub object_id: Option<String>,
    pub tijd: i64,
}

/// What every change writes besides itself, in the same transaction. Each notification also
/// puts a `NOTIFICATIE_NIEUW` event in its receiver's feed.
#[derive(Debug, Clone, Default)]
pub struct Effects {
    pub notificaties: Vec<NotificatieRow>,
    pub audit: Vec<NewAudit>,
    pub gebeurtenissen: Vec<NewGebeurtenis>,
}

/// A guarded write: the row must still be as the caller last read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Yes,
    /// Someone else changed it first (or it is gone).
    Stale,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- organisations, users, tokens
    async fn insert_organisatie(&self, o: &OrganisatieRow, now: i64) -> Result<()>;
    async fn get_organisatie(&self, oin: &str) -> Result<Option<OrganisatieRow>>;
    async fn search_organisaties(&self, zoek: &str, limit: i64) -> Result<Vec<OrganisatieRow>>;
    async fn insert_gebruiker(&self, g: &GebruikerRow, now: i64) -> Result<()>;
    async fn find_gebruiker(&self, gebruikersnaam: &str) -> Result<Option<GebruikerRow>>;
    async fn insert_token(&self, t: &NewToken) -> Result<()>;
    async fn find_token(&self, hash: &str) -> Result<Option<TokenIdentity>>;
    async fn delete_token(&self, hash: &str) -> Result<()>;
    async fn delete_expired_tokens(&self, now: i64) -> Result<u64>;
    /// Every token of the given `soort` ("systeem" or "gebruiker"), oldest first.
    async fn list_tokens(&self, soort: &str) -> Result<Vec<TokenRow>>;
    /// Set (or clear) a token's expiry; false when there is no such token.
    async fn set_token_verloopt(&self, hash: &str, verloopt: Option<i64>) -> Result<bool>;
    /// Disable (`Some(time)`) or enable (`None`) a user; disabling also deletes its tokens.
    /// False when there is no such user.
    async fn set_gebruiker_uitgeschakeld(
        &self,
        gebruikersnaam: &str,
        uitgeschakeld: Option<i64>,
    ) -> Result<bool>;
    /// Replace a user's password hash and delete its tokens. False when there is no such user.
    async fn set_wachtwoord_hash(&self, gebruikersnaam: &str, hash: &str) -> Result<bool>;

    // --- samenwerkingen
    async fn next_samenwerking_nummer(&self) -> Result<i64>;
    async fn create_samenwerking(
        &self,
        s: &SamenwerkingRow,
        deelnemers: &[DeelnemerRow],
        fx: &Effects,
    ) -> Result<()>;
    async fn get_samenwerking(&self, id: &str) -> Result<Option<SamenwerkingRow>>;
    async fn get_samenwerking_view(&self, id: &str, oin: &str) -> Result<Option<SamenwerkingView>>;
    async fn list_samenwerkingen(
        &self,
        oin: &str,
        f: &SamenwerkingFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<SamenwerkingKort>, i64)>;
    /// Write all mutable columns of `s` if its `versie` is still `s.versie - 1`.
    async fn update_samenwerking(&self, s: &SamenwerkingRow, fx: &Effects) -> Result<Applied>;
    /// Purge everything of a GESLOTEN samenwerking, keep a tombstone. Returns the document ids
    /// whose bytes must now be removed, or `Stale` if it was not GESLOTEN any more.
    async fn delete_samenwerking(
        &self,
        id: &str,
        by: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Option<Vec<String>>>;
    async fn samenwerkingen_in_status_before(
        &self,
        status: SamenwerkingStatus,
        creatie_before: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>>;
    async fn samenwerkingen_due_for_deletion(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>>;
    async fn samenwerkingen_to_announce(
        &self,
        until: i64,
        days: i64,
        limit: i64,
    ) -> Result<Vec<SamenwerkingRow>>;
    async fn mark_announced(&self, id: &str, days: i64, fx: &Effects) -> Result<Applied>;

    // --- deelnemers
    async fn list_deelnemers(&self, samenwerking_id: &str) -> Result<Vec<DeelnemerRow>>;
    async fn get_deelnemer(&self, samenwerking_id: &str, oin: &str)
        -> Result<Option<DeelnemerRow>>;
    /// Insert or revive a partner.
    async fn upsert_deelnemer(&self, d: &DeelnemerRow, fx: &Effects) -> Result<()>;
    async fn set_privilege(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
        fx: &Effects,
    ) -> Result<Applied>;
    async fn remove_deelnemer(
        &self,
        samenwerking_id: &str,
        oin: &str,
        now: i64,
        fx: &Effects,
    ) -> Result<Applied>;

    // --- documenten
    async fn insert_document(&self, d: &DocumentRow, fx: &Effects) -> Result<()>;
    async fn get_document(&self, id: &str) -> Result<Option<DocumentRow>>;
    async fn list_documenten(
        &self,
        samenwerking_id: &str,
        f: &DocumentFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DocumentRow>, i64)>;
    /// The documents linked to each of these actieverzoeken, in one query.
    async fn documenten_van_actieverzoeken(
        &self,
        actieverzoek_ids: &[String],
    ) -> Result<Vec<GekoppeldDocument>>;
    async fn update_document(
        &self,
        d: &DocumentRow,
        expected_laatst_aangepast: i64,
        fx: &Effects,
    ) -> Result<Applied>;
    async fn delete_document(&self, id: &str, fx: &Effects) -> Result<Applied>;
    async fn all_document_ids(&self) -> Result<Vec<String>>;

    // --- actieverzoeken and berichten
    async fn insert_actieverzoek(
        &self,
        a: &ActieverzoekRow,
        documenten: &[String],
        fx: &Effects,
    ) -> Result<()>;
    async fn get_actieverzoek(&self, id: &str) -> Result<Option<ActieverzoekView>>;
    /// Actieverzoeken where `oin` is sender or receiver.
    async fn list_actieverzoeken(
        &self,
        oin: &str,
        f: &ActieverzoekFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ActieverzoekView>, i64)>;
    /// Write `a` if its `versie` is still `a.versie - 1`.
    async fn update_actieverzoek(&self, a: &ActieverzoekRow, fx: &Effects) -> Result<Applied>;
    async fn koppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied>;
    async fn ontkoppel_document(
        &self,
        actieverzoek_id: &str,
        document_id: &str,
        a: &ActieverzoekRow,
        fx: &Effects,
    ) -> Result<Applied>;
    async fn insert_bericht(&self, b: &BerichtRow, fx: &Effects) -> Result<()>;
    async fn list_berichten(
        &self,
        actieverzoek_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<BerichtRow>, i64)>;

    // --- notificaties
    async fn list_notificaties(
        &self,
        oin: &str,
        f: &NotificatieFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<NotificatieRow>, i64)>;
    async fn get_notificatie(&self, id: &str, oin: &str) -> Result<Option<NotificatieRow>>;
    async fn delete_notificatie(&self, id: &str, oin: &str, fx: &Effects) -> Result<Applied>;

    // --- audit
    /// The history lines `lezer` may see now: without those about a document that is SV now
    /// (or was when deleted) unless `ziet_sv`, and without those about an actieverzoek of which
    /// `lezer` is neither sender nor receiver.
    async fn list_audit(
        &self,
        samenwerking_id: &str,
        lezer: &str,
        ziet_sv: bool,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditRow>, i64)>;
    async fn insert_audit(&self, a: &NewAudit) -> Result<()>;

    // --- change feed
    /// Events of one organisation after `na`, oldest first; without those about a document
    /// it may not see now (SV while it has no full access in that samenwerking).
    async fn list_gebeurtenissen(
        &self,
        oin: &str,
        na: i64,
        limit: i64,
    ) -> Result<Vec<GebeurtenisRow>>;
    /// (highest pruned volgnummer, highest volgnummer ever written).
    async fn feed_bounds(&self) -> Result<(i64, i64)>;
    /// Remove events written before `tijd`; returns how many.
    async fn prune_gebeurtenissen(&self, tijd: i64) -> Result<u64>;
    /// Ticks after every committed write of this process (the live feed waits on it).
    fn changes(&self) -> tokio::sync::watch::Receiver<u64>;
    /// What a cached token is checked against (D74): it is used only while this is `Some` and
    /// the value it was cached under. SQLite (one process): always the same. PostgreSQL: a new
    /// value whenever a token may have ended anywhere (signed out through another instance,
    /// revoked, its user disabled — the database notifies every instance), and `None` while
    /// this instance cannot hear that.
    fn token_epoch(&self) -> Option<u64>;
    /// (notificatie id, receiver) of the notifications about a document.
    async fn notificaties_over_document(&self, document_id: &str) -> Result<Vec<(String, String)>>;
    /// Actieverzoeken a document is linked to (their parties must re-read them when it changes).
    async fn actieverzoeken_met_document(&self, document_id: &str) -> Result<Vec<ActieverzoekRow>>;

    /// Increases with every committed write (any process): a cached read is current while it
    /// has not changed.
    async fn generation(&self) -> Result<i64>;

    /// Increases with every committed change `oin`'s overview of samenwerkingen may show
    /// (kept by the database's triggers, D58): a page rendered at the same value is current.
    async fn overview_generation(&self, oin: &str) -> Result<i64>;

    async fn ping(&self) -> Result<()>;

    /// Database connections this process holds, and how many of them are idle (`/metrics`).
    fn pool_stats(&self) -> (u32, usize);

    // --- the login throttle across instances (PostgreSQL; SQLite's one process counts in memory)
    /// Failed sign-ins of `naam` since the window started at `since`, as (count, since);
    /// `None` when none are counted in the database.
    async fn login_failures(&self, naam: &str) -> Result<Option<(i64, i64)>>;
    /// Count a failed sign-in of `naam` at `now`; a window started before `now - window_us`
    /// starts again.
    async fn record_login_failure(&self, naam: &str, now: i64, window_us: i64) -> Result<()>;
    /// Forget the failures of `naam` (it signed in).
    async fn clear_login_failures(&self, naam: &str) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_recognised_and_passwords_never_shown() {
        assert!(postgres::is_postgres_url("postgres://swf@db/swf"));
        assert!(postgres::is_postgres_url("postgresql://swf@db/swf"));
        assert!(!postgres::is_postgres_url("sqlite://data/swf.db"));
        assert_eq!(
            redact("postgres://swf:geheim@db.internal:5432/swf?sslmode=require"),
            "postgres://swf:***@db.internal:5432/swf?sslmode=require"
        );
        assert_eq!(redact("postgres://swf@db/swf"), "postgres://swf@db/swf");
        assert_eq!(redact("mysql://x"), "mysql://x");
    }

    #[tokio::test]
    async fn another_kind_of_database_url_is_refused_by_name() {
        let config = crate::config::Config {
            database_url: Some("mysql://root:geheim@db/swf".into()),
            ..Default::default()
        };
        let e = open(&config).await.err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "database URL \"mysql://root:***@db/swf\" is not supported (expected postgres://…)"
            )
        );
    }
}
