//! A BagIt 1.0 bag (RFC 8493) written durably: every file is hashed (SHA-256 and SHA-512)
//! while it is written, fsynced, and the bag is assembled in a temporary folder next to the
//! target whose name marks it as incomplete; it gets its final name only when complete and
//! verified. [`verify`] re-reads any bag folder against both payload manifests and the tag
//! manifest; [`cleanup_stale`] removes what an interrupted export left behind.
use super::fout::{io, ArchiefFout, Resultaat};
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Temporary bag folders are `.swf-archief-<naam>.onvolledig`, held by a lock file
/// `.swf-archief-<naam>.onvolledig.lock` while their export runs.
pub const TEMP_PREFIX: &str = ".swf-archief-";
pub const TEMP_SUFFIX: &str = ".onvolledig";
const LOCK_SUFFIX: &str = ".lock";
const BUFFER: usize = 256 * 1024;

/// One payload or tag file as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Geschreven {
    /// Relative to the bag root, `/`-separated.
    pub pad: String,
    pub sha256: String,
    pub sha512: String,
    pub grootte: u64,
    /// The first bytes (for the format), at most 16.
    pub kop: Vec<u8>,
}

/// A bag being written in its temporary folder. Dropped before [`BagSchrijver::voltooi`]
/// succeeded, it removes the folder and its lock file (a cancelled export leaves nothing).
pub struct BagSchrijver {
    temp: PathBuf,
    doel: PathBuf,
    lock_pad: PathBuf,
    lock: Option<std::fs::File>,
    payload: Vec<Geschreven>,
    mappen: BTreeSet<PathBuf>,
    klaar: bool,
}

impl Drop for BagSchrijver {
    fn drop(&mut self) {
        if !self.klaar {
            let _ = std::fs::remove_dir_all(&self.temp);
            drop(self.lock.take());
            let _ = std::fs::remove_file(&self.lock_pad);
        }
    }
}

