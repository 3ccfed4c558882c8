//! The archive exporter on a large samenwerking: driven by `bench/archive.sh`, which also
//! times the reference (`cp -r` + `sha256sum` + `sha512sum` of the same files) and measures
//! peak RSS with `/usr/bin/time -v`. Two commands:
//!
//! ```text
//! archive prepare DIR MIB     a mirror in DIR/mirror: one samenwerking with MIB MiB of
//!                             documents in its document cache (4 large ones holding 80 %,
//!                             the rest in BENCH_ARCHIVE_SMALL (2000) small ones), generated
//!                             deterministically (incompressible, like PDFs)
//! archive run DIR OUT [zip]   archiveer (bag + verify, and zip + verify with `zip`) from that
//!                             mirror into OUT, offline; prints the time of each step
//! archive remote DIR OUT MIB  not cached: a real swf-server on 127.0.0.1 (swf-testkit, the
//!                             release build) holding the same documents, a mirror in DIR synced
//!                             from it without document bytes; times archiveer with the engine,
//!                             which downloads (and checks) every document while archiving
//! ```
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;
use swf_client::archive::{self, ArchiefOpties, Fase, Voortgang};
use swf_client::mirror::{Account, Batch, Mirror, MirrorOp};
use swf_domain::{Deelnemer, Document, Oin, Samenwerking};
use uuid::Uuid;

const IK: &str = "00000001002220647000";
const SID: &str = "SAM-BENCH-1";
const MIB: u64 = 1024 * 1024;

fn fail(msg: String) -> ! {
    eprintln!("archive bench: {msg}");
    std::process::exit(2)
}

/// Deterministic, incompressible bytes (SplitMix64).
struct Bytes(u64);

