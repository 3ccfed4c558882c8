//! The background process's command line, and the "Openen" target the app is started with.
//!
//! `samenwerkruimte-achtergrond [--identifier ID] [--data-dir MAP] [--log-dir MAP]`
//!
//! - `--identifier`: the app's identifier (keychain service name, default folders); default
//!   [`IDENTIFIER`]. The app passes its own (the e2e build has a test identifier).
//! - `--data-dir` / `--log-dir`: the app's folders; else `SWF_APP_DATA_DIR` / `SWF_APP_LOG_DIR`
//!   (as the app), else the platform's folders as Tauri makes them on Linux:
//!   `$XDG_DATA_HOME/<identifier>` and `…/<identifier>/logs` (`~/.local/share` without it).
//!
//! The app, started from the background process's "Openen", gets `--openen <target>`
//! ([`doel_arg`] / [`doel_lezen`]).
use std::ffi::OsString;
use std::path::PathBuf;
use swf_client::attendering::Doel;

/// The installed app's identifier (tauri.conf.json).
pub const IDENTIFIER: &str = "nl.samenwerkruimte.desktop";
/// The app's binary, installed next to this one.
pub const APP_BIN: &str = "samenwerkruimte";
/// The background process's binary, installed next to the app.
pub const ACHTERGROND_BIN: &str = "samenwerkruimte-achtergrond";
/// Instead of the app next to this binary (tests).
pub const ENV_APP_EXE: &str = "SWF_APP_EXE";
/// Instead of the background binary next to the app (tests).
pub const ENV_ACHTERGROND_EXE: &str = "SWF_ACHTERGROND_EXE";
/// The app's argument: show this target when the window is up.
pub const ARG_OPENEN: &str = "--openen";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opties {
    pub identifier: String,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl Opties {
    /// From the arguments (without the program name) and `get` for the environment.
    pub fn lezen(
        args: impl IntoIterator<Item = OsString>,
        get: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Opties, String> {
        let (mut identifier, mut data_dir, mut log_dir) = (None, None, None);
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            let doel = match a.to_str() {
                Some("--identifier") => &mut identifier,
                Some("--data-dir") => &mut data_dir,
                Some("--log-dir") => &mut log_dir,
                _ => return Err(format!("onbekend argument {}", a.to_string_lossy())),
            };
            let waarde = args
                .next()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{} zonder waarde", a.to_string_lossy()))?;
            *doel = Some(waarde);
        }
        let identifier = identifier
            .map(|i| i.to_string_lossy().into_owned())
            .unwrap_or_else(|| IDENTIFIER.to_string());
        let env = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let basis = || {
            env("XDG_DATA_HOME")
                .filter(|p| p.is_absolute())
                .or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
                .map(|b| b.join(&identifier))
        };
        let data_dir = data_dir
            .map(PathBuf::from)
            .or_else(|| env("SWF_APP_DATA_DIR"))
            .or_else(basis)
            .ok_or("geen map voor de gegevens (HOME is niet gezet)")?;
        let log_dir = log_dir
            .map(PathBuf::from)
            .or_else(|| env("SWF_APP_LOG_DIR"))
            .or_else(|| basis().map(|b| b.join("logs")))
            .ok_or("geen map voor het logboek (HOME is niet gezet)")?;
        Ok(Opties {
            identifier,
            data_dir,
            log_dir,
        })
    }

    /// The arguments that give these options back (what the app passes).
    pub fn args(&self) -> Vec<OsString> {
        vec![
            "--identifier".into(),
            self.identifier.clone().into(),
            "--data-dir".into(),
            self.data_dir.clone().into(),
            "--log-dir".into(),
            self.log_dir.clone().into(),
        ]
    }
}

/// `--openen`'s value: `<samenwerking id>` or `<samenwerking id>/<actieverzoek id>`.
pub fn doel_arg(d: &Doel) -> String {
    match d.actieverzoek_id {
        Some(a) => format!("{}/{a}", d.samenwerking_id),
        None => d.samenwerking_id.clone(),
    }
}

/// The target in the app's arguments (`--openen <value>`), if any and well formed.
pub fn doel_lezen(args: impl IntoIterator<Item = OsString>) -> Option<Doel> {
    let mut args = args.into_iter();
    args.find(|a| *a == ARG_OPENEN)?;
    let v = args.next()?.into_string().ok()?;
    let (sid, av) = match v.split_once('/') {
        Some((s, a)) => (s, Some(uuid::Uuid::parse_str(a).ok()?)),
        None => (v.as_str(), None),
    };
    (!sid.is_empty()).then(|| Doel {
        samenwerking_id: sid.to_string(),
        actieverzoek_id: av,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lezen(args: &[&str], env: &[(&str, &str)]) -> Result<Opties, String> {
        let env: HashMap<String, OsString> = env
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Opties::lezen(args.iter().map(OsString::from), |k| env.get(k).cloned())
    }

    #[test]
    fn the_folders_are_the_apps() {
        // as Tauri makes them on Linux
        let o = lezen(&[], &[("HOME", "/h")]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.identifier, IDENTIFIER);
        assert_eq!(
            o.data_dir,
            PathBuf::from("/h/.local/share/nl.samenwerkruimte.desktop")
        );
        assert_eq!(
            o.log_dir,
            PathBuf::from("/h/.local/share/nl.samenwerkruimte.desktop/logs")
        );
        let o = lezen(
            &["--identifier", "nl.x.test"],
            &[("HOME", "/h"), ("XDG_DATA_HOME", "/d")],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.data_dir, PathBuf::from("/d/nl.x.test"));
        // the app's environment variables, then the arguments, win
        let o = lezen(
            &["--log-dir", "/arg/log"],
            &[
                ("HOME", "/h"),
                ("SWF_APP_DATA_DIR", "/env/data"),
                ("SWF_APP_LOG_DIR", "/env/log"),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (o.data_dir.as_path(), o.log_dir.as_path()),
            (
                std::path::Path::new("/env/data"),
                std::path::Path::new("/arg/log")
            )
        );
        // what the app passes comes back the same
        let terug = Opties::lezen(o.args(), |_| None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(terug, o);
    }

    #[test]
    fn wrong_arguments_are_refused() {
        assert!(lezen(&["--data-dir"], &[("HOME", "/h")]).is_err());
        assert!(lezen(&["--data-dir", ""], &[("HOME", "/h")]).is_err());
        assert!(lezen(&["--achtergrond"], &[("HOME", "/h")]).is_err());
        assert!(lezen(&[], &[]).is_err(), "no HOME, no folder");
    }

    #[test]
    fn the_target_goes_to_the_app_and_back() {
        let av = uuid::Uuid::now_v7();
        for d in [
            Doel {
                samenwerking_id: "sw-1".into(),
                actieverzoek_id: Some(av),
            },
            Doel {
                samenwerking_id: "sw-2".into(),
                actieverzoek_id: None,
            },
        ] {
            let args = ["samenwerkruimte", ARG_OPENEN, &doel_arg(&d)].map(OsString::from);
            assert_eq!(doel_lezen(args), Some(d));
        }
        assert_eq!(doel_lezen([OsString::from("samenwerkruimte")]), None);
        assert_eq!(
            doel_lezen(["--openen", "sw/geen-uuid"].map(OsString::from)),
            None
        );
        assert_eq!(doel_lezen(["--openen"].map(OsString::from)), None);
    }
}
