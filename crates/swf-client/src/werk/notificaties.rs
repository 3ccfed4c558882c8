//! Notificaties: mark read (on this machine only) and delete (for the whole organisation).
use crate::error::Result;
use crate::mirror::Changed;
use crate::session::Session;
use uuid::Uuid;

impl Session {
    /// Mark notificaties as read. Read marks are local (kept on this machine, also when the
    /// mirror is rebuilt); the change notice is published as for a sync, so the unread
    /// counters on every screen follow. Returns what changed (empty: they were read already).
    pub async fn notificaties_gelezen(&self, ids: &[Uuid]) -> Result<Changed> {
        let c = self.engine.mirror().mark_gelezen(ids).await?;
        self.engine.publish(c.clone());
        Ok(c)
    }

    pub async fn notificatie_verwijderen(&self, notificatie_id: Uuid) -> Result<()> {
        self.schrijf(self.engine.remote().verwijder_notificatie(notificatie_id))
            .await
            .map(drop)
    }
}
