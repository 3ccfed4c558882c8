//! A BagIt 1.0 bag (RFC 8493) written durably: every file is hashed (SHA-256 and SHA-512)
//! while it is written (documents on a blocking thread, in pieces), every file and folder is
//! fsynced once the bag is complete (many at once), and the bag is assembled in a temporary
//! folder next to the target whose name marks it as incomplete; it gets its final name only when complete and
//! verified, or, zipped, only its verified zip gets a final name. [`verify`] re-reads any bag
//! folder or zip against both payload manifests and the tag manifest; [`cleanup_stale`]
//! removes what an interrupted export left behind.
pub use super::controle::Controle;
use super::controle::{afgebroken, blokkerend, relatief_ok, sha256_van, sync_alles, Map, BUFFER};
use super::fout::{io, ArchiefFout, Resultaat};
use super::{zipbestand, Fase, Voortgang};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256, Sha512};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::AsyncWriteExt;

/// Temporary bag folders are `.swf-archief-<naam>.onvolledig`, held by a lock file
/// `.swf-archief-<naam>.onvolledig.lock` while their export runs; a zip is written as
/// `.swf-archief-<naam>.zip.onvolledig` under the same lock.
pub const TEMP_PREFIX: &str = ".swf-archief-";
pub const TEMP_SUFFIX: &str = ".onvolledig";
const LOCK_SUFFIX: &str = ".lock";

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
    /// Copied from a document (stored as it is in a zip), not generated.
    pub origineel: bool,
}

/// A finished, verified zip of a bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingepakt {
    /// `<map>/<naam>.zip`
    pub zip: PathBuf,
    /// `<map>/<naam>.zip.sha256`, in `sha256sum` format.
    pub sha256_bestand: PathBuf,
    pub sha256: String,
    pub grootte: u64,
}

fn temp_naam(naam: &str) -> String {
    format!("{TEMP_PREFIX}{naam}{TEMP_SUFFIX}")
}

fn lock_naam(naam: &str) -> String {
    format!("{}{LOCK_SUFFIX}", temp_naam(naam))
}

/// A bag being written in its temporary folder. Dropped before [`BagSchrijver::voltooi`]
/// succeeded, it removes the folder, a temporary zip and its lock file (a cancelled export
/// leaves nothing).
pub struct BagSchrijver {
    temp: PathBuf,
    doel: PathBuf,
    lock_pad: PathBuf,
    lock: Option<std::fs::File>,
    payload: Vec<Geschreven>,
    tags: Vec<Geschreven>,
    mappen: BTreeSet<PathBuf>,
    klaar: bool,
}

impl Drop for BagSchrijver {
    fn drop(&mut self) {
        if !self.klaar {
            // renamed first: a write still in flight on a blocking thread (a dropped export)
            // can then no longer land in the folder being removed; should the removal fail,
            // cleanup_stale finds the renamed folder
            let weg = PathBuf::from(format!("{}.weg{TEMP_SUFFIX}", self.temp.display()));
            match std::fs::rename(&self.temp, &weg) {
                Ok(()) => {
                    let _ = std::fs::remove_dir_all(&weg);
                }
                Err(_) => {
                    let _ = std::fs::remove_dir_all(&self.temp);
                }
            }
            if let (Some(map), Some(naam)) = (
                self.doel.parent(),
                self.doel.file_name().and_then(|n| n.to_str()),
            ) {
                let _ = std::fs::remove_file(map.join(temp_naam(&format!("{naam}.zip"))));
                let _ = std::fs::remove_file(map.join(temp_naam(&format!("{naam}.zip.sha256"))));
            }
            drop(self.lock.take());
            let _ = std::fs::remove_file(&self.lock_pad);
        }
    }
}

