//! What the SQL modules of both backends share: the visibility fragments, the list helpers
//! (`count`, `rows`, `page`), the ends of every write (`finish`, `finish_guarded`) and
//! [`apply_effects`]. Compiled once per backend (`Db`, `Backend` are the backend's types).
use super::*;

/// Notifications an organisation may see: its own copies, minus those about a document that is
/// SV now while it has limited access, minus those of samenwerkingen it no longer takes part in
/// (unless meant for that).
pub(super) const NOTIF_VISIBLE: &str = " FROM notificaties n LEFT JOIN deelnemers dn \
    ON dn.samenwerking_id = n.samenwerking_id AND dn.oin = n.ontvanger \
    WHERE n.ontvanger = ";
pub(super) const NOTIF_VISIBLE_TAIL: &str =
    " AND (n.na_vertrek = 1 OR (dn.oin IS NOT NULL AND dn.verwijderd IS NULL \
    AND (NOT COALESCE((SELECT d.vertrouwelijkheid = 'SV' FROM documenten d WHERE d.id = n.document_id), \
    n.alleen_volledig = 1) OR dn.privilege = 'VOLLEDIGE_TOEGANG' OR dn.rol = 'INITIATOR')))";

impl Backend {
    /// Write a change's effects in its transaction and commit.
    pub(super) async fn finish(&self, tx: Tx, fx: &Effects) -> Result<()> {
        self.commit_effects(tx, None, fx).await
    }

    /// A change that is one statement, `own` (its values bound owned), with its effects, and
    /// nothing read or written before it in its transaction: on SQLite it goes to the writer
    /// with the effects, in one round trip; on PostgreSQL it goes without a savepoint of its
    /// own (D75).
    pub(super) async fn write_alone(&self, own: Statement<'_>, fx: &Effects) -> Result<()> {
        self.commit_alone(own, fx).await
    }

    /// The end of a guarded write whose guarded statement touched `rows` rows. Exactly one: write
    /// the effects and commit. Otherwise the row was changed or removed by someone else first:
    /// `Stale`, and the transaction is rolled back (dropped).
    pub(super) async fn finish_guarded(&self, tx: Tx, rows: u64, fx: &Effects) -> Result<Applied> {
        if rows != 1 {
            return Ok(Applied::Stale);
        }
        self.finish(tx, fx).await?;
        Ok(Applied::Yes)
    }
}

/// Adds one statement (its values bound owned) to a query.
pub(super) type Statement<'f> = &'f (dyn Fn(&mut QueryBuilder<'_, Db>) + Sync);

/// Adds a list's `FROM … WHERE …` (with its bound values) to a query.
pub(super) type FromWhere<'f> = &'f (dyn Fn(&mut QueryBuilder<'_, Db>) + Sync);

/// Adds a list's `SELECT …` (the columns, with any values they bind) to a query.
pub(super) type Select<'f> = &'f (dyn Fn(&mut QueryBuilder<'_, Db>) + Sync);

/// How many rows a list has in all.
pub(super) async fn count(db: &Backend, from: FromWhere<'_>) -> Result<i64> {
    let mut q = QueryBuilder::<Db>::new("SELECT COUNT(*)");
    from(&mut q);
    Ok(q.build_query_as::<(i64,)>().fetch_one(&db.reader).await?.0)
}

/// One page of a list, read through `pool`: `select` (the columns) `from`, in `order` (ORDER
/// BY …, ending in a unique column so pages never overlap).
pub(super) async fn rows_in<T>(
    pool: &sqlx::Pool<Db>,
    select: Select<'_>,
    from: FromWhere<'_>,
    order: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
{
    let mut q = QueryBuilder::<Db>::new("");
    select(&mut q);
    from(&mut q);
    q.push(" ORDER BY ")
        .push(order)
        .push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    Ok(q.build_query_as().fetch_all(pool).await?)
}

/// A page of a list and the list's total.
pub(super) async fn page<T>(
    db: &Backend,
    select: &str,
    from: FromWhere<'_>,
    order: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<T>, i64)>
where
    T: for<'r> sqlx::FromRow<'r, DbRow> + Send + Unpin,
{
    let total = count(db, from).await?;
    Ok((
        rows_in(
            &db.reader,
            &|q| {
                q.push(select);
            },
            from,
            order,
            offset,
            limit,
        )
        .await?,
        total,
    ))
}

/// Rows per multi-row INSERT: far below SQLite's limit of bound values per statement (32 766).
pub(super) const ROWS_PER_INSERT: usize = 500;

/// Bind a feed event's columns (`oin, soort, samenwerking_id, object_id, tijd, document_id,
/// alleen_volledig`) in a row of a multi-row INSERT; each backend numbers the rows its own way.
pub(super) fn push_gebeurtenis<'args>(
    row: &mut sqlx::query_builder::Separated<'_, 'args, Db, &'static str>,
    g: &'args NewGebeurtenis,
) {
    row.push_bind(&g.oin)
        .push_bind(g.soort.as_str())
        .push_bind(&g.samenwerking_id)
        .push_bind(&g.object_id)
        .push_bind(g.tijd)
        .push_bind(&g.document_id)
        .push_bind(g.alleen_volledig as i64);
}

/// Add an INSERT of `chunk` notifications (at most [`ROWS_PER_INSERT`]) to `q`.
pub(super) fn push_notificaties<'a>(q: &mut QueryBuilder<'a, Db>, chunk: &'a [NotificatieRow]) {
    q.push(
        "INSERT INTO notificaties (id, ontvanger, ontvanger_naam, samenwerking_id, type, titel, tekst, event_initiator, \
         event_initiator_naam, event_datum, properties, document_id, alleen_volledig, na_vertrek) ",
    );
    q.push_values(chunk, |mut row, n| {
        row.push_bind(&n.id)
            .push_bind(&n.ontvanger)
            .push_bind(&n.ontvanger_naam)
            .push_bind(&n.samenwerking_id)
            .push_bind(n.soort.as_str())
            .push_bind(&n.titel)
            .push_bind(&n.tekst)
            .push_bind(&n.event_initiator)
            .push_bind(&n.event_initiator_naam)
            .push_bind(n.event_datum)
            .push_bind(&n.properties)
            .push_bind(&n.document_id)
            .push_bind(n.alleen_volledig)
            .push_bind(n.na_vertrek);
    });
}

/// One feed event per notification of a change, announcing it (as visible as the notification).
pub(super) fn announcements(fx: &Effects) -> Vec<NewGebeurtenis> {
    fx.notificaties
        .iter()
        .map(|n| NewGebeurtenis {
            oin: n.ontvanger.clone(),
            soort: swf_domain::GebeurtenisSoort::NotificatieNieuw,
            samenwerking_id: n.samenwerking_id.clone(),
            object_id: Some(n.id.clone()),
            tijd: n.event_datum,
            document_id: n.document_id.clone(),
            alleen_volledig: n.alleen_volledig != 0,
        })
        .collect()
}

/// The feed events of a change in the order they get their volgnummers: the change's own
/// events first, then its `announcements`.
pub(super) fn feed_of<'a>(
    fx: &'a Effects,
    announcements: &'a [NewGebeurtenis],
) -> Vec<&'a NewGebeurtenis> {
    fx.gebeurtenissen.iter().chain(announcements).collect()
}

pub(super) fn direction(desc: bool) -> &'static str {
    if desc {
        "DESC"
    } else {
        "ASC"
    }
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}
