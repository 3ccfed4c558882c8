"""OS notifications, "Openen" and background mode in the real app (issue 13).

1. With the gemeente working over the API, a new actieverzoek reaches the notification daemon
   of the session (dunst's log) once, and "Openen" — the shell command the notification's
   action calls (`actieverzoek_openen`; dunst cannot click an action under Xvfb) — brings the
   window to that actieverzoek.
2. Background mode on Linux (decisions D52/D53): closing the window hands over to the small
   background process (samenwerkruimte-achtergrond) — the app and its WebKit processes end,
   only that process remains — which still gives exactly one notification per request; that
   notification's "Openen" (its ActionInvoked signal, as dunst sends it on a click) starts the
   app again at the request, the app takes the folder over and the background process ends;
   a second start of the app does the same.
"""

import os
import re
import subprocess
import time
from pathlib import Path

from harness import APP_BIN, DUNST_LOG, GEMEENTE, VEILIGHEIDSREGIO, wait_until
from harness import app_processen as processen
import x11

TITEL = "Opslag gevaarlijke stoffen Kade 7"


def dunst_log() -> str:
    return Path(DUNST_LOG).read_text(errors="replace") if DUNST_LOG else ""


def bodies(tekst: str) -> list[str]:
    """The body of every notification dunst logged (-print) that mentions tekst."""
    return [line for line in dunst_log().splitlines()
            if line.startswith("\tbody: ") and tekst in line]


def vraag(server, token, sid, titel):
    return server.request("POST", f"/samenwerkingen/{sid}/actieverzoeken", token, {
        "titel": titel, "omschrijving": "Graag uw advies", "ontvanger": VEILIGHEIDSREGIO["oin"],
    })["actieverzoekId"]


def test_een_melding_en_openen(new_server, new_app):
    assert DUNST_LOG, "SWF_E2E_DUNST_LOG: the session's dunst log (scripts/session-tests.sh)"
    # a service of its own: the session's service belongs to the five exercises, whose first
    # step expects an empty overview
    server = new_server("achtergrond")
    app = new_app("achtergrond").start()
    app.aanmelden(server, VEILIGHEIDSREGIO)
    token = server.token(GEMEENTE["gebruiker"])
    sid = server.request("POST", "/samenwerkingen", token, {
        "titel": TITEL,
        "deelnemers": [{"oin": VEILIGHEIDSREGIO["oin"], "privilege": "VOLLEDIGE_TOEGANG"}],
    })["samenwerkingId"]
    app.wait_testid(f"samenwerking-{sid}", timeout=30)

    # 1. one notification, with the request and the samenwerking named
    eerste = "Advies opslag " + str(int(time.time()))
    av = vraag(server, token, sid, eerste)
    wait_until(lambda: f"'{eerste}' in samenwerking '{TITEL}'" in dunst_log(), 30,
               "the notification in dunst's log")
    assert "Nieuw actieverzoek van Gemeente Oefenstad" in dunst_log()
    time.sleep(2)  # a second notification of the same request would come within this
    assert len(bodies(f"'{eerste}'")) == 1, dunst_log()

    # 2. Openen, through the command the notification's action calls
    app.click_testid("nav-overzicht")
    app.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke('actieverzoek_openen',"
        " { samenwerkingId: arguments[0], actieverzoekId: arguments[1] }).then(done, done);",
        sid, av)
    wait_until(lambda: app.driver.execute_script("return location.hash")
               == f"#/samenwerking/{sid}/actieverzoeken", 20, "the actieverzoeken of the samenwerking")
    assert eerste in app.wait_testid(f"actieverzoek-{av}").text



ACHTERGROND_BIN = APP_BIN.parent / "samenwerkruimte-achtergrond"


def rss_mib(pids) -> float:
    kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    kib += int(line.split()[1])
        except OSError:
            pass
    return kib / 1024


def melding_id(tekst: str) -> int:
    """dunst's id of the (one) notification whose body mentions tekst."""
    regels = dunst_log().splitlines()
    for i, regel in enumerate(regels):
        if regel.startswith("\tbody: ") and tekst in regel:
            for volgende in regels[i + 1:]:
                if m := re.match(r"\tid: (\d+)$", volgende):
                    return int(m.group(1))
    raise ValueError(f"no notification id for {tekst!r}")


