"""The packages as a user or an IT department gets them: dist/*.deb installed with apt, the app
started from its desktop entry and signed in to the service started from its systemd unit (as
its own user), then both packages removed, leaving no binaries but keeping the data.

Run by scripts/installed-tests.sh inside the desktop session (an X display, a private session
bus with a Secret Service), as root or with password-less sudo: it installs into the system.
The packages are the --debug ones of scripts/package.sh: the test build (SWF_E2E_APP,
SWF_E2E_SERVER) bundled as it is, which these tests check byte for byte.
"""

from __future__ import annotations

import configparser
import os
import pwd
import re
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from harness import API, APP_BIN, ARTIFACTS, ROOT, SERVER_BIN, START_TIMEOUT, App, wait_until

DIST = Path(os.environ.get("SWF_DIST") or ROOT / "dist")
SUDO = [] if os.geteuid() == 0 else ["sudo", "-n"]
APP_PKG, SERVER_PKG = "samenwerkruimte", "swf-server"
# an organisation and a user made with the installed service's own admin commands
ORG = {"oin": "00000001002220647000", "naam": "Gemeente Installatie", "soort": "GEMEENTE"}
WACHTWOORD = "oefenen"  # the harness signs in with this password

pytestmark = pytest.mark.incremental
state: dict = {}


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    kw.setdefault("check", True)
    kw.setdefault("text", True)
    kw.setdefault("capture_output", True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        return subprocess.run(cmd, env=env, **kw)
    except subprocess.CalledProcessError as e:
        raise AssertionError(f"{' '.join(cmd)} failed ({e.returncode}):\n{e.stdout}\n{e.stderr}") from e


def installed(pkg: str) -> str:
    """dpkg's status of pkg: 'installed', 'config-files', or '' when dpkg does not know it."""
    r = run(["dpkg-query", "-W", "-f=${db:Status-Status}", pkg], check=False)
    return r.stdout.strip() if r.returncode == 0 else ""


def package_files(pkg: str) -> list[Path]:
    """The regular files (not folders) pkg installed."""
    return [Path(p) for p in run(["dpkg", "-L", pkg]).stdout.splitlines()
            if p.startswith("/") and Path(p).is_file()]


def deb(name: str) -> Path:
    found = sorted(DIST.glob(f"{name}_*.deb"))
    assert len(found) == 1, f"expected one {name}_*.deb in {DIST} (scripts/package.sh), found {found}"
    return found[0]


@pytest.fixture(scope="module")
def workdir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix="swf-installed-"))
    yield d
    app = state.get("app")
    if app is not None:
        app.stop()
    stop_service()
    # never leave the packages on the machine, also after a failure (the data stays)
    pkgs = [p for p in (APP_PKG, SERVER_PKG) if installed(p)]
    if pkgs:
        run(SUDO + ["apt-get", "purge", "-y", "-q", *pkgs], check=False)
    shutil.rmtree(d, ignore_errors=True)


def stop_service():
    proc = state.pop("service", None)
    if proc is None:
        return
    # runuser passes SIGTERM on to swf-server, which shuts down gracefully
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def test_install_with_apt(workdir):
    app_deb, server_deb = deb(APP_PKG), deb(SERVER_PKG)
    # leftovers of an aborted earlier run would make apt keep the old files
    stale = [p for p in (APP_PKG, SERVER_PKG) if installed(p)]
    if stale:
        run(SUDO + ["apt-get", "purge", "-y", "-q", *stale])
    started = time.monotonic()
    # ./path: apt resolves the packages' dependencies (WebKitGTK, …) from the archive
    run(SUDO + ["apt-get", "install", "-y", "-q", f"./{app_deb.relative_to(ROOT)}",
                f"./{server_deb.relative_to(ROOT)}"], cwd=ROOT)
    state["install_secs"] = time.monotonic() - started
    assert installed(APP_PKG) == "installed" and installed(SERVER_PKG) == "installed"
    state["files"] = {p: package_files(p) for p in (APP_PKG, SERVER_PKG)}

    # what was installed is the test build, not a rebuild: the service byte for byte, the app
    # up to the 3-byte bundle type marker the bundler writes into it ("deb")
    assert Path("/usr/bin/swf-server").read_bytes() == SERVER_BIN.read_bytes()
    inst = Path("/usr/bin/samenwerkruimte")
    assert inst.stat().st_size == APP_BIN.stat().st_size, "the installed app is not the test build"
    cmp = run(["cmp", "-l", str(APP_BIN), str(inst)], check=False)
    differ = len(cmp.stdout.splitlines())
    assert differ <= 8, f"the installed app differs from the test build in {differ} bytes"
    # the background process (D52) next to it, byte for byte the test build, in both packages
    achtergrond = Path("/usr/bin/samenwerkruimte-achtergrond")
    assert achtergrond in state["files"][APP_PKG], state["files"][APP_PKG]
    assert achtergrond.read_bytes() == (APP_BIN.parent / achtergrond.name).read_bytes()
    assert os.access(achtergrond, os.X_OK)
    rpm = next(DIST.glob(f"{APP_PKG}-*.rpm"))
    assert str(achtergrond) in run(["rpm", "-qlp", str(rpm)]).stdout.split(), "not in the .rpm"

    # the service's user and folders, made by the maintainer script
    swf = pwd.getpwnam("swf")
    assert swf.pw_uid != 0 and swf.pw_shell.endswith("nologin"), swf
    data = os.stat("/var/lib/swf-server")
    assert (data.st_uid, stat.S_IMODE(data.st_mode)) == (swf.pw_uid, 0o750)
    conf = os.stat("/etc/swf-server/config.toml")
    assert (conf.st_uid, conf.st_gid, stat.S_IMODE(conf.st_mode)) == (0, swf.pw_gid, 0o640)


