//! How fast the overview screen reads from a large mirror.
//!
//! Seeds 10 000 samenwerkingen (3 partners, 10 documents, 5 actieverzoeken and 2 notificaties
//! each) through `Mirror::apply` in batches of 100, then times `overview` 200× per query and
//! prints p50/p95/max in ms. Target: overview < 20 ms.
//!
//! `cargo bench -p swf-client --bench mirror_overview` (SWF_BENCH_N overrides the count).
use std::time::{Duration, Instant};

use serde_json::json;
use swf_client::mirror::*;
use swf_domain::{Actieverzoek, ActieverzoekStatus, Deelnemer, Document, Notificatie, Oin, Rol};
use swf_domain::{Samenwerking, SamenwerkingStatus, StatusObject};
use uuid::Uuid;

const IK: &str = "00000001002220647000";
const BATCH: usize = 100;
const RUNS: usize = 200;

fn org(i: usize) -> (String, String) {
    let soorten = [
        "Gemeente",
        "Waterschap",
        "Veiligheidsregio",
        "Adviesbureau",
        "Provincie",
    ];
    (
        format!("000000019{:011}", i),
        format!("{} Oefenplaats {:02}", soorten[i % soorten.len()], i),
    )
}

struct Templates {
    samenwerking: Samenwerking,
    deelnemer: Deelnemer,
    document: Document,
    actieverzoek: Actieverzoek,
    notificatie: Notificatie,
}

fn templates() -> Templates {
    let links = json!({});
    let t = "2026-01-01T00:00:00Z";
    Templates {
        samenwerking: serde_json::from_value(json!({
            "samenwerkingId": "x", "titel": "x", "taal": "NL",
            "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "samenwerkDoel": "BEHANDELEN",
            "status": {"status": "OPEN"}, "aangemaaktDoor": IK, "aangemaaktDoorNaam": "Gemeente Oefenstad",
            "creatieDatumTijd": t, "eindDatumTijd": t, "laatstAangepastDoor": IK,
            "laatstAangepastDoorNaam": "Gemeente Oefenstad", "laatstAangepastDatumTijd": t,
            "aantalActieverzoeken": 5, "aantalNotificaties": 2, "mijnRol": "INITIATOR", "_links": links
        }))
        .expect("samenwerking"),
        deelnemer: serde_json::from_value(json!({
            "oin": IK, "naam": "Gemeente Oefenstad", "rol": "INITIATOR",
            "privilege": "VOLLEDIGE_TOEGANG", "samenwerkingId": "x", "toegevoegdDatumTijd": t,
            "_links": links
        }))
        .expect("deelnemer"),
        document: serde_json::from_value(json!({
            "documentId": Uuid::nil(), "bestandsNaam": "x.pdf", "samenwerkingId": "x",
            "aangemaaktDoor": IK, "aangemaaktDoorNaam": "Gemeente Oefenstad", "creatieDatumTijd": t,
            "laatstAangepastDoor": IK, "laatstAangepastDoorNaam": "Gemeente Oefenstad",
            "laatstAangepastDatumTijd": t, "documentOmschrijving": "tekening",
            "vertrouwelijkheidsAanduiding": "RV", "formaat": "application/pdf",
            "documentHash": "00", "grootte": 123456, "_links": links
        }))
        .expect("document"),
        actieverzoek: serde_json::from_value(json!({
            "actieverzoekId": Uuid::nil(), "samenwerkingId": "x", "titel": "Advies",
            "omschrijving": "graag advies over de brandveiligheid", "status": "OPEN", "zender": IK,
            "zenderNaam": "Gemeente Oefenstad", "ontvanger": IK, "ontvangerNaam": "x",
            "creatieDatumTijd": t, "laatstAangepastDatumTijd": t, "laatstAangepastDoor": IK,
            "laatstAangepastDoorNaam": "x", "aantalBerichten": 0, "documenten": [], "versie": 1,
            "_links": links
        }))
        .expect("actieverzoek"),
        notificatie: serde_json::from_value(json!({
            "notificatieId": Uuid::nil(), "notificatieType": "NIEUW_BERICHT", "samenwerkingId": "x",
            "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "notificatieTitel": "Nieuw bericht",
            "notificatieTekst": "er is een bericht", "eventInitiator": IK,
            "eventInitiatorNaam": "x", "deelnemer": IK, "deelnemerNaam": "Gemeente Oefenstad",
            "eventDatumTijd": t, "properties": {}, "_links": links
        }))
        .expect("notificatie"),
    }
}

