//! The local mirror on real SQLite files in temp folders: every op, idempotency, purges with
//! their cached files, the overview, read marks and local state across ClearAll and a rebuilt
//! cache, corruption and newer-app handling, and the cursor committing together with the rows.
use std::path::Path;

use serde_json::json;
use swf_client::mirror::*;
use swf_client::ErrorCode;
use swf_domain::{Actieverzoek, Bericht, Deelnemer, Document, Notificatie, Oin, Samenwerking};
use uuid::Uuid;

const IK: &str = "00000001002220647000"; // Gemeente Oefenstad: the signed-in organisation
const VRV: &str = "00000001812579446000";
const BUREAU: &str = "00000003123456780000";
const WATERSCHAP: &str = "00000001999999999000";

fn naam(oin: &str) -> &'static str {
    match oin {
        IK => "Gemeente Oefenstad",
        VRV => "Veiligheidsregio Oefenland",
        BUREAU => "Adviesbureau Bouwfysica",
        WATERSCHAP => "Wetterskip Fryslân",
        _ => "Onbekend",
    }
}

/// 2026-11-01T10:00Z plus `min` minutes.
fn t(min: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z").unwrap();
    (base + chrono::Duration::minutes(min))
        .with_timezone(&chrono::Utc)
        .to_rfc3339()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn samenwerking(sid: &str, titel: &str, vn: Option<&str>, status: &str, min: i64) -> Samenwerking {
    serde_json::from_value(json!({
        "samenwerkingId": sid, "verzoeknummer": vn, "titel": titel, "taal": "NL",
        "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "samenwerkDoel": "BEHANDELEN",
        "status": {"status": status},
        "aangemaaktDoor": IK, "aangemaaktDoorNaam": naam(IK), "creatieDatumTijd": t(0),
        "eindDatumTijd": t(60 * 24 * 365), "laatstAangepastDoor": IK,
        "laatstAangepastDoorNaam": naam(IK), "laatstAangepastDatumTijd": t(min),
        "aantalActieverzoeken": 0, "aantalNotificaties": 0, "mijnRol": "INITIATOR", "_links": {}
    }))
    .unwrap()
}

fn deelnemer(sid: &str, oin: &str, rol: &str) -> Deelnemer {
    serde_json::from_value(json!({
        "oin": oin, "naam": naam(oin), "rol": rol, "privilege": "VOLLEDIGE_TOEGANG",
        "samenwerkingId": sid, "toegevoegdDatumTijd": t(0), "_links": {}
    }))
    .unwrap()
}

/// Me as initiator plus the partners as ketenpartners.
fn deelnemers(sid: &str, partners: &[&str]) -> MirrorOp {
    let mut list = vec![deelnemer(sid, IK, "INITIATOR")];
    list.extend(partners.iter().map(|p| deelnemer(sid, p, "KETENPARTNER")));
    MirrorOp::ReplaceDeelnemers {
        samenwerking_id: sid.into(),
        deelnemers: list,
    }
}

fn document(n: u128, sid: &str, hash: &str, min: i64) -> Document {
    serde_json::from_value(json!({
        "documentId": id(n), "bestandsNaam": format!("doc-{n}.pdf"), "samenwerkingId": sid,
        "aangemaaktDoor": IK, "aangemaaktDoorNaam": naam(IK), "creatieDatumTijd": t(0),
        "laatstAangepastDoor": IK, "laatstAangepastDoorNaam": naam(IK),
        "laatstAangepastDatumTijd": t(min), "documentOmschrijving": "tekening",
        "vertrouwelijkheidsAanduiding": "RV", "formaat": "application/pdf",
        "documentHash": hash, "grootte": 4, "_links": {}
    }))
    .unwrap()
}

fn actieverzoek(
    n: u128,
    sid: &str,
    zender: &str,
    ontvanger: &str,
    status: &str,
    min: i64,
) -> Actieverzoek {
    serde_json::from_value(json!({
        "actieverzoekId": id(n), "samenwerkingId": sid, "titel": format!("verzoek {n}"),
        "omschrijving": "graag advies", "status": status, "zender": zender,
        "zenderNaam": naam(zender), "ontvanger": ontvanger, "ontvangerNaam": naam(ontvanger),
        "creatieDatumTijd": t(0), "laatstAangepastDatumTijd": t(min),
        "laatstAangepastDoor": zender, "laatstAangepastDoorNaam": naam(zender),
        "aantalBerichten": 0, "documenten": [], "versie": 1, "_links": {}
    }))
    .unwrap()
}

fn bericht(n: u128, a: &Actieverzoek, inhoud: &str, min: i64) -> Bericht {
    serde_json::from_value(json!({
        "berichtId": id(n), "actieverzoekId": a.actieverzoek_id, "samenwerkingId": a.samenwerking_id,
        "creatieDatumTijd": t(min), "inhoud": inhoud, "zender": a.zender, "zenderNaam": a.zender_naam,
        "ontvanger": a.ontvanger, "ontvangerNaam": a.ontvanger_naam, "_links": {}
    }))
    .unwrap()
}

fn notificatie(n: u128, sid: &str, min: i64) -> Notificatie {
    serde_json::from_value(json!({
        "notificatieId": id(n), "notificatieType": "NIEUW_BERICHT", "samenwerkingId": sid,
        "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "notificatieTitel": "Nieuw bericht",
        "notificatieTekst": "er is een bericht", "eventInitiator": VRV,
        "eventInitiatorNaam": naam(VRV), "deelnemer": IK, "deelnemerNaam": naam(IK),
        "eventDatumTijd": t(min), "properties": {}, "_links": {}
    }))
    .unwrap()
}

fn batch(ops: Vec<MirrorOp>) -> Batch {
    Batch {
        ops,
        ..Default::default()
    }
}

fn account() -> Account {
    Account {
        service_url: "https://swf.example.nl/".into(),
        gebruikersnaam: Some("vergunningverlener".into()),
        naam: Some("Vera Vergunningverlener".into()),
        oin: Oin::parse(IK).unwrap(),
        organisatie_naam: naam(IK).into(),
        remember: true,
    }
}

async fn open(dir: &Path) -> Mirror {
    let (m, report) = Mirror::open(dir).await.unwrap();
    assert!(
        !report.mirror_rebuilt && !report.local_rebuilt,
        "{report:?}"
    );
    m
}

fn ids<T: ToString>(v: &[T]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

fn mijn_filter() -> OverviewFilter {
    OverviewFilter {
        mijn_oin: Some(Oin::parse(IK).unwrap()),
        ..Default::default()
    }
}

/// Raw connection to one of the files, to damage or inspect it as a test.
async fn raw(path: &Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    sqlx::SqliteConnection::connect_with(&sqlx::sqlite::SqliteConnectOptions::new().filename(path))
        .await
        .unwrap()
}

mod herstel;
mod inhoud;
mod overzicht;
mod toestand;

// Fixtures more than one group uses.
use overzicht::{line, seed_overview};
use toestand::claims;
