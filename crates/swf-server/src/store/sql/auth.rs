//! Organisaties, gebruikers and tokens: who may call the server at all.
use super::*;

pub(super) async fn insert_organisatie(db: &Backend, o: &OrganisatieRow, now: i64) -> Result<()> {
    let r = sqlx::query(
        "INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES ($1, $2, $3, $4)",
    )
    .bind(&o.oin)
    .bind(&o.naam)
    .bind(&o.soort)
    .bind(now);
    match db.write_one(r).await {
        Err(StoreError::Db(e)) if is_unique_violation(&e) => {
            Err(StoreError::Conflict(format!("organisatie {}", o.oin)))
        }
        r => r.map(|_| ()),
    }
}

pub(super) async fn get_organisatie(db: &Backend, oin: &str) -> Result<Option<OrganisatieRow>> {
    Ok(
        sqlx::query_as("SELECT oin, naam, soort FROM organisaties WHERE oin = $1")
            .bind(oin)
            .fetch_optional(&db.reader)
            .await?,
    )
}

pub(super) async fn search_organisaties(
    db: &Backend,
    zoek: &str,
    limit: i64,
) -> Result<Vec<OrganisatieRow>> {
    let like = format!(
        "%{}%",
        zoek.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(sqlx::query_as(
        "SELECT oin, naam, soort FROM organisaties WHERE LOWER(naam) LIKE $1 ESCAPE '\\' OR oin LIKE $2 ESCAPE '\\' \
         ORDER BY naam LIMIT $3",
    )
    .bind(&like)
    .bind(&like)
    .bind(limit)
    .fetch_all(&db.reader)
    .await?)
}

pub(super) async fn insert_gebruiker(db: &Backend, g: &GebruikerRow, now: i64) -> Result<()> {
    let r = sqlx::query(
        "INSERT INTO gebruikers (id, gebruikersnaam, naam, oin, wachtwoord_hash, aangemaakt) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&g.id)
    .bind(&g.gebruikersnaam)
    .bind(&g.naam)
    .bind(&g.oin)
    .bind(&g.wachtwoord_hash)
    .bind(now);
    match db.write_one(r).await {
        Err(StoreError::Db(e)) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
            "gebruiker {}",
            g.gebruikersnaam
        ))),
        r => r.map(|_| ()),
    }
}

pub(super) async fn find_gebruiker(
    db: &Backend,
    gebruikersnaam: &str,
) -> Result<Option<GebruikerRow>> {
    Ok(sqlx::query_as("SELECT id, gebruikersnaam, naam, oin, wachtwoord_hash, uitgeschakeld FROM gebruikers WHERE gebruikersnaam = $1")
        .bind(gebruikersnaam)
        .fetch_optional(&db.reader)
        .await?)
}

pub(super) async fn insert_token(db: &Backend, t: &NewToken) -> Result<()> {
    db.write_one(
        sqlx::query("INSERT INTO tokens (hash, oin, gebruiker_id, soort, omschrijving, aangemaakt, verloopt) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&t.hash)
            .bind(&t.oin)
            .bind(&t.gebruiker_id)
            .bind(t.soort)
            .bind(&t.omschrijving)
            .bind(t.aangemaakt)
            .bind(t.verloopt),
    )
    .await?;
    Ok(())
}

pub(super) async fn find_token(db: &Backend, hash: &str) -> Result<Option<TokenIdentity>> {
    Ok(sqlx::query_as(
        "SELECT t.oin, o.naam AS organisatie_naam, g.gebruikersnaam, t.verloopt FROM tokens t \
         JOIN organisaties o ON o.oin = t.oin LEFT JOIN gebruikers g ON g.id = t.gebruiker_id \
         WHERE t.hash = $1 AND (t.gebruiker_id IS NULL OR g.uitgeschakeld IS NULL)",
    )
    .bind(hash)
    .fetch_optional(&db.reader)
    .await?)
}

pub(super) async fn delete_token(db: &Backend, hash: &str) -> Result<()> {
    db.write_one(sqlx::query("DELETE FROM tokens WHERE hash = $1").bind(hash))
        .await?;
    Ok(())
}

pub(super) async fn list_tokens(db: &Backend, soort: &str) -> Result<Vec<TokenRow>> {
    Ok(sqlx::query_as(
        "SELECT t.hash, t.oin, t.soort, t.omschrijving, g.gebruikersnaam, t.aangemaakt, t.verloopt \
         FROM tokens t LEFT JOIN gebruikers g ON g.id = t.gebruiker_id \
         WHERE t.soort = $1 ORDER BY t.aangemaakt, t.hash",
    )
    .bind(soort)
    .fetch_all(&db.reader)
    .await?)
}

pub(super) async fn set_token_verloopt(
    db: &Backend,
    hash: &str,
    verloopt: Option<i64>,
) -> Result<bool> {
    Ok(db
        .write_one(
            sqlx::query("UPDATE tokens SET verloopt = $1 WHERE hash = $2")
                .bind(verloopt)
                .bind(hash),
        )
        .await?
        > 0)
}

pub(super) async fn set_gebruiker_uitgeschakeld(
    db: &Backend,
    gebruikersnaam: &str,
    uitgeschakeld: Option<i64>,
) -> Result<bool> {
    let mut tx = db.begin_plain().await?;
    let n = sqlx::query("UPDATE gebruikers SET uitgeschakeld = $1 WHERE gebruikersnaam = $2")
        .bind(uitgeschakeld)
        .bind(gebruikersnaam)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if uitgeschakeld.is_some() {
        delete_user_tokens(&mut tx, gebruikersnaam).await?;
    }
    db.commit_plain(tx).await?;
    Ok(n > 0)
}

pub(super) async fn set_wachtwoord_hash(
    db: &Backend,
    gebruikersnaam: &str,
    hash: &str,
) -> Result<bool> {
    let mut tx = db.begin_plain().await?;
    let n = sqlx::query("UPDATE gebruikers SET wachtwoord_hash = $1 WHERE gebruikersnaam = $2")
        .bind(hash)
        .bind(gebruikersnaam)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    delete_user_tokens(&mut tx, gebruikersnaam).await?;
    db.commit_plain(tx).await?;
    Ok(n > 0)
}

/// Every token of a user: it signs in again (or not at all) after a change to its access.
async fn delete_user_tokens(tx: &mut Tx, gebruikersnaam: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM tokens WHERE gebruiker_id IN (SELECT id FROM gebruikers WHERE gebruikersnaam = $1)",
    )
    .bind(gebruikersnaam)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn delete_expired_tokens(db: &Backend, now: i64) -> Result<u64> {
    db.write_one(
        sqlx::query("DELETE FROM tokens WHERE verloopt IS NOT NULL AND verloopt < $1").bind(now),
    )
    .await
}
