#!/usr/bin/env bash
# Tests that need desktop services: the real-keyring tests (crates/swf-client/tests/keyring.rs).
# Run it inside a private session bus, never on the user's own bus:
#   dbus-run-session -- bash scripts/session-tests.sh
# It starts a throw-away gnome-keyring (Secret Service) with its keyrings in a temp dir, unlocked
# with a fixed password, runs the ignored tests and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "session-tests.sh: no session bus; run: dbus-run-session -- bash scripts/session-tests.sh" >&2
  exit 2
fi

PIDS=()
SCRATCH=$(mktemp -d)
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Fresh keyring files and runtime dir (gnome-keyring puts its control socket there; 700 needed).
export XDG_DATA_HOME="$SCRATCH/data" XDG_RUNTIME_DIR="$SCRATCH/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# --unlock reads the password on stdin, then creates and unlocks $XDG_DATA_HOME/keyrings/login.keyring.
# --foreground keeps it our child, so $! is exactly the process to stop (no pgrep: procps is not
# in a bare Debian image). The daemon takes the bus name a moment after it starts: wait for it,
# or the first test would D-Bus-activate a second, locked daemon.
printf %s ci-keyring-password |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$SCRATCH/gkd.env" 2>"$SCRATCH/gkd.log" &
PIDS+=($!)
has_secrets() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
for _ in $(seq 100); do has_secrets && break; sleep 0.1; done
if ! has_secrets; then
  echo "session-tests.sh: gnome-keyring-daemon did not take org.freedesktop.secrets" >&2
  cat "$SCRATCH/gkd.log" >&2
  exit 1
fi
# Export what it prints, if anything (GNOME_KEYRING_CONTROL=…; recent versions print nothing
# when the control dir is the default $XDG_RUNTIME_DIR/keyring).
eval "$(sed -n 's/^\(GNOME_KEYRING_[A-Z_]*=\)/export \1/p' "$SCRATCH/gkd.env")"

echo "== keyring tests and swf with the real keychain (Secret Service: gnome-keyring, pid ${PIDS[0]})"
# --workspace (with a filter) rather than -p: the same feature set as the main run, so nothing
# is rebuilt
cargo nextest run --workspace --locked --run-ignored only --no-fail-fast --failure-output final \
  -E 'package(swf-client) & (binary(keyring) | binary(cli_keyring))'
