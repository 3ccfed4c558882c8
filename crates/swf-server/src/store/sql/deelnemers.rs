//! Deelnemers: who takes part in a samenwerking, with which role and privilege.
use super::*;

/// A [`DeelnemerRow`]: the membership with the organisation's name.
const DEELNEMER_SELECT: &str =
    "SELECT d.samenwerking_id, d.oin, o.naam, d.rol, d.privilege, d.toegevoegd, \
    d.verwijderd FROM deelnemers d JOIN organisaties o ON o.oin = d.oin";

pub(super) async fn list_deelnemers(
    db: &Backend,
    samenwerking_id: &str,
) -> Result<Vec<DeelnemerRow>> {
    Ok(sqlx::query_as(&format!(
        "{DEELNEMER_SELECT} WHERE d.samenwerking_id = $1 AND d.verwijderd IS NULL \
         ORDER BY CASE d.rol WHEN 'INITIATOR' THEN 0 ELSE 1 END, d.toegevoegd, d.oin"
    ))
    .bind(samenwerking_id)
    .fetch_all(&db.reader)
    .await?)
}

pub(super) async fn get_deelnemer(
    db: &Backend,
    samenwerking_id: &str,
    oin: &str,
) -> Result<Option<DeelnemerRow>> {
    Ok(sqlx::query_as(&format!(
        "{DEELNEMER_SELECT} WHERE d.samenwerking_id = $1 AND d.oin = $2"
    ))
    .bind(samenwerking_id)
    .bind(oin)
    .fetch_optional(&db.reader)
    .await?)
}

pub(super) async fn upsert_deelnemer(db: &Backend, d: &DeelnemerRow, fx: &Effects) -> Result<()> {
    let mut tx = db.begin().await?;
    let existing: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT verwijderd FROM deelnemers WHERE samenwerking_id = $1 AND oin = $2")
            .bind(&d.samenwerking_id)
            .bind(&d.oin)
            .fetch_optional(&mut *tx)
            .await?;
    match existing {
        Some((None,)) => return Err(StoreError::Conflict(format!("deelnemer {}", d.oin))),
        Some((Some(_),)) => {
            sqlx::query("UPDATE deelnemers SET verwijderd = NULL, privilege = $1, toegevoegd = $2 WHERE samenwerking_id = $3 AND oin = $4")
                .bind(d.privilege.as_str())
                .bind(d.toegevoegd)
                .bind(&d.samenwerking_id)
                .bind(&d.oin)
                .execute(&mut *tx)
                .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO deelnemers (samenwerking_id, oin, rol, privilege, toegevoegd, volgnummer) \
                 SELECT $1, $2, $3, $4, $5, volgnummer FROM samenwerkingen WHERE id = $6",
            )
            .bind(&d.samenwerking_id)
            .bind(&d.oin)
            .bind(d.rol.as_str())
            .bind(d.privilege.as_str())
            .bind(d.toegevoegd)
            .bind(&d.samenwerking_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    db.finish(tx, fx).await
}

/// Change one column of an active ketenpartner's membership (`set` binds one value), guarded:
/// `Stale` when it is no active ketenpartner any more.
async fn update_ketenpartner<T>(
    db: &Backend,
    samenwerking_id: &str,
    oin: &str,
    set: &str,
    value: T,
    fx: &Effects,
) -> Result<Applied>
where
    T: for<'q> sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send + 'static,
{
    let mut tx = db.begin().await?;
    let sql = format!(
        "UPDATE deelnemers SET {set} = $1 WHERE samenwerking_id = $2 AND oin = $3 AND verwijderd IS NULL AND rol = 'KETENPARTNER'"
    );
    let r = sqlx::query(&sql)
        .bind(value)
        .bind(samenwerking_id)
        .bind(oin)
        .execute(&mut *tx)
        .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

pub(super) async fn set_privilege(
    db: &Backend,
    samenwerking_id: &str,
    oin: &str,
    privilege: Privilege,
    fx: &Effects,
) -> Result<Applied> {
    let p = privilege.as_str().to_owned();
    update_ketenpartner(db, samenwerking_id, oin, "privilege", p, fx).await
}

pub(super) async fn remove_deelnemer(
    db: &Backend,
    samenwerking_id: &str,
    oin: &str,
    now: i64,
    fx: &Effects,
) -> Result<Applied> {
    update_ketenpartner(db, samenwerking_id, oin, "verwijderd", now, fx).await
}
