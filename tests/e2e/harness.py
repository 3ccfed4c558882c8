"""End-to-end harness: the real desktop app against a real swf-server (used by tests/e2e/,
bench/app.sh and docs/img/make_screenshots.py).

Each app instance is the e2e build of the app (target/e2e/samenwerkruimte: embedded UI, test
identifier) driven by Selenium through its *own* tauri-driver, which starts WebKitWebDriver,
which starts the app. The app inherits tauri-driver's environment, so one driver per instance is
how each instance gets its own SWF_APP_DATA_DIR, SWF_APP_LOG_DIR, file-picker and save-folder
overrides. Ports are picked free on 127.0.0.1, so two instances (two organisations) run side by
side.

Run inside the desktop session (scripts/session-tests.sh does): an X display and a private
session bus with an unlocked Secret Service. Artifacts go to target/e2e-artifacts: a screenshot
per exercise, and on a failure a screenshot, the page source and the app log of every instance.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    NoSuchFrameException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.remote.webelement import WebElement


def _repo_root() -> Path:
    """The repository root: the nearest folder above this file with the workspace's Cargo.lock
    (the suite lives in tests/e2e/)."""
    here = Path(__file__).resolve().parent
    for d in (here, *here.parents):
        if (d / "Cargo.lock").is_file():
            return d
    raise RuntimeError(f"no Cargo.lock above {here}: is this the Samenwerkruimte repository?")


ROOT = _repo_root()
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
ARTIFACTS = Path(os.environ.get("SWF_E2E_ARTIFACTS") or TARGET / "e2e-artifacts")
APP_BIN = Path(os.environ.get("SWF_E2E_APP") or TARGET / "e2e" / "samenwerkruimte").resolve()
SERVER_BIN = Path(os.environ.get("SWF_E2E_SERVER") or TARGET / "e2e" / "swf-server").resolve()
DRIVER_BIN = Path(
    os.environ.get("SWF_E2E_DRIVER") or TARGET / "ci-tools" / "bin" / "tauri-driver"
).resolve()
DUNST_LOG = os.environ.get("SWF_E2E_DUNST_LOG")
# axe-core (npm, pinned in ui/package.json; `npm ci --prefix ui` installs it)
AXE_JS = Path(
    os.environ.get("SWF_E2E_AXE") or ROOT / "ui" / "node_modules" / "axe-core" / "axe.min.js"
).resolve()
# WCAG 2.1 level A and AA: what the app promises (and an outside audit found no violation of)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

API = "/overheid/samenwerken/api/behandelen/v5"
WACHTWOORD = "oefenen"
GEMEENTE = {
    "gebruiker": "vergunningverlener",
    "naam": "Gemeente Oefenstad",
    "oin": "00000001002220647000",
}
VEILIGHEIDSREGIO = {
    "gebruiker": "adviseur",
    "naam": "Veiligheidsregio Oefenland",
    "oin": "00000001812579446000",
}

# The practice environment's organisations (swf-server --oefenomgeving, and the app's own
# practice service): the role switcher's user names
OEFEN_GEMEENTE = {
    "gebruiker": "gemeente",
    "naam": "Gemeente Oefenburg",
    "oin": "00000099000000000001",
}
OEFEN_VEILIGHEIDSREGIO = {
    "gebruiker": "veiligheidsregio",
    "naam": "Veiligheidsregio Oefenkust",
    "oin": "00000099000000000005",
}

# How long an explicit wait may take. The mirror follows the service's live feed within about a
# second; these bounds are for a loaded 2-core CI machine, not the expected time.
SCREEN_TIMEOUT = 20
START_TIMEOUT = 60
POLL = 0.1


def wait_until(predicate, timeout: float, what: str, interval: float = POLL):
    """Poll predicate() until it returns something truthy; bounded by timeout. Exceptions from
    the predicate count as "not yet" (the page may be re-rendering)."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except (WebDriverException, OSError, ValueError) as e:
            last_error = e
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise TimeoutError(f"waited {timeout} s for {what}{detail}")
        time.sleep(interval)