impl BagSchrijver {
    /// Start a bag that will be `<map>/<naam>` or `<map>/<naam>.zip` (with `-2`, `-3`...
    /// when either exists).
    pub fn begin(map: &Path, naam: &str) -> Resultaat<BagSchrijver> {
        std::fs::create_dir_all(map).map_err(io(map))?;
        // a name that is free, and not being written by another export either
        let bezet = |n: &str| {
            [
                n.to_owned(),
                format!("{n}.zip"),
                format!("{n}.zip.sha256"),
                temp_naam(n),
                lock_naam(n),
                temp_naam(&format!("{n}.zip")),
                temp_naam(&format!("{n}.zip.sha256")),
            ]
            .iter()
            .any(|x| map.join(x).exists())
        };
        let mut gekozen = naam.to_owned();
        let mut n = 1;
        while bezet(&gekozen) {
            n += 1;
            gekozen = format!("{naam}-{n}");
        }
        let doel = map.join(&gekozen);
        let temp = map.join(temp_naam(&gekozen));
        let lock_pad = map.join(lock_naam(&gekozen));
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
            tags: Vec::new(),
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
        let g = Geschreven {
            pad: rel.to_owned(),
            sha256: hex::encode(Sha256::digest(inhoud)),
            sha512: hex::encode(Sha512::digest(inhoud)),
            grootte: inhoud.len() as u64,
            kop: inhoud.iter().take(16).copied().collect(),
            origineel: false,
        };
        // fsynced with everything else before the bag is verified (`afronden`)
        let inhoud = inhoud.to_vec();
        tokio::task::spawn_blocking(move || {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&pad)
                .and_then(|mut f| f.write_all(&inhoud))
                .map_err(io(&pad))
        })
        .await
        .map_err(|e| ArchiefFout::Intern(format!("schrijven afgebroken: {e}")))??;
        Ok(g)
    }

    /// Copy `bron` into the payload in pieces on a blocking thread, hashing while streaming
    /// (never the whole file in memory). `voortgang(bytes)` after every piece.
    pub async fn kopieer(
        &mut self,
        rel: &str,
        bron: &Path,
        voortgang: &mut (dyn FnMut(u64) + Send),
    ) -> Resultaat<Geschreven> {
        let pad = self.pad_voor(rel)?;
        let (bron, rel) = (bron.to_path_buf(), rel.to_owned());
        let g = blokkerend(
            move |stop, melden| kopieer_blokkerend(&bron, &pad, rel, stop, melden),
            voortgang,
        )
        .await?;
        self.payload.push(g.clone());
        Ok(g)
    }

    /// Write the manifests, `bag-info.txt` (with `Payload-Oxum`), the extra tag files, then
    /// `bagit.txt` and the tag manifest; fsync every folder; and verify the whole bag by
    /// reading it back (progress as [`Fase::Controleren`]).
    async fn afronden(
        &mut self,
        bag_info: &[(&str, String)],
        extra_tags: &[(&str, Vec<u8>)],
        voortgang: &(dyn Fn(Voortgang) + Send + Sync),
    ) -> Resultaat<()> {
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
        tags.push(
            self.schrijf_los("tagmanifest-sha256.txt", tagmanifest.as_bytes())
                .await?,
        );
        self.tags = tags;

        // make every file and folder durable, then read everything back before it may look
        // complete
        let bestanden: Vec<PathBuf> = self
            .payload
            .iter()
            .chain(&self.tags)
            .map(|g| self.temp.join(&g.pad))
            .collect();
        let mappen: Vec<PathBuf> = self.mappen.iter().rev().cloned().collect();
        let temp = self.temp.clone();
        let controle = blokkerend(
            move |stop, melden| {
                sync_alles(&bestanden, &mappen)?;
                super::controle::controleer(&mut Map(temp), Fase::Controleren, stop, melden)
            },
            &mut |v| voortgang(v),
        )
        .await?;
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
        Ok(())
    }

    /// Finish the bag (see `afronden`) and only then give it its final name. Returns the final
    /// path.
    pub async fn voltooi(
        mut self,
        bag_info: &[(&str, String)],
        extra_tags: &[(&str, Vec<u8>)],
        voortgang: &(dyn Fn(Voortgang) + Send + Sync),
    ) -> Resultaat<PathBuf> {
        self.afronden(bag_info, extra_tags, voortgang).await?;
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

    /// Finish and verify the bag, then zip it with its top folder into a temporary file next
    /// to the target ([`Fase::Inpakken`]), verify the zip ([`Fase::ZipControleren`]) and hash
    /// it; only then does it become `<naam>.zip`, with `<naam>.zip.sha256` next to it. The
    /// bag folder is removed: the zip is the archive. Needs room for the bag twice meanwhile.
    pub async fn voltooi_zip(
        mut self,
        bag_info: &[(&str, String)],
        extra_tags: &[(&str, Vec<u8>)],
        tijd: DateTime<Utc>,
        voortgang: &(dyn Fn(Voortgang) + Send + Sync),
    ) -> Resultaat<Ingepakt> {
        self.afronden(bag_info, extra_tags, voortgang).await?;
        let map = self
            .doel
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let naam = self
            .doel
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| ArchiefFout::Intern("archief zonder naam".into()))?;
        let zip_naam = format!("{naam}.zip");
        let sha_naam = format!("{zip_naam}.sha256");
        let (zip, sha) = (map.join(&zip_naam), map.join(&sha_naam));
        let zip_temp = map.join(temp_naam(&zip_naam));
        let sha_temp = map.join(temp_naam(&sha_naam));
        for p in [&zip, &sha] {
            if p.exists() {
                return Err(ArchiefFout::Intern(format!(
                    "{} bestaat intussen al",
                    p.display()
                )));
            }
        }
        // tag files first (a reader sees what it holds at once), then the payload in order
        let mut tags: Vec<&Geschreven> = self.tags.iter().collect();
        tags.sort_by_key(|g| (g.pad != "bagit.txt", g.pad != "bag-info.txt", g.pad.clone()));
        let mut payload: Vec<&Geschreven> = self.payload.iter().collect();
        payload.sort_by(|a, b| a.pad.cmp(&b.pad));
        let items: Vec<zipbestand::Item> = tags
            .into_iter()
            .chain(payload)
            .map(|g| zipbestand::Item {
                rel: g.pad.clone(),
                grootte: g.grootte,
                opslaan: g.origineel,
            })
            .collect();
        // a failure, or a dropped future, removes the temporary zip and .sha256 with the bag
        // folder (Drop); the thread removes a zip it could not finish itself
        let (bag, z) = (self.temp.clone(), zip_temp.clone());
        let resultaat = blokkerend(
            move |stop, melden| {
                let mut weg = WegBijFout(Some(&z));
                zipbestand::schrijf(&bag, &naam, &items, &z, &tijd, stop, melden)?;
                let c = zipbestand::verify_zip(&z, stop, melden)?;
                let (sha256, grootte) = sha256_van(&z, stop)?;
                weg.0 = None;
                Ok((c, sha256, grootte))
            },
            &mut |v| voortgang(v),
        )
        .await;
        let (controle, sha256, grootte) = resultaat?;
        let verwacht: u64 = self.payload.iter().map(|g| g.grootte).sum();
        if controle.bestanden != self.payload.len() as u64 || controle.bytes != verwacht {
            return Err(ArchiefFout::Ongeldig {
                pad: zip_temp.clone(),
                problemen: vec![format!(
                    "in de zip {} bestanden / {} bytes, {} / {} geschreven",
                    controle.bestanden,
                    controle.bytes,
                    self.payload.len(),
                    verwacht
                )],
            });
        }
        let regel = zipbestand::sha256_regel(&sha256, &zip_naam);
        let mut f = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&sha_temp)
            .await
            .map_err(io(&sha_temp))?;
        f.write_all(regel.as_bytes()).await.map_err(io(&sha_temp))?;
        f.sync_all().await.map_err(io(&sha_temp))?;
        drop(f);
        // the zip first: from here on it is complete and verified, with or without its
        // .sha256 (a crash between the two renames leaves a good zip, and a temporary
        // .sha256 that cleanup_stale removes)
        std::fs::rename(&zip_temp, &zip).map_err(io(&zip))?;
        if let Err(e) = std::fs::rename(&sha_temp, &sha) {
            let _ = std::fs::remove_file(&zip);
            return Err(io(&sha)(e));
        }
        sync_map(&map)?;
        // the bag folder and the lock go (Drop), the zip is the archive
        drop(self);
        Ok(Ingepakt {
            zip,
            sha256_bestand: sha,
            sha256,
            grootte,
        })
    }
}