fn ops_for(i: usize, t: &Templates, orgs: &[(Oin, String)]) -> Vec<MirrorOp> {
    let sid = format!("SW-{i:06}");
    let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .expect("base")
        .with_timezone(&chrono::Utc);
    let at = |m: usize| base + chrono::Duration::minutes((i * 7 + m) as i64);
    let ik = Oin::parse(IK).expect("oin");

    let mut s = t.samenwerking.clone();
    s.samenwerking_id = sid.clone();
    s.titel = format!("Omgevingsvergunning Kerkstraat {i} te Oefenstad");
    s.verzoeknummer = Some(format!("OLO-{:07}", 1_000_000 + i));
    s.status = StatusObject {
        status: if i.is_multiple_of(5) {
            SamenwerkingStatus::Gesloten
        } else {
            SamenwerkingStatus::Open
        },
    };
    s.laatst_aangepast_datum_tijd = at(0);

    let partners: Vec<&(Oin, String)> = (0..3).map(|k| &orgs[(i * 3 + k) % orgs.len()]).collect();
    let mut deelnemers = vec![{
        let mut d = t.deelnemer.clone();
        d.samenwerking_id = sid.clone();
        d
    }];
    for (oin, naam) in &partners {
        let mut d = t.deelnemer.clone();
        d.samenwerking_id = sid.clone();
        d.oin = oin.clone();
        d.naam = naam.clone();
        d.rol = Rol::Ketenpartner;
        deelnemers.push(d);
    }

    let mut ops = vec![
        MirrorOp::UpsertSamenwerking(Box::new(s)),
        MirrorOp::ReplaceDeelnemers {
            samenwerking_id: sid.clone(),
            deelnemers,
        },
    ];
    let uid = |kind: u128, k: usize| Uuid::from_u128((kind << 64) | ((i as u128) << 8) | k as u128);
    let documenten = (0..10)
        .map(|k| {
            let mut d = t.document.clone();
            d.document_id = uid(1, k);
            d.samenwerking_id = sid.clone();
            d.bestands_naam = format!("tekening-{k}.pdf");
            d.laatst_aangepast_datum_tijd = at(k);
            d
        })
        .collect();
    ops.push(MirrorOp::ReplaceDocumenten {
        samenwerking_id: sid.clone(),
        documenten,
    });
    for k in 0..5 {
        let mut a = t.actieverzoek.clone();
        a.actieverzoek_id = uid(2, k);
        a.samenwerking_id = sid.clone();
        let (partner, naam) = partners[k % 3];
        // one in seven samenwerkingen asks something of me; the rest is mine or done
        let inkomend = k == 0 && i.is_multiple_of(7);
        if inkomend {
            a.zender = partner.clone();
            a.zender_naam = naam.clone();
            a.ontvanger = ik.clone();
        } else {
            a.ontvanger = partner.clone();
            a.ontvanger_naam = naam.clone();
        }
        a.status = match (inkomend, k) {
            (true, _) | (_, 1) => ActieverzoekStatus::Open,
            (_, 2) => ActieverzoekStatus::InBehandeling,
            _ => ActieverzoekStatus::Gereed,
        };
        a.laatst_aangepast_datum_tijd = at(k);
        ops.push(MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(a),
            berichten: Some(vec![]),
        });
    }
    for k in 0..2 {
        let mut n = t.notificatie.clone();
        n.notificatie_id = uid(3, k);
        n.samenwerking_id = sid.clone();
        n.event_datum_tijd = at(k);
        ops.push(MirrorOp::UpsertNotificatie(Box::new(n)));
    }
    ops
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

async fn time<F, Fut, T>(label: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let _ = f().await; // warm-up
    let mut d = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let _ = f().await;
        d.push(t0.elapsed());
    }
    d.sort();
    println!(
        "{label:<44} p50 {:7.2} ms   p95 {:7.2} ms   max {:7.2} ms",
        pct(&d, 0.50),
        pct(&d, 0.95),
        pct(&d, 1.0)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(run());
}

