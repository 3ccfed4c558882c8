//! Historie: the audit log of a samenwerking.
use super::*;

/// Add the INSERT of an audit line to `q`.
pub(super) fn push_audit<'a>(q: &mut QueryBuilder<'a, Db>, a: &'a NewAudit) {
    q.push(
        "INSERT INTO audit (tijd, oin, organisatie_naam, gebruiker, samenwerking_id, actie, omschrijving, document_id, \
         alleen_volledig, actieverzoek_id) ",
    );
    q.push_values(std::iter::once(a), |mut row, a| {
        row.push_bind(a.tijd)
            .push_bind(&a.oin)
            .push_bind(&a.organisatie_naam)
            .push_bind(&a.gebruiker)
            .push_bind(&a.samenwerking_id)
            .push_bind(&a.actie)
            .push_bind(&a.omschrijving)
            .push_bind(&a.document_id)
            .push_bind(a.alleen_volledig as i64)
            .push_bind(&a.actieverzoek_id);
    });
}

pub(super) async fn insert_audit_in(tx: &mut Tx, a: &NewAudit) -> Result<()> {
    let mut q = QueryBuilder::<Db>::new("");
    push_audit(&mut q, a);
    q.build().execute(&mut **tx).await?;
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
