//! Reading from the mirror what the policy needs: the changed objects (or every object it
//! could match) and the samenwerkingen they belong to, with my role in each.
use super::policy::{SamenwerkingInfo, Spiegelbeeld};
use crate::error::Result;
use crate::mirror::{from_json, Change, ChangeKind, Changed, Mirror};
use std::collections::BTreeSet;
use swf_domain::{Actieverzoek, Notificatie, NotificatieType, Oin, Rol, Samenwerking};

const SAMENWERKING: &str = "SELECT s.data, d.rol FROM samenwerkingen s \
     LEFT JOIN deelnemers d ON d.samenwerking_id = s.id AND d.oin = ?1";

/// What the mirror has now of the objects in `changed`, plus their samenwerkingen.
pub(super) async fn spiegelbeeld(m: &Mirror, changed: &Changed, me: &Oin) -> Result<Spiegelbeeld> {
    let mut beeld = Spiegelbeeld::default();
    let mut sids: BTreeSet<String> = changed
        .ids(ChangeKind::Samenwerking)
        .iter()
        .chain(changed.ids(ChangeKind::Deelnemers))
        .cloned()
        .collect();
    for id in changed.ids(ChangeKind::Actieverzoek) {
        let data: Option<String> =
            sqlx::query_scalar("SELECT data FROM actieverzoeken WHERE id = ?")
                .bind(id)
                .fetch_optional(m.pool())
                .await?;
        if let Some(data) = data {
            let a: Actieverzoek = from_json(&data)?;
            sids.insert(a.samenwerking_id.clone());
            beeld.actieverzoeken.insert(id.clone(), a);
        }
    }
    for id in changed.ids(ChangeKind::Notificatie) {
        let data: Option<String> = sqlx::query_scalar("SELECT data FROM notificaties WHERE id = ?")
            .bind(id)
            .fetch_optional(m.pool())
            .await?;
        if let Some(data) = data {
            let n: Notificatie = from_json(&data)?;
            sids.insert(n.samenwerking_id.clone());
            beeld.notificaties.insert(id.clone(), n);
        }
    }
    let sql = format!("{SAMENWERKING} WHERE s.id = ?2");
    for sid in sids {
        let row: Option<(String, Option<String>)> = sqlx::query_as(&sql)
            .bind(me.as_str())
            .bind(&sid)
            .fetch_optional(m.pool())
            .await?;
        if let Some(row) = row {
            beeld.samenwerkingen.insert(sid, info(row)?);
        }
    }
    Ok(beeld)
}

/// Everything in the mirror the policy could match, as one notice naming all of it: at
/// start-up and after a full sync.
pub(super) async fn alles(m: &Mirror, me: &Oin) -> Result<(Changed, Spiegelbeeld)> {
    let mut beeld = Spiegelbeeld::default();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(SAMENWERKING)
        .bind(me.as_str())
        .fetch_all(m.pool())
        .await?;
    for row in rows {
        let i = info(row)?;
        beeld
            .samenwerkingen
            .insert(i.samenwerking.samenwerking_id.clone(), i);
    }
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT data FROM actieverzoeken WHERE zender = ?1 OR ontvanger = ?1")
            .bind(me.as_str())
            .fetch_all(m.pool())
            .await?;
    for data in rows {
        let a: Actieverzoek = from_json(&data)?;
        beeld
            .actieverzoeken
            .insert(a.actieverzoek_id.to_string(), a);
    }
    let rows: Vec<String> = sqlx::query_scalar("SELECT data FROM notificaties WHERE type = ?")
        .bind(NotificatieType::VerwijderingGepland.as_str())
        .fetch_all(m.pool())
        .await?;
    for data in rows {
        let n: Notificatie = from_json(&data)?;
        beeld.notificaties.insert(n.notificatie_id.to_string(), n);
    }
    let change = |kind, ids: Vec<&String>| {
        let mut ids: Vec<String> = ids.into_iter().cloned().collect();
        ids.sort();
        Change { kind, ids }
    };
    let changed = Changed {
        changes: [
            change(
                ChangeKind::Samenwerking,
                beeld.samenwerkingen.keys().collect(),
            ),
            change(
                ChangeKind::Actieverzoek,
                beeld.actieverzoeken.keys().collect(),
            ),
            change(ChangeKind::Notificatie, beeld.notificaties.keys().collect()),
        ]
        .into_iter()
        .filter(|c| !c.ids.is_empty())
        .collect(),
    };
    Ok((changed, beeld))
}

/// The ids of every object a notice names (recorded keys are looked up by them).
pub(super) fn object_ids(changed: &Changed) -> Vec<String> {
    let ids: BTreeSet<&String> = changed.changes.iter().flat_map(|c| &c.ids).collect();
    ids.into_iter().cloned().collect()
}

fn info((data, rol): (String, Option<String>)) -> Result<SamenwerkingInfo> {
    let samenwerking: Samenwerking = from_json(&data)?;
    let mijn_rol = rol
        .as_deref()
        .and_then(Rol::from_wire)
        .or(samenwerking.mijn_rol);
    Ok(SamenwerkingInfo {
        samenwerking,
        mijn_rol,
    })
}
