#!/usr/bin/env bash
# Starts Samenwerkruimte. Installs what is missing on a fresh Debian/Ubuntu machine (apt as root
# or with sudo; Rust, and for the desktop app Node.js 20+, must be present).
#
#   On a machine with a display (DISPLAY or WAYLAND_DISPLAY set): builds and starts the desktop
#   app. Its sign-in screen offers the built-in practice environment (a local service with the
#   two demo organisations), or sign in to a service of your own.
#   Without a display: runs the collaboration service on 127.0.0.1 with an embedded SQLite
#   database in ./data and two demo organisations with users (it prints how to sign in).
#
# Usage: bash scripts/run.sh              (the desktop app if there is a display, else the service)
#        bash scripts/run.sh --service    (the service, also on a desktop)
#        SWF_LISTEN=127.0.0.1:9000 SWF_DATA_DIR=elders bash scripts/run.sh --service
#        SWF_APP_DATA_DIR=elders bash scripts/run.sh --app
# SWF_DATA_DIR is the service's data folder (default ./data); the app's own folders are
# SWF_APP_DATA_DIR and SWF_APP_LOG_DIR (default: the platform's, see docs/desktop-shell.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

mode=service
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && mode=app
case "${1:-}" in
  --service) mode=service ;;
  --app) mode=app ;;
  "") ;;
  *) echo "usage: bash scripts/run.sh [--service|--app]" >&2; exit 2 ;;
esac

apt_install_missing() {
  local need=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  echo "installing: ${need[*]}"
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
}

if [ "$mode" = service ]; then
  apt_install_missing build-essential pkg-config lld
else
  # the Tauri build dependencies (WebKitGTK 4.1 …) and libdbus for the keychain
  apt_install_missing build-essential pkg-config curl file libssl-dev libxdo-dev \
    libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev lld
fi
command -v cargo >/dev/null || { echo "cargo is missing: install Rust first" >&2; exit 1; }

if [ "$mode" = service ]; then
  bin="$CARGO_TARGET_DIR/debug/swf-server"
  if [ -x "$bin" ]; then
    echo "== building the service (swf-server): only what changed since the last build"
  else
    echo "== building the service (swf-server) for the first time: this takes several minutes"
    echo "   (about 6 on 2 cores); cargo shows its progress below, the service starts after it"
  fi
  cargo build --locked -p swf-server
  echo "== starting the service on ${SWF_LISTEN:-127.0.0.1:8080} (stop it with Ctrl+C)"
  exec "$bin" --data "${SWF_DATA_DIR:-data}" serve \
    --listen "${SWF_LISTEN:-127.0.0.1:8080}" --demo
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "node and npm are missing: install Node.js 20 or newer (e.g. apt-get install nodejs npm)," >&2
  echo "or run only the service: bash scripts/run.sh --service" >&2
  exit 1
fi
# npm ci only when node_modules is missing or older than the lock file
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules ]; then
  echo "== npm ci (ui)"
  npm ci --prefix ui --no-audit --no-fund --loglevel=error
  touch ui/node_modules
fi
echo "== building the UI (ui/dist)"
npm --prefix ui run -s build
echo "== building the desktop app"
# custom-protocol: the UI is embedded from ui/dist (without it the binary would wait for a dev
# server, P3)
# swf-achtergrond: the small background process next to the app binary, which closing the window
# hands the sync over to (D52; without it the app stays in the background itself, at ~10x memory)
cargo build --locked -p samenwerkruimte -p swf-achtergrond --features samenwerkruimte/custom-protocol
echo "== starting the desktop app"
exec "$CARGO_TARGET_DIR/debug/samenwerkruimte"
