//! The app's use cases (`swf_client::werk`) against a real `swf-server` on 127.0.0.1 with real
//! mirror files: the five exercises of the practice case in turns by two organisations, with at
//! every step the actions the screen offers each of them. A write shows in the writer's mirror
//! as soon as the call returns (it syncs once afterwards).
use swf_client::mirror::{Mirror, OverviewFilter};
use swf_client::session;
use swf_client::sync::SyncConfig;
use swf_client::werk::{
    NieuwActieverzoek, NieuwePartner, NieuweSamenwerking, Partij, SamenwerkingActies,
};
use swf_client::{ClientError, ErrorCode};
use swf_domain::{ActieverzoekStatus as S, Privilege, SamenwerkingStatus, Vertrouwelijkheid};
use swf_testkit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_exercises_through_the_use_cases_with_the_right_buttons_at_every_step() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let p = no_progress();

    // --- 1. vergunningverlener: start, invite with limited access, a document, ask advice
    let bad = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Loods".into(),
            verzoeknummer: None,
            partners: vec![NieuwePartner {
                oin: "123".into(),
                privilege: Privilege::BeperkteToegang,
            }],
        })
        .await;
    assert!(
        matches!(&bad, Err(e) if e.code() == ErrorCode::Validation),
        "a bad OIN is refused before anything is sent: {bad:?}"
    );
    let leeg = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "   ".into(),
            verzoeknummer: None,
            partners: vec![],
        })
        .await;
    assert!(matches!(&leeg, Err(e) if e.code() == ErrorCode::Validation));
    assert_eq!(
        gem.engine
            .mirror()
            .overview(&OverviewFilter::default())
            .await
            .unwrap()
            .total,
        0,
        "refused input created nothing"
    );

    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Loods Dorpsstraat 1".into(),
            verzoeknummer: Some("OLO-123456".into()),
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::BeperkteToegang,
            }],
        })
        .await
        .expect("started");
    let s = gem
        .scherm(&id)
        .await
        .unwrap()
        .expect("in my mirror at once");
    assert_eq!(s.samenwerking.verzoeknummer.as_deref(), Some("OLO-123456"));
    assert!(s.acties.sluiten && s.acties.uitnodigen && !s.acties.verwijderen);
    assert!(s.acties.document_toevoegen_sv, "the initiator may add SV");
    let partner = s
        .deelnemers
        .iter()
        .find(|d| d.deelnemer.oin.as_str() == VRV)
        .expect("partner listed");
    assert!(partner.privilege_wijzigen && partner.verwijderen);
    let own = s.deelnemers.iter().find(|d| d.ik_zelf).expect("me");
    assert!(!own.verwijderen && !own.privilege_wijzigen);
    assert_eq!(s.ontvangers.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    let tekening = dir.path().join("tekening.pdf");
    std::fs::write(&tekening, b"%PDF-1.4 tekening").unwrap();
    let doc = gem
        .document_toevoegen(&id, &tekening, Vertrouwelijkheid::Rv, None, &p)
        .await
        .expect("uploaded");
    assert_eq!(
        doc.document_omschrijving, "tekening.pdf",
        "the name by default"
    );
    let geheim = dir.path().join("bsn-lijst.txt");
    std::fs::write(&geheim, b"persoonsgegevens").unwrap();
    gem.document_toevoegen(&id, &geheim, Vertrouwelijkheid::Sv, Some("Eigenaren"), &p)
        .await
        .expect("SV uploaded");
    let missing = gem
        .document_toevoegen(
            &id,
            &dir.path().join("weg.pdf"),
            Vertrouwelijkheid::Rv,
            None,
            &p,
        )
        .await;
    assert!(matches!(&missing, Err(e) if e.code() == ErrorCode::Validation));

    let eerste = gem
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: id.clone(),
            ontvanger: VRV.into(),
            titel: "Advies".into(),
            omschrijving: "Graag advies".into(),
            documenten: vec![doc.document_id],
        })
        .await
        .expect("sent")
        .actieverzoek_id;
    let s = gem.scherm(&id).await.unwrap().unwrap();
    let a = &s.actieverzoeken[0];
    assert_eq!(a.partij, Partij::Zender);
    assert_eq!(
        a.statussen,
        vec![S::Ingetrokken],
        "the sender may only withdraw an OPEN one"
    );
    gem.actieverzoek_status(eerste, S::Ingetrokken, None)
        .await
        .expect("withdrawn");
    let verzoek = gem
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: id.clone(),
            ontvanger: VRV.into(),
            titel: "Advies brandveiligheid".into(),
            omschrijving: "Graag uw advies over de vluchtroutes".into(),
            documenten: vec![doc.document_id],
        })
        .await
        .expect("sent again")
        .actieverzoek_id;

    // --- 2. adviseur: notificaties, deelnemers, the request and its document, report, ready
    vrv.engine.sync_once().await.unwrap();
    let s = vrv.scherm(&id).await.unwrap().expect("the partner sees it");
    assert!(!s.acties.sluiten && !s.acties.uitnodigen && !s.acties.verwijderen);
    assert!(s.acties.document_toevoegen_rv && !s.acties.document_toevoegen_sv);
    assert!(s
        .deelnemers
        .iter()
        .all(|d| !d.verwijderen && !d.privilege_wijzigen));
    assert_eq!(
        s.documenten.len(),
        1,
        "limited access: the SV document is not there"
    );
    assert!(
        s.documenten.iter().all(|d| !d.wijzigen && !d.verwijderen),
        "another organisation's document cannot be changed"
    );
    assert!(!s.notificaties.is_empty(), "invited, new actieverzoek");
    let open = s
        .actieverzoeken
        .iter()
        .find(|a| a.actieverzoek.actieverzoek.actieverzoek_id == verzoek)
        .expect("the new request");
    assert_eq!(open.partij, Partij::Ontvanger);
    assert_eq!(
        open.statussen,
        vec![S::InBehandeling, S::Geweigerd, S::Gereedgemeld]
    );
    assert!(open.bericht_plaatsen);
    let bytes = vrv
        .document_bestand(doc.document_id, &p)
        .await
        .expect("downloaded");
    assert_eq!(std::fs::read(bytes).unwrap(), b"%PDF-1.4 tekening");
    let rapport = dir.path().join("adviesrapport.pdf");
    std::fs::write(&rapport, b"%PDF-1.4 advies: akkoord").unwrap();
    let advies = vrv
        .document_toevoegen(
            &id,
            &rapport,
            Vertrouwelijkheid::Rv,
            Some("Adviesrapport"),
            &p,
        )
        .await
        .expect("report added");
    let sv = vrv
        .document_toevoegen(&id, &rapport, Vertrouwelijkheid::Sv, None, &p)
        .await;
    assert!(
        matches!(&sv, Err(e) if e.code() == ErrorCode::Forbidden),
        "limited access may not add SV: {sv:?}"
    );
    vrv.bericht_versturen(verzoek, "Wij kijken ernaar")
        .await
        .unwrap();
    vrv.actieverzoek_status(verzoek, S::Gereedgemeld, Some("Advies bijgevoegd".into()))
        .await
        .expect("ready");
    let s = vrv.scherm(&id).await.unwrap().unwrap();
    let mine = s
        .documenten
        .iter()
        .find(|d| d.document.document.document_id == advies.document_id)
        .unwrap();
    assert!(mine.wijzigen && mine.verwijderen, "my own document");

    // --- 3. vergunningverlener: sees the report and the ready request, accepts, closes
    gem.engine.sync_once().await.unwrap();
    let s = gem.scherm(&id).await.unwrap().unwrap();
    assert!(s
        .documenten
        .iter()
        .any(|d| d.document.document.document_omschrijving == "Adviesrapport"));
    let klaar = s
        .actieverzoeken
        .iter()
        .find(|a| a.actieverzoek.actieverzoek.actieverzoek_id == verzoek)
        .unwrap();
    assert_eq!(klaar.actieverzoek.actieverzoek.status, S::Gereedgemeld);
    assert_eq!(
        klaar.actieverzoek.actieverzoek.melding.as_deref(),
        Some("Advies bijgevoegd")
    );
    assert_eq!(klaar.actieverzoek.berichten.len(), 1);
    assert_eq!(
        klaar.statussen,
        vec![S::InBehandeling, S::Gereed, S::Ingetrokken],
        "send back, accept, or withdraw"
    );
    gem.actieverzoek_status(verzoek, S::Gereed, None)
        .await
        .expect("accepted");
    gem.samenwerking_sluiten(&id).await.expect("closed");
    let s = gem.scherm(&id).await.unwrap().unwrap();
    assert_eq!(s.samenwerking.status.status, SamenwerkingStatus::Gesloten);
    assert!(s.acties.verwijderen && !s.acties.sluiten && !s.acties.document_toevoegen_rv);

    // --- 4. adviseur: closed, nothing to do any more, saves the report for its own archive
    vrv.engine.sync_once().await.unwrap();
    let s = vrv.scherm(&id).await.unwrap().unwrap();
    assert_eq!(s.samenwerking.status.status, SamenwerkingStatus::Gesloten);
    assert_eq!(
        s.acties,
        SamenwerkingActies {
            historie: true,
            ..Default::default()
        },
        "a partner of a closed samenwerking can only read"
    );
    assert!(s
        .actieverzoeken
        .iter()
        .all(|a| a.statussen.is_empty() && !a.bericht_plaatsen));
    assert!(s.ontvangers.is_empty());
    let archief = tempfile::tempdir().unwrap();
    let doel = archief.path().join("adviesrapport.pdf");
    std::fs::write(&doel, b"oude versie").unwrap();
    vrv.document_opslaan(advies.document_id, &doel, &p)
        .await
        .expect("saved");
    assert_eq!(std::fs::read(&doel).unwrap(), b"%PDF-1.4 advies: akkoord");
    assert_eq!(
        std::fs::read_dir(archief.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let historie = vrv.historie(&id).await.expect("audit log");
    assert!(historie.len() >= 5);
    assert!(
        historie
            .windows(2)
            .all(|w| w[0].volgnummer > w[1].volgnummer),
        "newest first"
    );

    // --- 5. vergunningverlener deletes it: gone for both
    gem.samenwerking_verwijderen(&id).await.expect("deleted");
    assert!(gem.scherm(&id).await.unwrap().is_none());
    vrv.engine.sync_once().await.unwrap();
    assert!(vrv.scherm(&id).await.unwrap().is_none());
    let again = gem.samenwerking_verwijderen(&id).await;
    assert!(matches!(again, Err(ClientError::NotFound(_))), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_made_meanwhile_is_refused_not_overwritten() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("g"), GEMEENTE).await;
    let vrv = session_for(&srv, &tmp.path().join("v"), VRV).await;
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Tegelijk".into(),
            verzoeknummer: None,
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::VolledigeToegang,
            }],
        })
        .await
        .unwrap();
    let verzoek = gem
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: id.clone(),
            ontvanger: VRV.into(),
            titel: "Advies".into(),
            omschrijving: "Graag".into(),
            documenten: vec![],
        })
        .await
        .unwrap()
        .actieverzoek_id;
    vrv.engine.sync_once().await.unwrap();
    // the sender withdraws while the adviser's screen still shows it OPEN
    gem.actieverzoek_status(verzoek, S::Ingetrokken, None)
        .await
        .unwrap();
    let r = vrv
        .actieverzoek_status(verzoek, S::InBehandeling, None)
        .await;
    assert!(
        matches!(&r, Err(e) if e.code() == ErrorCode::Conflict),
        "acting on a stale version is refused: {r:?}"
    );
    vrv.engine.sync_once().await.unwrap();
    let s = vrv.scherm(&id).await.unwrap().unwrap();
    assert_eq!(
        s.actieverzoeken[0].actieverzoek.actieverzoek.status,
        S::Ingetrokken
    );
    assert!(s.actieverzoeken[0].statussen.is_empty());
}

