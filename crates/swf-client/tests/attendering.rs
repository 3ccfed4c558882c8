//! OS notifications end to end: a real `swf-server` on 127.0.0.1, real mirror files, the
//! engine and the runner, with a recording notifier in place of the desktop's. Changes are made
//! by other organisations through the same use cases the app uses.

use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use swf_client::attendering::{
    Attendering, AttenderingConfig, AttenderingInstellingen, Notifier, NotifierFout, OsNotificatie,
    Urgentie,
};
use swf_client::mirror::Mirror;
use swf_client::session::{self, Session};
use swf_client::sync::SyncConfig;
use swf_client::werk::{NieuwActieverzoek, NieuwePartner, NieuweSamenwerking};
use swf_domain::{ActieverzoekStatus as S, Privilege};
use swf_testkit::*;
use uuid::Uuid;

/// Records what it is asked to show; can play a desktop without a notification service.
#[derive(Default)]
struct Opname {
    getoond: Mutex<Vec<OsNotificatie>>,
    pogingen: Mutex<Vec<OsNotificatie>>,
    /// 0 = shows, 1 = no notification service, 2 = fails.
    gedrag: AtomicU8,
}

impl Notifier for Opname {
    fn toon(&self, n: &OsNotificatie) -> Result<(), NotifierFout> {
        self.pogingen.lock().unwrap().push(n.clone());
        match self.gedrag.load(Ordering::SeqCst) {
            0 => {
                self.getoond.lock().unwrap().push(n.clone());
                Ok(())
            }
            1 => Err(NotifierFout::GeenDienst(
                "org.freedesktop.Notifications is not provided".into(),
            )),
            _ => Err(NotifierFout::Mislukt("time-out".into())),
        }
    }
}

impl Opname {
    /// Everything shown since the last call.
    fn nieuw(&self) -> Vec<OsNotificatie> {
        std::mem::take(&mut *self.getoond.lock().unwrap())
    }

    fn aantal(&self) -> usize {
        self.getoond.lock().unwrap().len()
    }

    fn titels(&self) -> Vec<String> {
        self.nieuw().into_iter().map(|n| n.titel).collect()
    }
}

/// One installation: a mirror folder, a signed-in engine and its notification runner.
struct Kant {
    mirror: Mirror,
    s: Session,
    att: Attendering,
    opname: Arc<Opname>,
}

impl Kant {
    /// Open (or reopen) the installation in `dir` for `oin`, the runner attached before any
    /// sync, with `instellingen` stored first when given.
    async fn open(srv: &Server, dir: &Path, oin: &str, cfg: AttenderingConfig) -> Kant {
        Kant::open_with(srv, dir, oin, cfg, None).await
    }

    async fn open_with(
        srv: &Server,
        dir: &Path,
        oin: &str,
        cfg: AttenderingConfig,
        instellingen: Option<AttenderingInstellingen>,
    ) -> Kant {
        let mirror = Mirror::open(dir).await.expect("mirror opens").0;
        if let Some(i) = instellingen {
            mirror.set_attendering_instellingen(&i).await.unwrap();
        }
        let s = session::with_token(
            &mirror,
            config(&srv.url),
            SyncConfig::default(),
            &srv.token(oin),
        )
        .await
        .expect("session");
        let opname = Arc::new(Opname::default());
        let att = Attendering::start(&s.engine, opname.clone(), cfg);
        Kant {
            mirror,
            s,
            att,
            opname,
        }
    }

    /// Sync once and wait until the runner has handled it.
    async fn sync(&self) -> swf_client::sync::SyncReport {
        let r = self.s.engine.sync_once().await.expect("sync");
        self.att.bijgewerkt().await;
        r
    }

    async fn close(self) {
        self.att.stop().await;
        drop(self.s);
        self.mirror.close().await;
    }
}

async fn starten(k: &Kant, titel: &str, partners: &[&str]) -> String {
    let id =
        k.s.samenwerking_starten(&NieuweSamenwerking {
            titel: titel.into(),
            verzoeknummer: None,
            partners: partners
                .iter()
                .map(|p| NieuwePartner {
                    oin: (*p).into(),
                    privilege: Privilege::VolledigeToegang,
                })
                .collect(),
        })
        .await
        .expect("started");
    k.att.bijgewerkt().await;
    id
}

