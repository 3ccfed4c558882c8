//! A finished bag as one `.zip` with its top folder, and the check of such a zip.
//!
//! The original documents are stored as they are (method 0, "stored"): they are byte for byte
//! what the service holds, mostly PDF, images and Office files that are compressed already,
//! and deflating a gigabyte would cost more time than it saves space. The generated files
//! (MDTO sidecars, JSON, HTML, tag files) are deflated: they are text and shrink to a fraction.
//! Files are streamed from disk in pieces; entries over 4 GiB get ZIP64 fields.
use super::controle::{afgebroken, controleer, relatief_ok, Bron, Controle, BUFFER, MAX_TAG};
use super::fout::{io, ArchiefFout, Resultaat};
use super::{Fase, Voortgang};
use chrono::{DateTime, Datelike, Timelike, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// One file of the bag to put in the zip.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Relative to the bag root, `/`-separated.
    pub rel: String,
    pub grootte: u64,
    /// Store without compression (the original documents).
    pub opslaan: bool,
}

fn zip_fout(pad: &Path) -> impl FnOnce(zip::result::ZipError) -> ArchiefFout + '_ {
    move |e| match e {
        zip::result::ZipError::Io(e) => io(pad)(e),
        e => ArchiefFout::Intern(format!("zip {}: {e}", pad.display())),
    }
}

fn dos_tijd(t: &DateTime<Utc>) -> zip::DateTime {
    let deel = |v: u32| u8::try_from(v).unwrap_or(0);
    zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).unwrap_or(1980),
        deel(t.month()),
        deel(t.day()),
        deel(t.hour()),
        deel(t.minute()),
        deel(t.second()),
    )
    .unwrap_or_default()
}

/// Removes a file when dropped, unless kept.
struct Tijdelijk<'a> {
    pad: &'a Path,
    houden: bool,
}

impl Drop for Tijdelijk<'_> {
    fn drop(&mut self) {
        if !self.houden {
            let _ = std::fs::remove_file(self.pad);
        }
    }
}

/// Write the files of the bag in `bag` as `<top>/<rel>` into a new zip at `doel` (which must
/// not exist) and fsync it. On any failure, `doel` is removed. Blocking.
pub(crate) fn schrijf(
    bag: &Path,
    top: &str,
    items: &[Item],
    doel: &Path,
    tijd: &DateTime<Utc>,
    stop: &AtomicBool,
    melden: &mut dyn FnMut(Voortgang),
) -> Resultaat<()> {
    for i in items {
        if !relatief_ok(&i.rel) {
            return Err(ArchiefFout::Intern(format!(
                "ongeldig pad in het archief: {:?}",
                i.rel
            )));
        }
    }
    let bestand = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(doel)
        .map_err(io(doel))?;
    let mut weg = Tijdelijk {
        pad: doel,
        houden: false,
    };
    // on a failure, the zip writer finishes the archive when dropped (and says so on stderr
    // when that fails too); `weg` then removes the file
    let mut zw = ZipWriter::new(BufWriter::with_capacity(BUFFER, bestand));
    vul(&mut zw, bag, top, items, doel, tijd, stop, melden)?;
    let bestand = zw
        .finish()
        .map_err(zip_fout(doel))?
        .into_inner()
        .map_err(|e| io(doel)(e.into_error()))?;
    bestand.sync_all().map_err(io(doel))?;
    weg.houden = true;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn vul(
    zw: &mut ZipWriter<BufWriter<std::fs::File>>,
    bag: &Path,
    top: &str,
    items: &[Item],
    doel: &Path,
    tijd: &DateTime<Utc>,
    stop: &AtomicBool,
    melden: &mut dyn FnMut(Voortgang),
) -> Resultaat<()> {
    let basis = SimpleFileOptions::default()
        .last_modified_time(dos_tijd(tijd))
        .unix_permissions(0o644);
    let mut mappen = BTreeSet::new();
    for i in items {
        let mut p = i.rel.as_str();
        while let Some((ouder, _)) = p.rsplit_once('/') {
            mappen.insert(ouder.to_owned());
            p = ouder;
        }
    }
    let map_opties = basis.unix_permissions(0o755);
    zw.add_directory(format!("{top}/"), map_opties)
        .map_err(zip_fout(doel))?;
    for m in &mappen {
        zw.add_directory(format!("{top}/{m}/"), map_opties)
            .map_err(zip_fout(doel))?;
    }
    let mut v = Voortgang {
        fase: Fase::Inpakken,
        bestanden: 0,
        bestanden_totaal: items.len() as u64,
        bytes: 0,
        bytes_totaal: items.iter().map(|i| i.grootte).sum(),
    };
    melden(v);
    let mut buf = vec![0u8; BUFFER];
    for i in items {
        let bron = bag.join(&i.rel);
        let mut f = std::fs::File::open(&bron).map_err(io(&bron))?;
        let opties = basis
            .compression_method(if i.opslaan {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            })
            .large_file(i.grootte >= u64::from(u32::MAX));
        zw.start_file(format!("{top}/{}", i.rel), opties)
            .map_err(zip_fout(doel))?;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Err(afgebroken());
            }
            let n = f.read(&mut buf).map_err(io(&bron))?;
            if n == 0 {
                break;
            }
            zw.write_all(&buf[..n]).map_err(io(doel))?;
            v.bytes += n as u64;
            melden(v);
        }
        v.bestanden += 1;
        melden(v);
    }
    Ok(())
}

