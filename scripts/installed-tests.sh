#!/usr/bin/env bash
# The installed packages: apt-get install dist/*.deb, start the installed app from its desktop
# entry's Exec line (through tauri-driver, the e2e harness) and sign in to the installed service,
# started from its systemd unit's ExecStart as the service user (no systemd needed), check
# /health, then remove and purge both packages and check that no binaries are left while the
# data (/var/lib/swf-server, the app's folder) is kept. Tests: tests/installed/.
#
# Needs root or password-less sudo (it installs into the system), the packages of
# `bash scripts/package.sh --debug`, and the desktop session: scripts/session-tests.sh runs it
# when SWF_INSTALLED_TESTS=1 (scripts/test.sh sets it). By hand:
#   bash scripts/package.sh --debug
#   SWF_INSTALLED_TESTS=1 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/session-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
export SWF_E2E_APP="${SWF_E2E_APP:-$TARGET/e2e/samenwerkruimte}"
export SWF_E2E_SERVER="${SWF_E2E_SERVER:-$TARGET/e2e/swf-server}"
export SWF_E2E_DRIVER="${SWF_E2E_DRIVER:-$TARGET/ci-tools/bin/tauri-driver}"
PY="${SWF_E2E_PYTHON:-$TARGET/ci-venv/bin/python}"
if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
  echo "installed-tests.sh: installs packages: run as root or with password-less sudo" >&2
  exit 1
fi
for f in dist/samenwerkruimte_*.deb dist/swf-server_*.deb; do
  [ -f "$f" ] || { echo "installed-tests.sh: $f is missing: bash scripts/package.sh --debug" >&2; exit 1; }
done
"$PY" -m pytest -c tests/installed/pytest.ini tests/installed
