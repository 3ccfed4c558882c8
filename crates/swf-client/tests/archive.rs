//! The archive exporter (`swf_client::archive`) against a real `swf-server` on 127.0.0.1 with
//! real mirror files. Every archive made here is checked by the outside validators: the BagIt
//! reference implementation (`bagit.py --validate`, PyPI package `bagit`) and `xmllint --schema
//! MDTO-XML1.0.1.xsd` for every sidecar (Debian package `libxml2-utils`).
//!
//! The validators are found through `SWF_TEST_BAGIT` (path to bagit.py; else `bagit.py` on the
//! PATH), `SWF_TEST_XMLLINT` (else `xmllint` on the PATH) and the schema through
//! `SWF_TEST_MDTO_XSD` (else the copy in tests/archive/). When one is
//! missing the test fails with `CI=true` or `SWF_TEST_VALIDATORS=required`, and otherwise says so and skips that check.
// the zip and the full disk (kept apart to keep this file readable)
#[path = "archive/zip_en_schijf.rs"]
mod zip_en_schijf;
use sha2::{Digest, Sha256};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use swf_client::archive::{self, ArchiefFout, ArchiefOpties, Fase, Voortgang};
use swf_client::mirror::{Batch, Mirror, MirrorOp};
use swf_client::session::Session;
use swf_client::werk::{NieuwActieverzoek, NieuwePartner, NieuweSamenwerking};
use swf_domain::{ActieverzoekStatus as S, Privilege, Vertrouwelijkheid};
use swf_testkit::*;
use uuid::Uuid;

/// Validators are required in CI and under scripts/test.sh (`SWF_TEST_VALIDATORS=required`,
/// which installs them); elsewhere a missing one is reported and its check skipped.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("SWF_TEST_VALIDATORS").is_ok_and(|v| v == "required")
}

/// A tool from `var`, else `fallback` when it runs; `None` (or a failure in CI) otherwise.
fn tool(var: &str, fallback: &str) -> Option<PathBuf> {
    let candidate = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(fallback));
    let runs = Command::new(&candidate)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if runs {
        return Some(candidate);
    }
    assert!(
        !in_ci(),
        "{var}: {} cannot be run, and CI=true: the archive tests need it",
        candidate.display()
    );
    eprintln!("SKIPPING a validator: {var} not set and {fallback} not found");
    None
}