/// Issue 10, item 6: the account keeps the user's human name from the sign-in, across a restart
/// (restore from the keychain), and an account remembered without one (by an older app) gets it
/// from the service at the next restore. A system token's account has none.
#[tokio::test]
async fn the_account_keeps_the_users_name_across_a_restart() {
    let srv = Server::start_with_users(&[]).await;
    srv.add_user("vera", "Vera Vergunningverlener", GEMEENTE, WACHTWOORD);
    let dir = tempfile::tempdir().unwrap();
    let secrets = swf_client::secrets::MemoryStore::new();
    let vera = Some("Vera Vergunningverlener".to_owned());
    {
        let mirror = Mirror::open(dir.path()).await.unwrap().0;
        let (s, _) = session::login(
            &mirror,
            &secrets,
            config(&srv.url),
            SyncConfig::default(),
            "vera",
            WACHTWOORD,
            true,
        )
        .await
        .expect("sign-in");
        assert_eq!(s.account.naam, vera);
        assert_eq!(s.account.gebruikersnaam.as_deref(), Some("vera"));
    }
    // a restart: a new mirror handle on the same files, the session from the keychain
    let mirror = Mirror::open(dir.path()).await.unwrap().0;
    assert_eq!(mirror.account().await.unwrap().unwrap().naam, vera);
    let s = session::restore(&mirror, &secrets, config, SyncConfig::default())
        .await
        .unwrap()
        .expect("remembered");
    assert_eq!(s.account.naam, vera);

    // remembered without a name (an older app): the restore asks the service and keeps it
    let mut zonder = mirror.account().await.unwrap().unwrap();
    zonder.naam = None;
    mirror.set_account(&zonder).await.unwrap();
    let s = session::restore(&mirror, &secrets, config, SyncConfig::default())
        .await
        .unwrap()
        .expect("remembered");
    assert_eq!(s.account.naam, vera);
    assert_eq!(mirror.account().await.unwrap().unwrap().naam, vera);

    // a case system's token acts for no person
    let sys_dir = tempfile::tempdir().unwrap();
    let sys = session_for(&srv, sys_dir.path(), VRV).await;
    assert_eq!(sys.account.naam, None);
    assert_eq!(sys.account.gebruikersnaam, None);
}

