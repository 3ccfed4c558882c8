//! Documenten: metadata rows (the bytes live in the blob store) and their confidentiality.
use super::*;

const DOC_COLS: &str = "d.id, d.samenwerking_id, d.bestandsnaam, d.kenmerk_systeem, d.nummer_binnen_systeem, \
    d.aangemaakt_door, d.aangemaakt_door_naam, d.creatie, d.laatst_aangepast_door, d.laatst_aangepast_door_naam, \
    d.laatst_aangepast, d.omschrijving, d.vertrouwelijkheid, d.taal, d.formaat, d.hash, d.grootte";

pub(super) async fn insert_document(db: &Backend, d: &DocumentRow, fx: &Effects) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO documenten (id, samenwerking_id, bestandsnaam, kenmerk_systeem, nummer_binnen_systeem, aangemaakt_door, \
         aangemaakt_door_naam, creatie, laatst_aangepast_door, laatst_aangepast_door_naam, laatst_aangepast, omschrijving, \
         vertrouwelijkheid, taal, formaat, hash, grootte) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
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
    .bind(d.vertrouwelijkheid.as_str())
    .bind(&d.taal)
    .bind(&d.formaat)
    .bind(&d.hash)
    .bind(d.grootte)
    .execute(&mut *tx)
    .await?;
    // the samenwerking must still accept documents: guard against a concurrent close
    let (status,): (String,) = sqlx::query_as("SELECT status FROM samenwerkingen WHERE id = $1")
        .bind(&d.samenwerking_id)
        .fetch_one(&mut *tx)
        .await?;
    if status != "OPEN" && status != "INITIALISATIE" {
        return Err(StoreError::Conflict("samenwerking is niet open".into()));
    }
    // ... and the uploader must still be entitled: removed or downgraded during a long upload?
    let entitled: Option<(String, String)> = sqlx::query_as(
        "SELECT rol, privilege FROM deelnemers WHERE samenwerking_id = $1 AND oin = $2 AND verwijderd IS NULL",
    )
    .bind(&d.samenwerking_id)
    .bind(&d.aangemaakt_door)
    .fetch_optional(&mut *tx)
    .await?;
    match entitled {
        None => return Err(StoreError::NoLongerAllowed),
        Some((rol, privilege))
            if d.vertrouwelijkheid == Vertrouwelijkheid::Sv
                && rol != "INITIATOR"
                && privilege != "VOLLEDIGE_TOEGANG" =>
        {
            return Err(StoreError::NoLongerAllowed)
        }
        Some(_) => {}
    }
    db.finish(tx, fx).await
}

pub(super) async fn get_document(db: &Backend, id: &str) -> Result<Option<DocumentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DOC_COLS} FROM documenten d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.reader)
    .await?)
}

pub(super) async fn list_documenten(
    db: &Backend,
    samenwerking_id: &str,
    f: &DocumentFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<DocumentRow>, i64)> {
    let from = |q: &mut QueryBuilder<'_, Db>| {
        q.push(" FROM documenten d WHERE d.samenwerking_id = ")
            .push_bind(samenwerking_id.to_owned());
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
    };
    let column = match f.sort.key {
        DocumentSortKey::Creatie => "d.creatie",
        DocumentSortKey::Bestandsnaam => "d.bestandsnaam",
        DocumentSortKey::LaatstAangepast => "d.laatst_aangepast",
    };
    let order = format!("{column} {}, d.id", direction(f.sort.desc));
    let select = format!("SELECT {DOC_COLS}");
    page(db, &select, &from, &order, offset, limit).await
}

pub(super) async fn documenten_van_actieverzoeken(
    db: &Backend,
    actieverzoek_ids: &[String],
) -> Result<Vec<GekoppeldDocument>> {
    if actieverzoek_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Db>::new(format!(
        "SELECT ad.actieverzoek_id, {DOC_COLS} FROM actieverzoek_documenten ad \
         JOIN documenten d ON d.id = ad.document_id WHERE ad.actieverzoek_id IN ("
    ));
    let mut ids = q.separated(", ");
    for id in actieverzoek_ids {
        ids.push_bind(id.clone());
    }
    q.push(") ORDER BY d.creatie, d.id");
    Ok(q.build_query_as().fetch_all(&db.reader).await?)
}

pub(super) async fn update_document(
    db: &Backend,
    d: &DocumentRow,
    expected_laatst_aangepast: i64,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE documenten SET omschrijving = $1, vertrouwelijkheid = $2, kenmerk_systeem = $3, nummer_binnen_systeem = $4, \
         taal = $5, laatst_aangepast_door = $6, laatst_aangepast_door_naam = $7, laatst_aangepast = $8 \
         WHERE id = $9 AND laatst_aangepast = $10",
    )
    .bind(&d.omschrijving)
    .bind(d.vertrouwelijkheid.as_str())
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
    let sv = (d.vertrouwelijkheid == Vertrouwelijkheid::Sv) as i64;
    for stmt in [
        "UPDATE notificaties SET alleen_volledig = $1 WHERE document_id = $2",
        "UPDATE audit SET alleen_volledig = $1 WHERE document_id = $2",
        "UPDATE gebeurtenissen SET alleen_volledig = $1 WHERE document_id = $2",
    ] {
        sqlx::query(stmt)
            .bind(sv)
            .bind(&d.id)
            .execute(&mut *tx)
            .await?;
    }
    db.finish(tx, fx).await?;
    Ok(Applied::Yes)
}

pub(super) async fn delete_document(db: &Backend, id: &str, fx: &Effects) -> Result<Applied> {
    let mut tx = db.begin().await?;
    // once the document is gone, the flags are all that is left of its confidentiality
    for stmt in [
        "UPDATE notificaties SET alleen_volledig = (SELECT CASE WHEN vertrouwelijkheid = 'SV' THEN 1 ELSE 0 END FROM documenten WHERE id = $1) WHERE document_id = $2",
        "UPDATE audit SET alleen_volledig = (SELECT CASE WHEN vertrouwelijkheid = 'SV' THEN 1 ELSE 0 END FROM documenten WHERE id = $1) WHERE document_id = $2",
        "UPDATE gebeurtenissen SET alleen_volledig = (SELECT CASE WHEN vertrouwelijkheid = 'SV' THEN 1 ELSE 0 END FROM documenten WHERE id = $1) WHERE document_id = $2",
    ] {
        sqlx::query(stmt)
            .bind(id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let r = sqlx::query("DELETE FROM documenten WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

pub(super) async fn all_document_ids(db: &Backend) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM documenten")
        .fetch_all(&db.reader)
        .await?;
    Ok(rows.into_iter().map(|(i,)| i).collect())
}