fn relatief_ok(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

impl BagSchrijver {
    /// Start a bag that will be `<map>/<naam>` (with `-2`, `-3`... when that exists).
    pub fn begin(map: &Path, naam: &str) -> Resultaat<BagSchrijver> {
        std::fs::create_dir_all(map).map_err(io(map))?;
        // a name that is free, and not being written by another export either
        let temp_voor = |n: &str| format!("{TEMP_PREFIX}{n}{TEMP_SUFFIX}");
        let mut gekozen = naam.to_owned();
        let mut n = 1;
        while map.join(&gekozen).exists()
            || map.join(temp_voor(&gekozen)).exists()
            || map
                .join(format!("{}{LOCK_SUFFIX}", temp_voor(&gekozen)))
                .exists()
        {
            n += 1;
            gekozen = format!("{naam}-{n}");
        }
        let doel = map.join(&gekozen);
        let temp_naam = temp_voor(&gekozen);
        let temp = map.join(&temp_naam);
        let lock_pad = map.join(format!("{temp_naam}{LOCK_SUFFIX}"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_pad)
            .map_err(io(&lock_pad))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(ArchiefFout::Intern(format!(
                    "een ander archiveringsproces schrijft al naar {}",
                    temp.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_pad)(e)),
        }
        let mut b = BagSchrijver {
            temp: temp.clone(),
            doel,
            lock_pad,
            lock: Some(lock),
            payload: Vec::new(),
            mappen: BTreeSet::new(),
            klaar: false,
        };
        std::fs::create_dir(&temp).map_err(io(&temp))?;
        b.mappen.insert(temp.clone());
        Ok(b)
    }

    pub fn temp(&self) -> &Path {
        &self.temp
    }

    pub fn doel(&self) -> &Path {
        &self.doel
    }

    pub fn payload(&self) -> &[Geschreven] {
        &self.payload
    }

    fn pad_voor(&mut self, rel: &str) -> Resultaat<PathBuf> {
        if !relatief_ok(rel) {
            return Err(ArchiefFout::Intern(format!(
                "ongeldig pad in het archief: {rel:?}"
            )));
        }
        let pad = self.temp.join(rel);
        if let Some(ouder) = pad.parent() {
            if !self.mappen.contains(ouder) {
                std::fs::create_dir_all(ouder).map_err(io(ouder))?;
                let mut p = ouder.to_path_buf();
                while p.starts_with(&self.temp) && self.mappen.insert(p.clone()) {
                    if !p.pop() {
                        break;
                    }
                }
            }
        }
        Ok(pad)
    }

    /// Write a file from memory (generated files: sidecars, JSON, HTML).
    pub async fn schrijf(&mut self, rel: &str, inhoud: &[u8]) -> Resultaat<Geschreven> {
        let g = self.schrijf_los(rel, inhoud).await?;
        if rel.starts_with("data/") {
            self.payload.push(g.clone());
        }
        Ok(g)
    }

    async fn schrijf_los(&mut self, rel: &str, inhoud: &[u8]) -> Resultaat<Geschreven> {
        let pad = self.pad_voor(rel)?;
        let mut f = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&pad)
            .await
            .map_err(io(&pad))?;
        f.write_all(inhoud).await.map_err(io(&pad))?;
        f.sync_all().await.map_err(io(&pad))?;
        Ok(Geschreven {
            pad: rel.to_owned(),
            sha256: hex::encode(Sha256::digest(inhoud)),
            sha512: hex::encode(Sha512::digest(inhoud)),
            grootte: inhoud.len() as u64,
            kop: inhoud.iter().take(16).copied().collect(),
        })
    }

    /// Copy `bron` into the payload in pieces, hashing while streaming (never the whole file
    /// in memory). `voortgang(bytes)` after every piece.
    pub async fn kopieer(
        &mut self,
        rel: &str,
        bron: &Path,
        voortgang: &mut (dyn FnMut(u64) + Send),
    ) -> Resultaat<Geschreven> {
        let pad = self.pad_voor(rel)?;
        let mut src = tokio::fs::File::open(bron).await.map_err(io(bron))?;
        let mut dst = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&pad)
            .await
            .map_err(io(&pad))?;
        let mut buf = vec![0u8; BUFFER];
        let (mut h256, mut h512) = (Sha256::new(), Sha512::new());
        let mut grootte = 0u64;
        let mut kop = Vec::new();
        loop {
            let n = src.read(&mut buf).await.map_err(io(bron))?;
            if n == 0 {
                break;
            }
            let stuk = &buf[..n];
            if kop.len() < 16 {
                kop.extend(stuk.iter().take(16 - kop.len()));
            }
            h256.update(stuk);
            h512.update(stuk);
            dst.write_all(stuk).await.map_err(io(&pad))?;
            grootte += n as u64;
            voortgang(n as u64);
        }
        dst.sync_all().await.map_err(io(&pad))?;
        let g = Geschreven {
            pad: rel.to_owned(),
            sha256: hex::encode(h256.finalize()),
            sha512: hex::encode(h512.finalize()),
            grootte,
            kop,
        };
        self.payload.push(g.clone());
        Ok(g)
    }

    /// Write the manifests, `bag-info.txt` (with `Payload-Oxum`), the extra tag files, then
    /// `bagit.txt` and the tag manifest; fsync every folder; verify the whole bag by reading
    /// it back; and only then give it its final name. Returns the final path.
    pub async fn voltooi(
        mut self,
        bag_info: &[(&str, String)],
        extra_tags: &[(&str, Vec<u8>)],
    ) -> Resultaat<PathBuf> {
        let mut payload = self.payload.clone();
        payload.sort_by(|a, b| a.pad.cmp(&b.pad));
        let manifest = |f: fn(&Geschreven) -> &str| {
            payload
                .iter()
                .map(|g| format!("{}  {}\n", f(g), g.pad))
                .collect::<String>()
        };
        let mut tags = Vec::new();
        tags.push(
            self.schrijf_los("manifest-sha256.txt", manifest(|g| &g.sha256).as_bytes())
                .await?,
        );
        tags.push(
            self.schrijf_los("manifest-sha512.txt", manifest(|g| &g.sha512).as_bytes())
                .await?,
        );
        let octets: u64 = payload.iter().map(|g| g.grootte).sum();
        let mut info = String::new();
        for (label, waarde) in bag_info {
            info.push_str(&format!("{label}: {}\n", tag_waarde(waarde)));
        }
        info.push_str(&format!("Payload-Oxum: {octets}.{}\n", payload.len()));
        tags.push(self.schrijf_los("bag-info.txt", info.as_bytes()).await?);
        for (naam, inhoud) in extra_tags {
            tags.push(self.schrijf_los(naam, inhoud).await?);
        }
        tags.push(
            self.schrijf_los(
                "bagit.txt",
                b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            )
            .await?,
        );
        let tagmanifest: String = tags
            .iter()
            .map(|g| format!("{}  {}\n", g.sha256, g.pad))
            .collect();
        self.schrijf_los("tagmanifest-sha256.txt", tagmanifest.as_bytes())
            .await?;
        for map in self.mappen.iter().rev() {
            sync_map(map)?;
        }

        // read everything back before it may look complete
        let temp = self.temp.clone();
        let controle = tokio::task::spawn_blocking(move || verify(&temp))
            .await
            .map_err(|e| ArchiefFout::Intern(format!("controle afgebroken: {e}")))??;
        if controle.bestanden != payload.len() as u64 || controle.bytes != octets {
            return Err(ArchiefFout::Ongeldig {
                pad: self.temp.clone(),
                problemen: vec![format!(
                    "na het schrijven {} bestanden / {} bytes gelezen, {} / {} geschreven",
                    controle.bestanden,
                    controle.bytes,
                    payload.len(),
                    octets
                )],
            });
        }
        if self.doel.exists() {
            return Err(ArchiefFout::Intern(format!(
                "{} bestaat intussen al",
                self.doel.display()
            )));
        }
        std::fs::rename(&self.temp, &self.doel).map_err(io(&self.doel))?;
        self.klaar = true;
        if let Some(map) = self.doel.parent() {
            sync_map(map)?;
        }
        drop(self.lock.take());
        let _ = std::fs::remove_file(&self.lock_pad);
        Ok(self.doel.clone())
    }
}