impl Bytes {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

fn sizes(total: u64, small: u64) -> Vec<u64> {
    let large = total * 8 / 10 / 4;
    let mut s = vec![large; 4];
    let rest = total - 4 * large;
    let avg = rest / small.max(1);
    // small ones from 4 KiB to 2 × avg, summing to `rest`
    let mut left = rest;
    for i in 0..small {
        let n = if i + 1 == small {
            left
        } else {
            let lo = 4096.min(avg);
            let span = (2 * avg).saturating_sub(2 * lo).max(1);
            (lo + (i * 7919) % span).min(left)
        };
        s.push(n);
        left -= n;
    }
    s
}

async fn prepare(dir: &Path, mib: u64) {
    let small: u64 = std::env::var("BENCH_ARCHIVE_SMALL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let (m, _) = Mirror::open(&dir.join("mirror"))
        .await
        .unwrap_or_else(|e| fail(format!("open mirror: {e}")));
    let oin = Oin::parse(IK).unwrap_or_else(|e| fail(format!("oin: {e}")));
    m.set_account(&Account {
        service_url: "https://swf.example.nl/".into(),
        gebruikersnaam: Some("bench".into()),
        naam: Some("Vera Vergunningverlener".into()),
        oin,
        organisatie_naam: "Gemeente Oefenstad".into(),
        remember: false,
    })
    .await
    .unwrap_or_else(|e| fail(format!("account: {e}")));
    let t = "2026-01-01T00:00:00Z";
    let links = json!({});
    let s: Samenwerking = serde_json::from_value(json!({
        "samenwerkingId": SID, "titel": "Bouw sporthal De Oefening (benchmark)", "taal": "NL",
        "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "samenwerkDoel": "BEHANDELEN",
        "status": {"status": "GESLOTEN"}, "aangemaaktDoor": IK, "aangemaaktDoorNaam": "Gemeente Oefenstad",
        "creatieDatumTijd": t, "eindDatumTijd": t, "laatstAangepastDoor": IK,
        "laatstAangepastDoorNaam": "Gemeente Oefenstad", "laatstAangepastDatumTijd": t,
        "aantalActieverzoeken": 0, "aantalNotificaties": 0, "mijnRol": "INITIATOR", "_links": links
    }))
    .unwrap_or_else(|e| fail(format!("samenwerking: {e}")));
    let d: Deelnemer = serde_json::from_value(json!({
        "oin": IK, "naam": "Gemeente Oefenstad", "rol": "INITIATOR",
        "privilege": "VOLLEDIGE_TOEGANG", "samenwerkingId": SID, "toegevoegdDatumTijd": t,
        "_links": links
    }))
    .unwrap_or_else(|e| fail(format!("deelnemer: {e}")));
    let model: Document = serde_json::from_value(json!({
        "documentId": Uuid::nil(), "bestandsNaam": "x.pdf", "samenwerkingId": SID,
        "aangemaaktDoor": IK, "aangemaaktDoorNaam": "Gemeente Oefenstad", "creatieDatumTijd": t,
        "laatstAangepastDoor": IK, "laatstAangepastDoorNaam": "Gemeente Oefenstad",
        "laatstAangepastDatumTijd": t, "documentOmschrijving": "tekening",
        "vertrouwelijkheidsAanduiding": "RV", "formaat": "application/pdf",
        "documentHash": "00", "grootte": 0, "_links": links
    }))
    .unwrap_or_else(|e| fail(format!("document: {e}")));

    let mut buf = vec![0u8; MIB as usize];
    let mut docs = Vec::new();
    let mut cached = Vec::new();
    for (i, n) in sizes(mib * MIB, small).into_iter().enumerate() {
        let id = Uuid::from_u128(0xA5C1_0000_0000_0000_0000_0000_0000_0000 | i as u128);
        let pad = m.document_cache_path(id);
        let mut f =
            std::fs::File::create(&pad).unwrap_or_else(|e| fail(format!("{}: {e}", pad.display())));
        let mut bytes = Bytes(i as u64 + 1);
        let mut h = Sha256::new();
        let mut left = n;
        while left > 0 {
            let k = left.min(MIB) as usize;
            bytes.fill(&mut buf[..k]);
            // a PDF header for the format, the rest incompressible
            if left == n && k >= 8 {
                buf[..8].copy_from_slice(b"%PDF-1.7");
            }
            h.update(&buf[..k]);
            f.write_all(&buf[..k])
                .unwrap_or_else(|e| fail(format!("{}: {e}", pad.display())));
            left -= k as u64;
        }
        let hash = hex::encode(h.finalize());
        let mut doc = model.clone();
        doc.document_id = id;
        doc.bestands_naam = if i < 4 {
            format!("bouwtekening-{i}.pdf")
        } else {
            format!("bijlage-{i:05}.pdf")
        };
        doc.document_omschrijving = format!("Document {i}");
        doc.document_hash = hash.clone();
        doc.grootte = n;
        docs.push(doc);
        cached.push((id, hash, n));
    }
    m.apply(&Batch {
        ops: vec![
            MirrorOp::UpsertSamenwerking(Box::new(s)),
            MirrorOp::ReplaceDeelnemers {
                samenwerking_id: SID.into(),
                deelnemers: vec![d],
            },
            MirrorOp::ReplaceDocumenten {
                samenwerking_id: SID.into(),
                documenten: docs,
            },
        ],
        ..Batch::default()
    })
    .await
    .unwrap_or_else(|e| fail(format!("apply: {e}")));
    for (id, hash, n) in &cached {
        m.record_cached_document(*id, hash, *n)
            .await
            .unwrap_or_else(|e| fail(format!("record: {e}")));
    }
    m.close().await;
    println!(
        "prepared {} documents, {} bytes",
        cached.len(),
        cached.iter().map(|c| c.2).sum::<u64>()
    );
}

async fn run(dir: &Path, out: &Path, zip: bool) {
    let (m, _) = Mirror::open(&dir.join("mirror"))
        .await
        .unwrap_or_else(|e| fail(format!("open mirror: {e}")));
    let o = ArchiefOpties {
        samenwerking_id: SID.into(),
        map: out.to_path_buf(),
        gebruiker: Some("bench".into()),
        contact_email: None,
        zip,
    };
    // when each step started
    let stappen: Mutex<Vec<(Fase, Instant)>> = Mutex::new(Vec::new());
    let melden = |v: Voortgang| {
        if let Ok(mut s) = stappen.lock() {
            if s.last().map(|(f, _)| *f) != Some(v.fase) {
                s.push((v.fase, Instant::now()));
            }
        }
    };
    let t0 = Instant::now();
    let a = archive::archiveer(&m, None, &o, &melden)
        .await
        .unwrap_or_else(|e| fail(format!("archiveer: {e}")));
    let totaal = t0.elapsed().as_secs_f64();
    let stappen = stappen.into_inner().unwrap_or_default();
    let mut per_stap = Vec::new();
    for (i, (f, t)) in stappen.iter().enumerate() {
        let eind = stappen
            .get(i + 1)
            .map(|(_, t)| *t)
            .unwrap_or_else(Instant::now);
        per_stap.push(format!("{f:?}={:.2}", (eind - *t).as_secs_f64()));
    }
    println!(
        "archief_s={totaal:.3} payload_bytes={} bestanden={} documenten={} stappen_s={} pad={}",
        a.bytes,
        a.bestanden,
        a.documenten,
        per_stap.join(","),
        a.pad.display()
    );
    m.close().await;
}

async fn remote(dir: &Path, out: &Path, mib: u64) {
    let small: u64 = std::env::var("BENCH_ARCHIVE_SMALL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let srv = swf_testkit::Server::start(&[("SWF_MAX_UPLOAD_BYTES", "2147483648")]).await;
    let api = srv.as_org(swf_testkit::GEMEENTE);
    let sid = api
        .start("Bouw sporthal De Oefening (benchmark, niet gecached)", &[])
        .await;
    // the same sizes and bytes as `prepare`, uploaded to the service (not timed)
    for (i, n) in sizes(mib * MIB, small).into_iter().enumerate() {
        let mut bytes = vec![0u8; n as usize];
        let mut gen = Bytes(i as u64 + 1);
        for chunk in bytes.chunks_mut(MIB as usize) {
            gen.fill(chunk);
        }
        if bytes.len() >= 8 {
            bytes[..8].copy_from_slice(b"%PDF-1.7");
        }
        let naam = if i < 4 {
            format!("bouwtekening-{i}.pdf")
        } else {
            format!("bijlage-{i:05}.pdf")
        };
        api.upload_id(&sid, &naam, bytes, "RV").await;
    }
    let s = swf_testkit::session_for(&srv, &dir.join("mirror"), swf_testkit::GEMEENTE).await;
    let m = s.engine.mirror().clone();
    let o = ArchiefOpties {
        samenwerking_id: sid,
        map: out.to_path_buf(),
        gebruiker: Some("bench".into()),
        contact_email: None,
        zip: false,
    };
    let stappen: Mutex<Vec<(Fase, Instant)>> = Mutex::new(Vec::new());
    let melden = |v: Voortgang| {
        if let Ok(mut s) = stappen.lock() {
            if s.last().map(|(f, _)| *f) != Some(v.fase) {
                s.push((v.fase, Instant::now()));
            }
        }
    };
    let t0 = Instant::now();
    let a = archive::archiveer(&m, Some(&s.engine), &o, &melden)
        .await
        .unwrap_or_else(|e| fail(format!("archiveer: {e}")));
    let totaal = t0.elapsed().as_secs_f64();
    let stappen = stappen.into_inner().unwrap_or_default();
    let mut per_stap = Vec::new();
    for (i, (f, t)) in stappen.iter().enumerate() {
        let eind = stappen
            .get(i + 1)
            .map(|(_, t)| *t)
            .unwrap_or_else(Instant::now);
        per_stap.push(format!("{f:?}={:.2}", (eind - *t).as_secs_f64()));
    }
    println!(
        "archief_s={totaal:.3} payload_bytes={} bestanden={} documenten={} stappen_s={} pad={}",
        a.bytes,
        a.bestanden,
        a.documenten,
        per_stap.join(","),
        a.pad.display()
    );
    m.close().await;
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(format!("tokio: {e}")));
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["prepare", dir, mib] => {
            let mib = mib
                .parse()
                .unwrap_or_else(|e| fail(format!("MIB {mib}: {e}")));
            rt.block_on(prepare(Path::new(dir), mib));
        }
        ["run", dir, out] => rt.block_on(run(Path::new(dir), Path::new(out), false)),
        ["run", dir, out, "zip"] => rt.block_on(run(Path::new(dir), Path::new(out), true)),
        ["remote", dir, out, mib] => {
            let mib = mib
                .parse()
                .unwrap_or_else(|e| fail(format!("MIB {mib}: {e}")));
            rt.block_on(remote(Path::new(dir), Path::new(out), mib));
        }
        [] => println!(
            "usage: archive prepare DIR MIB | archive run DIR OUT [zip] | archive remote DIR OUT MIB (bench/archive.sh runs it)"
        ),
        _ => fail(format!("unknown arguments {args:?}")),
    }
}
