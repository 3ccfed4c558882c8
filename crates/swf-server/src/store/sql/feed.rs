//! The live feed (gebeurtenissen): reading, bounds and pruning (writing an event is the
//! backend's own `insert_gebeurtenis`: how volgnummers are handed out differs).
use super::*;

pub(super) async fn list_gebeurtenissen(
    db: &Backend,
    oin: &str,
    na: i64,
    limit: i64,
) -> Result<Vec<GebeurtenisRow>> {
    // an event about a document is shown only to who may see that document now
    const SQL: &str = concat!(
        "SELECT g.volgnummer, g.soort, g.samenwerking_id, g.object_id, g.tijd FROM gebeurtenissen g \
         WHERE g.oin = $1 AND g.volgnummer > $2 AND (NOT ",
        over_sv!("g"),
        " OR EXISTS (SELECT 1 FROM deelnemers dn WHERE dn.samenwerking_id = g.samenwerking_id \
         AND dn.oin = g.oin AND dn.verwijderd IS NULL \
         AND (dn.rol = 'INITIATOR' OR dn.privilege = 'VOLLEDIGE_TOEGANG'))) \
         ORDER BY g.volgnummer LIMIT $3"
    );
    Ok(sqlx::query_as(SQL)
        .bind(oin)
        .bind(na)
        .bind(limit)
        .fetch_all(&db.reader)
        .await?)
}

pub(super) async fn feed_bounds(db: &Backend) -> Result<(i64, i64)> {
    let row: (i64, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT waarde FROM volgnummers WHERE naam = 'gebeurtenissen_gesnoeid_tot'), \
         (SELECT MAX(volgnummer) FROM gebeurtenissen)",
    )
    .fetch_one(&db.reader)
    .await?;
    let (floor, max) = row;
    Ok((floor, max.unwrap_or(0).max(floor)))
}

pub(super) async fn prune_gebeurtenissen(db: &Backend, tijd: i64) -> Result<u64> {
    let mut tx = db.begin().await?;
    let top: Option<i64> =
        sqlx::query_scalar("SELECT MAX(volgnummer) FROM gebeurtenissen WHERE tijd < $1")
            .bind(tijd)
            .fetch_one(&mut *tx)
            .await?;
    let Some(top) = top else {
        return Ok(0);
    };
    // everything up to `top` goes, so the floor is exact even if clocks went backwards
    let n = sqlx::query("DELETE FROM gebeurtenissen WHERE volgnummer <= $1")
        .bind(top)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query(
        "UPDATE volgnummers SET waarde = CASE WHEN waarde > $1 THEN waarde ELSE $2 END \
         WHERE naam = 'gebeurtenissen_gesnoeid_tot'",
    )
    .bind(top)
    .bind(top)
    .execute(&mut *tx)
    .await?;
    db.commit(tx).await?;
    Ok(n)
}