def unit() -> dict[str, str]:
    path = next(p for p in state["files"][SERVER_PKG] if p.name == "swf-server.service")
    keys = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^(\w+)=(.*)$", line.strip())
        if m:
            keys.setdefault(m.group(1), m.group(2))
    return keys


def as_service_user(user: str, cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", *cmd]
    return ["sudo", "-n", "-u", user, "--", *cmd]


def test_service_from_its_unit(workdir):
    u = unit()
    exec_start = shlex.split(u["ExecStart"])
    assert exec_start[0] == "/usr/bin/swf-server" and "serve" in exec_start, exec_start
    user = u["User"]
    assert user == "swf"
    # an organisation and a user, with the installed binary's admin commands as the service
    # user (the data folder is kept between runs: add what is missing)
    admin = exec_start[: exec_start.index("serve")]
    orgs = run(as_service_user(user, [*admin, "org", "list", "--zoek", ORG["oin"]]),
               cwd=u["WorkingDirectory"]).stdout
    if ORG["oin"] not in orgs:
        run(as_service_user(user, [*admin, "org", "add", "--oin", ORG["oin"], "--naam",
                                   ORG["naam"], "--soort", ORG["soort"]]),
            cwd=u["WorkingDirectory"])
    gebruiker = f"installatie{int(time.time())}"
    run(as_service_user(user, [*admin, "user", "add", "--gebruikersnaam", gebruiker, "--naam",
                               "Ina Installatie", "--oin", ORG["oin"]]),
        input=WACHTWOORD + "\n", cwd=u["WorkingDirectory"])
    state["org"] = {"gebruiker": gebruiker, "naam": ORG["naam"]}

    # ExecStart as systemd would run it (no systemd here), on a free port rather than the
    # config's 8080 (SWF_LISTEN overrides the config file, as an Environment= line would)
    log_path = ARTIFACTS / "installed-swf-server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        as_service_user(user, ["env", "SWF_LISTEN=127.0.0.1:0", *exec_start]),
        cwd=u["WorkingDirectory"], stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    log.close()
    state["service"] = proc

    def listening():
        if proc.poll() is not None:
            raise RuntimeError(f"swf-server exited with {proc.returncode}: {log_path.read_text()}")
        m = re.search(r"swf-server luistert op (http://127\.0\.0\.1:\d+)", log_path.read_text())
        return m and m.group(1)

    url = wait_until(listening, START_TIMEOUT, "the installed swf-server to listen")
    state["url"] = url
    with urllib.request.urlopen(url + API + "/health", timeout=10) as r:
        assert r.status == 200
    # it runs as swf, not as root
    uid = pwd.getpwnam(user).pw_uid
    pids = [p for p in Path("/proc").iterdir() if p.name.isdigit()
            and _exe(p) == "/usr/bin/swf-server"]
    assert pids, "no /usr/bin/swf-server process"
    assert all(_uid(p) == uid for p in pids), "swf-server does not run as the service user"
    assert any(f.stat().st_uid == uid for f in Path("/var/lib/swf-server").iterdir())


def _exe(p: Path) -> str:
    try:
        return os.readlink(p / "exe")
    except OSError:
        return ""


def _uid(p: Path) -> int:
    for line in (p / "status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return -1


def test_app_from_its_desktop_entry(workdir):
    desktop = [p for p in state["files"][APP_PKG]
               if p.parent == Path("/usr/share/applications") and p.suffix == ".desktop"]
    assert len(desktop) == 1, desktop
    entry = configparser.ConfigParser(interpolation=None, strict=False)
    entry.optionxform = str  # Name[nl] and Name are different keys
    entry.read(desktop[0])
    e = entry["Desktop Entry"]
    assert e["Type"] == "Application" and "Office" in e["Categories"].split(";")
    assert e["Name"] == e["Name[nl]"] == "Samenwerkruimte" and e["Comment[nl]"] and e["Comment"]
    for size in ("16x16", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512"):
        assert Path(f"/usr/share/icons/hicolor/{size}/apps/{e['Icon']}.png").is_file(), size
    # the Exec line as a menu would run it: the command through PATH, no field codes used
    argv = [a for a in shlex.split(e["Exec"]) if not re.fullmatch(r"%[fFuUdDnNickvm]", a)]
    assert len(argv) == 1, f"Exec has arguments the harness cannot pass: {e['Exec']}"
    binary = shutil.which(argv[0])
    assert binary == "/usr/bin/samenwerkruimte", binary

    app = App("installed-app", workdir / "app", binary=Path(binary))
    state["app"] = app
    app.start()
    app.wait_testid("aanmelden-formulier")
    assert Path(os.readlink(f"/proc/{app.app_pid()}/exe")) == Path(binary)
    # and it signs in to the installed service
    app.aanmelden(state["url"], state["org"])
    app.screenshot("installed-app")
    assert any(app.data_dir.iterdir()), "the app kept no data"
    state["app_data"] = app.data_dir


# --------------------------------------------------------------------------------------------
# Signed updates: a newer version of the installed .deb, served from 127.0.0.1 with a manifest
# (Tauri's static latest.json), signed with a throw-away key pair made here by the Tauri CLI.
# The system-wide policy file points the app at it, as an IT department would.

TAURI_CLI = ROOT / "packaging" / "node_modules" / ".bin" / "tauri"
POLICY = Path("/etc/samenwerkruimte/updates.toml")
NIEUW = "0.1.1"


def signer(*args: str) -> str:
    return run([str(TAURI_CLI), "signer", *args]).stdout


def keypair(path: Path) -> str:
    """A throw-away minisign pair without a password; returns the public key (base64)."""
    signer("generate", "--ci", "-p", "", "-f", "-w", str(path))
    return path.with_name(path.name + ".pub").read_text().strip()


def sign(key: Path, file: Path) -> str:
    signer("sign", "-f", str(key), "-p", "", str(file))
    return file.with_name(file.name + ".sig").read_text().strip()


@pytest.fixture(scope="module")
def update_server(workdir):
    """A static file server on 127.0.0.1 for the manifest and the packages."""
    import functools
    import http.server
    import threading

    root = workdir / "updates"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    saved = POLICY.read_bytes() if POLICY.exists() else None
    yield root, url
    httpd.shutdown()
    if saved is None:
        POLICY.unlink(missing_ok=True)
        try:
            POLICY.parent.rmdir()
        except OSError:
            pass
    else:
        POLICY.write_bytes(saved)


def publish(root: Path, url: str, deb_file: Path, signature: str):
    import json

    entry = {"url": f"{url}/{deb_file.name}", "signature": signature}
    (root / "latest.json").write_text(json.dumps({
        "version": NIEUW, "notes": "Testversie", "pub_date": "2026-12-01T12:00:00Z",
        "platforms": {"linux-x86_64-deb": entry, "linux-x86_64": entry},
    }))


def test_signed_updates(workdir, update_server):
    root, url = update_server
    app: App = state["app"]
    key_a, key_b = workdir / "keys" / "a.key", workdir / "keys" / "b.key"
    key_a.parent.mkdir()
    pub_a = keypair(key_a)
    keypair(key_b)

    # the newer version: the installed package with the next version number
    unpacked = workdir / "nieuw"
    run(["dpkg-deb", "-R", str(deb(APP_PKG)), str(unpacked)])
    control = unpacked / "DEBIAN" / "control"
    control.write_text(re.sub(r"(?m)^Version: .*$", f"Version: {NIEUW}", control.read_text()))
    newer = root / f"samenwerkruimte_{NIEUW}_amd64.deb"
    # uncompressed: xz on the 70 MB debug binary would take most of this test's time
    run(["dpkg-deb", "--root-owner-group", "-Znone", "-b", str(unpacked), str(newer)])
    good_sig = sign(key_a, newer)
    wrong = root / f"samenwerkruimte_{NIEUW}_anders.deb"
    shutil.copy(newer, wrong)
    wrong_sig = sign(key_b, wrong)  # a valid signature, by a key the app does not trust
    tampered = root / f"samenwerkruimte_{NIEUW}_veranderd.deb"
    data = bytearray(newer.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))  # carries the good signature of the original

    POLICY.parent.mkdir(parents=True, exist_ok=True)
    POLICY.write_text(f'endpoint = "{url}/latest.json"\npubkey = "{pub_a}"\n')
    installed_bin = Path("/usr/bin/samenwerkruimte").read_bytes()
    old_version = run(["dpkg-query", "-W", "-f=${Version}", APP_PKG]).stdout

    app.click_testid("nav-instellingen")
    app.wait_testid("updates")

    def refused(served: Path, signature: str, what: str):
        publish(root, url, served, signature)
        app.click_testid("update-zoeken")
        app.wait_testid_text("update-status", f"Versie {NIEUW} is beschikbaar")
        app.click_testid("update-installeren")
        err = app.wait_testid_text("fout", "handtekening klopt niet", timeout=60)
        assert "niets geïnstalleerd" in err.text, err.text
        app.screenshot(f"update-geweigerd-{what}")
        assert run(["dpkg-query", "-W", "-f=${Version}", APP_PKG]).stdout == old_version, what
        assert Path("/usr/bin/samenwerkruimte").read_bytes() == installed_bin, what

    refused(wrong, wrong_sig, "verkeerde-sleutel")
    refused(tampered, good_sig, "veranderd")

    # correctly signed: offered, installed (dpkg -i through sudo, as the plugin does it)
    publish(root, url, newer, good_sig)
    app.click_testid("update-zoeken")
    app.wait_testid_text("update-status", f"Versie {NIEUW} is beschikbaar")
    app.click_testid("update-installeren")
    app.wait_testid_text("update-status", f"Versie {NIEUW} is geïnstalleerd", timeout=120)
    app.screenshot("update-geinstalleerd")
    assert run(["dpkg-query", "-W", "-f=${Version}", APP_PKG]).stdout == NIEUW
    assert app.driver.find_elements("css selector", "[data-testid=fout]") == []

    # the organisation switches updates off: the app says so and looks nowhere
    POLICY.write_text("enabled = false\n")
    app.click_testid("update-zoeken")
    app.wait_testid_text("update-status", "uitgeschakeld door uw organisatie")
    app.stop()
    state.pop("app")


def test_remove_keeps_data(workdir):
    stop_service()
    db_files = sorted(p.name for p in Path("/var/lib/swf-server").iterdir())
    assert db_files, "the service wrote nothing to /var/lib/swf-server"
    run(SUDO + ["apt-get", "remove", "-y", "-q", APP_PKG, SERVER_PKG])
    assert installed(APP_PKG) in ("", "not-installed", "config-files")
    # only the conffile /etc/swf-server/config.toml stays until purge
    for pkg, files in state["files"].items():
        left = [p for p in files if p.exists() and p != Path("/etc/swf-server/config.toml")]
        assert not left, f"{pkg} left {left}"
    assert not Path("/usr/bin/samenwerkruimte").exists() and not Path("/usr/bin/swf-server").exists()
    assert not Path("/usr/bin/samenwerkruimte-achtergrond").exists()
    run(SUDO + ["apt-get", "purge", "-y", "-q", SERVER_PKG])
    assert installed(SERVER_PKG) in ("", "not-installed")
    assert not Path("/etc/swf-server/config.toml").exists()
    # the data stays: the service's folder (and its user), the user's own folder of the app
    assert sorted(p.name for p in Path("/var/lib/swf-server").iterdir()) == db_files
    assert pwd.getpwnam("swf")
    assert any(state["app_data"].iterdir())
    print(f"apt-get install of both packages: {state['install_secs']:.1f} s")