/// Local changes publish the same change notice as a sync (the one the desktop shell forwards
/// as `mirror-gewijzigd`), from the engine: marking notificaties read, and keeping a
/// samenwerking offline beschikbaar (on and off). What changes nothing publishes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_changes_publish_the_change_notice_like_a_sync() {
    use swf_client::mirror::{ChangeKind, NotificatieFilter};
    use tokio::sync::broadcast::error::TryRecvError;
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let p = no_progress();
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Schuur Achterweg 3".into(),
            verzoeknummer: None,
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::VolledigeToegang,
            }],
        })
        .await
        .unwrap();
    let bestand = tmp.path().join("plattegrond.pdf");
    std::fs::write(&bestand, b"%PDF-1.7 plattegrond").unwrap();
    let doc = gem
        .document_toevoegen(&id, &bestand, Vertrouwelijkheid::Rv, None, &p)
        .await
        .unwrap();
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let mut notices = vrv.engine.subscribe();
    let volgende = |rx: &mut tokio::sync::broadcast::Receiver<_>| rx.try_recv();

    // notificaties read: the notificaties and the samenwerking (its unread counter)
    let ongelezen = vrv
        .engine
        .mirror()
        .notificaties(&NotificatieFilter {
            samenwerking_id: Some(id.clone()),
            alleen_ongelezen: true,
            ..NotificatieFilter::default()
        })
        .await
        .unwrap();
    assert!(!ongelezen.items.is_empty(), "invited: a notificatie");
    let ids: Vec<_> = ongelezen
        .items
        .iter()
        .map(|n| n.notificatie.notificatie_id)
        .collect();
    let c = vrv.notificaties_gelezen(&ids).await.unwrap();
    let notice = volgende(&mut notices).expect("published");
    assert_eq!(notice, c);
    let mut verwacht: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    verwacht.sort();
    assert_eq!(notice.ids(ChangeKind::Notificatie), verwacht.as_slice());
    assert_eq!(notice.ids(ChangeKind::Samenwerking), [id.as_str()]);
    let overzicht = vrv
        .engine
        .mirror()
        .overview(&OverviewFilter::default())
        .await
        .unwrap();
    assert_eq!(overzicht.items[0].ongelezen_notificaties, 0);
    // read already: nothing changed, nothing published
    assert!(vrv.notificaties_gelezen(&ids).await.unwrap().is_empty());
    assert!(matches!(volgende(&mut notices), Err(TryRecvError::Empty)));

    // offline beschikbaar: the samenwerking changed; its documents come in the background
    let ophalen = vrv
        .offline_beschikbaar(&id, true)
        .await
        .unwrap()
        .expect("switched on: the documents are fetched");
    let notice = volgende(&mut notices).expect("published");
    assert_eq!(notice.ids(ChangeKind::Samenwerking), [id.as_str()]);
    assert_eq!(notice.changes.len(), 1, "{notice:?}");
    assert_eq!(ophalen.wachten().await.unwrap(), 1);
    assert!(vrv.scherm(&id).await.unwrap().unwrap().offline_beschikbaar);
    assert!(vrv
        .engine
        .mirror()
        .cached_document(doc.document_id)
        .await
        .unwrap()
        .is_some());
    // on again: nothing changed, nothing published, nothing left to fetch
    let again = vrv.offline_beschikbaar(&id, true).await.unwrap().unwrap();
    assert_eq!(again.wachten().await.unwrap(), 0);
    assert!(matches!(volgende(&mut notices), Err(TryRecvError::Empty)));
    // off
    assert!(vrv.offline_beschikbaar(&id, false).await.unwrap().is_none());
    let notice = volgende(&mut notices).expect("published");
    assert_eq!(notice.ids(ChangeKind::Samenwerking), [id.as_str()]);
    assert!(!vrv.scherm(&id).await.unwrap().unwrap().offline_beschikbaar);
    // a samenwerking the mirror does not have: refused, nothing published
    let r = vrv.offline_beschikbaar("SAM-ONBEKEND", true).await;
    assert!(matches!(&r, Err(e) if e.code() == ErrorCode::NotFound));
    assert!(matches!(volgende(&mut notices), Err(TryRecvError::Empty)));
}