/// A bag inside a zip: every entry under one top folder.
pub(crate) struct ZipBron {
    pad: PathBuf,
    zip: ZipArchive<BufReader<std::fs::File>>,
    /// Files by their path relative to the bag root: index in the zip, size.
    bestanden: BTreeMap<String, (usize, u64)>,
    heeft_data: bool,
}

impl ZipBron {
    /// Open a zip and check its names: one top folder, nothing that could land outside it on
    /// unpacking, no links, no encryption, no name twice.
    pub(crate) fn open(pad: &Path) -> Resultaat<ZipBron> {
        let f = std::fs::File::open(pad).map_err(io(pad))?;
        let mut zip = ZipArchive::new(BufReader::with_capacity(BUFFER, f)).map_err(|e| {
            ArchiefFout::GeenArchief(pad.to_path_buf(), format!("geen leesbare zip: {e}"))
        })?;
        let geen = |reden: String| ArchiefFout::GeenArchief(pad.to_path_buf(), reden);
        let mut top: Option<String> = None;
        let mut bestanden = BTreeMap::new();
        let mut heeft_data = false;
        for i in 0..zip.len() {
            let e = zip
                .by_index_raw(i)
                .map_err(|e| geen(format!("onderdeel {i}: {e}")))?;
            let naam = e.name().to_owned();
            let (kop, rest) = naam.split_once('/').unwrap_or((naam.as_str(), ""));
            let pad_ok = relatief_ok(naam.trim_end_matches('/'));
            if !pad_ok || kop.is_empty() {
                return Err(geen(format!("onveilige naam in de zip: {naam:?}")));
            }
            if e.is_symlink() {
                return Err(geen(format!("{naam}: een koppeling")));
            }
            if e.encrypted() {
                return Err(geen(format!("{naam}: versleuteld")));
            }
            match &top {
                None => top = Some(kop.to_owned()),
                Some(t) if t == kop => {}
                Some(t) => {
                    return Err(geen(format!(
                        "meer dan één map bovenin de zip ({t} en {kop})"
                    )))
                }
            }
            if rest == "data" || rest.starts_with("data/") {
                heeft_data = true;
            }
            if e.is_dir() || rest.is_empty() {
                continue;
            }
            if bestanden.insert(rest.to_owned(), (i, e.size())).is_some() {
                return Err(geen(format!("{naam} staat twee keer in de zip")));
            }
        }
        if top.is_none() {
            return Err(geen("een lege zip".into()));
        }
        Ok(ZipBron {
            pad: pad.to_path_buf(),
            zip,
            bestanden,
            heeft_data,
        })
    }
}

impl Bron for ZipBron {
    fn pad(&self) -> &Path {
        &self.pad
    }