fn xsd() -> Option<PathBuf> {
    let p = std::env::var_os("SWF_TEST_MDTO_XSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // the official schema, kept unchanged in the repository (tests/archive/)
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/archive/MDTO-XML1.0.1.xsd")
        });
    if p.is_file() {
        return Some(p);
    }
    assert!(
        !in_ci(),
        "the MDTO schema is not at {} and CI=true",
        p.display()
    );
    eprintln!("SKIPPING schema validation: no schema at {}", p.display());
    None
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        assert!(
            !t.is_symlink(),
            "no links in an archive: {}",
            e.path().display()
        );
        if t.is_dir() {
            all_files(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

/// bagit.py --validate and xmllint --schema on every sidecar; both must pass.
fn validate_externally(bag: &Path) {
    if let Some(bagit) = tool("SWF_TEST_BAGIT", "bagit.py") {
        let out = Command::new(&bagit)
            .arg("--validate")
            .arg(bag)
            .output()
            .expect("run bagit.py");
        assert!(
            out.status.success(),
            "bagit.py --validate {} failed:\n{}{}",
            bag.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut files = Vec::new();
    all_files(&bag.join("data"), &mut files);
    let sidecars: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with(".mdto.xml"))
        .collect();
    assert!(!sidecars.is_empty());
    if let (Some(xmllint), Some(xsd)) = (tool("SWF_TEST_XMLLINT", "xmllint"), xsd()) {
        let out = Command::new(&xmllint)
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .args(&sidecars)
            .output()
            .expect("run xmllint");
        assert!(
            out.status.success(),
            "xmllint --schema failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let validates = String::from_utf8_lossy(&out.stderr)
            .matches(" validates")
            .count();
        assert_eq!(validates, sidecars.len(), "every sidecar validates");
    }
}

/// Every file that is not a sidecar has one next to it, or is the dossier's or a document
/// folder's own sidecar.
fn every_file_has_a_sidecar(bag: &Path) {
    let mut files = Vec::new();
    all_files(&bag.join("data"), &mut files);
    for f in &files {
        let s = f.to_string_lossy();
        if s.ends_with(".mdto.xml") {
            continue;
        }
        let sidecar = PathBuf::from(format!("{s}.bestand.mdto.xml"));
        assert!(sidecar.is_file(), "no sidecar for {s}");
    }
    for d in std::fs::read_dir(bag.join("data")).unwrap() {
        let d = d.unwrap().path();
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            d.join(format!("{name}.mdto.xml")).is_file(),
            "dossier sidecar"
        );
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// No byte sequence of `needles` in any file of the bag (names included).
fn assert_nowhere(bag: &Path, needles: &[&[u8]]) {
    let mut files = Vec::new();
    all_files(bag, &mut files);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let rel = f.strip_prefix(bag).unwrap().to_string_lossy().into_owned();
        for n in needles {
            assert!(
                !contains(&bytes, n) && !contains(rel.as_bytes(), n),
                "{} found in {rel}",
                String::from_utf8_lossy(n)
            );
        }
    }
}

fn somewhere(bag: &Path, needle: &[u8]) -> bool {
    let mut files = Vec::new();
    all_files(bag, &mut files);
    files
        .iter()
        .any(|f| contains(&std::fs::read(f).unwrap(), needle))
}

fn opties(sid: &str, map: &Path) -> ArchiefOpties {
    ArchiefOpties {
        samenwerking_id: sid.to_owned(),
        map: map.to_path_buf(),
        gebruiker: Some("tester".into()),
        contact_email: Some("archief@example.org".into()),
        zip: false,
    }
}

fn stil() -> impl Fn(Voortgang) + Send + Sync {
    |_| {}
}

/// Exercises 1 to 4 of the practice case; returns the samenwerking id and the SV document id.
async fn play_exercises(gem: &Session, vrv: &Session, work: &Path) -> (String, Uuid) {
    let p = no_progress();
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Loods Dorpsstraat 1 <script>alert(1)</script> & co".into(),
            verzoeknummer: Some("OLO-123456".into()),
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::BeperkteToegang,
            }],
        })
        .await
        .expect("started");
    let tekening = work.join("tekening.pdf");
    std::fs::write(&tekening, b"%PDF-1.4 tekening").unwrap();
    let doc = gem
        .document_toevoegen(&id, &tekening, Vertrouwelijkheid::Rv, None, &p)
        .await
        .unwrap();
    let geheim = work.join("bsn-lijst.txt");
    std::fs::write(&geheim, b"BSN 123456782 geheim-sv-inhoud").unwrap();
    let sv = gem
        .document_toevoegen(&id, &geheim, Vertrouwelijkheid::Sv, Some("Eigenaren"), &p)
        .await
        .unwrap();
    let eerste = gem
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: id.clone(),
            ontvanger: VRV.into(),
            titel: "Advies".into(),
            omschrijving: "Graag advies".into(),
            documenten: vec![doc.document_id],
        })
        .await
        .unwrap()
        .actieverzoek_id;
    gem.actieverzoek_status(eerste, S::Ingetrokken, None)
        .await
        .unwrap();
    let verzoek = gem
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: id.clone(),
            ontvanger: VRV.into(),
            titel: "Advies brandveiligheid".into(),
            omschrijving: "Graag uw advies over de vluchtroutes".into(),
            documenten: vec![doc.document_id],
        })
        .await
        .unwrap()
        .actieverzoek_id;
    // 2. the adviser
    vrv.engine.sync_once().await.unwrap();
    vrv.document_bestand(doc.document_id, &p).await.unwrap();
    let rapport = work.join("adviesrapport.pdf");
    std::fs::write(&rapport, b"%PDF-1.4 advies: akkoord").unwrap();
    vrv.document_toevoegen(
        &id,
        &rapport,
        Vertrouwelijkheid::Rv,
        Some("Adviesrapport"),
        &p,
    )
    .await
    .unwrap();
    vrv.bericht_versturen(verzoek, "Wij kijken ernaar")
        .await
        .unwrap();
    vrv.actieverzoek_status(verzoek, S::Gereedgemeld, Some("Advies bijgevoegd".into()))
        .await
        .unwrap();
    // 3. the permit officer accepts and closes
    gem.engine.sync_once().await.unwrap();
    gem.actieverzoek_status(verzoek, S::Gereed, None)
        .await
        .unwrap();
    gem.samenwerking_sluiten(&id).await.unwrap();
    // 4. the adviser sees it closed
    vrv.engine.sync_once().await.unwrap();
    (id, sv.document_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_practice_case_archived_by_the_initiator_and_by_a_limited_partner() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let work = tmp.path().join("werk");
    std::fs::create_dir_all(&work).unwrap();
    let (id, sv_id) = play_exercises(&gem, &vrv, &work).await;
    let kast = tmp.path().join("archiefkast");

    // offline from the mirror: the documents never downloaded here are named, nothing is left
    let offline = archive::archiveer(gem.engine.mirror(), None, &opties(&id, &kast), &stil()).await;
    match &offline {
        Err(ArchiefFout::DocumentenOntbreken(docs)) => {
            assert!(
                docs.iter().any(|d| d.bestandsnaam == "adviesrapport.pdf"),
                "{docs:?}"
            );
            let msg = offline.as_ref().unwrap_err().to_string();
            assert!(msg.contains("adviesrapport.pdf"), "{msg}");
        }
        other => panic!("expected the missing documents, got {other:?}"),
    }
    assert!(
        !kast.exists() || std::fs::read_dir(&kast).unwrap().next().is_none(),
        "a refused export leaves nothing"
    );

    // the initiator, online: downloads what is missing, reads the historie
    // the last progress of each step
    let laatste = Arc::new(std::sync::Mutex::new(Vec::<Voortgang>::new()));
    let l = laatste.clone();
    let melden = move |v: Voortgang| {
        let mut l = l.lock().unwrap();
        l.retain(|x| x.fase != v.fase);
        l.push(v);
    };
    let a = archive::archiveer(
        gem.engine.mirror(),
        Some(&gem.engine),
        &opties(&id, &kast),
        &melden,
    )
    .await
    .expect("the initiator's archive");
    let stappen = laatste.lock().unwrap().clone();
    assert_eq!(
        stappen.iter().map(|v| v.fase).collect::<Vec<_>>(),
        [Fase::Schrijven, Fase::Controleren],
        "a folder is written, then read back"
    );
    for v in &stappen {
        assert_eq!(v.bestanden, v.bestanden_totaal);
        assert_eq!(
            v.bestanden, a.bestanden,
            "progress counted every payload file"
        );
    }
    assert_eq!(stappen[1].bytes, a.bytes, "every payload byte read back");
    assert_eq!(a.documenten, 3, "tekening, SV list, advice report");
    assert!(a.historie_opgenomen);
    let name = a.pad.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with(&format!("SWF_{id}_{GEMEENTE}_")), "{name}");
    validate_externally(&a.pad);
    every_file_has_a_sidecar(&a.pad);
    let c = archive::verify(&a.pad).expect("verifies");
    assert_eq!(c.bestanden, a.bestanden);
    assert!(
        somewhere(&a.pad, b"bsn-lijst.txt"),
        "the initiator keeps its SV document"
    );
    assert!(somewhere(&a.pad, b"BSN 123456782 geheim-sv-inhoud"));
    let info = std::fs::read_to_string(a.pad.join("bag-info.txt")).unwrap();
    for want in [
        "Source-Organization: Gemeente Oefenstad",
        &format!("Archiefvormer-OIN: {GEMEENTE}"),
        &format!("External-Identifier: {id}"),
        "Samenwerking-Status: GESLOTEN",
        "Export-Tijd: ",
        "Payload-Oxum: ",
    ] {
        assert!(info.contains(want), "bag-info lacks {want:?}:\n{info}");
    }
    let pakbon = std::fs::read_to_string(a.pad.join("pakbon.xml")).unwrap();
    assert!(
        pakbon.contains("<aantalInformatieobjecten>4</aantalInformatieobjecten>"),
        "{pakbon}"
    );
    // the overview: readable, self-contained, escaped
    let dossier = std::fs::read_dir(a.pad.join("data"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let html = std::fs::read_to_string(dossier.join("overzicht.html")).unwrap();
    assert!(
        !html.to_lowercase().contains("<script"),
        "no scripts, the title is escaped"
    );
    assert!(html.contains("&lt;script&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no remote resources"
    );
    assert!(html.contains("Advies brandveiligheid") && html.contains("Wij kijken ernaar"));
    assert!(html.contains("GEREEDGEMELD") && html.contains("Advies bijgevoegd"));
    // the status history of the accepted request, from notifications and the historie
    let av: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dossier.join("actieverzoeken.json")).unwrap())
            .unwrap();
    let req = av
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["titel"] == "Advies brandveiligheid")
        .unwrap();
    let steps: Vec<&str> = req["statusHistorie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["statusNieuw"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["OPEN", "GEREEDGEMELD", "GEREED"], "{req}");
    assert_eq!(req["berichten"].as_array().unwrap().len(), 1);

    // the limited partner: no SV document, name or hash anywhere
    let b = archive::archiveer(
        vrv.engine.mirror(),
        Some(&vrv.engine),
        &opties(&id, &kast),
        &stil(),
    )
    .await
    .expect("the partner's archive");
    assert_eq!(b.documenten, 2);
    validate_externally(&b.pad);
    every_file_has_a_sidecar(&b.pad);
    let sv_hash = hex::encode(Sha256::digest(b"BSN 123456782 geheim-sv-inhoud"));
    assert_nowhere(
        &b.pad,
        &[
            b"bsn-lijst",
            b"Eigenaren",
            b"BSN 123456782 geheim-sv-inhoud",
            sv_hash.as_bytes(),
            sv_id.to_string().as_bytes(),
        ],
    );
    assert!(somewhere(&b.pad, b"Adviesrapport"));
    let info = std::fs::read_to_string(b.pad.join("bag-info.txt")).unwrap();
    assert!(info.contains(&format!("Archiefvormer-OIN: {VRV}")));

    // SWF_TEST_ARCHIEF_BEWAAR=<dir> keeps both archives for a look by hand
    if let Some(keep) = std::env::var_os("SWF_TEST_ARCHIEF_BEWAAR") {
        std::fs::create_dir_all(&keep).unwrap();
        for p in [&a.pad, &b.pad] {
            Command::new("cp")
                .arg("-r")
                .arg(p)
                .arg(&keep)
                .status()
                .unwrap();
        }
    }

    // a damaged copy is caught by verify (and by bagit)
    let kopie = tmp.path().join("kopie");
    Command::new("cp")
        .arg("-r")
        .arg(&b.pad)
        .arg(&kopie)
        .status()
        .unwrap();
    let mut files = Vec::new();
    all_files(&kopie.join("data"), &mut files);
    let doelwit = files
        .iter()
        .find(|f| f.to_string_lossy().ends_with("adviesrapport.pdf"))
        .unwrap();
    std::fs::write(doelwit, b"%PDF-1.4 advies: NIET akkoord").unwrap();
    let err = archive::verify(&kopie).expect_err("tampering is found");
    assert!(err.to_string().contains("adviesrapport.pdf"), "{err}");

    // 5. deleted: the archives stay
    gem.samenwerking_verwijderen(&id).await.unwrap();
    archive::verify(&a.pad).unwrap();
    archive::verify(&b.pad).unwrap();
    assert_eq!(
        archive::cleanup_stale(&kast).unwrap(),
        0,
        "nothing stale after success"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_document_names_stay_inside_the_bag_and_distinct() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "../../etc/CON".into(),
            verzoeknummer: None,
            partners: vec![],
        })
        .await
        .unwrap();
    let raw = Raw::new(&srv, GEMEENTE);
    // what the service accepts goes through it
    let mut inhoud = Vec::new();
    for (naam, bytes) in [
        ("CON.pdf", b"%PDF-1.7 con".to_vec()),
        ("Rapport.pdf", b"%PDF-1.4 groot R".to_vec()),
        ("rapport.pdf", b"%PDF-1.4 klein r".to_vec()),
    ] {
        raw.upload(&id, naam, bytes.clone(), "RV").await;
        inhoud.push(bytes);
    }
    gem.engine.sync_once().await.unwrap();
    // what it refuses (an older or hostile service could still send it) goes into the mirror
    let mirror = gem.engine.mirror();
    let model = mirror.samenwerking(&id).await.unwrap().unwrap().documenten[0]
        .document
        .clone();
    let lang = format!("{}.pdf", "ä".repeat(150));
    let hostile = [
        "../x".to_owned(),
        "..".to_owned(),
        "..\\..\\windows\\system32\\evil.dll".to_owned(),
        lang.clone(),
        "foto\u{202E}fdp.exe".to_owned(),
        "RAPPORT.PDF".to_owned(),
        "a/b/c.txt".to_owned(),
    ];
    let mut ops = Vec::new();
    for (i, naam) in hostile.iter().enumerate() {
        let bytes = format!("vijandig {i}").into_bytes();
        let mut d = model.clone();
        d.document_id = Uuid::new_v4();
        d.bestands_naam = naam.clone();
        d.document_omschrijving = format!("vijandig {i}");
        d.document_hash = hex::encode(Sha256::digest(&bytes));
        d.grootte = bytes.len() as u64;
        std::fs::write(mirror.document_cache_path(d.document_id), &bytes).unwrap();
        ops.push((d, bytes));
    }
    mirror
        .apply(&Batch {
            ops: ops
                .iter()
                .map(|(d, _)| MirrorOp::UpsertDocument(Box::new(d.clone())))
                .collect(),
            ..Batch::default()
        })
        .await
        .unwrap();
    for (d, b) in &ops {
        mirror
            .record_cached_document(d.document_id, &d.document_hash, b.len() as u64)
            .await
            .unwrap();
        inhoud.push(b.clone());
    }

    let kast = tmp.path().join("kast");
    let a = archive::archiveer(mirror, Some(&gem.engine), &opties(&id, &kast), &stil())
        .await
        .expect("archived");
    assert_eq!(a.documenten, 3 + hostile.len());
    validate_externally(&a.pad);
    every_file_has_a_sidecar(&a.pad);
    // nothing outside the bag; every component safe; names distinct case-insensitively
    let mut files = Vec::new();
    all_files(tmp.path(), &mut files);
    let bag = a.pad.canonicalize().unwrap();
    for f in &files {
        let c = f.canonicalize().unwrap();
        let in_mirror = c.starts_with(tmp.path().join("gemeente").canonicalize().unwrap());
        assert!(
            in_mirror || c.starts_with(&bag),
            "outside the bag: {}",
            c.display()
        );
    }
    assert_eq!(
        std::fs::read_dir(&kast).unwrap().count(),
        1,
        "only the bag in the folder"
    );
    let mut payload = Vec::new();
    all_files(&a.pad.join("data"), &mut payload);
    let mut seen = std::collections::HashSet::new();
    for f in &payload {
        let rel = f.strip_prefix(&a.pad).unwrap();
        assert!(rel.as_os_str().len() < 255, "{}", rel.display());
        for comp in rel.components() {
            let s = comp.as_os_str().to_str().unwrap();
            assert!(s.len() <= 120, "{s}");
            assert!(
                !s.starts_with('.') && !s.ends_with('.') && !s.ends_with(' '),
                "{s}"
            );
            assert!(
                !s.contains(['<', '>', ':', '"', '\\', '|', '?', '*', '#', '&', ' ']),
                "{s}"
            );
            assert!(!s.contains(
                |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            ));
            let stem = s.split('.').next().unwrap().to_ascii_uppercase();
            assert!(
                !["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str()),
                "{s}"
            );
        }
        assert!(
            seen.insert(rel.to_string_lossy().to_lowercase()),
            "case collision: {}",
            rel.display()
        );
    }
    // every document's bytes are there, once, distinct
    let bodies: Vec<Vec<u8>> = payload
        .iter()
        .filter(|f| {
            !f.to_string_lossy().ends_with(".xml")
                && !f.to_string_lossy().ends_with(".json")
                && !f.to_string_lossy().ends_with(".html")
        })
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    assert_eq!(bodies.len(), inhoud.len());
    for b in &inhoud {
        assert_eq!(bodies.iter().filter(|x| *x == b).count(), 1);
    }
}

