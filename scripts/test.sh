#!/usr/bin/env bash
# Runs every check and test: the UI (typecheck, lint, unit tests, build), the Rust workspace
# (fmt, clippy -D warnings, nextest), the IPC bindings drift check, and, in a private X display
# and D-Bus session, the real-keyring tests and the end-to-end suite that drives the desktop app
# through the practice case's five exercises.
# Installs what it needs on a fresh Debian/Ubuntu machine (apt as root or with sudo; Node.js 20+
# and Rust must be present).
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_INCREMENTAL=0 RUST_BACKTRACE=1
TARGET=$CARGO_TARGET_DIR

# Each phase prints how long the one before it took; the session phase ends with pytest's own
# summary line (its time included), so that stays the last line of the run.
PHASE= PHASE_START=$SECONDS
phase() {
  [ -z "$PHASE" ] || echo "   ($PHASE: $((SECONDS - PHASE_START)) s)"
  PHASE=$1 PHASE_START=$SECONDS
  echo "== $1"
}

phase "system packages"
# Debian packages: the Tauri build dependencies (WebKitGTK 4.1 etc.), libdbus for the keyring
# crate, and what the session tests run: Xvfb, WebKitWebDriver, a session bus, dunst (a
# notification daemon) and gnome-keyring (a Secret Service); sudo, through which the updater
# installs a signed .deb (the installed-package test, scripts/installed-tests.sh).
apt_pkgs=(
  build-essential pkg-config curl wget file git libssl-dev libxdo-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
  xvfb xauth webkit2gtk-driver dbus dbus-x11 dunst gnome-keyring
  python3 python3-venv lld libxml2-utils
  sudo
)
need_apt=()
for p in "${apt_pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || need_apt+=("$p")
done
# dbus-send is in dbus-bin on Debian 12 and in dbus on older releases: ask for the command.
command -v dbus-send >/dev/null || need_apt+=(dbus-bin)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are missing: install Node.js 20 or newer (e.g. from your distribution: apt-get install nodejs npm)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old for the UI build (Vite 8): install Node.js 20 or newer" >&2
  exit 1
fi
if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust from your distribution or rustup first" >&2
  exit 1
fi
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" 2>/dev/null || true
done
if ! command -v cargo-nextest >/dev/null; then
  echo "installing cargo-nextest"
  cargo install cargo-nextest --locked -q
fi

phase "ui: npm ci (node $(node --version))"
npm ci --prefix ui --no-audit --no-fund --loglevel=error
phase "ui: typecheck"
npm --prefix ui run -s typecheck
phase "ui: lint"
npm --prefix ui run -s lint
phase "ui: unit tests"
npm --prefix ui run -s test
phase "ui: build (ui/dist, embedded by the desktop app)"
npm --prefix ui run -s build

phase "format"
cargo fmt --all -- --check

# Clippy in the same compilation as the tests: clippy-driver is what `cargo clippy` runs as the
# compiler of the workspace's own crates; set as RUSTC_WORKSPACE_WRAPPER for every cargo command
# of this run (also the session tests and the e2e build, so nothing is rebuilt without it), it
# lints while it compiles, and -D warnings fails the build on any lint. A separate
# `cargo clippy` would check every dependency a second time (some 600 s on 2 cores).
# Dependencies are compiled by plain rustc either way.
CLIPPY_DRIVER=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)
if [ -z "$CLIPPY_DRIVER" ]; then
  echo "clippy-driver is missing: rustup component add clippy" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER=$CLIPPY_DRIVER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# One feature set and one build environment for every cargo command of the run, so the desktop
# app that the tests build is the one the e2e suite drives (no second build of the Tauri stack):
# custom-protocol embeds ui/dist (built above) and tauri.test.conf.json gives the app its own
# identifier, so it never touches a real installation's data or keychain entries.
# session-tests.sh passes SWF_CARGO_FEATURES to its cargo command too.
export SWF_CARGO_FEATURES=samenwerkruimte/custom-protocol
TAURI_CONFIG="$(cat tauri.test.conf.json)"
export TAURI_CONFIG
WS=(--workspace --locked --features "$SWF_CARGO_FEATURES")
phase "build + clippy -D warnings (every target: libs, bins, tests, benches)"
# --all-targets compiles (and so lints) what `cargo clippy --all-targets` would; the benchmarks
# are built, not run (they are long: bench/).
cargo test "${WS[@]}" --all-targets --no-run -q
phase "python tools: bagit (archive validator) in the run's venv"
# The archive tests validate every bag with bagit.py and every MDTO sidecar with xmllint
# (libxml2-utils, above) against tests/archive/MDTO-XML1.0.1.xsd; required, not skipped, here.
[ -x "$TARGET/ci-venv/bin/python" ] || python3 -m venv "$TARGET/ci-venv"
"$TARGET/ci-venv/bin/pip" install -q --disable-pip-version-check -r tests/archive/requirements.txt
export SWF_TEST_BAGIT="$TARGET/ci-venv/bin/bagit.py" SWF_TEST_XMLLINT="$(command -v xmllint)"
export SWF_TEST_VALIDATORS=required

phase "tests"
# Tests marked #[ignore] need the desktop session (a Secret Service, a notification daemon):
# they are skipped here and run by scripts/session-tests.sh below.
cargo nextest run "${WS[@]}" --no-fail-fast --failure-output final --status-level fail

