//! Archiving a samenwerking (issue 12): make the archive ([`crate::archive`]: written aside,
//! verified, then renamed into place), then record it in `lokaal.archieven`; the archives made;
//! whether the newest archive holds the samenwerking's last change; and the automatic archive
//! of a samenwerking that was closed or whose deletion was announced.
//!
//! The app and `swf archief` both call [`archiveren`]. It takes the mirror and, when signed in,
//! the engine (to fetch documents not yet on this machine and to read the historie), so the CLI
//! can archive offline from the mirror alone.
use crate::archive::{self, Archief, ArchiefFout, ArchiefOpties, Resultaat, Voortgang};
use crate::error::Result;
use crate::mirror::{ArchiefRegel, ChangeKind, Mirror, NieuwArchiefRegel, SamenwerkingDetail};
use crate::session::Session;
use crate::sync::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use swf_domain::{NotificatieType, SamenwerkingStatus};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// The setting (`lokaal.instellingen`) with the folder automatic archives go to; missing or
/// empty = off (the default).
pub const AUTOMATISCH_SLEUTEL: &str = "archief.automatischMap";

/// An archive made and recorded: what [`archive::archiveer`] gives (flattened, so the CLI's
/// JSON keeps its fields) and the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiefGemaakt {
    #[serde(flatten)]
    pub archief: Archief,
    pub vastgelegd: ArchiefRegel,
}

/// Whether a samenwerking is archived after its last change, for the delete dialog and the
/// offer to archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArchiefStatus {
    pub samenwerking_id: String,
    /// The latest change the mirror has (`None` when the samenwerking is gone from it).
    pub laatste_wijziging: Option<DateTime<Utc>>,
    /// The newest archive made on this machine.
    pub laatste_archief: Option<ArchiefRegel>,
    /// An archive holds the latest change.
    pub actueel: bool,
    /// Closed, or its deletion announced (`VERWIJDERING_GEPLAND`): the app offers to archive
    /// while the archive is not up to date.
    pub aanbieden: bool,
    /// When the service will delete it, when announced.
    pub verwijder_datum_tijd: Option<DateTime<Utc>>,
}

/// The latest moment anything in the archive of this samenwerking changed: the samenwerking,
/// its deelnemers, documents, actieverzoeken, berichten and notificaties, as the mirror has them.
pub fn laatste_wijziging(d: &SamenwerkingDetail) -> DateTime<Utc> {
    let s = &d.samenwerking;
    let mut t = s.laatst_aangepast_datum_tijd.max(s.creatie_datum_tijd);
    for x in &d.deelnemers {
        t = t.max(x.toegevoegd_datum_tijd);
    }
    for x in &d.documenten {
        t = t.max(x.document.laatst_aangepast_datum_tijd);
    }
    for x in &d.actieverzoeken {
        t = t.max(x.actieverzoek.laatst_aangepast_datum_tijd);
        for b in &x.berichten {
            t = t.max(b.creatie_datum_tijd);
        }
    }
    for x in &d.notificaties {
        t = t.max(x.notificatie.event_datum_tijd);
    }
    t
}

fn verwijdering_aangekondigd(d: &SamenwerkingDetail) -> bool {
    d.notificaties
        .iter()
        .any(|n| n.notificatie.notificatie_type == NotificatieType::VerwijderingGepland)
}

/// Archive one samenwerking into `opties.map` (progress through `voortgang`), verified before
/// it gets its final name, and record it. `engine` as in [`archive::archiveer`].
pub async fn archiveren(
    mirror: &Mirror,
    engine: Option<&Engine>,
    opties: &ArchiefOpties,
    voortgang: &(dyn Fn(Voortgang) + Send + Sync),
) -> Resultaat<ArchiefGemaakt> {
    maken(mirror, engine, opties, voortgang, false).await
}

