"""bench/notify.sh, inside the session: the real app (signed in once through the UI, then started
the way the desktop's launcher does, its session restored from the keychain).

- RSS of the whole app — every process of it: the app, WebKit's web and network processes, the
  background process (found by the app's data folder in their environment) — with the window
  open, then in background mode (the window closed with WM_DELETE_WINDOW, as a window manager
  does: on Linux the app hands over to samenwerkruimte-achtergrond and ends), each after
  --idle seconds;
- latency: for --runs actieverzoeken, from just before the gemeente's API call to the moment the
  session bus carried the app's org.freedesktop.Notifications.Notify for it (dbus-monitor's own
  timestamp of that message), with the window closed. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from harness import GEMEENTE, VEILIGHEIDSREGIO, App, SwfServer, app_processen, wait_until  # noqa: E402
import x11  # noqa: E402
from app_bench import memory  # noqa: E402


class Monitor:
    """dbus-monitor of Notify calls: (bus timestamp, body) of each."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.calls: list[tuple[float, str]] = []
        self._t = None
        self._strings: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            m = re.match(r"method call time=([0-9.]+) .*member=Notify", line)
            if m:
                self._t, self._strings = float(m.group(1)), []
                continue
            s = line.strip()
            if self._t is not None and s.startswith('string "'):
                self._strings.append(s[len('string "'):-1])
                if len(self._strings) == 4:  # app name, icon, summary, body
                    self.calls.append((self._t, self._strings[3]))
                    self._t = None

    def stop(self):
        self.proc.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--service", required=True)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--idle", type=float, default=10)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="swf-bench-notify-"))
    server = SwfServer(home)
    server.url = a.service
    token = server.token(GEMEENTE["gebruiker"])
    sid = server.request("POST", "/samenwerkingen", token, {
        "titel": "Bench meldingen",
        "deelnemers": [{"oin": VEILIGHEIDSREGIO["oin"], "privilege": "VOLLEDIGE_TOEGANG"}],
    })["samenwerkingId"]

    app = App("bench-notify", home)
    app.start()
    app.aanmelden(a.service, VEILIGHEIDSREGIO, onthouden=True)
    app.wait_testid(f"samenwerking-{sid}", timeout=60)
    app.stop()

    env = app.env()
    proc = subprocess.Popen([str(app.binary)], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uit = {}
    mon = Monitor()
    try:
        wait_until(lambda: x11.windows(proc.pid), 60, "the window")
        wait_until(lambda: "remembered session restored" in app.log_text(), 60, "the session")
        time.sleep(a.idle)
        rss, pss, anon, per = memory(sorted(app_processen(app.data_dir)))
        uit["window_open"] = {"rss_mib": round(rss, 1), "pss_mib": round(pss, 1),
                              "anon_mib": round(anon, 1), "processes": per}
        x11.close_windows(proc.pid)
        wait_until(lambda: not x11.windows(proc.pid), 20, "the window to close")
        # Linux: the app hands over to the background process and ends (D52)
        wait_until(lambda: proc.poll() is not None
                   and "following the service in the background" in app.log_text(), 60,
                   "the background process to take over")
        time.sleep(a.idle)
        rss, pss, anon, per = memory(sorted(app_processen(app.data_dir)))
        uit["background"] = {"rss_mib": round(rss, 1), "pss_mib": round(pss, 1),
                             "anon_mib": round(anon, 1), "processes": per}

        lat = []
        for i in range(a.runs):
            titel = f"Bench {i} {time.time_ns()}"
            n = len(mon.calls)
            t0 = time.time()
            server.request("POST", f"/samenwerkingen/{sid}/actieverzoeken", token, {
                "titel": titel, "omschrijving": "bench", "ontvanger": VEILIGHEIDSREGIO["oin"]})
            hit = wait_until(lambda: next((t for t, b in mon.calls[n:] if f"'{titel}'" in b), None),
                             30, f"the Notify of request {i}", interval=0.002)
            lat.append((hit - t0) * 1000)
        lat.sort()
        q = statistics.quantiles(lat, n=100)
        uit["latency_ms"] = {"runs": len(lat), "p50": round(statistics.median(lat), 1),
                             "p95": round(q[94], 1), "max": round(lat[-1], 1), "min": round(lat[0], 1)}
        uit["still_background"] = sorted(app_processen(app.data_dir).values()) == [
            "samenwerkruimte-achtergrond"]
        # the same background process after the notifications
        rss, *_ = memory(sorted(app_processen(app.data_dir)))
        uit["background_after_runs_rss_mib"] = round(rss, 1)
    finally:
        mon.stop()
        for pid in app_processen(app.data_dir):
            try:
                os.kill(pid, 15)
            except OSError:
                pass
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(uit))


if __name__ == "__main__":
    main()
