//! The archive use case (`werk::archief`) against a real `swf-server` on 127.0.0.1: every
//! archive made is recorded in `local.sqlite`, the record stays when the samenwerking is deleted,
//! the "archived after its last change" status follows later changes, and the automatic archive
//! of a closed samenwerking is made by the engine on the change notice.
use sha2::{Digest, Sha256};
use std::time::Duration;
use swf_client::archive::{self, ArchiefOpties, Voortgang};
use swf_client::session::Session;
use swf_client::werk::archief::{
    archief_mappen, archief_status, archieven, automatisch_instellen, opruimen,
};
use swf_client::werk::{NieuwePartner, NieuweSamenwerking};
use swf_domain::{Privilege, Vertrouwelijkheid};
use swf_testkit::*;

fn opties(sid: &str, map: &std::path::Path, zip: bool) -> ArchiefOpties {
    ArchiefOpties {
        samenwerking_id: sid.into(),
        map: map.into(),
        gebruiker: None,
        contact_email: None,
        zip,
    }
}

fn sha256(pad: &std::path::Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(pad).expect("readable")))
}

async fn start(gem: &Session, titel: &str, work: &std::path::Path) -> String {
    let sid = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: titel.into(),
            verzoeknummer: None,
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::VolledigeToegang,
            }],
        })
        .await
        .expect("started");
    let bestand = work.join(format!("{titel}.pdf"));
    std::fs::write(&bestand, format!("%PDF-1.7 {titel}")).expect("write");
    gem.document_toevoegen(&sid, &bestand, Vertrouwelijkheid::Rv, None, &no_progress())
        .await
        .expect("document");
    sid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_archive_is_recorded_kept_after_deletion_and_goes_stale_after_a_change() {
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let mirror = gem.engine.mirror().clone();
    let sid = start(&gem, "Loods Dorpsstraat 1", tmp.path()).await;

    let st = archief_status(&mirror, &sid).await.unwrap();
    assert!(
        !st.actueel && st.laatste_archief.is_none() && !st.aanbieden,
        "{st:?}"
    );
    assert!(st.laatste_wijziging.is_some());

    // a folder, with progress
    let kast = tmp.path().join("kast");
    let fases = std::sync::Mutex::new(Vec::new());
    let melden = |v: Voortgang| {
        if let Ok(mut f) = fases.lock() {
            if f.last() != Some(&v.fase) {
                f.push(v.fase);
            }
        }
    };
    let a = gem
        .archiveren(&opties(&sid, &kast, false), &melden)
        .await
        .unwrap();
    assert!(fases.lock().unwrap().len() >= 2, "progress per phase");
    let r = &a.vastgelegd;
    assert_eq!(r.samenwerking_id, sid);
    assert_eq!(r.titel, "Loods Dorpsstraat 1");
    assert!(!r.zip && !r.automatisch);
    assert_eq!(std::path::Path::new(&r.pad), a.archief.pad.as_path());
    assert_eq!(
        r.sha256,
        sha256(&a.archief.pad.join("tagmanifest-sha256.txt"))
    );
    assert!(
        r.grootte > a.archief.bytes,
        "{} vs payload {}",
        r.grootte,
        a.archief.bytes
    );
    archive::verify(&a.archief.pad).expect("the recorded bag verifies");
    let st = archief_status(&mirror, &sid).await.unwrap();
    assert!(st.actueel, "archived after its last change: {st:?}");
    assert_eq!(st.laatste_archief.as_ref(), Some(r));

    // a later change: closing it makes the archive stale, and the app offers to archive
    tokio::time::sleep(Duration::from_millis(5)).await;
    gem.samenwerking_sluiten(&sid).await.unwrap();
    let st = archief_status(&mirror, &sid).await.unwrap();
    assert!(!st.actueel, "a change after the archive: {st:?}");
    assert!(st.aanbieden, "closed and not archived since: offered");
    assert!(st.laatste_wijziging.unwrap() > r.laatste_wijziging);

    // a zip: its own SHA-256 and size are recorded
    let z = gem
        .archiveren(&opties(&sid, &kast, true), &|_| {})
        .await
        .unwrap();
    let zr = &z.vastgelegd;
    assert!(zr.zip);
    let zip = std::path::Path::new(&zr.pad);
    assert_eq!(zr.sha256, sha256(zip));
    assert_eq!(zr.grootte, std::fs::metadata(zip).unwrap().len());
    let st = archief_status(&mirror, &sid).await.unwrap();
    assert!(st.actueel && !st.aanbieden, "{st:?}");
    assert_eq!(st.laatste_archief.as_ref().map(|x| x.id), Some(zr.id));
    assert_eq!(archieven(&mirror, Some(&sid)).await.unwrap().len(), 2);

    // deleted: gone from the mirror, the records stay (and survive a restart)
    gem.samenwerking_verwijderen(&sid).await.unwrap();
    assert!(mirror.samenwerking(&sid).await.unwrap().is_none());
    let alle = archieven(&mirror, None).await.unwrap();
    assert_eq!(alle.len(), 2, "{alle:?}");
    assert_eq!(alle[0].id, zr.id, "newest first");
    assert!(alle.iter().all(|x| x.titel == "Loods Dorpsstraat 1"));
    let st = archief_status(&mirror, &sid).await.unwrap();
    assert!(
        st.laatste_wijziging.is_none() && st.actueel && !st.aanbieden,
        "{st:?}"
    );
    assert_eq!(archief_mappen(&mirror).await.unwrap(), vec![kast.clone()]);
    mirror.close().await;
    let (opnieuw, _) = swf_client::mirror::Mirror::open(&tmp.path().join("gemeente"))
        .await
        .unwrap();
    assert_eq!(archieven(&opnieuw, None).await.unwrap(), alle);

    // what a killed export left next to the archives is cleaned up at start
    let achtergebleven = kast.join(".swf-archief-SWF_X.onvolledig");
    std::fs::create_dir_all(achtergebleven.join("data")).unwrap();
    let n = opruimen(&opnieuw).await.unwrap();
    assert!(n >= 1 && !achtergebleven.exists(), "{n}");
    assert!(
        zip.is_file() && a.archief.pad.is_dir(),
        "finished archives stay"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_samenwerking_is_archived_automatically_only_when_switched_on() {
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let eerste = start(&gem, "Schuur Achterweg 3", tmp.path()).await;
    let tweede = start(&gem, "Loods Dorpsstraat 1", tmp.path()).await;
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let mirror = vrv.engine.mirror().clone();
    let (follow_task, follow_stop) = follow(&vrv.engine);
    let stop = tokio_util::sync::CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let auto = tokio::spawn({
        let (s, stop) = (vrv.clone(), stop.clone());
        async move {
            s.automatisch_archiveren(stop, move |r| {
                let _ = tx.send(r.map(|g| g.vastgelegd).map_err(|e| e.to_string()));
            })
            .await
        }
    });

    // off (the default): closing archives nothing
    gem.samenwerking_sluiten(&eerste).await.unwrap();
    let gesloten = |sid: String| {
        let m = mirror.clone();
        async move {
            for _ in 0..100 {
                if let Ok(Some(d)) = m.samenwerking(&sid).await {
                    if d.samenwerking.status.status == swf_domain::SamenwerkingStatus::Gesloten {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("{sid} did not arrive closed");
        }
    };
    gesloten(eerste.clone()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(rx.try_recv().is_err(), "switched off: nothing archived");
    assert!(archieven(&mirror, None).await.unwrap().is_empty());
    assert!(
        archief_status(&mirror, &eerste).await.unwrap().aanbieden,
        "but offered"
    );

    // on: the next notice archives what is closed and not yet archived, into the folder
    let map = tmp.path().join("automatisch");
    automatisch_instellen(&mirror, Some(&map)).await.unwrap();
    gem.samenwerking_sluiten(&tweede).await.unwrap();
    let mut gemaakt = Vec::new();
    while gemaakt.len() < 2 {
        let r = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("an automatic archive within 30 s")
            .expect("the runner is alive");
        gemaakt.push(r.expect("the automatic archive succeeds"));
    }
    let mut sids: Vec<_> = gemaakt.iter().map(|r| r.samenwerking_id.clone()).collect();
    sids.sort();
    let mut verwacht = vec![eerste.clone(), tweede.clone()];
    verwacht.sort();
    assert_eq!(sids, verwacht);
    for r in &gemaakt {
        assert!(r.automatisch && r.zip, "{r:?}");
        assert!(std::path::Path::new(&r.pad).starts_with(&map));
        archive::verify(std::path::Path::new(&r.pad)).expect("verifies");
        assert!(
            archief_status(&mirror, &r.samenwerking_id)
                .await
                .unwrap()
                .actueel
        );
    }
    // up to date: further notices archive nothing again
    vrv.engine.sync_once().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(rx.try_recv().is_err());
    assert_eq!(archieven(&mirror, None).await.unwrap().len(), 2);

    stop.cancel();
    auto.await.unwrap();
    follow_stop.cancel();
    let _ = follow_task.await;
}
