//! Part of the `archive` test binary (included by tests/archive.rs): the zipped archive, checked
//! with `sha256sum -c` and, unpacked, with bagit.py and xmllint; and a disk that fills up during
//! the export (a small tmpfs, mounted when the tests run as root as they do in CI).
use super::*;
use swf_client::mirror::SamenwerkingDetail;

/// Unpack a zip into `doel` with Python's zipfile (`python3 -m zipfile -e`), or `unzip`.
fn unpack(zip: &Path, doel: &Path) {
    std::fs::create_dir_all(doel).unwrap();
    let python = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(zip)
        .arg(doel)
        .output();
    if let Ok(out) = &python {
        assert!(
            out.status.success(),
            "python3 -m zipfile -e {} failed: {}",
            zip.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let out = Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(doel)
        .output()
        .expect("neither python3 nor unzip to unpack the zip");
    assert!(out.status.success(), "unzip failed");
}

fn names(map: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(map)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zipped_archive_passes_sha256sum_and_bagit_and_a_tampered_zip_is_refused() {
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = session_for(&srv, &tmp.path().join("vrv"), VRV).await;
    let work = tmp.path().join("werk");
    std::fs::create_dir_all(&work).unwrap();
    let (id, _) = play_exercises(&gem, &vrv, &work).await;
    let kast = tmp.path().join("kast");
    let mut o = opties(&id, &kast);
    o.zip = true;
    let alles = Arc::new(std::sync::Mutex::new(Vec::<Voortgang>::new()));
    let l = alles.clone();
    let melden = move |v: Voortgang| l.lock().unwrap().push(v);
    let a = archive::archiveer(gem.engine.mirror(), Some(&gem.engine), &o, &melden)
        .await
        .expect("the zipped archive");

    // only the zip and its checksum file, under the bag's name
    let zip_naam = a.pad.file_name().unwrap().to_string_lossy().into_owned();
    let bag_naam = zip_naam.strip_suffix(".zip").expect("a .zip").to_owned();
    assert!(bag_naam.starts_with(&format!("SWF_{id}_{GEMEENTE}_")));
    assert_eq!(
        names(&kast),
        [zip_naam.clone(), format!("{zip_naam}.sha256")]
    );
    let z = a.zip.clone().expect("zip details");
    let bytes = std::fs::read(&a.pad).unwrap();
    assert_eq!(z.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(z.grootte, bytes.len() as u64);
    let out = Command::new("sha256sum")
        .arg("-c")
        .arg(format!("{zip_naam}.sha256"))
        .current_dir(&kast)
        .output()
        .expect("run sha256sum");
    assert!(
        out.status.success(),
        "sha256sum -c: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{zip_naam}: OK\n")
    );

    // progress in every step, also while zipping, piece by piece
    let alles = alles.lock().unwrap().clone();
    let mut fasen: Vec<Fase> = alles.iter().map(|v| v.fase).collect();
    fasen.dedup();
    assert_eq!(
        fasen,
        [
            Fase::Schrijven,
            Fase::Controleren,
            Fase::Inpakken,
            Fase::ZipControleren
        ]
    );
    let inpakken: Vec<&Voortgang> = alles.iter().filter(|v| v.fase == Fase::Inpakken).collect();
    for w in inpakken.windows(2) {
        assert!(w[1].bytes >= w[0].bytes && w[1].bestanden >= w[0].bestanden);
        assert_eq!(w[1].bytes_totaal, w[0].bytes_totaal, "the total is known");
    }
    let (eerste, laatste) = (inpakken[0], inpakken[inpakken.len() - 1]);
    assert_eq!((eerste.bestanden, eerste.bytes), (0, 0));
    assert!(
        inpakken.len() as u64 > laatste.bestanden,
        "reported per file and per piece"
    );
    // every payload file plus the seven tag files
    assert_eq!(laatste.bestanden, a.bestanden + 7);
    assert_eq!(laatste.bestanden, laatste.bestanden_totaal);
    assert_eq!(laatste.bytes, laatste.bytes_totaal);
    assert!(laatste.bytes > a.bytes, "payload and tag bytes");
    let zc = alles.last().unwrap();
    assert_eq!(zc.fase, Fase::ZipControleren);
    assert_eq!((zc.bestanden, zc.bytes), (a.bestanden, a.bytes));

    // unpacked, it is the bag: bagit.py and xmllint accept it
    let uit = tmp.path().join("uitgepakt");
    unpack(&a.pad, &uit);
    assert_eq!(names(&uit), [bag_naam.as_str()], "one top folder");
    let bag = uit.join(&bag_naam);
    validate_externally(&bag);
    every_file_has_a_sidecar(&bag);
    let c = archive::verify(&a.pad).expect("the zip verifies");
    assert_eq!((c.bestanden, c.bytes), (a.bestanden, a.bytes));
    assert_eq!(archive::verify(&bag).unwrap(), c);

    // the documents are stored as they are: their bytes are in the zip verbatim
    let origineel: &[u8] = b"%PDF-1.4 advies: akkoord";
    let plek = find(&bytes, origineel).expect("stored, not compressed");

    // tampered 1: a byte of a document changed in place (the zip's CRC and the manifests)
    let los = tmp.path().join("los");
    std::fs::create_dir_all(&los).unwrap();
    let mut vals = bytes.clone();
    vals[plek + origineel.len() - 1] = b'D';
    std::fs::write(los.join(&zip_naam), &vals).unwrap();
    let e = archive::verify(&los.join(&zip_naam)).expect_err("tampering is found");
    assert!(matches!(e, ArchiefFout::Ongeldig { .. }), "{e}");
    assert!(e.to_string().contains("adviesrapport.pdf"), "{e}");

    // tampered 2: re-zipped with the document changed and a valid CRC (only the manifests
    // can tell); next to the original .sha256, which no longer matches either
    let herpakt = tmp.path().join("herpakt");
    std::fs::create_dir_all(&herpakt).unwrap();
    let script = "import sys, zipfile\n\
        src, dst = sys.argv[1], sys.argv[2]\n\
        with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, 'w') as zo:\n    \
            for info in zi.infolist():\n        \
                data = zi.read(info)\n        \
                if info.filename.endswith('adviesrapport.pdf'):\n            \
                    data = data.replace(b'akkoord', b'NIET akkoord')\n        \
                zo.writestr(info, data)\n";
    let st = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&a.pad)
        .arg(herpakt.join(&zip_naam))
        .status();
    match st {
        Ok(st) => {
            assert!(st.success(), "re-zipping with python3");
            let e = archive::verify(&herpakt.join(&zip_naam)).expect_err("found");
            let s = e.to_string();
            assert!(s.contains("adviesrapport.pdf: SHA-256 klopt niet"), "{s}");
            assert!(s.contains("Payload-Oxum"), "{s}");
            std::fs::copy(
                &z.sha256_bestand,
                herpakt.join(format!("{zip_naam}.sha256")),
            )
            .unwrap();
            let s = archive::verify(&herpakt.join(&zip_naam))
                .expect_err("found")
                .to_string();
            assert!(
                s.contains(&format!("{zip_naam}: SHA-256 klopt niet met")),
                "{s}"
            );
        }
        Err(e) => {
            assert!(!in_ci(), "python3 is needed: {e}");
            eprintln!("SKIPPING the re-zipped tampering check: no python3 ({e})");
        }
    }
    // the original is still good
    archive::verify(&a.pad).unwrap();
}

/// A tmpfs of `bytes` at `pad`, unmounted when dropped.
struct KleineSchijf {
    pad: PathBuf,
}

impl Drop for KleineSchijf {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.pad).status();
    }
}

