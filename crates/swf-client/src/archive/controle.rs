//! Verification of a bag, wherever its files are read from: a folder ([`Map`]) or a zip
//! (`zipbestand::ZipBron`). Every payload file is read once and checked against both payload
//! manifests, `Payload-Oxum` and the tag manifest; nothing listed may be missing and nothing
//! unlisted may be present.
use super::fout::{io, ArchiefFout, Resultaat};
use super::{Fase, Voortgang};
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Read and write pieces of this size (never a whole file in memory).
pub(crate) const BUFFER: usize = 256 * 1024;
/// A tag file larger than this is not read (a hostile zip could claim anything).
pub(crate) const MAX_TAG: u64 = 64 * 1024 * 1024;

/// What [`verify`](super::verify) read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controle {
    /// Payload files.
    pub bestanden: u64,
    /// Payload bytes.
    pub bytes: u64,
}

/// A path inside a bag: relative, `/`-separated, only normal components.
pub(crate) fn relatief_ok(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains(['\\', '\0'])
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// The error for an export or check that was stopped because its job was dropped.
pub(crate) fn afgebroken() -> ArchiefFout {
    ArchiefFout::Intern("afgebroken".into())
}

/// Where the files of a bag are read from.
pub(crate) trait Bron {
    /// The folder or zip, for messages.
    fn pad(&self) -> &Path;
    /// A tag file's text; `None` when it is not there.
    fn tekst(&mut self, rel: &str) -> Resultaat<Option<String>>;
    /// Every file under `data/` with its size, sorted; problems with what is found (a link, a
    /// name that is not UTF-8) go to `problemen`.
    fn payload(&mut self, problemen: &mut Vec<String>) -> Resultaat<Vec<(String, u64)>>;
    /// Stream one file through `f`; `None` when it is not there. A file that cannot be read
    /// because the bag itself is damaged is `ArchiefFout::Ongeldig`.
    fn lees(
        &mut self,
        rel: &str,
        f: &mut dyn FnMut(&[u8]) -> Resultaat<()>,
    ) -> Resultaat<Option<u64>>;
}

/// A bag in a folder.
pub(crate) struct Map(pub PathBuf);

fn alle_bestanden(
    map: &Path,
    rel: &str,
    uit: &mut Vec<(String, u64)>,
    problemen: &mut Vec<String>,
) -> Resultaat<()> {
    let mut items: Vec<_> = std::fs::read_dir(map)
        .map_err(io(map))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io(map))?;
    items.sort_by_key(|e| e.file_name());
    for e in items {
        let naam = e.file_name();
        let Some(naam) = naam.to_str() else {
            problemen.push(format!("{rel}: een naam die geen UTF-8 is"));
            continue;
        };
        let r = format!("{rel}/{naam}");
        let soort = e.file_type().map_err(io(&e.path()))?;
        if soort.is_dir() {
            alle_bestanden(&e.path(), &r, uit, problemen)?;
        } else if soort.is_file() {
            let n = e.metadata().map_err(io(&e.path()))?.len();
            uit.push((r, n));
        } else {
            problemen.push(format!("{r}: geen gewoon bestand (koppeling?)"));
        }
    }
    Ok(())
}

impl Bron for Map {
    fn pad(&self) -> &Path {
        &self.0
    }

    fn tekst(&mut self, rel: &str) -> Resultaat<Option<String>> {
        let pad = self.0.join(rel);
        let f = match std::fs::File::open(&pad) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&pad)(e)),
        };
        let mut s = String::new();
        f.take(MAX_TAG)
            .read_to_string(&mut s)
            .map_err(|e| ArchiefFout::GeenArchief(self.0.clone(), format!("{rel}: {e}")))?;
        Ok(Some(s))
    }

    fn payload(&mut self, problemen: &mut Vec<String>) -> Resultaat<Vec<(String, u64)>> {
        let data = self.0.join("data");
        if !data.is_dir() {
            return Err(ArchiefFout::GeenArchief(
                self.0.clone(),
                "geen map data/".into(),
            ));
        }
        let mut uit = Vec::new();
        alle_bestanden(&data, "data", &mut uit, problemen)?;
        Ok(uit)
    }

    fn lees(
        &mut self,
        rel: &str,
        f: &mut dyn FnMut(&[u8]) -> Resultaat<()>,
    ) -> Resultaat<Option<u64>> {
        let pad = self.0.join(rel);
        let mut bestand = match std::fs::File::open(&pad) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&pad)(e)),
        };
        let mut buf = vec![0u8; BUFFER];
        let mut totaal = 0u64;
        loop {
            let n = bestand.read(&mut buf).map_err(io(&pad))?;
            if n == 0 {
                return Ok(Some(totaal));
            }
            f(&buf[..n])?;
            totaal += n as u64;
        }
    }
}