async fn run() {
    let n: usize = std::env::var("SWF_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let (m, _) = Mirror::open(dir.path()).await.expect("open");
    m.set_account(&Account {
        service_url: "https://swf.example.nl/".into(),
        gebruikersnaam: Some("bench".into()),
        naam: None,
        oin: Oin::parse(IK).expect("oin"),
        organisatie_naam: "Gemeente Oefenstad".into(),
        remember: false,
    })
    .await
    .expect("account");
    let orgs: Vec<(Oin, String)> = (0..40)
        .map(|i| {
            let (oin, naam) = org(i);
            (Oin::parse(&oin).expect("oin"), naam)
        })
        .collect();
    let t = templates();

    let t0 = Instant::now();
    let mut i = 0;
    let mut cursor = 0;
    while i < n {
        let ops: Vec<MirrorOp> = (i..(i + BATCH).min(n))
            .flat_map(|k| ops_for(k, &t, &orgs))
            .collect();
        cursor += 1;
        m.apply(&Batch {
            ops,
            cursor: Some(cursor),
            ..Default::default()
        })
        .await
        .expect("apply");
        i += BATCH;
    }
    let seed = t0.elapsed();
    let stats = m.stats().await.expect("stats");
    let size = std::fs::metadata(dir.path().join("mirror.sqlite"))
        .map(|md| md.len())
        .unwrap_or(0);
    println!(
        "seeded {} samenwerkingen, {} deelnemers, {} documenten, {} actieverzoeken, {} notificaties \
         in {:.2} s ({:.2} ms per batch of {BATCH}); mirror.sqlite {:.1} MB (+WAL)",
        stats.samenwerkingen,
        stats.deelnemers,
        stats.documenten,
        stats.actieverzoeken,
        stats.notificaties,
        seed.as_secs_f64(),
        seed.as_secs_f64() * 1000.0 / n.div_ceil(BATCH) as f64,
        size as f64 / 1e6
    );

    let first = OverviewFilter::default();
    let page = m.overview(&first).await.expect("overview");
    println!(
        "first page: {} items of {}, top = {} (inkomend {}, ongelezen {})",
        page.items.len(),
        page.total,
        page.items[0].samenwerking_id,
        page.items[0].open_inkomend,
        page.items[0].ongelezen_notificaties
    );
    time("overview first page (50, alle)", || m.overview(&first)).await;
    let open = OverviewFilter {
        status: StatusFilter::Open,
        ..Default::default()
    };
    time("overview open filter (50)", || m.overview(&open)).await;
    let deep = OverviewFilter {
        offset: 5_000.min(n as u32 / 2),
        ..Default::default()
    };
    time("overview page at offset n/2", || m.overview(&deep)).await;
    let zoek_partner = OverviewFilter {
        zoek: Some("waterschap oefenplaats 11".into()),
        ..Default::default()
    };
    let hits = m.overview(&zoek_partner).await.expect("zoek").total;
    time(&format!("overview search partner ({hits} hits)"), || {
        m.overview(&zoek_partner)
    })
    .await;
    let zoek_titel = OverviewFilter {
        zoek: Some("kerkstraat 12".into()),
        status: StatusFilter::Open,
        ..Default::default()
    };
    let hits = m.overview(&zoek_titel).await.expect("zoek").total;
    time(
        &format!("overview search titel + open ({hits} hits)"),
        || m.overview(&zoek_titel),
    )
    .await;
    let zoek_nr = OverviewFilter {
        zoek: Some("OLO-1004242".into()),
        ..Default::default()
    };
    time("overview search verzoeknummer (1 hit)", || {
        m.overview(&zoek_nr)
    })
    .await;
    time("samenwerking detail (10 doc, 5 av)", || {
        m.samenwerking("SW-004242")
    })
    .await;
    let nf = NotificatieFilter::default();
    time("notificaties newest 50", || m.notificaties(&nf)).await;

    let t0 = Instant::now();
    m.overview(&OverviewFilter {
        mijn_oin: Some(orgs[0].0.clone()),
        ..Default::default()
    })
    .await
    .expect("other oin");
    println!(
        "recompute all counters for another OIN (one-off): {:.0} ms",
        t0.elapsed().as_secs_f64() * 1000.0
    );
    m.close().await;
}
