//! Samenwerkingen: the aggregate root, its life cycle (open, close, announce, delete) and listing.
use super::*;

const SAM_COLS: &str = "s.id, s.volgnummer, s.verzoeknummer, s.olo_verzoeknummer, s.bron_verzoek, s.type_verzoek, \
    s.globale_locatie, s.titel, s.beschrijving, s.taal, s.status, s.aangemaakt_door, s.aangemaakt_door_naam, s.creatie, \
    s.eind, s.laatst_aangepast_door, s.laatst_aangepast_door_naam, s.laatst_aangepast, s.kenmerk_systeem, \
    s.nummer_binnen_systeem, s.contactpersoon_naam, s.contactpersoon_emailadres, s.contactpersoon_telefoonnummer, \
    s.gesloten, s.verwijder_na, s.versie";

pub(super) async fn next_samenwerking_nummer(db: &Backend) -> Result<i64> {
    let mut tx = db.begin_plain().await?;
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'samenwerking' RETURNING waarde",
    )
    .fetch_one(&mut *tx)
    .await?;
    db.commit_plain(tx).await?;
    Ok(n)
}

pub(super) async fn create_samenwerking(
    db: &Backend,
    s: &SamenwerkingRow,
    deelnemers: &[DeelnemerRow],
    fx: &Effects,
) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO samenwerkingen (id, volgnummer, verzoeknummer, olo_verzoeknummer, bron_verzoek, type_verzoek, \
         globale_locatie, titel, beschrijving, taal, status, aangemaakt_door, aangemaakt_door_naam, creatie, eind, \
         laatst_aangepast_door, laatst_aangepast_door_naam, laatst_aangepast, kenmerk_systeem, nummer_binnen_systeem, \
         contactpersoon_naam, contactpersoon_emailadres, contactpersoon_telefoonnummer, versie, weergave, weergave_versie) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)",
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
    .bind(s.status.as_str())
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
    .bind(crate::weergave::gedeeld(s))
    .bind(s.versie)
    .execute(&mut *tx)
    .await?;
    for d in deelnemers {
        sqlx::query(
            "INSERT INTO deelnemers (samenwerking_id, oin, rol, privilege, toegevoegd, volgnummer) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&d.samenwerking_id)
        .bind(&d.oin)
        .bind(d.rol.as_str())
        .bind(d.privilege.as_str())
        .bind(d.toegevoegd)
        .bind(s.volgnummer)
        .execute(&mut *tx)
        .await?;
    }
    db.finish(tx, fx).await
}

pub(super) async fn get_samenwerking(db: &Backend, id: &str) -> Result<Option<SamenwerkingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.reader)
    .await?)
}

/// A samenwerking as its active deelnemer `d` sees it: its own role and privilege, the
/// actieverzoeken it is party to and the notifications it may see. The counts are kept on the
/// deelnemer row by the database (D63); a partner with limited access sees the notifications
/// `NOTIF_VISIBLE` shows it, everyone else all of theirs.
fn view_select() -> String {
    format!(
        "SELECT {SAM_COLS}, d.rol AS mijn_rol, d.privilege AS mijn_privilege, \
         d.aantal_actieverzoeken AS aantal_actieverzoeken, \
         CASE WHEN d.privilege = 'VOLLEDIGE_TOEGANG' OR d.rol = 'INITIATOR' THEN d.aantal_notificaties \
         ELSE d.aantal_notificaties_beperkt END AS aantal_notificaties"
    )
}

/// A samenwerking in the overview of deelnemer `d`: what the overview shows of the samenwerking
/// as copied onto the membership (D81; its JSON's stored part only when of its current `versie`,
/// D80), and the deelnemer's own. In the order `decode` reads them.
const KORT_SELECT: &str = "SELECT d.samenwerking_id AS id, d.samenwerking_status AS status, \
     d.samenwerking_gesloten AS gesloten, d.samenwerking_verwijder_na AS verwijder_na, \
     d.samenwerking_weergave AS weergave, \
     d.rol AS mijn_rol, d.privilege AS mijn_privilege, d.aantal_actieverzoeken AS aantal_actieverzoeken, \
     CASE WHEN d.privilege = 'VOLLEDIGE_TOEGANG' OR d.rol = 'INITIATOR' THEN d.aantal_notificaties \
     ELSE d.aantal_notificaties_beperkt END AS aantal_notificaties";

pub(super) async fn get_samenwerking_view(
    db: &Backend,
    id: &str,
    oin: &str,
) -> Result<Option<SamenwerkingView>> {
    Ok(sqlx::query_as(&format!(
        "{} FROM samenwerkingen s JOIN deelnemers d ON d.samenwerking_id = s.id \
         WHERE s.id = $1 AND d.oin = $2 AND d.verwijderd IS NULL AND s.status <> 'VERWIJDERD'",
        view_select()
    ))
    .bind(id)
    .bind(oin)
    .fetch_optional(&db.reader)
    .await?)
}