/// A bag-info value on one line (labels are ours; values may come from the service).
fn tag_waarde(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// fsync a folder so the names in it are durable (not possible, nor needed, on Windows).
fn sync_map(map: &Path) -> Resultaat<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(map)
            .and_then(|f| f.sync_all())
            .map_err(io(map))?;
    }
    #[cfg(not(unix))]
    let _ = map;
    Ok(())
}

/// What [`verify`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Controle {
    /// Payload files.
    pub bestanden: u64,
    /// Payload bytes.
    pub bytes: u64,
}

fn lees_manifest(bag: &Path, naam: &str, lengte: usize) -> Resultaat<BTreeMap<String, String>> {
    let pad = bag.join(naam);
    let tekst = std::fs::read_to_string(&pad).map_err(io(&pad))?;
    let mut m = BTreeMap::new();
    for (i, regel) in tekst.lines().enumerate() {
        if regel.trim().is_empty() {
            continue;
        }
        let Some((hash, rel)) = regel.split_once(char::is_whitespace) else {
            return Err(ArchiefFout::GeenArchief(
                bag.to_path_buf(),
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
                bag.to_path_buf(),
                format!("{naam} regel {}: ongeldige regel", i + 1),
            ));
        }
        m.insert(rel, hash.to_ascii_lowercase());
    }
    Ok(m)
}

fn alle_bestanden(
    map: &Path,
    rel: &str,
    uit: &mut Vec<String>,
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
            uit.push(r);
        } else {
            problemen.push(format!("{r}: geen gewoon bestand (koppeling?)"));
        }
    }
    Ok(())
}

fn hash_bestand(pad: &Path) -> Resultaat<(String, String, u64)> {
    let mut f = std::fs::File::open(pad).map_err(io(pad))?;
    let mut buf = vec![0u8; BUFFER];
    let (mut h256, mut h512) = (Sha256::new(), Sha512::new());
    let mut n_tot = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io(pad))?;
        if n == 0 {
            break;
        }
        h256.update(&buf[..n]);
        h512.update(&buf[..n]);
        n_tot += n as u64;
    }
    Ok((
        hex::encode(h256.finalize()),
        hex::encode(h512.finalize()),
        n_tot,
    ))
}

