//! The overview: counts, order, search and point of view.
use super::*;

/// Five samenwerkingen, each in a different situation, for the overview tests.
pub(crate) async fn seed_overview(m: &Mirror) {
    let ops = vec![
        // a: old, but an actieverzoek to me is open: first
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "a",
            "Aanbouw Dorpsstraat 1",
            Some("OLO-123456"),
            "OPEN",
            10,
        ))),
        deelnemers("a", &[VRV]),
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "IN_BEHANDELING", 11)),
            berichten: None,
        },
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(2, "a", VRV, IK, "GEREED", 12)),
            berichten: None,
        },
        // b: an unread notificatie: second
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "b",
            "Brandveiligheid school",
            None,
            "INITIALISATIE",
            20,
        ))),
        deelnemers("b", &[BUREAU]),
        MirrorOp::UpsertNotificatie(Box::new(notificatie(3, "b", 21))),
        // c: most recent activity (a document), nothing asked
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "c",
            "Dijkversterking",
            None,
            "OPEN",
            30,
        ))),
        deelnemers("c", &[WATERSCHAP, VRV]),
        MirrorOp::UpsertDocument(Box::new(document(4, "c", "aa", 90))),
        // d: I asked something (outgoing), older than c
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "d",
            "Sloop loods",
            Some("OLO-777"),
            "OPEN",
            40,
        ))),
        deelnemers("d", &[BUREAU]),
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(5, "d", IK, BUREAU, "OPEN", 41)),
            berichten: None,
        },
        // e: closed
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "e",
            "Gesloten dossier",
            None,
            "GESLOTEN",
            5,
        ))),
        deelnemers("e", &[VRV]),
    ];
    m.apply(&batch(ops)).await.unwrap();
}

pub(crate) fn line(items: &[OverviewItem]) -> Vec<&str> {
    items.iter().map(|i| i.samenwerking_id.as_str()).collect()
}

#[tokio::test]
async fn overview_counts_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await;
    let page = m.overview(&mijn_filter()).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(line(&page.items), ["a", "b", "c", "d", "e"]);
    let a = &page.items[0];
    assert_eq!(
        (a.open_inkomend, a.open_uitgaand, a.ongelezen_notificaties),
        (1, 0, 0)
    );
    assert_eq!(a.verzoeknummer.as_deref(), Some("OLO-123456"));
    assert_eq!(a.mijn_rol, Some(swf_domain::Rol::Initiator));
    assert_eq!(a.laatste_activiteit.to_rfc3339(), t(12));
    assert_eq!(a.laatst_aangepast.to_rfc3339(), t(10));
    assert_eq!(page.items[1].ongelezen_notificaties, 1);
    assert_eq!(
        page.items[2].partners,
        ["Veiligheidsregio Oefenland", "Wetterskip Fryslân"]
    );
    assert_eq!(page.items[2].laatste_activiteit.to_rfc3339(), t(90));
    let d = &page.items[3];
    assert_eq!((d.open_inkomend, d.open_uitgaand), (0, 1));

    // paging
    let p = m
        .overview(&OverviewFilter {
            limit: 2,
            offset: 2,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!((line(&p.items), p.total), (vec!["c", "d"], 5));

    // status filter
    let open = m
        .overview(&OverviewFilter {
            status: StatusFilter::Open,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!(
        (line(&open.items), open.total),
        (vec!["a", "b", "c", "d"], 4)
    );
    let closed = m
        .overview(&OverviewFilter {
            status: StatusFilter::Gesloten,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!(line(&closed.items), ["e"]);

    // reading b's notificatie moves it down; a's request done moves a down
    m.mark_gelezen(&[id(3)]).await.unwrap();
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "GEREEDGEMELD", 12)),
            berichten: None,
        }]))
        .await
        .unwrap();
    assert!(
        c.ids(ChangeKind::Samenwerking).is_empty(),
        "GEREEDGEMELD is still active"
    );
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "GEREED", 14)),
            berichten: None,
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Samenwerking), ["a"]);
    let page = m.overview(&mijn_filter()).await.unwrap();
    assert_eq!(line(&page.items), ["c", "d", "b", "a", "e"]);
}

#[tokio::test]
async fn overview_search_by_titel_verzoeknummer_and_partner() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await;
    let zoek = |z: &str| OverviewFilter {
        zoek: Some(z.into()),
        ..mijn_filter()
    };
    for (z, want) in [
        ("dorpsSTRAAT", vec!["a"]),
        ("olo-12", vec!["a"]),
        ("OLO", vec!["a", "d"]),
        ("veiligheidsregio", vec!["a", "c", "e"]),
        ("FRYSLÂN", vec!["c"]), // non-ASCII case folding
        (BUREAU, vec!["b", "d"]),
        ("  sloop ", vec!["d"]),
        ("Gemeente Oefenstad", vec![]), // me, not a partner
        ("100%_", vec![]),
        ("", vec!["a", "b", "c", "d", "e"]),
    ] {
        let page = m.overview(&zoek(z)).await.unwrap();
        assert_eq!(line(&page.items), want, "zoek {z:?}");
        assert_eq!(page.total, want.len() as u64);
    }
    let open_vrv = m
        .overview(&OverviewFilter {
            status: StatusFilter::Open,
            ..zoek("veiligheidsregio")
        })
        .await
        .unwrap();
    assert_eq!(line(&open_vrv.items), ["a", "c"]);
}

#[tokio::test]
async fn overview_takes_the_point_of_view_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await; // no account yet: counters without a point of view
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert!(page.items.iter().all(|i| i.open_inkomend == 0));
    // the account appears: its OIN is used
    m.set_account(&account()).await.unwrap();
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(line(&page.items)[0], "a");
    assert_eq!(page.items[0].open_inkomend, 1);
    // as VRV: a's requests are outgoing, and VRV is not its own partner
    let vrv = m
        .overview(&OverviewFilter {
            mijn_oin: Some(Oin::parse(VRV).unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    let a = vrv.items.iter().find(|i| i.samenwerking_id == "a").unwrap();
    assert_eq!((a.open_inkomend, a.open_uitgaand), (0, 1));
    assert_eq!(a.partners, ["Gemeente Oefenstad"]);
}