fn lees_manifest(
    bron: &mut dyn Bron,
    naam: &str,
    lengte: usize,
) -> Resultaat<BTreeMap<String, String>> {
    let Some(tekst) = bron.tekst(naam)? else {
        return Err(ArchiefFout::GeenArchief(
            bron.pad().to_path_buf(),
            format!("{naam} ontbreekt"),
        ));
    };
    let mut m = BTreeMap::new();
    for (i, regel) in tekst.lines().enumerate() {
        if regel.trim().is_empty() {
            continue;
        }
        let Some((hash, rel)) = regel.split_once(char::is_whitespace) else {
            return Err(ArchiefFout::GeenArchief(
                bron.pad().to_path_buf(),
                format!("{naam} regel {}: geen hash en pad", i + 1),
            ));
        };
        let rel = rel
            .trim_start()
            .replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%25", "%");
        if hash.len() != lengte
            || !hash.chars().all(|c| c.is_ascii_hexdigit())
            || !relatief_ok(&rel)
        {
            return Err(ArchiefFout::GeenArchief(
                bron.pad().to_path_buf(),
                format!("{naam} regel {}: ongeldige regel", i + 1),
            ));
        }
        m.insert(rel, hash.to_ascii_lowercase());
    }
    Ok(m)
}

/// SHA-256, SHA-512 and size of one file, `None` when it is not there.
fn hash(
    bron: &mut dyn Bron,
    rel: &str,
    stop: &AtomicBool,
    per_stuk: &mut dyn FnMut(u64),
) -> Resultaat<Option<(String, String, u64)>> {
    let (mut h256, mut h512) = (Sha256::new(), Sha512::new());
    let mut f = |stuk: &[u8]| {
        if stop.load(Ordering::Relaxed) {
            return Err(afgebroken());
        }
        h256.update(stuk);
        h512.update(stuk);
        per_stuk(stuk.len() as u64);
        Ok(())
    };
    let Some(n) = bron.lees(rel, &mut f)? else {
        return Ok(None);
    };
    Ok(Some((
        hex::encode(h256.finalize()),
        hex::encode(h512.finalize()),
        n,
    )))
}

/// Check a bag: `bagit.txt`, every payload file listed in both payload manifests (and nothing
/// listed that is not there), every digest, `Payload-Oxum`, and every file in the tag manifest.
/// Reads each file once, reporting progress as `fase`. Blocking: run it off the async workers.
pub(crate) fn controleer(
    bron: &mut dyn Bron,
    fase: Fase,
    stop: &AtomicBool,
    melden: &mut dyn FnMut(Voortgang),
) -> Resultaat<Controle> {
    let pad = bron.pad().to_path_buf();
    let bagit = bron
        .tekst("bagit.txt")
        .map_err(|e| ArchiefFout::GeenArchief(pad.clone(), format!("bagit.txt: {e}")))?
        .ok_or_else(|| ArchiefFout::GeenArchief(pad.clone(), "bagit.txt ontbreekt".into()))?;
    if !bagit.lines().any(|l| l.trim() == "BagIt-Version: 1.0") {
        return Err(ArchiefFout::GeenArchief(
            pad,
            "bagit.txt noemt geen BagIt-Version 1.0".into(),
        ));
    }
    let m256 = lees_manifest(bron, "manifest-sha256.txt", 64)?;
    let m512 = lees_manifest(bron, "manifest-sha512.txt", 128)?;
    let mut problemen = Vec::new();
    let bestanden = bron.payload(&mut problemen)?;
    let aanwezig: BTreeSet<&String> = bestanden.iter().map(|(r, _)| r).collect();
    for (naam, m) in [
        ("manifest-sha256.txt", &m256),
        ("manifest-sha512.txt", &m512),
    ] {
        for rel in m.keys() {
            if !aanwezig.contains(rel) {
                problemen.push(format!("{rel} staat in {naam} maar ontbreekt"));
            }
        }
    }
    let mut v = Voortgang {
        fase,
        bestanden: 0,
        bestanden_totaal: bestanden.len() as u64,
        bytes: 0,
        bytes_totaal: bestanden.iter().map(|(_, n)| n).sum(),
    };
    melden(v);
    let mut bytes = 0u64;
    for (rel, _) in &bestanden {
        let (a, b) = (m256.get(rel), m512.get(rel));
        if a.is_none() || b.is_none() {
            problemen.push(format!("{rel} staat niet in beide manifesten"));
        }
        let mut per_stuk = |n: u64| {
            v.bytes += n;
            melden(v);
        };
        match hash(bron, rel, stop, &mut per_stuk) {
            Ok(Some((h256, h512, n))) => {
                bytes += n;
                if a.is_some_and(|a| *a != h256) {
                    problemen.push(format!("{rel}: SHA-256 klopt niet"));
                }
                if b.is_some_and(|b| *b != h512) {
                    problemen.push(format!("{rel}: SHA-512 klopt niet"));
                }
            }
            Ok(None) => problemen.push(format!("{rel} verdween tijdens de controle")),
            Err(ArchiefFout::Ongeldig { problemen: p, .. }) => problemen.extend(p),
            Err(e) => return Err(e),
        }
        v.bestanden += 1;
        melden(v);
    }
    if let Some(info) = bron.tekst("bag-info.txt")? {
        if let Some(oxum) = info
            .lines()
            .find_map(|l| l.strip_prefix("Payload-Oxum:"))
            .map(str::trim)
        {
            let verwacht = format!("{bytes}.{}", bestanden.len());
            if oxum != verwacht {
                problemen.push(format!("Payload-Oxum {oxum}, gevonden {verwacht}"));
            }
        }
    }
    if bron.tekst("tagmanifest-sha256.txt")?.is_some() {
        for (rel, verwacht) in lees_manifest(bron, "tagmanifest-sha256.txt", 64)? {
            match hash(bron, &rel, stop, &mut |_| {}) {
                Ok(Some((h, _, _))) if h == verwacht => {}
                Ok(Some(_)) => problemen.push(format!("{rel}: SHA-256 klopt niet (tag manifest)")),
                Ok(None) => problemen.push(format!(
                    "{rel} staat in tagmanifest-sha256.txt maar ontbreekt"
                )),
                Err(ArchiefFout::Ongeldig { problemen: p, .. }) => problemen.extend(p),
                Err(e) => return Err(e),
            }
        }
    }
    if !problemen.is_empty() {
        problemen.truncate(20);
        return Err(ArchiefFout::Ongeldig { pad, problemen });
    }
    Ok(Controle {
        bestanden: bestanden.len() as u64,
        bytes,
    })
}