    fn tekst(&mut self, rel: &str) -> Resultaat<Option<String>> {
        let pad = self.pad.clone();
        let mut bytes = Vec::new();
        let n = self.lees(rel, &mut |stuk| {
            if (bytes.len() + stuk.len()) as u64 > MAX_TAG {
                return Err(ArchiefFout::GeenArchief(
                    pad.clone(),
                    format!("{rel} is te groot voor een tagbestand"),
                ));
            }
            bytes.extend_from_slice(stuk);
            Ok(())
        })?;
        if n.is_none() {
            return Ok(None);
        }
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ArchiefFout::GeenArchief(self.pad.clone(), format!("{rel} is geen UTF-8")))
    }

    fn payload(&mut self, _problemen: &mut Vec<String>) -> Resultaat<Vec<(String, u64)>> {
        if !self.heeft_data {
            return Err(ArchiefFout::GeenArchief(
                self.pad.clone(),
                "geen map data/".into(),
            ));
        }
        Ok(self
            .bestanden
            .iter()
            .filter(|(rel, _)| rel.starts_with("data/"))
            .map(|(rel, &(_, n))| (rel.clone(), n))
            .collect())
    }

    fn lees(
        &mut self,
        rel: &str,
        f: &mut dyn FnMut(&[u8]) -> Resultaat<()>,
    ) -> Resultaat<Option<u64>> {
        let Some(&(i, _)) = self.bestanden.get(rel) else {
            return Ok(None);
        };
        let pad = self.pad.clone();
        let ongeldig = |probleem: String| ArchiefFout::Ongeldig {
            pad: pad.clone(),
            problemen: vec![probleem],
        };
        let mut e = match self.zip.by_index(i) {
            Ok(e) => e,
            Err(zip::result::ZipError::Io(e)) => return Err(io(&pad)(e)),
            Err(e) => return Err(ongeldig(format!("{rel}: {e}"))),
        };
        let mut buf = vec![0u8; BUFFER];
        let mut totaal = 0u64;
        loop {
            let n = match e.read(&mut buf) {
                Ok(n) => n,
                Err(fout) if fout.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(ongeldig(format!("{rel}: beschadigd in de zip ({fout})")));
                }
                Err(fout) => return Err(io(&pad)(fout)),
            };
            if n == 0 {
                return Ok(Some(totaal));
            }
            f(&buf[..n])?;
            totaal += n as u64;
        }
    }
}

/// Check a zipped bag like a folder (see [`controleer`]). Blocking.
pub(crate) fn verify_zip(
    pad: &Path,
    stop: &AtomicBool,
    melden: &mut dyn FnMut(Voortgang),
) -> Resultaat<Controle> {
    let mut bron = ZipBron::open(pad)?;
    controleer(&mut bron, Fase::ZipControleren, stop, melden)
}

/// The `sha256sum` line for a zip: `<hex>  <file name>`.
pub(crate) fn sha256_regel(sha256: &str, naam: &str) -> String {
    format!("{sha256}  {naam}\n")
}