async fn vragen(k: &Kant, sid: &str, aan: &str, titel: &str) -> Uuid {
    let id =
        k.s.actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: sid.into(),
            ontvanger: aan.into(),
            titel: titel.into(),
            omschrijving: "Graag uw advies".into(),
            documenten: vec![],
        })
        .await
        .expect("sent")
        .actieverzoek_id;
    k.att.bijgewerkt().await;
    id
}

async fn status(k: &Kant, id: Uuid, s: S, melding: Option<&str>) {
    k.s.actieverzoek_status(id, s, melding.map(str::to_owned))
        .await
        .expect("status");
    k.att.bijgewerkt().await;
}

fn oefen() -> AttenderingConfig {
    AttenderingConfig {
        oefenomgeving: true,
        ..AttenderingConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_actieverzoek_notifies_the_receiver_once_and_the_sender_never() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = Kant::open(&srv, &tmp.path().join("g"), GEMEENTE, Default::default()).await;
    let gem2 = Kant::open(&srv, &tmp.path().join("g2"), GEMEENTE, Default::default()).await;
    let vrv_dir = tmp.path().join("v");
    let vrv = Kant::open(&srv, &vrv_dir, VRV, Default::default()).await;
    for k in [&gem, &gem2, &vrv] {
        k.sync().await;
        assert!(k.opname.nieuw().is_empty(), "an empty start says nothing");
    }

    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV]).await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.titels(),
        ["Uitnodiging van Gemeente Oefenstad"],
        "invited"
    );

    let id = vragen(&gem, &sid, VRV, "Advies brandveiligheid").await;
    vrv.sync().await;
    let shown = vrv.opname.nieuw();
    assert_eq!(shown.len(), 1, "exactly one: {shown:?}");
    let n = &shown[0];
    assert_eq!(n.titel, "Nieuw actieverzoek van Gemeente Oefenstad");
    assert_eq!(
        n.tekst,
        "'Advies brandveiligheid' in samenwerking 'Loods Dorpsstraat 1'."
    );
    assert_eq!(n.urgentie, Urgentie::Hoog);
    assert_eq!(n.sleutel, format!("nieuw-actieverzoek:{id}:OPEN"));
    let doel = n.doel.clone().expect("Openen opens it");
    assert_eq!(
        (doel.samenwerking_id.as_str(), doel.actieverzoek_id),
        (sid.as_str(), Some(id))
    );
    vrv.sync().await;
    assert!(vrv.opname.nieuw().is_empty(), "not twice");

    // the sender, and a second device of the sender's organisation: nothing, ever
    gem.sync().await;
    gem2.sync().await;
    assert!(gem.opname.nieuw().is_empty());
    assert!(gem2.opname.nieuw().is_empty());

    // a second process on the same folder (the `swf` CLI beside the app): nothing again
    let naast = Kant::open(&srv, &vrv_dir, VRV, Default::default()).await;
    naast.sync().await;
    naast.att.bijgewerkt().await;
    assert!(naast.opname.nieuw().is_empty());
    naast.close().await;

    // restart: a new engine and runner over the same mirror
    vrv.close().await;
    let vrv = Kant::open(&srv, &vrv_dir, VRV, Default::default()).await;
    vrv.att.bijgewerkt().await;
    vrv.sync().await;
    assert!(
        vrv.opname.nieuw().is_empty(),
        "a restart notifies nothing again"
    );

    // a forced full resync (the feed was pruned past the cursor: 410)
    Raw::new(&srv, GEMEENTE)
        .upload(&sid, "tekening.pdf", b"%PDF".to_vec(), "RV")
        .await;
    let out = srv.run_jobs(&[("SWF_FEED_RETENTION_DAYS", "0")]);
    assert!(!out.contains("gebeurtenissen_gesnoeid: 0"), "{out}");
    let r = vrv.sync().await;
    assert!(r.volledig, "410 → full resync");
    assert!(
        vrv.opname.nieuw().is_empty(),
        "a full resync notifies nothing again, not even a summary"
    );

    // the next one is news again
    vragen(&gem, &sid, VRV, "Nog een vraag").await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.titels(),
        ["Nieuw actieverzoek van Gemeente Oefenstad"]
    );
    gem.sync().await;
    assert!(gem.opname.nieuw().is_empty());

    // removed and invited again: the invitation is news again (nothing else is)
    gem.s
        .deelnemer_verwijderen(&sid, VRV)
        .await
        .expect("removed");
    vrv.sync().await;
    assert!(vrv.mirror.samenwerking(&sid).await.unwrap().is_none());
    assert!(vrv.opname.nieuw().is_empty());
    gem.s
        .deelnemer_uitnodigen(&sid, VRV, Privilege::BeperkteToegang)
        .await
        .expect("invited again");
    vrv.sync().await;
    assert_eq!(vrv.opname.titels(), ["Uitnodiging van Gemeente Oefenstad"]);
    gem.sync().await;
    assert!(gem.opname.nieuw().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_another_process_applied_is_notified_once_by_one_of_two_runners() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = Kant::open(&srv, &tmp.path().join("g"), GEMEENTE, Default::default()).await;
    gem.sync().await;
    let dir = tmp.path().join("v");
    let snel = AttenderingConfig {
        controle: Duration::from_millis(50),
        ..AttenderingConfig::default()
    };
    // the app, a second app-like process, and `swf` (no runner) on one folder
    let app = Kant::open(&srv, &dir, VRV, snel.clone()).await;
    app.sync().await;
    let ander = Kant::open(&srv, &dir, VRV, snel).await;
    let m = Mirror::open(&dir).await.unwrap().0;
    let cli = session::with_token(&m, config(&srv.url), SyncConfig::default(), &srv.token(VRV))
        .await
        .expect("session");

    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV]).await;
    vragen(&gem, &sid, VRV, "Advies brandveiligheid").await;
    let r = cli.engine.sync_once().await.expect("cli sync");
    assert!(r.gebeurtenissen > 0, "the CLI applied the changes");
    let t0 = std::time::Instant::now();
    while app.opname.aantal() + ander.opname.aantal() < 2 && t0.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.sync().await;
    ander.sync().await;
    let mut keys: Vec<String> = app
        .opname
        .nieuw()
        .into_iter()
        .chain(ander.opname.nieuw())
        .map(|n| n.sleutel)
        .collect();
    assert_eq!(
        keys.len(),
        2,
        "the invitation and the request, each once: {keys:?}"
    );
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 2, "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_of_old_history_gives_only_the_summary() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = Kant::open(&srv, &tmp.path().join("g"), GEMEENTE, Default::default()).await;
    gem.sync().await;
    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV, BUREAU]).await;
    let gesloten = starten(&gem, "Schuur Kerkpad 2", &[VRV]).await;
    gem.s.samenwerking_sluiten(&gesloten).await.expect("closed");
    for i in 1..=3 {
        vragen(&gem, &sid, VRV, &format!("Advies {i}")).await;
    }
    let voor_bureau = vragen(&gem, &sid, BUREAU, "Advies bouwfysica").await;
    assert!(gem.opname.nieuw().is_empty());

    // a new installation: invitations, a closing, three requests — one line
    let vrv = Kant::open(&srv, &tmp.path().join("v"), VRV, Default::default()).await;
    let r = vrv.sync().await;
    assert!(r.volledig);
    let shown = vrv.opname.nieuw();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].titel, "3 actieverzoeken wachten op u");
    assert_eq!(shown[0].doel, None, "several: the overview");
    vrv.sync().await;
    assert!(vrv.opname.nieuw().is_empty());

    // after that, news is news
    vragen(&gem, &sid, VRV, "Advies 4").await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.titels(),
        ["Nieuw actieverzoek van Gemeente Oefenstad"]
    );

    // a mirror filled before this installation recorded anything (an older app): the same,
    // here in English, naming the one request
    let bureau_dir = tmp.path().join("b");
    let oud = session_for(&srv, &bureau_dir, BUREAU).await;
    oud.engine.mirror().close().await;
    drop(oud);
    let m = Mirror::open(&bureau_dir).await.unwrap().0;
    m.set_taal(swf_client::instellingen::Taal::En)
        .await
        .unwrap();
    m.close().await;
    let bureau = Kant::open(&srv, &bureau_dir, BUREAU, Default::default()).await;
    bureau.att.bijgewerkt().await;
    let shown = bureau.opname.nieuw();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0].titel, "1 action request is waiting for you");
    assert_eq!(
        shown[0].doel.as_ref().and_then(|d| d.actieverzoek_id),
        Some(voor_bureau)
    );
    bureau.sync().await;
    assert!(bureau.opname.nieuw().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_an_invitation_a_closing_and_a_planned_deletion_notify() {
    let srv = Server::start_with_users(&[("SWF_RETENTION_DAYS", "20")]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = Kant::open(&srv, &tmp.path().join("g"), GEMEENTE, Default::default()).await;
    let vrv = Kant::open(&srv, &tmp.path().join("v"), VRV, Default::default()).await;
    gem.sync().await;
    vrv.sync().await;

    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV]).await;
    let a = vragen(&gem, &sid, VRV, "Advies brandveiligheid").await;
    let b = vragen(&gem, &sid, VRV, "Advies bereikbaarheid").await;
    vrv.sync().await;
    let shown = vrv.opname.nieuw();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0].titel, "Nieuw actieverzoek van Gemeente Oefenstad");
    assert_eq!(shown[2].titel, "Uitnodiging van Gemeente Oefenstad");
    assert_eq!(
        shown[2].tekst,
        "Uw organisatie is uitgenodigd voor samenwerking 'Loods Dorpsstraat 1'."
    );

    // the receiver answers: the sender hears it, the receiver does not
    status(&vrv, a, S::InBehandeling, None).await;
    status(&vrv, a, S::Gereedgemeld, Some("Advies bijgevoegd")).await;
    status(&vrv, b, S::Geweigerd, Some("Buiten onze taak")).await;
    assert!(vrv.opname.nieuw().is_empty(), "own answers are silent");
    gem.sync().await;
    let mut shown = gem.opname.nieuw();
    assert_eq!(shown.len(), 2, "{shown:?}");
    shown.sort_by_key(|n| n.sleutel != format!("antwoord:{a}:GEREEDGEMELD"));
    assert_eq!(
        shown[0].titel,
        "Veiligheidsregio Oefenland heeft uw actieverzoek gereedgemeld"
    );
    assert_eq!(
        shown[0].tekst,
        "'Advies brandveiligheid' in samenwerking 'Loods Dorpsstraat 1'. Toelichting: Advies bijgevoegd"
    );
    assert_eq!(shown[1].sleutel, format!("antwoord:{b}:GEWEIGERD"));
    assert_eq!(
        shown[1].titel,
        "Veiligheidsregio Oefenland heeft uw actieverzoek geweigerd"
    );

    // sent back, and reported done again: news again
    status(&gem, a, S::InBehandeling, Some("Graag ook de vluchtroutes")).await;
    vrv.sync().await;
    status(&vrv, a, S::Gereedgemeld, None).await;
    gem.sync().await;
    assert_eq!(
        gem.opname.titels(),
        ["Veiligheidsregio Oefenland heeft uw actieverzoek gereedgemeld"]
    );
    status(&gem, a, S::Gereed, None).await;
    vrv.sync().await;
    assert!(vrv.opname.nieuw().is_empty(), "an acceptance is no news");

    // closing: the partner hears it, with the date to archive by
    gem.s.samenwerking_sluiten(&sid).await.expect("closed");
    gem.att.bijgewerkt().await;
    vrv.sync().await;
    let shown = vrv.opname.nieuw();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        shown[0].titel,
        "Samenwerking gesloten door Gemeente Oefenstad"
    );
    assert!(
        shown[0].tekst.starts_with(
            "'Loods Dorpsstraat 1' is gesloten. U kunt haar nog inzien; archiveer wat u nodig heeft vóór "
        ),
        "{}",
        shown[0].tekst
    );

    // the deletion is announced (by the service) to both
    let out = srv.run_jobs(&[]);
    assert!(out.contains("aangekondigd: 1"), "{out}");
    for k in [&gem, &vrv] {
        k.sync().await;
        let shown = k.opname.nieuw();
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(
            shown[0].titel.starts_with("Samenwerking wordt op ")
                && shown[0].titel.ends_with(" verwijderd"),
            "{}",
            shown[0].titel
        );
        assert!(shown[0].tekst.contains("'Loods Dorpsstraat 1' wordt op "));
        assert_eq!(
            shown[0].doel.as_ref().map(|d| d.samenwerking_id.as_str()),
            Some(sid.as_str())
        );
        k.sync().await;
        assert!(k.opname.nieuw().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_switch_silences_its_kind() {
    let srv = Server::start_with_users(&[("SWF_RETENTION_DAYS", "20")]).await;
    let tmp = tempfile::tempdir().unwrap();
    let alles_uit = AttenderingInstellingen {
        nieuw_actieverzoek: false,
        antwoord: false,
        uitnodiging: false,
        samenwerking_gesloten: false,
        verwijdering_gepland: false,
    };
    let gem = Kant::open_with(
        &srv,
        &tmp.path().join("g"),
        GEMEENTE,
        Default::default(),
        Some(AttenderingInstellingen {
            antwoord: false,
            verwijdering_gepland: false,
            ..AttenderingInstellingen::default()
        }),
    )
    .await;
    let vrv_dir = tmp.path().join("v");
    let vrv = Kant::open_with(&srv, &vrv_dir, VRV, Default::default(), Some(alles_uit)).await;
    gem.sync().await;
    vrv.sync().await;

    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV]).await;
    let a = vragen(&gem, &sid, VRV, "Advies brandveiligheid").await;
    vrv.sync().await;
    status(&vrv, a, S::Geweigerd, None).await;
    gem.sync().await;
    gem.s.samenwerking_sluiten(&sid).await.expect("closed");
    assert!(srv.run_jobs(&[]).contains("aangekondigd: 1"));
    gem.sync().await;
    vrv.sync().await;
    assert!(
        gem.opname.nieuw().is_empty(),
        "answer and deletion switched off"
    );
    assert!(vrv.opname.nieuw().is_empty(), "everything switched off");

    // switching a kind on later does not bring up what was silenced
    vrv.mirror
        .set_attendering_instellingen(&AttenderingInstellingen::default())
        .await
        .unwrap();
    vrv.close().await;
    let vrv = Kant::open(&srv, &vrv_dir, VRV, Default::default()).await;
    vrv.sync().await;
    assert!(vrv.opname.nieuw().is_empty());
    // but what comes next is shown
    let sid2 = starten(&gem, "Schuur Kerkpad 2", &[VRV]).await;
    vragen(&gem, &sid2, VRV, "Advies 2").await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.titels(),
        [
            "Nieuw actieverzoek van Gemeente Oefenstad",
            "Uitnodiging van Gemeente Oefenstad"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_notification_service_the_app_shows_its_own_message_once() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = Kant::open(&srv, &tmp.path().join("g"), GEMEENTE, Default::default()).await;
    let vrv = Kant::open(&srv, &tmp.path().join("v"), VRV, oefen()).await;
    gem.sync().await;
    vrv.sync().await;
    let sid = starten(&gem, "Loods Dorpsstraat 1", &[VRV]).await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.titels(),
        ["Oefenomgeving: Uitnodiging van Gemeente Oefenstad"],
        "the practice environment says so"
    );
    let mut beschikbaar = vrv.att.beschikbaar();
    assert!(*beschikbaar.borrow_and_update());

    // no daemon: offered once, then an in-app message; the state flips once
    vrv.opname.gedrag.store(1, Ordering::SeqCst);
    let mut wachtend = vrv.att.messages().watch();
    vragen(&gem, &sid, VRV, "Advies 1").await;
    vrv.sync().await;
    assert!(!*beschikbaar.borrow_and_update());
    assert!(wachtend.has_changed().unwrap());
    assert_eq!(*wachtend.borrow_and_update(), 1);
    let berichten = vrv.att.messages().take();
    assert_eq!(berichten.len(), 1);
    assert_eq!(
        berichten[0].titel,
        "Oefenomgeving: Nieuw actieverzoek van Gemeente Oefenstad"
    );
    assert_eq!(
        vrv.opname.pogingen.lock().unwrap().len(),
        2,
        "offered once, not retried"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    vrv.sync().await;
    assert_eq!(
        vrv.opname.pogingen.lock().unwrap().len(),
        2,
        "no retry loop"
    );
    vragen(&gem, &sid, VRV, "Advies 2").await;
    vrv.sync().await;
    assert_eq!(vrv.att.messages().take().len(), 1);
    assert!(!beschikbaar.has_changed().unwrap(), "said once");

    // a failed delivery with a service present: an in-app message, the state stays
    vrv.opname.gedrag.store(0, Ordering::SeqCst);
    vragen(&gem, &sid, VRV, "Advies 3").await;
    vrv.sync().await;
    assert!(*beschikbaar.borrow_and_update(), "shown again");
    assert_eq!(vrv.opname.nieuw().len(), 1);
    vrv.opname.gedrag.store(2, Ordering::SeqCst);
    vragen(&gem, &sid, VRV, "Advies 4").await;
    vrv.sync().await;
    assert!(*beschikbaar.borrow());
    assert_eq!(vrv.att.messages().pending().len(), 1);
    assert_eq!(vrv.opname.pogingen.lock().unwrap().len(), 5);
    // the engine goes on
    vragen(&gem, &sid, VRV, "Advies 5").await;
    vrv.sync().await;
    assert_eq!(vrv.opname.pogingen.lock().unwrap().len(), 6);
}