/// Saving and opening documents: "save as" asks where with the document's safe name and
/// downloads nothing when cancelled; the copy to open goes to `<map>/<id>/<name>`; a copy of
/// what is already on this machine needs no session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_saved_and_opened_as_copies_under_a_safe_name() {
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let p = no_progress();
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Loods".into(),
            verzoeknummer: None,
            partners: vec![],
        })
        .await
        .unwrap();
    let bestand = tmp.path().join("advies*brand?.pdf");
    std::fs::write(&bestand, b"%PDF-1.7 advies").unwrap();
    let doc = gem
        .document_toevoegen(&id, &bestand, Vertrouwelijkheid::Rv, None, &p)
        .await
        .unwrap();
    let d = doc.document_id;
    let mirror = gem.engine.mirror().clone();
    let doel = tmp.path().join("kopie.pdf");
    assert_eq!(
        swf_client::werk::lokaal_opslaan(&mirror, d, &doel)
            .await
            .unwrap(),
        None,
        "not on this machine yet"
    );

    // cancelled: nothing is downloaded
    let gevraagd = std::sync::Mutex::new(None);
    let r: Result<_, ClientError> = gem
        .document_opslaan_als(
            d,
            |naam| {
                *gevraagd.lock().unwrap() = Some(naam);
                async { Ok(None) }
            },
            &p,
        )
        .await;
    assert_eq!(r.unwrap(), None);
    assert_eq!(
        gevraagd.lock().unwrap().as_deref(),
        Some("advies_brand_.pdf")
    );
    assert!(mirror.cached_document(d).await.unwrap().is_none());

    // chosen: downloaded (verified) and saved there
    let r: Result<_, ClientError> = gem
        .document_opslaan_als(d, |_| async { Ok(Some(doel.clone())) }, &p)
        .await;
    assert_eq!(r.unwrap(), Some(doel.clone()));
    assert_eq!(std::fs::read(&doel).unwrap(), b"%PDF-1.7 advies");

    // the copy to open
    let geopend = tmp.path().join("geopend");
    let pad = gem
        .document_kopie_om_te_openen(d, &geopend, &p)
        .await
        .unwrap();
    assert_eq!(pad, geopend.join(d.to_string()).join("advies_brand_.pdf"));
    assert_eq!(std::fs::read(&pad).unwrap(), b"%PDF-1.7 advies");

    // cached now: a copy without a session, also with the service gone
    drop(srv);
    let tweede = tmp.path().join("tweede.pdf");
    assert_eq!(
        swf_client::werk::lokaal_opslaan(&mirror, d, &tweede)
            .await
            .unwrap(),
        Some(tweede.clone())
    );
    assert_eq!(std::fs::read(&tweede).unwrap(), b"%PDF-1.7 advies");
    // a document the mirror does not know is NotFound
    let r: Result<_, ClientError> = gem
        .document_opslaan_als(uuid::Uuid::new_v4(), |_| async { Ok(None) }, &p)
        .await;
    assert!(matches!(&r, Err(e) if e.code() == ErrorCode::NotFound));
}

