#!/usr/bin/env bash
# Tests that need desktop services, run inside a private X display and session bus, never on the
# user's own:
#   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/session-tests.sh
# (scripts/test.sh does this after building everything). It starts
#   - a throw-away gnome-keyring (Secret Service), keyrings in a temp dir, unlocked with a fixed
#     password,
#   - dunst, a notification daemon, logging every notification to target/e2e-artifacts/dunst.log,
# then runs
#   1. every #[ignore]d Rust test of the workspace (the convention: #[ignore] means "needs the
#      desktop session"; today the real-keyring tests of swf-client and swf-cli, and the
#      shell's OS notifications, which start their own private bus and dunst),
#   2. with SWF_INSTALLED_TESTS=1 (scripts/test.sh), the installed packages of dist/
#      (scripts/installed-tests.sh: installs them with apt, so it needs root),
#   3. the end-to-end suite tests/e2e/ (pytest + Selenium → tauri-driver → WebKitWebDriver → the app),
#      which starts its own swf-server and tauri-driver processes.
# and stops everything it started.
# The e2e part needs the binaries test.sh builds; it finds them through SWF_E2E_APP,
# SWF_E2E_SERVER, SWF_E2E_DRIVER and SWF_E2E_PYTHON (defaults: target/e2e/…, target/ci-tools/…,
# target/ci-venv/…).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${DISPLAY:-}" ]; then
  echo "session-tests.sh: needs an X display and a private session bus; run:" >&2
  echo '  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash scripts/session-tests.sh' >&2
  exit 2
fi

ARTIFACTS=$TARGET/e2e-artifacts
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
PIDS=()
SCRATCH=$(mktemp -d)
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# shellcheck source=scripts/desktop-services.sh
. scripts/desktop-services.sh
start_desktop_services "$SCRATCH" "$ARTIFACTS/dunst.log"

echo "== Rust tests that need the desktop session (gnome-keyring pid ${PIDS[0]}, dunst pid ${PIDS[1]})"
# --workspace rather than -p, and test.sh's SWF_CARGO_FEATURES: the same feature set as the main
# run, so nothing is rebuilt
# tests named kind_… (kind_archiveert_langzaam, kind_synchroniseert) are not tests but the child
# processes of the kill tests (they are #[ignore]d so that only those tests start them, with
# their environment)
cargo nextest run --workspace --locked ${SWF_CARGO_FEATURES:+--features "$SWF_CARGO_FEATURES"} \
  --run-ignored only --no-fail-fast --failure-output final --status-level fail \
  -E 'not test(/^kind_/)'

echo "== end-to-end: the desktop app through the five exercises (tests/e2e/)"
export SWF_E2E_APP="${SWF_E2E_APP:-$TARGET/e2e/samenwerkruimte}"
export SWF_E2E_SERVER="${SWF_E2E_SERVER:-$TARGET/e2e/swf-server}"
export SWF_E2E_DRIVER="${SWF_E2E_DRIVER:-$TARGET/ci-tools/bin/tauri-driver}"
export SWF_E2E_ARTIFACTS="$ARTIFACTS" SWF_E2E_DUNST_LOG="$ARTIFACTS/dunst.log"
for f in "$SWF_E2E_APP" "$SWF_E2E_SERVER" "$SWF_E2E_DRIVER" "${SWF_E2E_PYTHON:=$TARGET/ci-venv/bin/python}"; do
  [ -x "$f" ] || { echo "session-tests.sh: $f is missing; scripts/test.sh builds it" >&2; exit 1; }
done
if [ "${SWF_INSTALLED_TESTS:-}" = 1 ]; then
  echo "== the installed packages: apt-get install dist/*.deb, start from the menu entry and the unit, remove"
  bash scripts/installed-tests.sh
fi
# pytest's exit status 5 ("no tests collected") is a failure too: set -e sees any non-zero.
# Its summary line ("N passed in …") is the last line of the run.
"$SWF_E2E_PYTHON" -m pytest tests/e2e
