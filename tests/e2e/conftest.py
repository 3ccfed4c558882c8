"""Fixtures of the end-to-end suite (the harness itself is harness.py)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from harness import APP_BIN, ARTIFACTS, DRIVER_BIN, SERVER_BIN, App, SwfServer


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def workdir():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix="swf-e2e-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def binaries():
    missing = [str(p) for p in (APP_BIN, SERVER_BIN, DRIVER_BIN) if not p.is_file()]
    if missing:
        pytest.exit(f"missing {', '.join(missing)}: run scripts/test.sh (it builds them)", 2)
    if not os.environ.get("DISPLAY") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.exit("needs an X display and a private session bus: run scripts/session-tests.sh", 2)


@pytest.fixture(scope="session")
def server(workdir):
    """The service of the five exercises, started once for the session."""
    s = SwfServer(workdir).start()
    yield s
    s.stop()


@pytest.fixture
def new_server(workdir):
    """A service of one's own (for tests that stop and restart it)."""
    started = []

    def make(name: str, oefenomgeving: bool = False):
        s = SwfServer(workdir, name, oefenomgeving=oefenomgeving).start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def new_app(workdir):
    """Make app instances (not started); every one is stopped at the end of the test."""
    made = []

    def make(name: str) -> App:
        app = App(name, workdir / name)
        made.append(app)
        return app

    yield make
    for app in made:
        app.stop()


@pytest.fixture(scope="module")
def module_apps(workdir):
    """Like new_app, but the instances live for the whole module (the five exercises)."""
    made = []

    def make(name: str) -> App:
        app = App(name, workdir / name)
        made.append(app)
        return app

    yield make
    for app in made:
        app.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
        for app in list(App.live):
            out = app.save_failure_artifacts(prefix)
            # in the test output too: a CI log is often all there is to read
            tail = "\n".join(app.log_text().splitlines()[-40:])
            report.sections.append((f"{app.name}: app log (last 40 lines; all of it in {out})", tail))
        if getattr(item, "module", None) is not None:
            item.module.__dict__.setdefault("_failed", item.name)
    return report


def pytest_runtest_setup(item):
    """Tests of a module marked `incremental` are steps of one story: after a failed step the
    rest is skipped instead of failing for the same reason."""
    if item.get_closest_marker("incremental") is not None:
        failed = getattr(item.module, "_failed", None)
        if failed:
            pytest.skip(f"previous step {failed} failed")