pub(super) async fn list_samenwerkingen(
    db: &Backend,
    oin: &str,
    f: &SamenwerkingFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<SamenwerkingKort>, i64)> {
    let unfiltered =
        f.status.is_none() && f.titel.is_none() && f.verzoeknummer.is_none() && f.rol.is_none();
    // newest first, unfiltered: the memberships alone, with their copies (D81); filtering or
    // sorting on the samenwerking's other columns joins it
    let alone = unfiltered && f.sort.key == SamenwerkingSortKey::Creatie;
    let from = |q: &mut QueryBuilder<'_, Db>| {
        if alone {
            q.push(" FROM deelnemers d WHERE d.oin = ")
                .push_bind(oin.to_owned())
                .push(" AND d.verwijderd IS NULL AND d.samenwerking_status <> 'VERWIJDERD'");
            return;
        }
        q.push(
            " FROM deelnemers d JOIN samenwerkingen s ON s.id = d.samenwerking_id WHERE d.oin = ",
        )
        .push_bind(oin.to_owned())
        .push(" AND d.verwijderd IS NULL AND s.status <> 'VERWIJDERD'");
        if let Some(st) = &f.status {
            q.push(" AND s.status = ").push_bind(st.as_str());
        }
        if let Some(t) = &f.titel {
            q.push(" AND LOWER(s.titel) LIKE ")
                .push_bind(format!("%{}%", t.to_lowercase()));
        }
        if let Some(v) = &f.verzoeknummer {
            q.push(" AND s.verzoeknummer = ").push_bind(v.clone());
        }
        if let Some(r) = &f.rol {
            q.push(" AND d.rol = ").push_bind(r.as_str());
        }
    };
    // ties in another column: newest membership first
    let (column, ties) = match f.sort.key {
        SamenwerkingSortKey::Creatie => ("d.volgnummer", ""),
        SamenwerkingSortKey::Titel => ("s.titel", ", d.volgnummer DESC"),
        SamenwerkingSortKey::LaatstAangepast => ("s.laatst_aangepast", ", d.volgnummer DESC"),
    };
    let order = format!("{column} {}{ties}", direction(f.sort.desc));
    if unfiltered {
        // deleted samenwerkingen have no deelnemers left, so the count of active memberships,
        // which the database keeps per organisation (D58), is the total: read with the page,
        // one query instead of two (D67). By the bound OIN, not the row's, so the database
        // reads it once per page rather than once per row (D77).
        let select = |q: &mut QueryBuilder<'_, Db>| {
            q.push(KORT_SELECT)
                .push(", COALESCE((SELECT o.aantal FROM overzicht o WHERE o.oin = ")
                .push_bind(oin.to_owned())
                .push("), 0) AS totaal");
        };
        // on the overview's own connections (PostgreSQL: planned once per connection, D69)
        let page: Vec<WithTotal> =
            rows_in(db.overview_reader(), &select, &from, &order, offset, limit).await?;
        if let Some(first) = page.first() {
            let total = first.totaal;
            return Ok((page.into_iter().map(|r| r.view).collect(), total));
        }
        // an empty page (past the end, or no samenwerkingen): the total on its own
        let n: Option<i64> = sqlx::query_scalar("SELECT aantal FROM overzicht WHERE oin = $1")
            .bind(oin)
            .fetch_optional(&db.reader)
            .await?;
        return Ok((Vec::new(), n.unwrap_or(0)));
    }
    let total = count(db, &from).await?;
    if total <= offset {
        return Ok((Vec::new(), total));
    }
    let select = |q: &mut QueryBuilder<'_, Db>| {
        q.push(KORT_SELECT);
    };
    let rows = rows_in(&db.reader, &select, &from, &order, offset, limit).await?;
    Ok((rows, total))
}

/// A row of the overview with the organisation's total.
#[derive(sqlx::FromRow)]
struct WithTotal {
    #[sqlx(flatten)]
    view: SamenwerkingKort,
    totaal: i64,
}

pub(super) async fn update_samenwerking(
    db: &Backend,
    s: &SamenwerkingRow,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE samenwerkingen SET titel = $1, beschrijving = $2, status = $3, laatst_aangepast_door = $4, \
         laatst_aangepast_door_naam = $5, laatst_aangepast = $6, kenmerk_systeem = $7, nummer_binnen_systeem = $8, \
         contactpersoon_naam = $9, contactpersoon_emailadres = $10, contactpersoon_telefoonnummer = $11, gesloten = $12, \
         verwijder_na = $13, versie = $14, weergave = $17, weergave_versie = $18 WHERE id = $15 AND versie = $16",
    )
    .bind(&s.titel)
    .bind(&s.beschrijving)
    .bind(s.status.as_str())
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
    .bind(crate::weergave::gedeeld(s))
    .bind(s.versie)
    .execute(&mut *tx)
    .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