/// A small filesystem to fill up: a tmpfs, which needs root (the tests run as root in CI).
/// `None`, with the reason printed, where that is not possible.
fn kleine_schijf(pad: &Path, bytes: u64) -> Option<KleineSchijf> {
    if !cfg!(target_os = "linux") {
        eprintln!("SKIPPING the full-disk test: it mounts a tmpfs, which is Linux only");
        return None;
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if uid != "0" {
        eprintln!(
            "SKIPPING the full-disk test: mounting a small tmpfs needs root (uid {uid}); \
             CI runs the tests as root"
        );
        return None;
    }
    std::fs::create_dir_all(pad).unwrap();
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o"])
        .arg(format!("size={bytes},mode=0755"))
        .arg("swf-test-vol")
        .arg(pad)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(KleineSchijf {
            pad: pad.to_path_buf(),
        }),
        other => {
            let reden = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
                Err(e) => e.to_string(),
            };
            assert!(!in_ci(), "root, CI, and no tmpfs: {reden}");
            eprintln!("SKIPPING the full-disk test: mount -t tmpfs failed: {reden}");
            None
        }
    }
}

/// What the mirror holds of a samenwerking: its rows and its cached documents' bytes.
async fn mirror_staat(mirror: &Mirror, id: &str) -> (SamenwerkingDetail, Vec<(String, String)>) {
    let detail = mirror.samenwerking(id).await.unwrap().unwrap();
    let mut docs = Vec::new();
    for d in &detail.documenten {
        let c = mirror
            .cached_document(d.document.document_id)
            .await
            .unwrap()
            .expect("cached");
        let bytes = std::fs::read(&c.path).unwrap();
        docs.push((c.sha256.clone(), hex::encode(Sha256::digest(&bytes))));
    }
    (detail, docs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_leaves_nothing_complete_says_so_and_keeps_the_mirror() {
    let tmp = tempfile::tempdir().unwrap();
    // declared after tmp: unmounted before the temp folder goes
    let Some(schijf) = kleine_schijf(&tmp.path().join("usb"), 6 * 1024 * 1024) else {
        return;
    };
    let srv = Server::start(&[]).await;
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Groot dossier".into(),
            verzoeknummer: None,
            partners: vec![],
        })
        .await
        .unwrap();
    // 4 MiB: the bag fits on the 6 MiB disk, the bag and its zip do not
    let groot: Vec<u8> = (0..4u32 * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let work = tmp.path().join("werk");
    std::fs::create_dir_all(&work).unwrap();
    for (naam, inhoud) in [
        ("bouwtekening.pdf", groot.clone()),
        ("brief.txt", b"klein".to_vec()),
    ] {
        std::fs::write(work.join(naam), &inhoud).unwrap();
        gem.document_toevoegen(
            &id,
            &work.join(naam),
            Vertrouwelijkheid::Rv,
            None,
            &no_progress(),
        )
        .await
        .unwrap();
    }
    // online once, so that every document is cached; the rest runs from the mirror
    let goed = archive::archiveer(
        gem.engine.mirror(),
        Some(&gem.engine),
        &opties(&id, &tmp.path().join("goed")),
        &stil(),
    )
    .await
    .expect("room enough elsewhere");
    assert_eq!(goed.documenten, 2);
    let mirror = gem.engine.mirror();
    let voor = mirror_staat(mirror, &id).await;

    let check = |e: &ArchiefFout, kast: &Path| {
        assert!(matches!(e, ArchiefFout::SchijfVol { .. }), "{e:?}");
        let s = e.to_string();
        assert!(s.starts_with("De schijf is vol: "), "{s}");
        assert!(s.contains("Maak ruimte vrij of kies een andere map"), "{s}");
        // nothing that looks complete, nor anything else: the failure path cleaned up
        let left = if kast.exists() { names(kast) } else { vec![] };
        assert!(left.is_empty(), "left behind: {left:?}");
        assert_eq!(archive::cleanup_stale(kast).unwrap(), 0);
    };

    // 1. full while writing the bag: a 4 MiB document on a disk with less room than that
    let vol = schijf.pad.join("vol");
    std::fs::create_dir_all(&vol).unwrap();
    let vuller = schijf.pad.join("vuller");
    std::fs::write(&vuller, vec![0u8; 3 * 1024 * 1024]).unwrap();
    let e = archive::archiveer(mirror, None, &opties(&id, &vol.join("kast")), &stil())
        .await
        .expect_err("the disk is full");
    check(&e, &vol.join("kast"));
    std::fs::remove_file(&vuller).unwrap();

    // 2. full while zipping: the bag fits, the zip next to it does not
    let kast = schijf.pad.join("kast");
    let mut o = opties(&id, &kast);
    o.zip = true;
    let fasen = Arc::new(std::sync::Mutex::new(Vec::<Fase>::new()));
    let f = fasen.clone();
    let melden = move |v: Voortgang| f.lock().unwrap().push(v.fase);
    let e = archive::archiveer(mirror, None, &o, &melden)
        .await
        .expect_err("the disk is full");
    check(&e, &kast);
    let fasen = fasen.lock().unwrap().clone();
    assert!(
        fasen.contains(&Fase::Controleren) && fasen.contains(&Fase::Inpakken),
        "it failed while zipping: {:?}",
        fasen.last()
    );
    assert!(!fasen.contains(&Fase::ZipControleren));

    // the whole disk is free again, and the mirror is as it was
    let mut rest = Vec::new();
    all_files(&schijf.pad, &mut rest);
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(mirror_staat(mirror, &id).await, voor);
    // a folder archive fits, and is good
    let a = archive::archiveer(mirror, None, &opties(&id, &kast), &stil())
        .await
        .expect("the bag alone fits");
    validate_externally(&a.pad);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zip_job_dropped_while_zipping_leaves_nothing() {
    let srv = Server::start(&[]).await;
    let tmp = tempfile::tempdir().unwrap();
    let gem = session_for(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let id = gem
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Afgebroken".into(),
            verzoeknummer: None,
            partners: vec![],
        })
        .await
        .unwrap();
    let doc = tmp.path().join("plan.pdf");
    std::fs::write(&doc, vec![7u8; 2 * 1024 * 1024]).unwrap();
    gem.document_toevoegen(&id, &doc, Vertrouwelijkheid::Rv, None, &no_progress())
        .await
        .unwrap();
    archive::archiveer(
        gem.engine.mirror(),
        Some(&gem.engine),
        &opties(&id, &tmp.path().join("goed")),
        &stil(),
    )
    .await
    .unwrap();
    let kast = tmp.path().join("kast");
    let mut o = opties(&id, &kast);
    o.zip = true;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Fase>();
    let melden = move |v: Voortgang| {
        let _ = tx.send(v.fase);
    };
    let mut job = Box::pin(archive::archiveer(gem.engine.mirror(), None, &o, &melden));
    loop {
        tokio::select! {
            r = job.as_mut() => panic!("finished before it was dropped: {r:?}"),
            Some(f) = rx.recv() => if f == Fase::Inpakken { break },
        }
    }
    let half = names(&kast);
    assert!(
        half.iter().any(|n| n.ends_with(".zip.onvolledig")),
        "zipping: {half:?}"
    );
    drop(job);
    assert_eq!(
        names(&kast),
        Vec::<String>::new(),
        "a dropped job leaves nothing"
    );
    // and the thread that was zipping does not bring anything back
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(names(&kast), Vec::<String>::new());
}
