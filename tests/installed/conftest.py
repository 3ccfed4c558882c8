"""The installed-package test reuses the end-to-end harness (tests/e2e/harness.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.module.__dict__.setdefault("_failed", item.name)
    return report


def pytest_runtest_setup(item):
    failed = getattr(item.module, "_failed", None)
    if failed:
        pytest.skip(f"previous step {failed} failed")