phase "tests on PostgreSQL: swf-server and swf-testkit once more"
# The same server suite with the PostgreSQL store: a throw-away cluster in a temp folder
# (scripts/pg-cluster.sh installs the Debian package when missing; initdb + pg_ctl as an
# unprivileged user, a unix socket only), every test on its own fresh database; plus the tests
# that need two instances on one database. Stopped and removed on exit, also on failure.
. scripts/pg-cluster.sh
pg_cluster_start
trap pg_cluster_stop EXIT
# The practice service is a one-folder service (SQLite only; it refuses a database URL), so
# tests/oefenomgeving.rs starts its practice services on SQLite here too and checks that a
# real service's folder on PostgreSQL is refused. Profile `pg` (.config/nextest.toml) ends a
# test that hangs, as a failure: after 2 minutes (6 for the two matrix suites, ~3 min on a
# busy machine).
cargo nextest run "${WS[@]}" --profile pg --no-fail-fast --failure-output final --status-level fail \
  -E 'package(swf-server) | package(swf-testkit)'

phase "tests with documents in an object store: S3 (moto) on PostgreSQL"
# Document bytes in an S3-compatible bucket (D61/D62): moto in server mode from PyPI
# (tests/s3/requirements.txt) on a free port of 127.0.0.1, in memory, started and stopped here.
# On the PostgreSQL cluster above (the production pairing, and what two instances need):
# tests/s3_storage.rs (round trip, aborted upload, deletion, two instances, /ready) and the
# document-heavy suites once more. Left out: the suites that look into the data folder's
# blobs/ and tmp/ (crash_safety, operations, bad_input) and the practice service (own folders).
. scripts/s3-moto.sh
s3_moto_start "$TARGET/ci-venv"
trap 's3_moto_stop; pg_cluster_stop' EXIT
cargo nextest run "${WS[@]}" --profile pg --no-fail-fast --failure-output final --status-level fail \
  -E 'package(swf-server) & (binary(s3_storage) | binary(confidentiality) | binary(limits) | binary(retention) | binary(instances) | binary(dso_client))'
s3_moto_stop
pg_cluster_stop
trap - EXIT
unset SWF_TEST_DATABASE_URL

phase "IPC bindings drift check"
# --workspace with a filter, not -p: the feature set of the run above, so nothing is rebuilt.
cargo nextest run "${WS[@]}" --status-level fail \
  -E 'package(samenwerkruimte) & test(export_bindings)'
BINDINGS=ui/src/ipc/bindings.gen.ts
if [ -n "$(git status --porcelain -- "$BINDINGS")" ]; then
  git --no-pager diff --stat -- "$BINDINGS" || true
  cat >&2 <<EOF
$BINDINGS is not what the Rust commands generate (or is not committed).
The UI's types must match src-tauri: regenerate and commit the file:
  cargo nextest run -p samenwerkruimte -E 'test(export_bindings)'
  git add $BINDINGS
EOF
  exit 1
fi

phase "e2e binaries: the desktop app (test identifier, embedded UI), its background process and swf-server"
# Built by the test build above with the run's one feature set (see WS): copied, not rebuilt.
# Copied away so that a later cargo command of another feature set (a developer's own
# `cargo nextest run`) cannot swap the binary under the e2e suite.
# The background process has no integration tests, so `cargo test --no-run` built only its unit
# test harness, not the binary: built here with the same flags (same features: no dependency is
# rebuilt, one crate compiles and links).
cargo build "${WS[@]}" --bin samenwerkruimte-achtergrond
mkdir -p "$TARGET/e2e"
cp "$TARGET/debug/samenwerkruimte" "$TARGET/e2e/samenwerkruimte"
# next to the app, where it looks for it (background mode hands over to it, D52)
cp "$TARGET/debug/samenwerkruimte-achtergrond" "$TARGET/e2e/samenwerkruimte-achtergrond"
cp "$TARGET/debug/swf-server" "$TARGET/e2e/swf-server"

phase "packages: .deb/.rpm of the test build (scripts/package.sh --debug; compiles nothing)"
# The app and service binaries above, bundled as they are (no release build in the tests); the
# session below installs them with apt and tests the installed app and service
# (scripts/installed-tests.sh).
bash scripts/package.sh --debug
export SWF_INSTALLED_TESTS=1

phase "e2e tools: tauri-driver and the Python venv"
if [ ! -x "$TARGET/ci-tools/bin/tauri-driver" ]; then
  # not our crate: no clippy wrapper (it would lint tauri-driver with -D warnings)
  env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS -u TAURI_CONFIG \
    cargo install tauri-driver --version '^2' --locked --root "$TARGET/ci-tools" -q
fi
[ -x "$TARGET/ci-venv/bin/python" ] || python3 -m venv "$TARGET/ci-venv"
"$TARGET/ci-venv/bin/pip" install -q --disable-pip-version-check -r tests/e2e/requirements.txt

phase "api: schemathesis against /openapi.json"
# The document must describe the API that is served: schemathesis (pinned in
# tests/schemathesis/requirements.txt, installed into the venv above) runs all its checks against
# a live swf-server with a case system's token; zero failures. What it leaves out and why:
# scripts/api-fuzz.sh.
SWF_FUZZ_VENV="$TARGET/ci-venv" bash scripts/api-fuzz.sh "$TARGET/e2e/swf-server"

phase "desktop session: real keychain, notifications, end-to-end (Xvfb + private D-Bus)"
echo "   (every phase above: $SECONDS s in all)"
export SWF_E2E_APP="$TARGET/e2e/samenwerkruimte" SWF_E2E_SERVER="$TARGET/e2e/swf-server"
export SWF_E2E_DRIVER="$TARGET/ci-tools/bin/tauri-driver" SWF_E2E_PYTHON="$TARGET/ci-venv/bin/python"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash scripts/session-tests.sh
