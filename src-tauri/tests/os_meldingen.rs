//! OS notifications on a real desktop session (issue 13): the shell's notifier (notify-rust)
//! behind the engine's runner, fed by a real `swf-server`, reaching a real notification daemon.
//!
//! `#[ignore]`d: they need an X display and a session bus (scripts/session-tests.sh). Each test
//! starts its own private bus — a `dbus-daemon` with a config that activates nothing, so a
//! stopped daemon stays stopped — with its own `dunst` and a `dbus-monitor` of
//! `org.freedesktop.Notifications.Notify` on it: every Notify call the app made is read back
//! from the bus, per test, exactly (a call without a daemon shows there too, answered with an
//! error). dunst's own history holds only notifications already closed, so the bus is the
//! record.
use samenwerkruimte_lib::attendering::notifier::{OsNotifier, APP_NAAM};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use swf_client::attendering::{Attendering, AttenderingConfig, Doel, Notifier};
use swf_client::mirror::Mirror;
use swf_client::session::{self, Session};
use swf_client::sync::SyncConfig;
use swf_client::werk::{NieuwActieverzoek, NieuwePartner, NieuweSamenwerking};
use swf_domain::Privilege;
use swf_testkit::*;

/// A private session bus with a notification daemon and a monitor; everything is stopped on drop.
struct Bus {
    adres: String,
    daemon: Child,
    dunst: Option<Child>,
    monitor: Child,
    /// What the monitor printed so far.
    uitvoer: Arc<Mutex<String>>,
    _tmp: tempfile::TempDir,
}

/// A bus that activates no service: a stopped daemon is not started again behind the test's back.
const CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