def app_processen(data_dir: Path) -> dict[int, str]:
    """Every live process of the app for data_dir, as {pid: program}: the app, its WebKit
    processes and the background process (samenwerkruimte-achtergrond) all carry the app's
    SWF_APP_DATA_DIR in their environment."""
    kenmerk = f"SWF_APP_DATA_DIR={data_dir}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if kenmerk not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue  # ended; its parent has not reaped it yet
            found[int(entry.name)] = os.path.basename(os.readlink(entry / "exe"))
        except OSError:
            continue
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def xpath_literal(s: str) -> str:
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in s.split("'")) + ")"


# --------------------------------------------------------------------------------------------
# The service


class SwfServer:
    """A real swf-server with --demo on 127.0.0.1, its own data folder; stop() and start() again
    keep the port and the data (for the offline tests)."""

    def __init__(self, workdir: Path, name: str = "swf-server", oefenomgeving: bool = False):
        self.oefenomgeving = oefenomgeving
        self.data = workdir / f"{name}-data"
        self.log_path = ARTIFACTS / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.url = ""

    def start(self):
        assert self.proc is None, "already running"
        self.data.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "a")
        start_at = self.log_path.stat().st_size
        env = dict(os.environ, RUST_LOG=os.environ.get("SWF_E2E_SERVER_LOG", "info"),
                   # a new samenwerking goes INITIALISATIE -> OPEN by a background job: every
                   # second here instead of every minute
                   SWF_JOB_INTERVAL_SECS="1", SWF_VERZOEK_OPHALEN_SECS="1")
        self.proc = subprocess.Popen(
            [str(SERVER_BIN), "--data", str(self.data), "serve",
             "--listen", f"127.0.0.1:{self.port}",
             "--oefenomgeving" if self.oefenomgeving else "--demo"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )
        log.close()

        def address():
            if self.proc.poll() is not None:
                raise RuntimeError(f"swf-server exited with {self.proc.returncode}: {self.log_tail()}")
            text = self.log_path.read_text(errors="replace")[start_at:]
            m = re.search(r"swf-server luistert op (http://127\.0\.0\.1:(\d+))", text)
            return m and (m.group(1), int(m.group(2)))

        self.url, self.port = wait_until(address, START_TIMEOUT, "swf-server to listen")
        return self

    def stop(self):
        if self.proc is None:
            return
        self.proc.kill()  # an outage, not a shutdown
        self.proc.wait(timeout=30)
        self.proc = None

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    # a tiny API client for set-up steps the tests do not click through (see test_offline)
    def request(self, method: str, path: str, token: str | None = None, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + API + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Accept", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def token(self, gebruiker: str) -> str:
        return self.request(
            "POST", "/auth/token", body={"gebruikersnaam": gebruiker, "wachtwoord": WACHTWOORD}
        )["accessToken"]


# --------------------------------------------------------------------------------------------
# The app


class App:
    """One instance of the desktop app with its own folders and its own tauri-driver.

    Folders under home/: data (SWF_APP_DATA_DIR: the mirror), logs (SWF_APP_LOG_DIR), xdg
    (WebKit's own storage), bestanden (files the file picker "chooses": SWF_E2E_BESTANDEN), opgeslagen (where
    "save" writes: SWF_E2E_OPSLAAN_MAP). stop() and start() again keep them: a restart of the
    app on the same computer."""

    live: list["App"] = []  # instances with a WebDriver session, for failure artifacts

    def __init__(self, name: str, home: Path, binary: Path = APP_BIN):
        self.name = name
        self.home = home
        self.binary = Path(binary).resolve()
        self.data_dir = home / "data"
        self.log_dir = home / "logs"
        self.files_dir = home / "bestanden"
        self.save_dir = home / "opgeslagen"
        for d in (self.data_dir, self.log_dir, self.files_dir, self.save_dir, home / "xdg"):
            d.mkdir(parents=True, exist_ok=True)
        self.chosen_files: list[Path] = []
        self.driver_proc: subprocess.Popen | None = None
        self.driver: webdriver.Remote | None = None

    def choose_files(self, *paths: Path):
        """What the next file dialogs return (the shell reads SWF_E2E_BESTANDEN at start)."""
        self.chosen_files = list(paths)

    def env(self) -> dict:
        xdg = self.home / "xdg"
        env = dict(os.environ)
        env.update(
            SWF_APP_DATA_DIR=str(self.data_dir),
            SWF_APP_LOG_DIR=str(self.log_dir),
            SWF_E2E_OPSLAAN_MAP=str(self.save_dir),
            XDG_DATA_HOME=str(xdg / "data"),
            XDG_CACHE_HOME=str(xdg / "cache"),
            XDG_CONFIG_HOME=str(xdg / "config"),
        )
        # what the engine and the shell do, step by step, for the failure artifacts
        env.setdefault("SWF_LOG", "info,swf_client=debug,samenwerkruimte_lib=debug")
        if self.chosen_files:
            env["SWF_E2E_BESTANDEN"] = os.pathsep.join(str(p) for p in self.chosen_files)
        return env

    def start(self, wait: bool = True):
        """Start tauri-driver and a WebDriver session, which starts the app; with wait, until
        the UI has rendered."""
        assert self.driver is None, f"{self.name} already started"
        port, native_port = free_port(), free_port()
        while native_port == port:
            native_port = free_port()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver_log = open(ARTIFACTS / f"tauri-driver-{self.name}.log", "a")
        # own process group: stop() ends tauri-driver, WebKitWebDriver and the app together
        self.driver_proc = subprocess.Popen(
            [str(DRIVER_BIN), "--port", str(port), "--native-port", str(native_port)],
            stdout=driver_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=self.env(), start_new_session=True,
        )
        driver_log.close()

        def listening():
            if self.driver_proc.poll() is not None:
                raise RuntimeError(f"tauri-driver exited with {self.driver_proc.returncode}")
            return port_open(port) and port_open(native_port)

        wait_until(listening, START_TIMEOUT, "tauri-driver and WebKitWebDriver to listen")
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": str(self.binary)})
        conn = RemoteConnection(client_config=ClientConfig(f"http://127.0.0.1:{port}"))
        self.driver = webdriver.Remote(command_executor=conn, options=opts)
        App.live.append(self)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self):
        """P14: the session can exist before the page has loaded and React has rendered."""
        def ready():
            return self.driver.execute_script(
                "const r = document.getElementById('root');"
                "return document.readyState === 'complete' && !!r && r.children.length > 0;"
            )
        wait_until(ready, START_TIMEOUT, f"{self.name}: the UI to render")

    def stop(self):
        if self in App.live:
            App.live.remove(self)
        if self.driver is not None:
            try:
                self.driver.quit()  # WebKitWebDriver closes the app
            except WebDriverException:
                pass
            self.driver = None
        if self.driver_proc is not None:
            try:
                os.killpg(self.driver_proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.driver_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.driver_proc.pid, signal.SIGKILL)
                self.driver_proc.wait(timeout=10)
            # anything of the group still alive (the app, if it outlived its driver)
            try:
                os.killpg(self.driver_proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.driver_proc = None

    def processes(self) -> list[int]:
        """The app and its WebKit processes (WebKitWebProcess, WebKitNetworkProcess): every
        process of the driver's group except tauri-driver and WebKitWebDriver."""
        if self.driver_proc is None:
            return []
        pgid = self.driver_proc.pid
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                exe = os.readlink(entry / "exe")
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) != pgid:  # field 5, pgrp
                continue
            if Path(exe).name in ("tauri-driver", "WebKitWebDriver"):
                continue
            found.append(int(entry.name))
        return sorted(found)

    def app_pid(self) -> int | None:
        for pid in self.processes():
            try:
                if Path(os.readlink(f"/proc/{pid}/exe")) == self.binary:
                    return pid
            except OSError:
                pass
        return None

    def restart(self):
        self.stop()
        return self.start()

    # -- artifacts -------------------------------------------------------------------------

    def wait_painted(self):
        """Until the webview has painted what the DOM has now (two animation frames)."""
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));")

    def screenshot(self, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def save_failure_artifacts(self, prefix: str):
        out = ARTIFACTS / "failures" / prefix
        out.mkdir(parents=True, exist_ok=True)
        if self.driver is not None:
            try:
                self.driver.save_screenshot(str(out / f"{self.name}.png"))
                (out / f"{self.name}.html").write_text(self.driver.page_source)
            except WebDriverException as e:
                (out / f"{self.name}.error.txt").write_text(str(e))
        if self.log_dir.exists():
            shutil.copytree(self.log_dir, out / f"{self.name}-logs", dirs_exist_ok=True)
        return out

    def log_text(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.log_dir.glob("**/*")) if p.is_file()
        )

    # -- accessibility ---------------------------------------------------------------------

    _axe_source: str | None = None

    def axe(self, name: str):
        """Run axe-core on what is on screen now (the page, or an open dialog over it) and fail
        on any WCAG 2.1 A/AA violation, listing each rule id with the elements (CSS targets)
        it found. Called by the tests at every screen and dialog they visit; each result is
        kept in target/e2e-artifacts/axe/<name>.json and summed up in axe.txt."""
        if App._axe_source is None:
            if not AXE_JS.is_file():
                raise FileNotFoundError(f"{AXE_JS} is missing: run npm ci --prefix ui")
            App._axe_source = AXE_JS.read_text()
        d = self.driver
        # WebKitWebDriver evaluates scripts outside the page's CSP, so axe can be injected into
        # the embedded UI as it is shipped; a page change (reload) loses it, hence the check.
        if not d.execute_script("return typeof window.axe === 'object' && !!window.axe.run"):
            d.execute_script(App._axe_source)
        d.set_script_timeout(120)
        result = d.execute_async_script("""
            const tags = arguments[0], done = arguments[arguments.length - 1];
            window.axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})
              .then(r => done({
                passes: r.passes.length, incomplete: r.incomplete.length,
                violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                  nodes: v.nodes.map(n => ({target: n.target, html: n.html,
                                            summary: n.failureSummary}))}))}))
              .catch(e => done({error: String(e && e.stack || e)}));
        """, AXE_TAGS)
        out = ARTIFACTS / "axe"
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        if "error" in result:
            raise RuntimeError(f"{self.name}: axe-core failed on {name}: {result['error']}")
        violations = result["violations"]
        with open(ARTIFACTS / "axe.txt", "a") as f:
            f.write(f"{name}: {len(violations)} violations, {result['passes']} rules passed, "
                    f"{result['incomplete']} to review by hand\n")
        if violations:
            lines = [f"{self.name}: {name}: {len(violations)} WCAG 2.1 A/AA violation(s) (axe-core):"]
            for v in violations:
                lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
                for n in v["nodes"]:
                    lines.append(f"    {' '.join(map(str, n['target']))}  {n['html'][:120]}")
            self.screenshot(f"axe-{name}")
            raise AssertionError("\n".join(lines))

    def active_element(self) -> WebElement:
        return self.driver.switch_to.active_element

    def focused_testid(self) -> str | None:
        return self.driver.execute_script(
            "const a = document.activeElement;"
            "return a && a !== document.body ? (a.getAttribute('data-testid') || a.tagName) : null;")

    def press(self, *keys: str, modifier: str | None = None):
        """Keys as the user types them, to whatever has the focus (e.g. Escape, or Ctrl and =)."""
        chain = ActionChains(self.driver)
        if modifier:
            chain.key_down(modifier)
        for k in keys:
            chain.send_keys(k)
        if modifier:
            chain.key_up(modifier)
        chain.perform()

    def viewport(self) -> dict:
        """The layout viewport in CSS px and the zoom (devicePixelRatio)."""
        return self.driver.execute_script(
            "const e = document.documentElement;"
            "return {width: window.innerWidth, height: window.innerHeight, dpr: window.devicePixelRatio,"
            "        scrollWidth: e.scrollWidth, clientWidth: e.clientWidth};")

    def in_view(self, el: WebElement) -> bool:
        """el is fully inside the window (no scrolling needed to see it)."""
        return self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight"
            "       && r.right <= window.innerWidth && r.width > 0;", el)

    # -- what the user sees ----------------------------------------------------------------

    def body_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def wait_text(self, text: str, timeout: float = SCREEN_TIMEOUT, within: WebElement | None = None):
        """Wait until text is visible on screen (or in one element)."""
        def shown():
            el = within if within is not None else self.driver.find_element(By.TAG_NAME, "body")
            return text in el.text
        wait_until(shown, timeout, f"{self.name}: {text!r} on screen")

    def wait_no_text(self, text: str, timeout: float = SCREEN_TIMEOUT):
        wait_until(lambda: text not in self.body_text(), timeout, f"{self.name}: {text!r} to go")

    def wait_testid(self, testid: str, timeout: float = SCREEN_TIMEOUT) -> WebElement:
        return self.wait_visible(By.CSS_SELECTOR, f"[data-testid={json.dumps(testid)}]", timeout,
                                 f"[data-testid={testid}]")

    def by_testid(self, testid: str, within: WebElement | None = None) -> list[WebElement]:
        """Visible elements with this data-testid (a prefix when it ends in '*')."""
        sel = (f"[data-testid^={json.dumps(testid[:-1])}]" if testid.endswith("*")
               else f"[data-testid={json.dumps(testid)}]")
        root = within if within is not None else self.driver
        return [e for e in root.find_elements(By.CSS_SELECTOR, sel) if e.is_displayed()]

    def reveal(self, el: WebElement):
        """Scroll el to the middle of the window and of any scrolled box around it (a wide
        table), as a user would before clicking."""
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'center'})", el)

    def click_testid(self, testid: str, within: WebElement | None = None,
                     timeout: float = SCREEN_TIMEOUT):
        """Click the enabled, visible element with this data-testid (found again if the page
        re-rendered in between)."""
        def clicked():
            el = next((e for e in self.by_testid(testid, within) if e.is_enabled()), None)
            if el is None:
                return False
            self.reveal(el)
            el.click()
            return True
        wait_until(clicked, timeout, f"{self.name}: click [data-testid={testid}]")

    def wait_testid_text(self, testid: str, text: str, timeout: float = SCREEN_TIMEOUT,
                         within: WebElement | None = None):
        """Wait until a visible element with this data-testid shows text; returns it."""
        def found():
            return next((e for e in self.by_testid(testid, within) if text in e.text), None)
        return wait_until(found, timeout, f"{self.name}: {text!r} in [data-testid={testid}]")

    def wait_gone(self, by: str, selector: str, timeout: float = SCREEN_TIMEOUT, what: str = ""):
        def gone():
            return not [e for e in self.driver.find_elements(by, selector) if e.is_displayed()]
        wait_until(gone, timeout, f"{self.name}: {what or selector} to disappear")

    def wait_visible(self, by: str, selector: str, timeout: float = SCREEN_TIMEOUT,
                     what: str = "") -> WebElement:
        def visible():
            return next((e for e in self.driver.find_elements(by, selector) if e.is_displayed()), None)
        return wait_until(visible, timeout, f"{self.name}: {what or selector} visible")

    def buttons(self, name: str, within: WebElement | None = None) -> list[WebElement]:
        """Visible buttons whose accessible text is name (text content or aria-label)."""
        lit = xpath_literal(name)
        xp = (f".//button[normalize-space(.)={lit} or @aria-label={lit}]"
              f" | .//*[@role='button' and (normalize-space(.)={lit} or @aria-label={lit})]")
        root = within if within is not None else self.driver
        if within is None:
            xp = xp.replace(".//", "//")
        return [b for b in root.find_elements(By.XPATH, xp) if b.is_displayed()]

    def has_button(self, name: str, within: WebElement | None = None) -> bool:
        return bool(self.buttons(name, within))

    def button(self, name: str, within: WebElement | None = None,
               timeout: float = SCREEN_TIMEOUT) -> WebElement:
        def enabled():
            return next((b for b in self.buttons(name, within) if b.is_enabled()), None)
        return wait_until(enabled, timeout, f"{self.name}: an enabled button {name!r}")

    def click_link(self, text: str, within: WebElement | None = None,
                   timeout: float = SCREEN_TIMEOUT):
        """Click the visible link with exactly this text (found again after a re-render)."""
        def clicked():
            root = within if within is not None else self.driver
            el = next((e for e in root.find_elements(By.LINK_TEXT, text) if e.is_displayed()), None)
            if el is None:
                return False
            self.reveal(el)
            el.click()
            return True
        wait_until(clicked, timeout, f"{self.name}: click the link {text!r}")

    def click(self, name: str, within: WebElement | None = None, timeout: float = SCREEN_TIMEOUT):
        def clicked():
            el = self.button(name, within, timeout)
            self.reveal(el)
            el.click()
            return True
        # a re-render between finding and clicking makes the element stale: find it again
        wait_until(clicked, timeout, f"{self.name}: click {name!r}")

    def field(self, label: str, within: WebElement | None = None,
              timeout: float = SCREEN_TIMEOUT) -> WebElement:
        """The form control labelled label (<label for>, a wrapping <label>, aria-label or
        aria-labelledby), matched on the label's text up to a trailing '*' or ' (optioneel)'."""
        script = """
            const want = arguments[0], root = arguments[1] || document;
            const clean = s => (s || '').replace(/\\s+/g, ' ').trim()
                .replace(/\\s*\\*$/, '').replace(/\\s*\\((optioneel|verplicht)\\)$/i, '');
            for (const l of root.querySelectorAll('label')) {
              if (clean(l.textContent) === want && l.control) return l.control;
            }
            for (const el of root.querySelectorAll('input, textarea, select')) {
              if (clean(el.getAttribute('aria-label')) === want) return el;
              const by = el.getAttribute('aria-labelledby');
              if (by && clean(by.split(' ').map(id => (document.getElementById(id) || {}).textContent).join(' ')) === want) return el;
            }
            return null;
        """
        return wait_until(lambda: self.driver.execute_script(script, label, within), timeout,
                          f"{self.name}: a field labelled {label!r}")

    def aanmelden(self, server: "SwfServer | str", org: dict, onthouden: bool = False):
        """Sign in on the sign-in screen as a user does: service address, user, password."""
        self.wait_testid("aanmelden-formulier")
        self.fill("Adres van de dienst (URL)", server if isinstance(server, str) else server.url)
        self.fill("Gebruikersnaam", org["gebruiker"])
        self.fill("Wachtwoord", WACHTWOORD)
        if onthouden:
            box = self.field("Aanmelding onthouden")
            if not box.is_selected():
                box.click()
            wait_until(box.is_selected, 5, "'Aanmelding onthouden' checked")
        self.click_testid("aanmelden-knop")
        self.wait_testid_text("organisatie-naam", org["naam"])
        assert not self.by_testid("aanmelden-formulier")

    def oefenen_als(self, org: dict):
        """From the sign-in screen: start the built-in practice environment and act as a
        practice organisation with one click."""
        self.wait_testid("oefenomgeving")
        if not self.by_testid(f"oefengebruiker-{org['gebruiker']}"):
            self.click_testid("oefenomgeving-starten")
        self.click_testid(f"oefengebruiker-{org['gebruiker']}", timeout=90)
        self.wait_testid_text("oefenband-organisatie", org["naam"], timeout=60)

    def wissel_rol(self, org: dict):
        """The colour band's switcher: act as another practice organisation in one click."""
        self.click_testid(f"rol-{org['gebruiker']}", within=self.wait_testid("oefenband"))
        self.wait_testid_text("oefenband-organisatie", org["naam"], timeout=60)
        self.wait_testid_text("organisatie-naam", org["naam"])

    def fill(self, label: str, value: str, within: WebElement | None = None):
        el = self.field(label, within)
        el.click()
        # select-all + delete rather than clear(): a controlled React input keeps its state
        el.send_keys(Keys.CONTROL, "a")
        el.send_keys(Keys.DELETE)
        el.send_keys(value)
        wait_until(lambda: el.get_attribute("value") == value, 5, f"{label!r} to read {value!r}")
        return el