/// The hash in a `sha256sum` file for `naam`, if it names it.
pub(crate) fn sha256_uit(tekst: &str, naam: &str) -> Option<String> {
    tekst.lines().find_map(|l| {
        let (h, n) = l.split_once(char::is_whitespace)?;
        let n = n.trim_start().trim_start_matches('*');
        (n == naam && h.len() == 64).then(|| h.to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::super::bag::{cleanup_stale, verify, BagSchrijver};
    use super::*;
    use std::io::Write;

    fn namen(map: &Path) -> Vec<String> {
        let mut n: Vec<_> = std::fs::read_dir(map)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        n.sort();
        n
    }

    #[tokio::test]
    async fn a_zipped_bag_holds_its_top_folder_stores_originals_and_deflates_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let bron = tmp.path().join("bron.pdf");
        std::fs::write(&bron, b"%PDF-1.7 origineel").unwrap();
        let kast = tmp.path().join("kast");
        let mut a = BagSchrijver::begin(&kast, "bag").unwrap();
        a.kopieer("data/d/bron.pdf", &bron, &mut |_| {})
            .await
            .unwrap();
        a.schrijf("data/d/bron.pdf.bestand.mdto.xml", &[b'x'; 4000])
            .await
            .unwrap();
        let fasen = std::sync::Mutex::new(Vec::new());
        let melden = |v: Voortgang| fasen.lock().unwrap().push(v);
        let z = a.voltooi_zip(&[], &[], Utc::now(), &melden).await.unwrap();
        assert_eq!(z.zip, kast.join("bag.zip"));
        assert_eq!(namen(&kast), ["bag.zip", "bag.zip.sha256"], "nothing else");
        let regel = std::fs::read_to_string(&z.sha256_bestand).unwrap();
        assert_eq!(regel, format!("{}  bag.zip\n", z.sha256));
        assert_eq!(z.grootte, std::fs::metadata(&z.zip).unwrap().len());
        let c = verify(&z.zip).unwrap();
        assert_eq!((c.bestanden, c.bytes), (2, 18 + 4000));

        let mut za = ZipArchive::new(std::fs::File::open(&z.zip).unwrap()).unwrap();
        let namen_in_zip: Vec<String> = za.file_names().map(str::to_owned).collect();
        assert!(
            namen_in_zip.iter().all(|n| n.starts_with("bag/")),
            "{namen_in_zip:?}"
        );
        assert_eq!(za.by_index(0).unwrap().name(), "bag/");
        let pdf = za.by_name("bag/data/d/bron.pdf").unwrap();
        assert_eq!(pdf.compression(), CompressionMethod::Stored);
        drop(pdf);
        let xml = za.by_name("bag/data/d/bron.pdf.bestand.mdto.xml").unwrap();
        assert_eq!(xml.compression(), CompressionMethod::Deflated);
        assert!(xml.compressed_size() < 100);
        drop(xml);
        let fasen = fasen.lock().unwrap();
        for f in [Fase::Controleren, Fase::Inpakken, Fase::ZipControleren] {
            let laatste = fasen
                .iter()
                .rfind(|v| v.fase == f)
                .expect("every step reported");
            assert_eq!(laatste.bestanden, laatste.bestanden_totaal, "{f:?}");
            assert_eq!(laatste.bytes, laatste.bytes_totaal, "{f:?}");
        }
        let inpakken = fasen.iter().rfind(|v| v.fase == Fase::Inpakken).unwrap();
        assert_eq!(inpakken.bestanden, 2 + 5, "payload and tag files");
    }

    #[tokio::test]
    async fn a_wrong_sha256_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = BagSchrijver::begin(tmp.path(), "bag").unwrap();
        a.schrijf("data/a.txt", b"a").await.unwrap();
        let z = a.voltooi_zip(&[], &[], Utc::now(), &|_| {}).await.unwrap();
        std::fs::write(&z.sha256_bestand, format!("{}  bag.zip\n", "0".repeat(64))).unwrap();
        let e = verify(&z.zip).unwrap_err().to_string();
        assert!(e.contains("SHA-256 klopt niet met bag.zip.sha256"), "{e}");
        // without it, the zip itself is checked
        std::fs::remove_file(&z.sha256_bestand).unwrap();
        verify(&z.zip).unwrap();
    }

    fn zip_met(pad: &Path, namen: &[&str]) {
        let mut zw = ZipWriter::new(std::fs::File::create(pad).unwrap());
        for n in namen {
            zw.start_file(*n, SimpleFileOptions::default()).unwrap();
            zw.write_all(b"x").unwrap();
        }
        zw.finish().unwrap();
    }

    #[test]
    fn hostile_zips_are_refused_before_reading() {
        let tmp = tempfile::tempdir().unwrap();
        let z = tmp.path().join("x.zip");
        for namen in [
            &["bag/bagit.txt", "bag/../../uit.txt"][..],
            &["bag/bagit.txt", "/etc/passwd"],
            &["bag/bagit.txt", "ander/bagit.txt"],
            &["bag/data/a.txt", "bag/data/./a.txt"],
            &["bag\\..\\uit.txt"],
        ] {
            zip_met(&z, namen);
            let e = verify(&z).unwrap_err();
            assert!(matches!(e, ArchiefFout::GeenArchief(..)), "{namen:?}: {e}");
        }
        // a link, even inside the top folder
        let mut zw = ZipWriter::new(std::fs::File::create(&z).unwrap());
        zw.start_file("bag/bagit.txt", SimpleFileOptions::default())
            .unwrap();
        zw.add_symlink(
            "bag/data/a.txt",
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .unwrap();
        zw.finish().unwrap();
        let e = verify(&z).unwrap_err().to_string();
        assert!(e.contains("een koppeling"), "{e}");
        std::fs::write(&z, b"geen zip").unwrap();
        assert!(matches!(verify(&z), Err(ArchiefFout::GeenArchief(..))));
    }

    #[tokio::test]
    async fn leftovers_of_a_killed_zip_export_are_cleaned_but_not_a_running_one() {
        let tmp = tempfile::tempdir().unwrap();
        let map = tmp.path();
        // killed while zipping: folder, zip, lock; and between the renames: a .sha256 file
        std::fs::create_dir(map.join(".swf-archief-a.onvolledig")).unwrap();
        std::fs::write(map.join(".swf-archief-a.zip.onvolledig"), b"PK").unwrap();
        std::fs::write(map.join(".swf-archief-a.onvolledig.lock"), b"").unwrap();
        std::fs::write(map.join(".swf-archief-b.zip.sha256.onvolledig"), b"").unwrap();
        std::fs::write(map.join("b.zip"), b"PK").unwrap();
        // running
        let mut c = BagSchrijver::begin(map, "c").unwrap();
        c.schrijf("data/x", b"x").await.unwrap();
        std::fs::write(map.join(".swf-archief-c.zip.onvolledig"), b"PK").unwrap();
        assert_eq!(cleanup_stale(map).unwrap(), 3);
        assert_eq!(
            namen(map),
            [
                ".swf-archief-c.onvolledig",
                ".swf-archief-c.onvolledig.lock",
                ".swf-archief-c.zip.onvolledig",
                "b.zip"
            ]
        );
        // a dropped export removes its zip too
        drop(c);
        assert_eq!(namen(map), ["b.zip"]);
        assert_eq!(cleanup_stale(map).unwrap(), 0);
    }
}
