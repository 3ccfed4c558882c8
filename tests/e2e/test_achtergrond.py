"""OS notifications, "Openen" and background mode in the real app (issue 13).

1. With the gemeente working over the API, a new actieverzoek reaches the notification daemon
   of the session (dunst's log) once, and "Openen" — the shell command the notification's
   action calls (`actieverzoek_openen`; dunst cannot click an action under Xvfb) — brings the
   window to that actieverzoek.
2. Closing the window keeps the app running; a second start builds the window again (see that
   test for why it runs without WebDriver).
"""

import os
import subprocess
import time
from pathlib import Path

from harness import APP_BIN, DUNST_LOG, GEMEENTE, VEILIGHEIDSREGIO, wait_until
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



def test_venster_sluiten_naar_de_achtergrond_en_weer_openen(workdir):
    """Closing the window keeps the app running without it; a second start builds it again.

    Without WebDriver: under WebDriver automation the app has no background mode (the session
    owns the window: ending it closes the window and waits for the app to end), so this test
    starts the app itself, the way the desktop's launcher does, and closes the window the way a
    window manager does: WM_DELETE_WINDOW over X11 (tests/e2e/x11.py). The second start is what
    the launcher, the tray's Openen and a notification's Openen all lead to for a closed window:
    one path that builds it again.
    """
    home = workdir / "achtergrond-zonder-driver"
    env = dict(os.environ,
               SWF_APP_DATA_DIR=str(home / "data"), SWF_APP_LOG_DIR=str(home / "logs"),
               XDG_CONFIG_HOME=str(home / "config"),
               SWF_LOG="info,samenwerkruimte_lib=debug")
    log = lambda: "\n".join(p.read_text(errors="replace")  # noqa: E731
                            for p in sorted((home / "logs").glob("**/*")) if p.is_file())
    app = subprocess.Popen([str(APP_BIN)], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: x11.windows(app.pid), 60, "the app's window")
        wait_until(lambda: "tray icon ready" in log(), 20, "the tray icon")
        assert x11.close_windows(app.pid) == 1
        wait_until(lambda: not x11.windows(app.pid), 20, "the window to be gone")
        wait_until(lambda: "goes on in the background" in log(), 20, "the background log line")
        time.sleep(1)
        assert app.poll() is None, "the app still runs"

        t0 = time.monotonic()
        tweede = subprocess.run([str(APP_BIN)], env=env, timeout=60, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert tweede.returncode == 0, tweede.stdout
        assert "draait al" in tweede.stdout, tweede.stdout
        assert time.monotonic() - t0 < 30
        wait_until(lambda: x11.windows(app.pid), 30, "the window built again")
        wait_until(lambda: "the window was built again" in log(), 10, "the log line")
        assert app.poll() is None

        # closing it again works the same, and a stop signal ends the app for real
        assert x11.close_windows(app.pid) == 1
        wait_until(lambda: not x11.windows(app.pid), 20, "the window to be gone again")
        app.terminate()
        assert app.wait(timeout=30) == 0
        assert not (home / "data" / "app.sock").exists(), "the socket is cleared on exit"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=10)