async fn maken(
    mirror: &Mirror,
    engine: Option<&Engine>,
    opties: &ArchiefOpties,
    voortgang: &(dyn Fn(Voortgang) + Send + Sync),
    automatisch: bool,
) -> Resultaat<ArchiefGemaakt> {
    let sid = opties.samenwerking_id.as_str();
    // the state before the export: the archive holds at least this (a batch applied during
    // the export only makes the record older than the archive, never newer)
    let detail = mirror
        .samenwerking(sid)
        .await?
        .ok_or_else(|| ArchiefFout::OnbekendeSamenwerking(sid.to_owned()))?;
    let wijziging = laatste_wijziging(&detail);
    // what a killed export left in this folder goes first (a running one holds its lock)
    let map = opties.map.clone();
    match tokio::task::spawn_blocking(move || archive::cleanup_stale(&map)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "could not clean up the archive folder"),
        Err(e) => tracing::warn!(error = %e, "could not clean up the archive folder"),
    }
    let a = archive::archiveer(mirror, engine, opties, voortgang).await?;
    let (grootte, sha256) = match &a.zip {
        Some(z) => (z.grootte, z.sha256.clone()),
        None => {
            let pad = a.pad.clone();
            tokio::task::spawn_blocking(move || map_gegevens(&pad))
                .await
                .map_err(|e| ArchiefFout::Intern(e.to_string()))??
        }
    };
    let vastgelegd = mirror
        .record_archief(&NieuwArchiefRegel {
            samenwerking_id: sid.to_owned(),
            titel: detail.samenwerking.titel.clone(),
            gemaakt_op: a.gemaakt_op,
            pad: a.pad.to_string_lossy().into_owned(),
            zip: a.zip.is_some(),
            grootte,
            sha256,
            laatste_wijziging: wijziging,
            automatisch,
        })
        .await?;
    tracing::info!(samenwerking = sid, pad = %vastgelegd.pad, automatisch, "archive made and recorded");
    Ok(ArchiefGemaakt {
        archief: a,
        vastgelegd,
    })
}

/// Size of every file in the bag folder, and the SHA-256 of its tag manifest. Blocking.
fn map_gegevens(map: &Path) -> Resultaat<(u64, String)> {
    fn grootte(p: &Path) -> Resultaat<u64> {
        let mut n = 0;
        for e in std::fs::read_dir(p).map_err(archive::io_fout(p))? {
            let e = e.map_err(archive::io_fout(p))?;
            let t = e.file_type().map_err(archive::io_fout(&e.path()))?;
            if t.is_dir() {
                n += grootte(&e.path())?;
            } else {
                n += e.metadata().map_err(archive::io_fout(&e.path()))?.len();
            }
        }
        Ok(n)
    }
    let tag = map.join("tagmanifest-sha256.txt");
    let mut f = std::fs::File::open(&tag).map_err(archive::io_fout(&tag))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(archive::io_fout(&tag))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok((grootte(map)?, hex::encode(h.finalize())))
}

/// The archives made of one samenwerking, or of all (also those no longer in the mirror),
/// newest first.
pub async fn archieven(
    mirror: &Mirror,
    samenwerking_id: Option<&str>,
) -> Result<Vec<ArchiefRegel>> {
    mirror.archieven(samenwerking_id).await
}

/// Whether the newest archive holds the samenwerking's last change. Judged on the record, not on
/// whether the archive is still where it was written: taking it into the organisation's own
/// system is what it is for.
pub async fn archief_status(mirror: &Mirror, samenwerking_id: &str) -> Result<ArchiefStatus> {
    let detail = mirror.samenwerking(samenwerking_id).await?;
    let archieven = mirror.archieven(Some(samenwerking_id)).await?;
    let wijziging = detail.as_ref().map(laatste_wijziging);
    let nieuwste_inhoud = archieven.iter().map(|a| a.laatste_wijziging).max();
    let actueel = match (wijziging, nieuwste_inhoud) {
        (Some(w), Some(a)) => a >= w,
        (None, Some(_)) => true,
        _ => false,
    };
    let aanbieden = !actueel
        && detail.as_ref().is_some_and(|d| {
            d.samenwerking.status.status == SamenwerkingStatus::Gesloten
                || verwijdering_aangekondigd(d)
        });
    Ok(ArchiefStatus {
        samenwerking_id: samenwerking_id.to_owned(),
        laatste_wijziging: wijziging,
        laatste_archief: archieven.into_iter().next(),
        actueel,
        aanbieden,
        verwijder_datum_tijd: detail.and_then(|d| d.samenwerking.verwijder_datum_tijd),
    })
}

/// The folder automatic archives go to, when the setting is on.
pub async fn automatisch_map(mirror: &Mirror) -> Result<Option<PathBuf>> {
    Ok(mirror
        .setting(AUTOMATISCH_SLEUTEL)
        .await?
        .filter(|s| !s.trim().is_empty())
        .map(PathBuf::from))
}

/// Switch automatic archiving on (into `map`) or off (`None`).
pub async fn automatisch_instellen(mirror: &Mirror, map: Option<&Path>) -> Result<()> {
    let waarde = map
        .map(|m| m.to_string_lossy().into_owned())
        .unwrap_or_default();
    mirror.set_setting(AUTOMATISCH_SLEUTEL, &waarde).await
}

/// Every folder archives were written to: those of the recorded archives and the automatic
/// archive folder. At start the app runs [`archive::cleanup_stale`] on each.
pub async fn archief_mappen(mirror: &Mirror) -> Result<Vec<PathBuf>> {
    let mut mappen: Vec<PathBuf> = Vec::new();
    for a in mirror.archieven(None).await? {
        if let Some(m) = Path::new(&a.pad).parent() {
            if !mappen.iter().any(|x| x == m) {
                mappen.push(m.to_path_buf());
            }
        }
    }
    if let Some(m) = automatisch_map(mirror).await? {
        if !mappen.contains(&m) {
            mappen.push(m);
        }
    }
    Ok(mappen)
}

