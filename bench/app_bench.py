#!/usr/bin/env python3
"""Cold start and idle memory of the desktop app (run by bench/app.sh inside Xvfb + a private
D-Bus session with an unlocked gnome-keyring; uses the e2e harness in tests/e2e/harness.py).

  app_bench.py app --service URL --rows N [--runs 5] [--idle 10]
  app_bench.py reference --binary HELLO [--runs 5] [--idle 10]

app: signs in once as the gemeente with "remember me" (the keyring keeps the login), waits until
the overview shows N samenwerkingen (the mirror is filled), quits; then N cold starts of the same
app on the same data folder: each one restores the session from the keyring and shows the
overview from the mirror.
reference: the same cold starts for the smallest Tauri window (bench/hello).

Per start:
  first screen: from the app process's start (its start time in /proc) to the moment the first
      overview row is in the DOM (a MutationObserver in the page stamps it; when the row was
      already there at the first look, the time of that look: an upper bound, marked '≤').
  idle RSS: after `idle` seconds, the sum of VmRSS of the app and its WebKit processes
      (WebKitWebProcess, WebKitNetworkProcess); for information PSS (shared pages split between
      the processes that map them) and anonymous RSS (heap and stacks: what is private to the
      processes, without the mapped libraries).
Prints one JSON line per run on stderr and a JSON summary (medians) on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from harness import GEMEENTE, App, wait_until  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")

# The overview's rows (ui/src/screens/Overzicht.tsx: <li data-testid="samenwerking-<id>"
# data-actie-nodig=…>).
APP_ROW = "li[data-actie-nodig]"
HELLO_ROW = '[data-testid="rij"]'

STAMP_JS = """
const sel = arguments[0];
if (document.readyState === 'loading') return null;
if (!window.__eersteRij) {
  const now = () => performance.timeOrigin + performance.now();
  if (document.querySelector(sel)) {
    // already there at the first look: for a static page the first contentful paint is when
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    window.__eersteRij = fcp ? { t: performance.timeOrigin + fcp.startTime, alAanwezig: false }
                             : { t: now(), alAanwezig: true };
  } else if (!window.__eersteRijObserver) {
    window.__eersteRijObserver = new MutationObserver((_, o) => {
      if (document.querySelector(sel)) {
        window.__eersteRij = { t: now(), alAanwezig: false };
        o.disconnect();
      }
    });
    window.__eersteRijObserver.observe(document, { subtree: true, childList: true });
  }
}
return window.__eersteRij || null;
"""


def epoch_to_boottime(epoch_s: float) -> float:
    """Seconds since boot (the clock of /proc/PID/stat starttime) for a wall-clock time."""
    offset = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    return epoch_s - offset


def process_start_boottime(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[19]) / CLK_TCK  # field 22, starttime, in clock ticks since boot


def memory(pids: list[int]) -> tuple[float, float, float, dict]:
    """(RSS, PSS, anonymous RSS, {name: RSS}) in MiB, summed over pids."""
    rss = pss = anon = 0
    per = {}
    for pid in pids:
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            rollup = dict(line.split(":", 1) for line in
                          Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
            name = status["Name"].strip()
            r = int(status["VmRSS"].split()[0])
            a = int(status["RssAnon"].split()[0])
            p = int(rollup["Pss"].split()[0])
        except (OSError, KeyError, ValueError):
            continue  # gone, or a kernel thread
        rss += r
        pss += p
        anon += a
        per[name] = round(per.get(name, 0) + r / 1024, 1)
    return rss / 1024, pss / 1024, anon / 1024, per


def cold_start(app: App, row_selector: str, idle: float) -> dict:
    app.start(wait=False)
    pid = wait_until(app.app_pid, 30, "the app process")
    started = process_start_boottime(pid)

    def stamped():
        return app.driver.execute_script(STAMP_JS, row_selector)

    stamp = wait_until(stamped, 60, "the first row", interval=0.01)
    if stamp["alAanwezig"]:
        first_ms = (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000
    else:
        first_ms = (epoch_to_boottime(stamp["t"] / 1000) - started) * 1000
    # idle: the app sits on its first screen; sample now and then, report the end
    deadline = time.monotonic() + idle
    while time.monotonic() < deadline:
        time.sleep(0.5)
    rss, pss, anon, per = memory(app.processes())
    app.stop()
    return {
        "first_screen_ms": round(first_ms),
        "upper_bound": stamp["alAanwezig"],
        "idle_rss_mib": round(rss, 1),
        "idle_pss_mib": round(pss, 1),
        "idle_anon_mib": round(anon, 1),
        "processes": per,
    }


def sign_in_once(app: App, service: str, rows: int):
    """Through the UI, as a user would: service, user, password, remember me; then until the
    overview counts every samenwerking (the mirror holds them all)."""
    app.start()
    app.aanmelden(service, GEMEENTE, onthouden=True)
    app.wait_testid_text("aantal", f"van {rows} samenwerkingen", timeout=180)
    app.stop()


def summary(name: str, runs: list[dict]) -> dict:
    firsts = [r["first_screen_ms"] for r in runs]
    rss = [r["idle_rss_mib"] for r in runs]
    pss = [r["idle_pss_mib"] for r in runs]
    anon = [r["idle_anon_mib"] for r in runs]
    return {
        "name": name,
        "runs": len(runs),
        "first_screen_ms_median": statistics.median(firsts),
        "first_screen_ms_max": max(firsts),
        "first_screen_upper_bound": sum(r["upper_bound"] for r in runs) * 2 > len(runs),
        "idle_rss_mib_median": statistics.median(rss),
        "idle_pss_mib_median": statistics.median(pss),
        "idle_anon_mib_median": statistics.median(anon),
        "processes": runs[-1]["processes"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["app", "reference"])
    ap.add_argument("--binary")
    ap.add_argument("--service")
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix=f"swf-bench-{a.what}-"))
    if a.what == "app":
        app = App("bench-app", home, **({"binary": Path(a.binary)} if a.binary else {}))
        sign_in_once(app, a.service, a.rows)
        selector = APP_ROW
    else:
        app = App("bench-hello", home, binary=Path(a.binary))
        selector = HELLO_ROW
    runs = []
    try:
        for i in range(a.runs):
            r = cold_start(app, selector, a.idle)
            print(json.dumps({"run": i + 1, **r}), file=sys.stderr, flush=True)
            runs.append(r)
    except (WebDriverException, TimeoutError):
        app.save_failure_artifacts(f"bench-{a.what}")
        raise
    finally:
        app.stop()
    print(json.dumps(summary(a.what, runs)))


if __name__ == "__main__":
    main()