/// Issue 14, safety: a client that expects a real service refuses a practice service before it
/// sends a password (the wrong password is never even tried: the answer is the practice
/// refusal, not 401), and a practice client refuses a real service; a token used against the
/// other kind of service gets no answer through either. The practice mark is read from the
/// service, not from the URL.
#[tokio::test]
async fn practice_and_real_sign_ins_never_mix() {
    use swf_client::remote::Omgeving;
    use swf_client::secrets::SecretStore;
    let echt = Server::start_with_users(&[]).await;
    let oefen = Server::start_on(
        tempfile::tempdir().unwrap(),
        &[("SWF_OEFENOMGEVING", "true")],
    )
    .await;
    oefen.admin_input(
        &["user", "reset-password", "--gebruikersnaam", "gemeente"],
        WACHTWOORD,
    );
    let secrets = swf_client::secrets::MemoryStore::new();
    let expect = |url: &str, o: Omgeving| {
        let mut c = config(url);
        c.omgeving = Some(o);
        c
    };
    let dir = tempfile::tempdir().unwrap();
    let mirror = Mirror::open(dir.path()).await.unwrap().0;
    let login = |c, user: &'static str, pw: &'static str| {
        let (mirror, secrets) = (mirror.clone(), secrets.clone());
        async move { session::login(&mirror, &secrets, c, SyncConfig::default(), user, pw, true).await }
    };

    // a real sign-in at a practice service: refused before the password goes out
    let r = login(
        expect(&oefen.url, Omgeving::Echt),
        "gemeente",
        "fout-wachtwoord",
    )
    .await;
    assert!(
        matches!(&r, Err(ClientError::Omgeving(m)) if m.contains("oefenomgeving")),
        "{:?}",
        r.err()
    );
    // a practice sign-in at a real service: refused too
    let r = login(
        expect(&echt.url, Omgeving::Oefen),
        "vergunningverlener",
        WACHTWOORD,
    )
    .await;
    assert!(
        matches!(&r, Err(ClientError::Omgeving(m)) if m.contains("geen oefenomgeving")),
        "{:?}",
        r.err()
    );
    assert!(mirror.account().await.unwrap().is_none(), "nothing adopted");
    assert!(secrets
        .get(&swf_client::secrets::account(
            &echt.url,
            "vergunningverlener"
        ))
        .unwrap()
        .is_none());

    // the right kind signs in and works
    let (s, _) = login(expect(&oefen.url, Omgeving::Oefen), "gemeente", WACHTWOORD)
        .await
        .expect("practice sign-in");
    assert_eq!(s.account.oin.as_str(), "00000099000000000001");
    s.engine.sync_once().await.expect("practice sync");
    let api = swf_client::remote::RemoteApi::new(expect(&oefen.url, Omgeving::Oefen)).unwrap();
    assert_eq!(api.omgeving().await.unwrap(), Omgeving::Oefen);

    // a real service's token in a practice client (say the URL now points elsewhere): the
    // answer is refused, whatever it is
    let echt_api = swf_client::remote::RemoteApi::new(expect(&echt.url, Omgeving::Oefen)).unwrap();
    echt_api.set_token(Some(echt.token(GEMEENTE)));
    let r = echt_api.mijn_organisatie().await;
    assert!(matches!(r, Err(ClientError::Omgeving(_))), "{:?}", r.err());
    assert_eq!(
        ClientError::Omgeving(String::new()).code(),
        ErrorCode::Validation
    );

    // without an expectation (scripts) nothing is checked, as before
    let plain = swf_client::remote::RemoteApi::new(config(&oefen.url)).unwrap();
    assert_eq!(plain.omgeving().await.unwrap(), Omgeving::Oefen);
    assert!(plain.login("gemeente", WACHTWOORD).await.is_ok());
}