/// Remove what killed exports left in every folder of [`archief_mappen`]; how many were
/// removed. A folder that cannot be read is logged and skipped.
pub async fn opruimen(mirror: &Mirror) -> Result<usize> {
    let mappen = archief_mappen(mirror).await?;
    let n = tokio::task::spawn_blocking(move || {
        let mut n = 0;
        for m in &mappen {
            match archive::cleanup_stale(m) {
                Ok(k) => n += k,
                Err(e) => tracing::warn!(map = %m.display(), error = %e, "could not clean up an archive folder"),
            }
        }
        n
    })
    .await
    .unwrap_or(0);
    Ok(n)
}

impl Session {
    /// [`archiveren`] with this session's engine.
    pub async fn archiveren(
        &self,
        opties: &ArchiefOpties,
        voortgang: &(dyn Fn(Voortgang) + Send + Sync),
    ) -> Resultaat<ArchiefGemaakt> {
        archiveren(self.engine.mirror(), Some(&self.engine), opties, voortgang).await
    }

    /// Follow the engine's change notices and, while the setting is on, archive every
    /// samenwerking that was closed or whose deletion was announced and has no up-to-date
    /// archive yet, into the chosen folder (recorded as automatic). Each calls `gemaakt` with
    /// what it made. Runs until `stop`; a failed archive is logged and not retried until the
    /// samenwerking changes again.
    pub async fn automatisch_archiveren(
        &self,
        stop: CancellationToken,
        gemaakt: impl Fn(Resultaat<ArchiefGemaakt>) + Send + Sync,
    ) {
        let mut notices = self.engine.subscribe();
        // (samenwerking, last change) tried, so a failure is not repeated on every notice
        let mut geprobeerd: HashSet<(String, DateTime<Utc>)> = HashSet::new();
        // the folder of the previous round: when the setting was switched on (or changed), the
        // whole mirror is looked at again, so what was closed before is archived too
        let mut vorige: Option<PathBuf> = None;
        let mut ids: Vec<String> = Vec::new();
        loop {
            let mirror = self.engine.mirror();
            match automatisch_map(mirror).await {
                Ok(Some(map)) => {
                    if vorige.as_ref() != Some(&map) {
                        match mirror.overview_ids().await {
                            Ok(alle) => ids = alle,
                            Err(e) => {
                                tracing::warn!(error = %e, "automatic archive: cannot read the mirror")
                            }
                        }
                    }
                    self.automatisch_ronde(&map, &ids, &mut geprobeerd, &gemaakt)
                        .await;
                    vorige = Some(map);
                }
                Ok(None) => vorige = None,
                Err(e) => tracing::warn!(error = %e, "automatic archive: cannot read the setting"),
            }
            let c = tokio::select! {
                _ = stop.cancelled() => return,
                r = notices.recv() => match r {
                    Ok(c) => c,
                    // missed notices: look at everything again
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        vorige = None;
                        continue;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            };
            ids = c.ids(ChangeKind::Samenwerking).to_vec();
            match mirror
                .samenwerkingen_van_notificaties(c.ids(ChangeKind::Notificatie))
                .await
            {
                Ok(meer) => ids.extend(meer),
                Err(e) => tracing::warn!(error = %e, "automatic archive: cannot read the mirror"),
            }
            ids.sort();
            ids.dedup();
        }
    }

    async fn automatisch_ronde(
        &self,
        map: &Path,
        ids: &[String],
        geprobeerd: &mut HashSet<(String, DateTime<Utc>)>,
        gemaakt: &(impl Fn(Resultaat<ArchiefGemaakt>) + Send + Sync),
    ) {
        let mirror = self.engine.mirror();
        for sid in ids {
            let status = match archief_status(mirror, sid).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(samenwerking = %sid, error = %e, "automatic archive: no status");
                    continue;
                }
            };
            let Some(w) = status.laatste_wijziging else {
                continue;
            };
            if !status.aanbieden || !geprobeerd.insert((sid.clone(), w)) {
                continue;
            }
            let opties = ArchiefOpties {
                samenwerking_id: sid.clone(),
                map: map.to_path_buf(),
                gebruiker: None,
                contact_email: None,
                zip: true,
            };
            let r = maken(mirror, Some(&self.engine), &opties, &|_| {}, true).await;
            if let Err(e) = &r {
                tracing::warn!(samenwerking = %sid, error = %e, "automatic archive failed");
            }
            gemaakt(r);
        }
    }
}