impl Bus {
    fn start() -> Bus {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "needs an X display for dunst: run through scripts/session-tests.sh"
        );
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let config = tmp.path().join("bus.conf");
        std::fs::write(&config, CONFIG).unwrap_or_else(|e| panic!("{e}"));
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dbus-daemon: {e}"));
        let mut regel = String::new();
        BufReader::new(daemon.stdout.take().unwrap_or_else(|| panic!("no stdout")))
            .read_line(&mut regel)
            .unwrap_or_else(|e| panic!("bus address: {e}"));
        let adres = regel.trim().to_string();
        assert!(adres.starts_with("unix:"), "bus address {adres:?}");
        // notify-rust connects to the session bus anew for every notification
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &adres);

        let mut monitor = Command::new("dbus-monitor")
            .args([
                "--address",
                &adres,
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dbus-monitor: {e}"));
        let uitvoer = Arc::new(Mutex::new(String::new()));
        let mut out = monitor.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let u = Arc::clone(&uitvoer);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = u.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let mut bus = Bus {
            adres,
            daemon,
            dunst: None,
            monitor,
            uitvoer,
            _tmp: tmp,
        };
        bus.dunst_starten();
        // the monitor is listening once its own NameAcquired went by; give it a moment
        std::thread::sleep(Duration::from_millis(300));
        bus
    }

    fn naam_bezet(&self, naam: &str) -> bool {
        Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.adres),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{naam}"),
            ])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("true"))
            .unwrap_or(false)
    }

    fn dunst_starten(&mut self) {
        let dunst = Command::new("dunst")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.adres)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dunst: {e}"));
        self.dunst = Some(dunst);
        let t = Instant::now();
        while !self.naam_bezet("org.freedesktop.Notifications") {
            assert!(t.elapsed() < Duration::from_secs(10), "dunst did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn dunst_stoppen(&mut self) {
        if let Some(mut d) = self.dunst.take() {
            let _ = d.kill();
            let _ = d.wait();
        }
        let t = Instant::now();
        while self.naam_bezet("org.freedesktop.Notifications") {
            assert!(t.elapsed() < Duration::from_secs(10), "dunst did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The Notify calls seen so far: the string arguments of each (app name, icon, summary, body).
    fn notifies(&self) -> Vec<Vec<String>> {
        let s = self.uitvoer.lock().map(|s| s.clone()).unwrap_or_default();
        let mut uit = Vec::new();
        for blok in s.split("method call ").skip(1) {
            if !blok.contains("member=Notify") {
                continue;
            }
            let strings: Vec<String> = blok
                .lines()
                .skip(1)
                .take_while(|l| !l.trim_start().starts_with("array"))
                .filter_map(|l| {
                    let l = l.trim_start();
                    l.strip_prefix("string \"")
                        .and_then(|r| r.strip_suffix('"'))
                        .map(str::to_owned)
                })
                .collect();
            uit.push(strings);
        }
        uit
    }

    /// Wait until at least `n` Notify calls were seen (or 10 s).
    fn wacht_op(&self, n: usize) -> Vec<Vec<String>> {
        let t = Instant::now();
        loop {
            let v = self.notifies();
            if v.len() >= n || t.elapsed() > Duration::from_secs(10) {
                return v;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        for c in [
            self.dunst.as_mut(),
            Some(&mut self.monitor),
            Some(&mut self.daemon),
        ]
        .into_iter()
        .flatten()
        {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One installation: a mirror, a signed-in engine and the runner with the shell's notifier.
struct Kant {
    mirror: Mirror,
    s: Session,
    att: Attendering,
    geopend: Arc<Mutex<Vec<Doel>>>,
}

impl Kant {
    async fn open(srv: &Server, dir: &Path, oin: &str) -> Kant {
        let mirror = Mirror::open(dir).await.unwrap_or_else(|e| panic!("{e}")).0;
        let s = session::with_token(
            &mirror,
            config(&srv.url),
            SyncConfig::default(),
            &srv.token(oin),
        )
        .await
        .unwrap_or_else(|e| panic!("session: {e}"));
        let geopend = Arc::new(Mutex::new(Vec::new()));
        let g = Arc::clone(&geopend);
        let notifier: Arc<dyn Notifier> = Arc::new(OsNotifier::new(move |d| {
            if let Ok(mut v) = g.lock() {
                v.push(d);
            }
        }));
        let att = Attendering::start(&s.engine, notifier, AttenderingConfig::default());
        let k = Kant {
            mirror,
            s,
            att,
            geopend,
        };
        k.sync().await;
        k
    }

    async fn sync(&self) {
        self.s
            .engine
            .sync_once()
            .await
            .unwrap_or_else(|e| panic!("sync: {e}"));
        self.att.bijgewerkt().await;
    }

    async fn close(self) {
        self.att.stop().await;
        drop(self.s);
        self.mirror.close().await;
    }
}

async fn samenwerking(gem: &Kant, vrv: &Kant) -> String {
    let sid = gem
        .s
        .samenwerking_starten(&NieuweSamenwerking {
            titel: "Loods Dorpsstraat 1".into(),
            verzoeknummer: None,
            partners: vec![NieuwePartner {
                oin: VRV.into(),
                privilege: Privilege::VolledigeToegang,
            }],
        })
        .await
        .unwrap_or_else(|e| panic!("started: {e}"));
    gem.sync().await;
    vrv.sync().await;
    sid
}

async fn vragen(gem: &Kant, sid: &str, titel: &str) -> uuid::Uuid {
    gem.s
        .actieverzoek_versturen(&NieuwActieverzoek {
            samenwerking_id: sid.into(),
            ontvanger: VRV.into(),
            titel: titel.into(),
            omschrijving: "Graag uw advies".into(),
            documenten: vec![],
        })
        .await
        .unwrap_or_else(|e| panic!("sent: {e}"))
        .actieverzoek_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an X display and a session bus: scripts/session-tests.sh"]
async fn an_actieverzoek_from_another_organisation_reaches_the_daemon_once_and_the_sender_never() {
    let bus = Bus::start();
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let gem = Kant::open(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = Kant::open(&srv, &tmp.path().join("vrv"), VRV).await;
    let sid = samenwerking(&gem, &vrv).await;
    // the invitation was the receiver's first notification
    let voor = bus.wacht_op(1);
    assert_eq!(voor.len(), 1, "{voor:?}");
    assert_eq!(voor[0][2], "Uitnodiging van Gemeente Oefenstad", "{voor:?}");

    vragen(&gem, &sid, "Advies brandveiligheid").await;
    gem.sync().await;
    vrv.sync().await;
    // and once more: nothing new
    gem.sync().await;
    vrv.sync().await;
    let alle = bus.wacht_op(2);
    std::thread::sleep(Duration::from_millis(500));
    let alle = if bus.notifies().len() > alle.len() {
        bus.notifies()
    } else {
        alle
    };
    assert_eq!(
        alle.len(),
        2,
        "exactly one more Notify, from the receiver: {alle:?}"
    );
    let n = &alle[1];
    assert_eq!(n[0], APP_NAAM);
    assert_eq!(n[2], "Nieuw actieverzoek van Gemeente Oefenstad");
    assert_eq!(
        n[3],
        "'Advies brandveiligheid' in samenwerking 'Loods Dorpsstraat 1'."
    );
    let s = bus.uitvoer.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(s.contains("\"urgency\""), "urgency hint sent: {s}");
    // dunst announces actions, so the notification carries Openen
    assert!(
        s.contains("string \"openen\"") && s.contains("string \"Openen\""),
        "{s}"
    );

    // nothing was clicked
    assert!(vrv.geopend.lock().map(|v| v.is_empty()).unwrap_or(false));
    assert!(*vrv.att.beschikbaar().borrow());
    assert!(vrv.att.messages().pending().is_empty());
    gem.close().await;
    vrv.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs an X display and a session bus: scripts/session-tests.sh"]
async fn with_the_daemon_stopped_the_app_shows_its_own_message_and_goes_on() {
    let mut bus = Bus::start();
    let srv = Server::start_with_users(&[]).await;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let gem = Kant::open(&srv, &tmp.path().join("gemeente"), GEMEENTE).await;
    let vrv = Kant::open(&srv, &tmp.path().join("vrv"), VRV).await;
    let sid = samenwerking(&gem, &vrv).await;
    assert_eq!(bus.wacht_op(1).len(), 1);

    bus.dunst_stoppen();
    let mut beschikbaar = vrv.att.beschikbaar();
    vragen(&gem, &sid, "Advies zonder meldingendienst").await;
    vrv.sync().await;
    assert!(
        !*beschikbaar.borrow_and_update(),
        "no notification service: the app says so"
    );
    let berichten = vrv.att.messages().take();
    assert_eq!(berichten.len(), 1, "{berichten:?}");
    assert_eq!(
        berichten[0].titel,
        "Nieuw actieverzoek van Gemeente Oefenstad"
    );
    // the one that failed is not offered again: one attempt on the bus (the bus answered it
    // with an error), never a retry
    vrv.sync().await;
    assert!(vrv.att.messages().take().is_empty());
    std::thread::sleep(Duration::from_millis(500));
    let pogingen = bus.notifies();
    assert_eq!(pogingen.len(), 2, "{pogingen:?}");
    assert_eq!(
        pogingen[1][3],
        "'Advies zonder meldingendienst' in samenwerking 'Loods Dorpsstraat 1'."
    );

    // the daemon is back: the next one reaches it, and the app says notifications work again
    bus.dunst_starten();
    vragen(&gem, &sid, "Weer met meldingen").await;
    vrv.sync().await;
    assert!(*vrv.att.beschikbaar().borrow());
    let na = bus.wacht_op(3);
    assert_eq!(na.len(), 3, "{na:?}");
    assert_eq!(
        na[2][3],
        "'Weer met meldingen' in samenwerking 'Loods Dorpsstraat 1'."
    );
    // and the engine synced throughout
    assert!(vrv.s.engine.status().borrow().last_synced_at.is_some());
    gem.close().await;
    vrv.close().await;
}