/// Issue 14, the verzoeknummer picker: a practice service offers its three demo verzoeken
/// through the engine (what the app's picker shows); a real service offers none. Starting
/// from a picked number works as a typed one does.
#[tokio::test]
async fn the_picker_lists_the_practice_services_demo_verzoeken() {
    use swf_client::remote::Omgeving;
    let oefen = Server::start_on(
        tempfile::tempdir().unwrap(),
        &[("SWF_OEFENOMGEVING", "true")],
    )
    .await;
    oefen.admin_input(
        &["user", "reset-password", "--gebruikersnaam", "gemeente"],
        WACHTWOORD,
    );
    let mut c = config(&oefen.url);
    c.omgeving = Some(Omgeving::Oefen);
    let api = swf_client::remote::RemoteApi::new(c).unwrap();
    api.login("gemeente", WACHTWOORD).await.unwrap();
    let v = api.oefen_verzoeken().await.unwrap();
    let nummers: Vec<_> = v.iter().map(|x| x.verzoeknummer.as_str()).collect();
    assert_eq!(nummers, ["2099010100001", "2099010100002", "2099010100003"]);
    let soorten: Vec<_> = v.iter().map(|x| x.soort.as_str()).collect();
    assert_eq!(soorten, ["vergunningaanvraag", "melding", "conceptverzoek"]);
    assert!(v.iter().all(|x| !x.omschrijving.is_empty()
        && !x.aanvrager.is_empty()
        && !x.locatie.is_empty()
        && !x.documenten.is_empty()));

    let echt = Server::start_with_users(&[]).await;
    let api = swf_client::remote::RemoteApi::new(config(&echt.url)).unwrap();
    api.set_token(Some(echt.token(GEMEENTE)));
    assert!(api.oefen_verzoeken().await.unwrap().is_empty());
}