pub(super) async fn delete_samenwerking(
    db: &Backend,
    id: &str,
    by: &str,
    now: i64,
    fx: &Effects,
) -> Result<Option<Vec<String>>> {
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE samenwerkingen SET status = 'VERWIJDERD', verwijderd = $1, verwijderd_door = $2, titel = '', \
         beschrijving = NULL, verzoeknummer = NULL, olo_verzoeknummer = NULL, type_verzoek = NULL, globale_locatie = NULL, \
         kenmerk_systeem = NULL, nummer_binnen_systeem = NULL, contactpersoon_naam = NULL, contactpersoon_emailadres = NULL, \
         contactpersoon_telefoonnummer = NULL, weergave = NULL, weergave_versie = NULL, versie = versie + 1 \
         WHERE id = $3 AND status = 'GESLOTEN'",
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
        sqlx::query_as("SELECT id FROM documenten WHERE samenwerking_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    for stmt in [
        "DELETE FROM berichten WHERE samenwerking_id = $1",
        "DELETE FROM actieverzoek_documenten WHERE actieverzoek_id IN (SELECT id FROM actieverzoeken WHERE samenwerking_id = $1)",
        "DELETE FROM actieverzoeken WHERE samenwerking_id = $1",
        "DELETE FROM documenten WHERE samenwerking_id = $1",
        "DELETE FROM deelnemers WHERE samenwerking_id = $1",
        "DELETE FROM notificaties WHERE samenwerking_id = $1",
        // the audit log keeps who did what when, but no content any more
        "UPDATE audit SET omschrijving = actie, document_id = NULL WHERE samenwerking_id = $1",
    ] {
        sqlx::query(stmt).bind(id).execute(&mut *tx).await?;
    }
    db.finish(tx, fx).await?;
    Ok(Some(docs.into_iter().map(|(d,)| d).collect()))
}

pub(super) async fn samenwerkingen_in_status_before(
    db: &Backend,
    status: SamenwerkingStatus,
    creatie_before: i64,
    limit: i64,
) -> Result<Vec<SamenwerkingRow>> {
    Ok(sqlx::query_as(&format!("SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.status = $1 AND s.creatie <= $2 ORDER BY s.creatie LIMIT $3"))
        .bind(status.as_str())
        .bind(creatie_before)
        .bind(limit)
        .fetch_all(&db.reader)
        .await?)
}

/// GESLOTEN samenwerkingen to be deleted by `until` (and `also`), soonest first.
async fn gesloten_until(
    db: &Backend,
    until: i64,
    also: &str,
    limit: i64,
) -> Result<Vec<SamenwerkingRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.status = 'GESLOTEN' AND s.verwijder_na <= $1{also} \
         ORDER BY s.verwijder_na LIMIT $2"
    ))
    .bind(until)
    .bind(limit)
    .fetch_all(&db.reader)
    .await?)
}

pub(super) async fn samenwerkingen_due_for_deletion(
    db: &Backend,
    now: i64,
    limit: i64,
) -> Result<Vec<SamenwerkingRow>> {
    gesloten_until(db, now, "", limit).await
}

/// The flag that records the announcement `days` ahead (30 or 7).
fn announcement_column(days: i64) -> &'static str {
    if days <= 7 {
        "aankondiging_7"
    } else {
        "aankondiging_30"
    }
}

pub(super) async fn samenwerkingen_to_announce(
    db: &Backend,
    until: i64,
    days: i64,
    limit: i64,
) -> Result<Vec<SamenwerkingRow>> {
    let col = announcement_column(days);
    gesloten_until(db, until, &format!(" AND s.{col} = 0"), limit).await
}

pub(super) async fn mark_announced(
    db: &Backend,
    id: &str,
    days: i64,
    fx: &Effects,
) -> Result<Applied> {
    let col = announcement_column(days);
    let mut tx = db.begin().await?;
    // claim: only one instance wins the 0 -> 1 change and sends the notifications
    let r = sqlx::query(&format!(
        "UPDATE samenwerkingen SET {col} = 1 WHERE id = $1 AND {col} = 0 AND status = 'GESLOTEN'"
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

/// Render the stored part of their JSON (D80) for the rows that have none of their current
/// `versie`: rows written before the migration that added it, or by an older instance during
/// an upgrade. Run when the store opens, on `conn`, in batches by id, each in a transaction
/// of its own; a row changed meanwhile (another `versie`) is left to the change that made it.
/// Returns how many rows were filled in.
pub(super) async fn weergave_aanvullen(
    conn: &mut <Db as sqlx::Database>::Connection,
) -> Result<u64> {
    use sqlx::Connection;
    const BATCH: i64 = 500;
    let mut na = String::new();
    let mut gevuld = 0;
    loop {
        let rows: Vec<SamenwerkingRow> = sqlx::query_as(&format!(
            "SELECT {SAM_COLS} FROM samenwerkingen s WHERE s.id > $1 AND s.status <> 'VERWIJDERD' \
             AND (s.weergave_versie IS NULL OR s.weergave_versie <> s.versie) ORDER BY s.id LIMIT $2"
        ))
        .bind(&na)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(gevuld);
        };
        na = last.id.clone();
        let mut tx = conn.begin().await?;
        for s in &rows {
            // a row with an invalid OIN stays without: read from its columns, it fails as before
            let Some(w) = crate::weergave::gedeeld(s) else {
                continue;
            };
            gevuld += sqlx::query(
                "UPDATE samenwerkingen SET weergave = $1, weergave_versie = versie WHERE id = $2 AND versie = $3",
            )
            .bind(w)
            .bind(&s.id)
            .bind(s.versie)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
    }
}