/// Check a bag folder: `bagit.txt`, every payload file listed in both payload manifests (and
/// nothing listed that is not there), every digest, `Payload-Oxum`, and every file in the tag
/// manifest. Reads each file once. Blocking: run it off the async workers.
pub fn verify(bag: &Path) -> Resultaat<Controle> {
    let bagit = std::fs::read_to_string(bag.join("bagit.txt"))
        .map_err(|e| ArchiefFout::GeenArchief(bag.to_path_buf(), format!("bagit.txt: {e}")))?;
    if !bagit.lines().any(|l| l.trim() == "BagIt-Version: 1.0") {
        return Err(ArchiefFout::GeenArchief(
            bag.to_path_buf(),
            "bagit.txt noemt geen BagIt-Version 1.0".into(),
        ));
    }
    let m256 = lees_manifest(bag, "manifest-sha256.txt", 64)?;
    let m512 = lees_manifest(bag, "manifest-sha512.txt", 128)?;
    let mut problemen = Vec::new();
    let mut bestanden = Vec::new();
    let data = bag.join("data");
    if !data.is_dir() {
        return Err(ArchiefFout::GeenArchief(
            bag.to_path_buf(),
            "geen map data/".into(),
        ));
    }
    alle_bestanden(&data, "data", &mut bestanden, &mut problemen)?;
    let aanwezig: BTreeSet<&String> = bestanden.iter().collect();
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
    let mut bytes = 0u64;
    for rel in &bestanden {
        let (a, b) = (m256.get(rel), m512.get(rel));
        if a.is_none() || b.is_none() {
            problemen.push(format!("{rel} staat niet in beide manifesten"));
        }
        let (h256, h512, n) = hash_bestand(&bag.join(rel))?;
        bytes += n;
        if a.is_some_and(|a| *a != h256) {
            problemen.push(format!("{rel}: SHA-256 klopt niet"));
        }
        if b.is_some_and(|b| *b != h512) {
            problemen.push(format!("{rel}: SHA-512 klopt niet"));
        }
    }
    if let Ok(info) = std::fs::read_to_string(bag.join("bag-info.txt")) {
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
    if bag.join("tagmanifest-sha256.txt").exists() {
        for (rel, hash) in lees_manifest(bag, "tagmanifest-sha256.txt", 64)? {
            let pad = bag.join(&rel);
            match hash_bestand(&pad) {
                Ok((h, _, _)) if h == hash => {}
                Ok(_) => problemen.push(format!("{rel}: SHA-256 klopt niet (tag manifest)")),
                Err(_) => problemen.push(format!(
                    "{rel} staat in tagmanifest-sha256.txt maar ontbreekt"
                )),
            }
        }
    }
    if !problemen.is_empty() {
        problemen.truncate(20);
        return Err(ArchiefFout::Ongeldig {
            pad: bag.to_path_buf(),
            problemen,
        });
    }
    Ok(Controle {
        bestanden: bestanden.len() as u64,
        bytes,
    })
}

/// Remove temporary bag folders in `map` that no running export holds (left by a crash, a
/// kill or a power cut). Returns how many were removed. Run it at start-up.
pub fn cleanup_stale(map: &Path) -> Resultaat<usize> {
    let items = match std::fs::read_dir(map) {
        Ok(i) => i,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(map)(e)),
    };
    let mut weg = 0;
    for e in items {
        let e = e.map_err(io(map))?;
        let Some(naam) = e.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !naam.starts_with(TEMP_PREFIX) {
            continue;
        }
        let (temp, lock_pad) = if let Some(t) = naam.strip_suffix(LOCK_SUFFIX) {
            if !t.ends_with(TEMP_SUFFIX) {
                continue;
            }
            (map.join(t), e.path())
        } else if naam.ends_with(TEMP_SUFFIX) {
            if map.join(format!("{naam}{LOCK_SUFFIX}")).exists() {
                continue; // handled with its lock file
            }
            (e.path(), map.join(format!("{naam}{LOCK_SUFFIX}")))
        } else {
            continue;
        };
        let lock = match std::fs::OpenOptions::new().write(true).open(&lock_pad) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Some(f),
                Err(std::fs::TryLockError::WouldBlock) => continue, // an export is running
                Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_pad)(e)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&lock_pad)(e)),
        };
        match std::fs::remove_dir_all(&temp) {
            Ok(()) => weg += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&temp)(e)),
        }
        drop(lock);
        match std::fs::remove_file(&lock_pad) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&lock_pad)(e)),
        }
    }
    if weg > 0 {
        tracing::info!(map = %map.display(), removed = weg, "removed incomplete archive folders");
    }
    Ok(weg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bag_is_written_verified_and_named_only_at_the_end() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = BagSchrijver::begin(tmp.path(), "bag").unwrap();
        a.schrijf("data/x/a.txt", b"hallo").await.unwrap();
        // a second export of the same name meanwhile gets its own name and folder
        let b = BagSchrijver::begin(tmp.path(), "bag").unwrap();
        assert_eq!(b.doel(), tmp.path().join("bag-2"));
        assert!(
            !tmp.path().join("bag").exists(),
            "nothing final before it is complete"
        );
        // a running export is not stale
        assert_eq!(cleanup_stale(tmp.path()).unwrap(), 0);
        drop(b);
        assert!(!tmp.path().join(".swf-archief-bag-2.onvolledig").exists());
        let pad = a
            .voltooi(&[("Source-Organization", "X\nY".into())], &[])
            .await
            .unwrap();
        assert_eq!(pad, tmp.path().join("bag"));
        let c = verify(&pad).unwrap();
        assert_eq!((c.bestanden, c.bytes), (1, 5));
        let info = std::fs::read_to_string(pad.join("bag-info.txt")).unwrap();
        assert!(
            info.contains("Source-Organization: X Y\n"),
            "one line: {info}"
        );
        assert!(info.contains("Payload-Oxum: 5.1\n"));
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["bag"], "no temporary folder or lock file left");
    }

    #[tokio::test]
    async fn verify_finds_extra_missing_and_changed_files() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = BagSchrijver::begin(tmp.path(), "bag").unwrap();
        a.schrijf("data/a.txt", b"a").await.unwrap();
        a.schrijf("data/b.txt", b"b").await.unwrap();
        let pad = a.voltooi(&[], &[]).await.unwrap();
        std::fs::write(pad.join("data/a.txt"), b"A").unwrap();
        std::fs::remove_file(pad.join("data/b.txt")).unwrap();
        std::fs::write(pad.join("data/c.txt"), b"c").unwrap();
        let e = verify(&pad).unwrap_err().to_string();
        assert!(e.contains("data/a.txt: SHA-256 klopt niet"), "{e}");
        assert!(
            e.contains("data/b.txt staat in manifest-sha256.txt maar ontbreekt"),
            "{e}"
        );
        assert!(
            e.contains("data/c.txt staat niet in beide manifesten"),
            "{e}"
        );
        assert!(matches!(
            verify(tmp.path()),
            Err(ArchiefFout::GeenArchief(..))
        ));
    }

    #[tokio::test]
    async fn manifest_paths_cannot_point_outside_the_bag() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = BagSchrijver::begin(tmp.path(), "bag").unwrap();
        assert!(a.schrijf("../uit.txt", b"x").await.is_err());
        assert!(a.schrijf("/etc/uit.txt", b"x").await.is_err());
        a.schrijf("data/a.txt", b"a").await.unwrap();
        let pad = a.voltooi(&[], &[]).await.unwrap();
        let m = pad.join("manifest-sha256.txt");
        let tekst = std::fs::read_to_string(&m).unwrap();
        std::fs::write(
            &m,
            format!("{tekst}{}  data/../../geheim\n", "0".repeat(64)),
        )
        .unwrap();
        assert!(matches!(verify(&pad), Err(ArchiefFout::GeenArchief(..))));
    }
}
