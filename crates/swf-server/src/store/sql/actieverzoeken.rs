//! Actieverzoeken, their linked documents and their berichten.
use super::*;

/// An [`ActieverzoekRow`].
const AV_COLS: &str = "a.id, a.samenwerking_id, a.titel, a.omschrijving, a.melding, a.product_id, a.status, a.zender, \
    a.zender_naam, a.ontvanger, a.ontvanger_naam, a.creatie, a.laatst_aangepast, a.laatst_aangepast_door, \
    a.laatst_aangepast_door_naam, a.versie";

/// An [`ActieverzoekView`]: the row and its number of berichten.
fn view_select() -> String {
    format!("SELECT {AV_COLS}, (SELECT COUNT(*) FROM berichten b WHERE b.actieverzoek_id = a.id) AS aantal_berichten")
}

pub(super) async fn insert_actieverzoek(
    db: &Backend,
    a: &ActieverzoekRow,
    documenten: &[String],
    fx: &Effects,
) -> Result<()> {
    let insert = |q: &mut QueryBuilder<'_, Db>| {
        q.push(
            "INSERT INTO actieverzoeken (id, samenwerking_id, titel, omschrijving, melding, product_id, status, zender, \
             zender_naam, ontvanger, ontvanger_naam, creatie, laatst_aangepast, laatst_aangepast_door, \
             laatst_aangepast_door_naam, versie) ",
        );
        q.push_values(std::iter::once(a), |mut row, a| {
            row.push_bind(a.id.clone())
                .push_bind(a.samenwerking_id.clone())
                .push_bind(a.titel.clone())
                .push_bind(a.omschrijving.clone())
                .push_bind(a.melding.clone())
                .push_bind(a.product_id.clone())
                .push_bind(a.status.as_str())
                .push_bind(a.zender.clone())
                .push_bind(a.zender_naam.clone())
                .push_bind(a.ontvanger.clone())
                .push_bind(a.ontvanger_naam.clone())
                .push_bind(a.creatie)
                .push_bind(a.laatst_aangepast)
                .push_bind(a.laatst_aangepast_door.clone())
                .push_bind(a.laatst_aangepast_door_naam.clone())
                .push_bind(a.versie);
        });
    };
    if documenten.is_empty() {
        // the common case: the row and its effects in one go
        return db.write_alone(&insert, fx).await;
    }
    let mut tx = db.begin().await?;
    let mut q = QueryBuilder::<Db>::new("");
    insert(&mut q);
    q.build().execute(&mut *tx).await?;
    for d in documenten {
        sqlx::query(
            "INSERT INTO actieverzoek_documenten (actieverzoek_id, document_id) VALUES ($1, $2)",
        )
        .bind(&a.id)
        .bind(d)
        .execute(&mut *tx)
        .await?;
    }
    db.finish(tx, fx).await
}

pub(super) async fn get_actieverzoek(db: &Backend, id: &str) -> Result<Option<ActieverzoekView>> {
    Ok(sqlx::query_as(&format!(
        "{} FROM actieverzoeken a WHERE a.id = $1",
        view_select()
    ))
    .bind(id)
    .fetch_optional(&db.reader)
    .await?)
}

pub(super) async fn list_actieverzoeken(
    db: &Backend,
    oin: &str,
    f: &ActieverzoekFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ActieverzoekView>, i64)> {
    let from = |q: &mut QueryBuilder<'_, Db>| {
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
            q.push(" AND a.status = ").push_bind(v.as_str());
        }
        if let Some(v) = &f.status_not {
            q.push(" AND a.status <> ").push_bind(v.as_str());
        }
    };
    page(
        db,
        &view_select(),
        &from,
        "a.creatie DESC, a.id",
        offset,
        limit,
    )
    .await
}