/// Not a test on its own: the child process of the kill test. It archives offline, slowly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper: run by kill_mid_archive_leaves_nothing_complete"]
async fn kind_archiveert_langzaam() {
    let (Some(dir), Some(sid), Some(map)) = (
        std::env::var_os("SWF_ARCHIEF_KIND_MIRROR"),
        std::env::var("SWF_ARCHIEF_KIND_SID").ok(),
        std::env::var_os("SWF_ARCHIEF_KIND_MAP"),
    ) else {
        return;
    };
    let mirror = Mirror::open(Path::new(&dir)).await.unwrap().0;
    let n = AtomicU64::new(0);
    let melden = move |v: Voortgang| {
        let k = n.fetch_add(1, Ordering::SeqCst);
        println!("voortgang {k} {}", v.bestanden);
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = archive::archiveer(&mirror, None, &opties(&sid, Path::new(&map)), &melden).await;
    println!("klaar");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_mid_archive_or_a_dropped_job_leaves_nothing_complete() {
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let work = tmp.path().join("werk");
    std::fs::create_dir_all(&work).unwrap();
    let (id, _) = play_exercises(&gem, &vrv, &work).await;
    // one good archive first: every document is cached afterwards, so the rest runs offline
    let goed = tmp.path().join("goed");
    archive::archiveer(
        gem.engine.mirror(),
        Some(&gem.engine),
        &opties(&id, &goed),
        &stil(),
    )
    .await
    .unwrap();

    // a job dropped mid-way (the app cancels it) removes its folder at once
    let kast = tmp.path().join("kast");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let melden = move |v: Voortgang| {
        let _ = tx.send(v.bestanden);
    };
    let o = opties(&id, &kast);
    let mut job = Box::pin(archive::archiveer(gem.engine.mirror(), None, &o, &melden));
    loop {
        tokio::select! {
            r = job.as_mut() => panic!("finished before it was dropped: {r:?}"),
            Some(n) = rx.recv() => if n >= 4 { break },
        }
    }
    let half = kast
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    assert!(!half.is_empty(), "the job had started writing: {half:?}");
    assert!(
        half.iter().all(|n| n.starts_with(".swf-archief-")),
        "{half:?}"
    );
    drop(job);
    assert_eq!(
        kast.read_dir().unwrap().count(),
        0,
        "a dropped job leaves nothing"
    );

    // kill -9 of a process in the middle of an export
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kind_archiveert_langzaam",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SWF_ARCHIEF_KIND_MIRROR", tmp.path().join("gemeente"))
        .env("SWF_ARCHIEF_KIND_SID", &id)
        .env("SWF_ARCHIEF_KIND_MAP", &kast)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = out.lines();
    let mut gezien = 0;
    for line in lines.by_ref() {
        let line = line.unwrap();
        assert_ne!(line, "klaar", "the child finished before it was killed");
        if line.starts_with("voortgang ") {
            gezien += 1;
            if gezien >= 5 {
                break;
            }
        }
    }
    assert!(gezien >= 5, "the child reported progress");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left: Vec<PathBuf> = kast
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        !left.is_empty(),
        "the killed export left its temporary folder"
    );
    for p in &left {
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            n.starts_with(".swf-archief-")
                && (n.ends_with(".onvolledig") || n.ends_with(".onvolledig.lock")),
            "{n}"
        );
        if p.is_dir() {
            assert!(
                !p.join("bagit.txt").exists(),
                "no bag declaration before it is complete"
            );
            assert!(archive::verify(p).is_err());
            if let Some(bagit) = tool("SWF_TEST_BAGIT", "bagit.py") {
                let st = Command::new(bagit)
                    .arg("--validate")
                    .arg(p)
                    .output()
                    .unwrap();
                assert!(
                    !st.status.success(),
                    "bagit.py must not accept the leftover"
                );
            }
        }
    }
    // the next start cleans up; a good archive next to it is left alone
    assert_eq!(archive::cleanup_stale(&kast).unwrap(), 1);
    assert_eq!(kast.read_dir().unwrap().count(), 0);
    assert_eq!(archive::cleanup_stale(&goed).unwrap(), 0);
    assert_eq!(goed.read_dir().unwrap().count(), 1);
    // and a fresh export still works
    let a = archive::archiveer(gem.engine.mirror(), None, &opties(&id, &kast), &stil())
        .await
        .expect("works offline when everything is cached");
    assert!(
        !a.historie_opgenomen,
        "offline: the historie is not in the mirror"
    );
    validate_externally(&a.pad);
}

/// The app runs the export as a spawned task: the future must be `Send`.
#[allow(dead_code)]
fn the_export_future_is_send(
    mirror: &Mirror,
    engine: &swf_client::sync::Engine,
    o: &ArchiefOpties,
) {
    fn send<T: Send>(_: T) {}
    let melden = |_: Voortgang| {};
    send(archive::archiveer(mirror, Some(engine), o, &melden));
}
