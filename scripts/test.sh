#!/usr/bin/env bash
# Runs every check and test. Installs what it needs on a fresh Debian/Ubuntu machine.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_INCREMENTAL=0 RUST_BACKTRACE=1

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v curl >/dev/null || need_apt+=(curl)
# The keyring crate's sync-secret-service backend links libdbus; the real-keyring tests need a
# private session bus (dbus-run-session, dbus-send) and a Secret Service (gnome-keyring).
pkg-config --exists dbus-1 2>/dev/null || need_apt+=(libdbus-1-dev)
command -v dbus-run-session >/dev/null || need_apt+=(dbus)
command -v dbus-send >/dev/null || need_apt+=(dbus-bin)
command -v gnome-keyring-daemon >/dev/null || need_apt+=(gnome-keyring)
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust from your distribution or rustup first" >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy 2>/dev/null || true
if ! command -v cargo-nextest >/dev/null; then
  echo "== installing cargo-nextest"
  cargo install cargo-nextest --locked -q
fi

echo "== format"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets --locked -q -- -D warnings
echo "== tests"
# Tests marked #[ignore] (the real-keyring ones) are skipped here and run in the session below.
cargo nextest run --workspace --locked --no-fail-fast --failure-output final --status-level fail
echo "== desktop-service tests (private D-Bus session with a throw-away gnome-keyring)"
dbus-run-session -- bash scripts/session-tests.sh
