//! Notificaties: reading and deleting an organisation's copies (they are written by
//! [`apply_effects`](super::apply_effects)).
use super::*;

/// A [`NotificatieRow`].
const NOTIF_SELECT: &str = "SELECT n.id, n.ontvanger, n.ontvanger_naam, n.samenwerking_id, n.type, n.titel, n.tekst, \
    n.event_initiator, n.event_initiator_naam, n.event_datum, n.properties, n.document_id, n.alleen_volledig, n.na_vertrek";

pub(super) async fn list_notificaties(
    db: &Backend,
    oin: &str,
    f: &NotificatieFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<NotificatieRow>, i64)> {
    let from = |q: &mut QueryBuilder<'_, Db>| {
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
                sep.push_bind(t.as_str());
            }
            q.push(")");
        }
    };
    page(
        db,
        NOTIF_SELECT,
        &from,
        "n.event_datum DESC, n.id DESC",
        offset,
        limit,
    )
    .await
}

pub(super) async fn get_notificatie(
    db: &Backend,
    id: &str,
    oin: &str,
) -> Result<Option<NotificatieRow>> {
    let mut q = QueryBuilder::<Db>::new(NOTIF_SELECT);
    q.push(NOTIF_VISIBLE)
        .push_bind(oin.to_owned())
        .push(NOTIF_VISIBLE_TAIL)
        .push(" AND n.id = ")
        .push_bind(id.to_owned());
    Ok(q.build_query_as().fetch_optional(&db.reader).await?)
}

pub(super) async fn delete_notificatie(
    db: &Backend,
    id: &str,
    oin: &str,
    fx: &Effects,
) -> Result<Applied> {
    let mut tx = db.begin().await?;
    let r = sqlx::query("DELETE FROM notificaties WHERE id = $1 AND ontvanger = $2")
        .bind(id)
        .bind(oin)
        .execute(&mut *tx)
        .await?;
    db.finish_guarded(tx, r.rows_affected(), fx).await
}

pub(super) async fn notificaties_over_document(
    db: &Backend,
    document_id: &str,
) -> Result<Vec<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT id, ontvanger FROM notificaties WHERE document_id = $1")
            .bind(document_id)
            .fetch_all(&db.reader)
            .await?,
    )
}