pub(super) async fn update_actieverzoek(
    db: &Backend,
    a: &ActieverzoekRow,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE actieverzoeken SET titel = $1, omschrijving = $2, melding = $3, product_id = $4, status = $5, laatst_aangepast = $6, \
         laatst_aangepast_door = $7, laatst_aangepast_door_naam = $8, versie = $9 WHERE id = $10 AND versie = $11",
    )
    .bind(&a.titel)
    .bind(&a.omschrijving)
    .bind(&a.melding)
    .bind(&a.product_id)
    .bind(a.status.as_str())
    .bind(a.laatst_aangepast)
    .bind(&a.laatst_aangepast_door)
    .bind(&a.laatst_aangepast_door_naam)
    .bind(a.versie)
    .bind(&a.id)
    .bind(a.versie - 1)
    .execute(&mut *tx)
    .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

/// A change to an actieverzoek's linked documents is a new version of it, by the caller:
/// write `a`'s version and change stamp if the version is still `a.versie - 1`. Returns the
/// rows changed (1, or 0 when stale).
async fn bump_actieverzoek(tx: &mut Tx, actieverzoek_id: &str, a: &ActieverzoekRow) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE actieverzoeken SET versie = $1, laatst_aangepast = $2, laatst_aangepast_door = $3, \
         laatst_aangepast_door_naam = $4 WHERE id = $5 AND versie = $6",
    )
    .bind(a.versie)
    .bind(a.laatst_aangepast)
    .bind(&a.laatst_aangepast_door)
    .bind(&a.laatst_aangepast_door_naam)
    .bind(actieverzoek_id)
    .bind(a.versie - 1)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

pub(super) async fn koppel_document(
    db: &Backend,
    actieverzoek_id: &str,
    document_id: &str,
    a: &ActieverzoekRow,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    if bump_actieverzoek(&mut tx, actieverzoek_id, a).await? != 1 {
        return Ok(Applied::Stale);
    }
    let r = sqlx::query("INSERT INTO actieverzoek_documenten (actieverzoek_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(actieverzoek_id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::Conflict("document is al gekoppeld".into()));
    }
    db.finish(tx, fx).await?;
    Ok(Applied::Yes)
}

pub(super) async fn ontkoppel_document(
    db: &Backend,
    actieverzoek_id: &str,
    document_id: &str,
    a: &ActieverzoekRow,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "DELETE FROM actieverzoek_documenten WHERE actieverzoek_id = $1 AND document_id = $2",
    )
    .bind(actieverzoek_id)
    .bind(document_id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(Applied::Stale);
    }
    let bumped = bump_actieverzoek(&mut tx, actieverzoek_id, a).await?;
    db.finish_guarded(tx, bumped, fx).await
}

pub(super) async fn insert_bericht(db: &Backend, b: &BerichtRow, fx: &Effects) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO berichten (id, actieverzoek_id, samenwerking_id, creatie, inhoud, zender, zender_naam, ontvanger, ontvanger_naam) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
    db.finish(tx, fx).await
}

pub(super) async fn list_berichten(
    db: &Backend,
    actieverzoek_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<BerichtRow>, i64)> {
    let from = |q: &mut QueryBuilder<'_, Db>| {
        q.push(" FROM berichten WHERE actieverzoek_id = ")
            .push_bind(actieverzoek_id.to_owned());
    };
    page(
        db,
        "SELECT id, actieverzoek_id, samenwerking_id, creatie, inhoud, zender, zender_naam, ontvanger, ontvanger_naam",
        &from,
        "creatie, id",
        offset,
        limit,
    )
    .await
}

pub(super) async fn actieverzoeken_met_document(
    db: &Backend,
    document_id: &str,
) -> Result<Vec<ActieverzoekRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {AV_COLS} FROM actieverzoeken a \
         JOIN actieverzoek_documenten k ON k.actieverzoek_id = a.id WHERE k.document_id = $1"
    ))
    .bind(document_id)
    .fetch_all(&db.reader)
    .await?)
}