/// SHA-256 of a whole file (a zip), streamed.
pub(crate) fn sha256_van(pad: &Path, stop: &AtomicBool) -> Resultaat<(String, u64)> {
    let mut f = std::fs::File::open(pad).map_err(io(pad))?;
    let mut buf = vec![0u8; BUFFER];
    let mut h = Sha256::new();
    let mut totaal = 0u64;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(afgebroken());
        }
        let n = f.read(&mut buf).map_err(io(pad))?;
        if n == 0 {
            return Ok((hex::encode(h.finalize()), totaal));
        }
        h.update(&buf[..n]);
        totaal += n as u64;
    }
}

/// Run blocking work (reading or writing a gigabyte) on a blocking thread, passing its progress
/// to `melden` on this task. When the returned future is dropped, `stop` is set and the work
/// ends at its next piece.
pub(crate) async fn blokkerend<T: Send + 'static, M: Send + 'static>(
    werk: impl FnOnce(&AtomicBool, &mut dyn FnMut(M)) -> Resultaat<T> + Send + 'static,
    melden: &mut (dyn FnMut(M) + Send),
) -> Resultaat<T> {
    struct Stop(std::sync::Arc<AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let stop = Stop(std::sync::Arc::new(AtomicBool::new(false)));
    let s = stop.0.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let taak = tokio::task::spawn_blocking(move || {
        let mut m = |v: M| {
            let _ = tx.send(v);
        };
        werk(&s, &mut m)
    });
    while let Some(v) = rx.recv().await {
        melden(v);
    }
    let uit = taak
        .await
        .map_err(|e| ArchiefFout::Intern(format!("taak afgebroken: {e}")))?;
    drop(stop);
    uit
}

/// fsync files and folders, several at once: a journaling filesystem commits concurrent
/// fsyncs together, so a bag of thousands of small files is durable in a fraction of the time
/// one by one would take. Folders are synced after the files in them. Blocking.
pub(crate) fn sync_alles(bestanden: &[PathBuf], mappen: &[PathBuf]) -> Resultaat<()> {
    const TEGELIJK: usize = 16;
    fn groep(paden: &[PathBuf], map: bool) -> Resultaat<()> {
        let volgende = std::sync::atomic::AtomicUsize::new(0);
        let fout: std::sync::Mutex<Option<ArchiefFout>> = std::sync::Mutex::new(None);
        std::thread::scope(|s| {
            for _ in 0..TEGELIJK.min(paden.len()) {
                s.spawn(|| loop {
                    let i = volgende.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = paden.get(i) else { break };
                    if let Err(e) = sync_een(p, map) {
                        if let Ok(mut f) = fout.lock() {
                            f.get_or_insert(e);
                        }
                        break;
                    }
                });
            }
        });
        match fout.into_inner() {
            Ok(Some(e)) => Err(e),
            _ => Ok(()),
        }
    }
    groep(bestanden, false)?;
    groep(mappen, true)
}

fn sync_een(pad: &Path, map: bool) -> Resultaat<()> {
    if map && cfg!(not(unix)) {
        return Ok(()); // a folder cannot be opened for fsync on Windows, nor needs it
    }
    std::fs::File::open(pad)
        .and_then(|f| f.sync_all())
        .map_err(io(pad))
}