fn kopieer_blokkerend(
    bron: &Path,
    pad: &Path,
    rel: String,
    stop: &AtomicBool,
    voortgang: &mut dyn FnMut(u64),
) -> Resultaat<Geschreven> {
    let mut src = std::fs::File::open(bron).map_err(io(bron))?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(pad)
        .map_err(io(pad))?;
    let mut buf = vec![0u8; BUFFER];
    let (mut h256, mut h512) = (Sha256::new(), Sha512::new());
    let mut grootte = 0u64;
    let mut kop = Vec::new();
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(afgebroken());
        }
        let n = src.read(&mut buf).map_err(io(bron))?;
        if n == 0 {
            break;
        }
        let stuk = &buf[..n];
        if kop.len() < 16 {
            kop.extend(stuk.iter().take(16 - kop.len()));
        }
        h256.update(stuk);
        h512.update(stuk);
        dst.write_all(stuk).map_err(io(pad))?;
        grootte += n as u64;
        voortgang(n as u64);
    }
    // fsynced with everything else before the bag is verified (`afronden`)
    Ok(Geschreven {
        pad: rel,
        sha256: hex::encode(h256.finalize()),
        sha512: hex::encode(h512.finalize()),
        grootte,
        kop,
        origineel: true,
    })
}

/// Removes a file when dropped, unless emptied.
struct WegBijFout<'a>(Option<&'a Path>);

