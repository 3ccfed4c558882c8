#!/usr/bin/env bash
# Runs the main job: the collaboration service on 127.0.0.1 with an embedded SQLite database
# in ./data and two demo organisations with users (it prints how to sign in).
# Usage: bash scripts/run.sh            (SWF_LISTEN=127.0.0.1:9000 to change the address)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

need_apt=()
command -v cc >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo is missing: install Rust first" >&2; exit 1; }

cargo build --locked -q -p swf-server
exec "$CARGO_TARGET_DIR/debug/swf-server" --data "${SWF_DATA_DIR:-data}" serve \
  --listen "${SWF_LISTEN:-127.0.0.1:8080}" --demo