def tray(pid: int, *methode: str) -> str:
    """Call the background process's StatusNotifierItem (ksni: the bus name
    org.kde.StatusNotifierItem-<pid>-<n>) as a tray host does, with gdbus."""
    namen = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
                           capture_output=True, text=True, timeout=10, check=True).stdout
    naam = re.search(rf'"(org\.kde\.StatusNotifierItem-{pid}-\d+)"', namen)
    if not naam:
        raise ValueError(f"no StatusNotifierItem of {pid} on the bus")
    r = subprocess.run(["gdbus", "call", "--session", "--dest", naam.group(1), *methode],
                       capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        raise ValueError(f"gdbus {methode}: {r.stderr}")
    return r.stdout


def test_achtergrondproces_meldt_en_openen_geeft_de_app_terug(new_server, new_app):
    """Closing the window leaves only the small background process; it notifies once; the
    notification's Openen brings the app back at the request and the background process ends.

    Signed in through WebDriver (with 'Aanmelding onthouden': the background process restores
    the session from the session's keychain, gnome-keyring), then started without WebDriver:
    under WebDriver automation the app has no background mode (the session owns the window).
    The window is closed the way a window manager does (WM_DELETE_WINDOW, tests/e2e/x11.py).
    """
    assert DUNST_LOG, "SWF_E2E_DUNST_LOG: the session's dunst log (scripts/session-tests.sh)"
    assert ACHTERGROND_BIN.is_file(), f"{ACHTERGROND_BIN}: scripts/test.sh copies it next to the app"
    server = new_server("achtergrondproces")
    app = new_app("achtergrondproces").start()
    app.aanmelden(server, VEILIGHEIDSREGIO, onthouden=True)
    token = server.token(GEMEENTE["gebruiker"])
    titel = "Windpark Achtergrond " + str(int(time.time()))
    sid = server.request("POST", "/samenwerkingen", token, {
        "titel": titel,
        "deelnemers": [{"oin": VEILIGHEIDSREGIO["oin"], "privilege": "VOLLEDIGE_TOEGANG"}],
    })["samenwerkingId"]
    app.wait_testid(f"samenwerking-{sid}", timeout=30)
    app.stop()  # the WebDriver session closes the app; the sign-in stays in the keychain

    env = dict(app.env(), SWF_LOG="info,samenwerkruimte_lib=debug,swf_achtergrond=debug")
    log = lambda: "\n".join(p.read_text(errors="replace")  # noqa: E731
                            for p in sorted(app.log_dir.glob("**/*")) if p.is_file())
    start = lambda *args: subprocess.Popen(  # noqa: E731
        [str(APP_BIN), *args], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gui = start()
    try:
        wait_until(lambda: x11.windows(gui.pid), 60, "the app's window")
        wait_until(lambda: "remembered session restored" in log(), 30, "the session restored")
        met_venster = rss_mib(processen(app.data_dir))

        # 1. closing the window: the app ends, the background process alone remains
        assert x11.close_windows(gui.pid) == 1
        assert gui.wait(timeout=30) == 0, "the app ends after handing over"
        wait_until(lambda: "following the service in the background" in log(), 30,
                   "the background process following the service")
        time.sleep(1)  # WebKit's helper processes end with the app
        over = processen(app.data_dir)
        assert sorted(over.values()) == ["samenwerkruimte-achtergrond"], over
        (achtergrond,) = over
        achter = rss_mib(over)
        print(f"RSS window open {met_venster:.0f} MiB, background {achter:.0f} MiB (debug build)")
        assert achter < met_venster / 2, (met_venster, achter)

        # 2. a request of the gemeente: exactly one notification, from the background process
        vraagtitel = "Advies achtergrond " + str(int(time.time()))
        av = vraag(server, token, sid, vraagtitel)
        wait_until(lambda: f"'{vraagtitel}' in samenwerking '{titel}'" in dunst_log(), 30,
                   "the notification in dunst's log")
        time.sleep(2)
        assert len(bodies(f"'{vraagtitel}'")) == 1, dunst_log()
        nid = melding_id(f"'{vraagtitel}'")
        # the tray (StatusNotifierItem over D-Bus, no GTK): the count in its tooltip, the menu
        wait_until(lambda: "1 actieverzoek open" in tray(
            achtergrond, "--object-path", "/StatusNotifierItem", "--method",
            "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", "ToolTip"),
            20, "the count in the tray's tooltip")
        menu = wait_until(lambda: tray(achtergrond, "--object-path", "/MenuBar", "--method",
                                       "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "@as []"),
                          10, "the tray's menu")
        for label in ("1 actieverzoek open", "Openen", "Nu bijwerken", "Afsluiten"):
            assert label in menu, menu

        # 3. the notification's Openen: the ActionInvoked signal dunst sends on a click
        subprocess.run(["dbus-send", "--session", "--type=signal",
                        "/org/freedesktop/Notifications",
                        "org.freedesktop.Notifications.ActionInvoked",
                        f"uint32:{nid}", "string:openen"], check=True, timeout=10)
        wait_until(lambda: "Openen: the app starts" in log(), 20, "the background process's Openen")
        wait_until(lambda: achtergrond not in processen(app.data_dir), 30,
                   "the background process to end (the app took over)")
        nieuw = wait_until(lambda: [p for p, n in processen(app.data_dir).items()
                                    if n == "samenwerkruimte"], 30, "the app again")
        wait_until(lambda: x11.windows(nieuw[0]), 60, "the window of the app again")
        wait_until(lambda: f'samenwerking_id: "{sid}", actieverzoek_id: Some({av})' in log(),
                   20, "the app opening the request")
        assert "the app takes over" in log()
        # still exactly one notification: the app that took over does not repeat it
        time.sleep(2)
        assert len(bodies(f"'{vraagtitel}'")) == 1, dunst_log()

        # 4. closing again hands over again; starting the app takes over the same way
        assert x11.close_windows(nieuw[0]) == 1
        wait_until(lambda: sorted(processen(app.data_dir).values())
                   == ["samenwerkruimte-achtergrond"], 30, "only the background process again")
        (achtergrond,) = processen(app.data_dir)
        derde = start()
        wait_until(lambda: x11.windows(derde.pid), 60, "the window of the app started again")
        wait_until(lambda: achtergrond not in processen(app.data_dir), 30,
                   "the background process to end")
        # a stop signal ends the app for real: no hand-over, nothing left
        derde.terminate()
        assert derde.wait(timeout=30) == 0
        wait_until(lambda: not processen(app.data_dir), 20, "no process of the app left")
    finally:
        for pid in processen(app.data_dir):
            try:
                os.kill(pid, 15)
            except OSError:
                pass
        if gui.poll() is None:
            gui.kill()
            gui.wait(timeout=10)
    assert not (app.data_dir / "app.sock").exists(), "the socket is cleared on exit"
