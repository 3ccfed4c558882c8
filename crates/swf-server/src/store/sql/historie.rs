//! Historie: the audit log of a samenwerking.
use super::*;

pub(super) async fn insert_audit_in(tx: &mut Transaction<'static, Db>, a: &NewAudit) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (tijd, oin, organisatie_naam, gebruiker, samenwerking_id, actie, omschrijving, document_id, \
         alleen_volledig, actieverzoek_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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

pub(super) async fn list_audit(
    db: &Backend,
    samenwerking_id: &str,
    lezer: &str,
    ziet_sv: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditRow>, i64)> {
    // decided now, from the document's confidentiality and the actieverzoek's parties
    // (a line whose actieverzoek could not be identified, '', is its author's only)
    let from = |q: &mut QueryBuilder<'_, Db>| {
        q.push(" FROM audit a WHERE a.samenwerking_id = ")
            .push_bind(samenwerking_id.to_owned())
            .push(" AND (")
            .push_bind(ziet_sv)
            .push(concat!(" OR NOT ", over_sv!("a"), ")"))
            .push(" AND (a.actieverzoek_id IS NULL OR a.oin = ")
            .push_bind(lezer.to_owned())
            .push(" OR EXISTS (SELECT 1 FROM actieverzoeken av WHERE av.id = a.actieverzoek_id AND (av.zender = ")
            .push_bind(lezer.to_owned())
            .push(" OR av.ontvanger = ")
            .push_bind(lezer.to_owned())
            .push(")))");
    };
    page(
        db,
        "SELECT a.volgnummer, a.tijd, a.oin, a.organisatie_naam, a.gebruiker, a.samenwerking_id, a.actie, \
         a.omschrijving, a.document_id, a.alleen_volledig",
        &from,
        "a.volgnummer DESC",
        offset,
        limit,
    )
    .await
}

pub(super) async fn insert_audit(db: &Backend, a: &NewAudit) -> Result<()> {
    let mut tx = db.begin().await?;
    insert_audit_in(&mut tx, a).await?;
    db.commit(tx).await?;
    Ok(())
}