impl Drop for WegBijFout<'_> {
    fn drop(&mut self) {
        if let Some(p) = self.0 {
            let _ = std::fs::remove_file(p);
        }
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

/// Check a bag folder, or a zipped bag (a file), against both payload manifests, `Payload-Oxum`
/// and the tag manifest. For a zip with a `<zip>.sha256` next to it, the zip's own hash is
/// checked too. Blocking: run it off the async workers.
pub fn verify(pad: &Path) -> Resultaat<Controle> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    if !pad.is_file() {
        return super::controle::controleer(
            &mut Map(pad.to_path_buf()),
            Fase::Controleren,
            &stop,
            &mut |_| {},
        );
    }
    let mut problemen = Vec::new();
    let naam = pad.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let sha = PathBuf::from(format!("{}.sha256", pad.display()));
    if let Ok(tekst) = std::fs::read_to_string(&sha) {
        let (werkelijk, _) = sha256_van(pad, &stop)?;
        match zipbestand::sha256_uit(&tekst, naam) {
            Some(h) if h == werkelijk => {}
            Some(_) => problemen.push(format!("{naam}: SHA-256 klopt niet met {naam}.sha256")),
            None => problemen.push(format!("{naam}.sha256 noemt {naam} niet")),
        }
    }
    match zipbestand::verify_zip(pad, &stop, &mut |_| {}) {
        Ok(c) if problemen.is_empty() => Ok(c),
        Ok(_) => Err(ArchiefFout::Ongeldig {
            pad: pad.to_path_buf(),
            problemen,
        }),
        Err(ArchiefFout::Ongeldig { problemen: p, .. }) => {
            problemen.extend(p);
            problemen.truncate(20);
            Err(ArchiefFout::Ongeldig {
                pad: pad.to_path_buf(),
                problemen,
            })
        }
        Err(e) => Err(e),
    }
}

/// Remove what interrupted exports left in `map` (a crash, a kill or a power cut): temporary
/// bag folders and zip files that no running export holds, and their lock files. Returns how
/// many folders and files were removed (lock files not counted). Run it at start-up.
pub fn cleanup_stale(map: &Path) -> Resultaat<usize> {
    let items = match std::fs::read_dir(map) {
        Ok(i) => i,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(map)(e)),
    };
    let mut namen = Vec::new();
    for e in items {
        let e = e.map_err(io(map))?;
        if let Some(n) = e.file_name().to_str() {
            if n.starts_with(TEMP_PREFIX) {
                namen.push(n.to_owned());
            }
        }
    }
    /// The lock of a running export, or `Err(())` when one holds it.
    fn vrij(lock_pad: &Path) -> Resultaat<std::result::Result<Option<std::fs::File>, ()>> {
        match std::fs::OpenOptions::new().write(true).open(lock_pad) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Ok(Ok(Some(f))),
                Err(std::fs::TryLockError::WouldBlock) => Ok(Err(())),
                Err(std::fs::TryLockError::Error(e)) => Err(io(lock_pad)(e)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ok(None)),
            Err(e) => Err(io(lock_pad)(e)),
        }
    }
    let mut weg = 0;
    for naam in &namen {
        let Some(rest) = naam
            .strip_prefix(TEMP_PREFIX)
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        // `<bag>`, `<bag>.zip` and `<bag>.zip.sha256` are all held by the lock of `<bag>`
        let bag = rest
            .strip_suffix(".zip.sha256")
            .or_else(|| rest.strip_suffix(".zip"))
            .unwrap_or(rest);
        let mut locks = Vec::new();
        let mut bezig = false;
        let mut lock_namen = vec![lock_naam(rest), lock_naam(bag)];
        lock_namen.dedup(); // a second open of a lock this process holds would block
        for l in lock_namen {
            match vrij(&map.join(l))? {
                Ok(f) => locks.push(f),
                Err(()) => bezig = true,
            }
        }
        if bezig {
            continue; // an export is running
        }
        let pad = map.join(naam);
        let r = if pad.is_dir() {
            std::fs::remove_dir_all(&pad)
        } else {
            std::fs::remove_file(&pad)
        };
        match r {
            Ok(()) => weg += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&pad)(e)),
        }
        drop(locks);
    }
    for naam in &namen {
        let Some(rest) = naam
            .strip_prefix(TEMP_PREFIX)
            .and_then(|n| n.strip_suffix(LOCK_SUFFIX))
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let lock_pad = map.join(naam);
        let Ok(lock) = vrij(&lock_pad)? else {
            continue;
        };
        let nog = [
            temp_naam(rest),
            temp_naam(&format!("{rest}.zip")),
            temp_naam(&format!("{rest}.zip.sha256")),
        ]
        .iter()
        .any(|t| map.join(t).exists());
        if nog {
            continue;
        }
        drop(lock);
        match std::fs::remove_file(&lock_pad) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&lock_pad)(e)),
        }
    }
    if weg > 0 {
        tracing::info!(map = %map.display(), removed = weg, "removed incomplete archive files");
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
            .voltooi(&[("Source-Organization", "X\nY".into())], &[], &|_| {})
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
        let pad = a.voltooi(&[], &[], &|_| {}).await.unwrap();
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
        let pad = a.voltooi(&[], &[], &|_| {}).await.unwrap();
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
