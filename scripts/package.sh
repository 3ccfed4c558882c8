#!/usr/bin/env bash
# Builds the installable packages of Samenwerkruimte into dist/:
#   samenwerkruimte_<version>_amd64.deb, samenwerkruimte-<version>-1.x86_64.rpm  the desktop app
#       (the Tauri CLI's bundler: icons, desktop entry, dependencies; see tauri.conf.json "bundle")
#       with its background process /usr/bin/samenwerkruimte-achtergrond (an overlay, below)
#   swf-server_<version>_amd64.deb, swf-server-<version>-1.x86_64.rpm            the service
#       (dpkg-deb / rpmbuild from packaging/swf-server: binary, systemd unit, user swf,
#       /etc/swf-server/config.toml, /var/lib/swf-server)
# Installs what it needs on a fresh Debian/Ubuntu machine (apt as root or with sudo; Node.js 20+
# and Rust must be present): the Tauri CLI from npm (pinned in packaging/package.json, the same
# version as the tauri crate in Cargo.lock), dpkg-dev and rpm (rpmbuild).
#
# Usage: bash scripts/package.sh            release build (cargo --release, through `tauri build`)
#        bash scripts/package.sh --debug    package the debug binaries that are already built
#                                           (target/debug/samenwerkruimte and swf-server, as
#                                           scripts/test.sh builds them); compiles nothing
#        SWF_PACKAGE_DEBUG=1 bash scripts/package.sh   the same as --debug
#        bash scripts/package.sh --service-only   only swf-server, from target/release/swf-server
#                                           (built before; the release workflow's service job)
# --debug packages are for the tests (scripts/installed-tests.sh): the app inside is the test
# build (test identifier, debug profile). Never distribute them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never DEBIAN_FRONTEND=noninteractive
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
TARGET=$CARGO_TARGET_DIR
DIST=$ROOT/dist

profile=release
app=1
[ "${SWF_PACKAGE_DEBUG:-}" = 1 ] && profile=debug
case "${1:-}" in
  --debug) profile=debug ;;
  --service-only) app=0 ;;
  --release | "") ;;
  *) echo "usage: bash scripts/package.sh [--debug|--service-only]" >&2; exit 2 ;;
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

echo "== packaging tools"
apt_install_missing dpkg-dev rpm file
if [ "$profile" = release ] && [ "$app" = 1 ]; then
  # the Tauri build dependencies, as scripts/run.sh installs them
  apt_install_missing build-essential pkg-config curl libssl-dev libxdo-dev \
    libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev lld
fi
version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])')
BIN=$TARGET/$profile
rm -rf "$DIST"
mkdir -p "$DIST"
LINKS=()
cleanup() {
  for l in "${LINKS[@]}"; do [ -L "$l" ] && rm -f "$l"; done
}
trap cleanup EXIT

if [ "$app" = 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node and npm are missing: install Node.js 20 or newer (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
  if [ ! -x packaging/node_modules/.bin/tauri ] || [ packaging/package-lock.json -nt packaging/node_modules ]; then
    npm ci --prefix packaging --no-audit --no-fund --loglevel=error
    touch packaging/node_modules
  fi
  TAURI_CLI=$ROOT/packaging/node_modules/.bin/tauri

  # The CLI and the tauri crate must be the same release (the CLI reads the crate's config schema).
  cli_version=$("$TAURI_CLI" --version | awk '{print $2}')
  crate_version=$(awk '/^name = "tauri"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
  if [ "${cli_version%.*}" != "${crate_version%.*}" ]; then
    echo "the Tauri CLI is $cli_version but the tauri crate is $crate_version: pin" >&2
    echo "@tauri-apps/cli $crate_version in packaging/package.json (npm install --prefix packaging)" >&2
    exit 1
  fi
  echo "   Tauri CLI $cli_version (crate $crate_version), version $version, $profile build"

  # The background process (crates/swf-achtergrond) goes into the app's packages next to the
  # app: a config overlay adds it to bundle.linux.{deb,rpm}.files (JSON merge patch: the files of
  # tauri.conf.json stay). Its path depends on the profile, so it is not in tauri.conf.json.
  achtergrond_overlay() {
    local f="\"/usr/bin/samenwerkruimte-achtergrond\": \"$BIN/samenwerkruimte-achtergrond\""
    printf '{"bundle":{"linux":{"deb":{"files":{%s}},"rpm":{"files":{%s}}}}}' "$f" "$f"
  }

  # The Tauri CLI expects tauri.conf.json next to the app's Cargo.toml and resolves the config's
  # paths (ui/dist, icons/) from there; ours is at the root (for tauri-build and cargo), so it gets
  # links in src-tauri/ for as long as it runs (docs/linux-build-notes P5). Removed afterwards.
  for l in tauri.conf.json ui icons; do
    if [ ! -e "src-tauri/$l" ]; then
      ln -s "../$l" "src-tauri/$l"
      LINKS+=("src-tauri/$l")
    fi
  done

  if [ "$profile" = release ]; then
    echo "== ui (ui/dist)"
    if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules ]; then
      npm ci --prefix ui --no-audit --no-fund --loglevel=error
      touch ui/node_modules
    fi
    echo "== release build of the background process (samenwerkruimte-achtergrond, D52)"
    env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo build --release --locked -p swf-achtergrond
    echo "== release build of the desktop app and its .deb/.rpm (tauri build)"
    # the real identifier: no test overlay, no lint wrapper from a surrounding test run
    env -u TAURI_CONFIG -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS TAURI_APP_PATH=src-tauri \
      "$TAURI_CLI" build --bundles deb,rpm --ci --config "$(achtergrond_overlay)"
    echo "== release build of the service"
    env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo build --release --locked -p swf-server
  else
    echo "== the debug build already made ($BIN)"
    for f in samenwerkruimte samenwerkruimte-achtergrond swf-server; do
      [ -x "$BIN/$f" ] || { echo "$BIN/$f is missing: build it first (scripts/test.sh does)" >&2; exit 1; }
    done
    # It must be a build with the UI embedded (custom-protocol) from the current ui/dist: its
    # asset names (content hashes) are in the binary.
    asset=$(cd ui/dist/assets 2>/dev/null && ls index-*.js 2>/dev/null | head -1 || true)
    if [ -z "$asset" ] || ! grep -qF "/assets/$asset" "$BIN/samenwerkruimte"; then
      echo "$BIN/samenwerkruimte does not embed the current ui/dist: build it with" >&2
      echo "  --features samenwerkruimte/custom-protocol after npm --prefix ui run build (scripts/test.sh)" >&2
      exit 1
    fi
    before=$(sha256sum "$BIN/samenwerkruimte" | cut -d' ' -f1)
    echo "== .deb/.rpm of the desktop app (tauri bundle --debug: bundles the binary as it is)"
    TAURI_APP_PATH=src-tauri "$TAURI_CLI" bundle --debug --bundles deb,rpm --ci \
      --config "$(achtergrond_overlay)"
    after=$(sha256sum "$BIN/samenwerkruimte" | cut -d' ' -f1)
    [ "$before" = "$after" ] || { echo "tauri bundle changed $BIN/samenwerkruimte" >&2; exit 1; }
  fi

  # the bundler names the files after productName (Samenwerkruimte_…); the package inside is
  # samenwerkruimte (the binary's name), and so are the files in dist/
  for f in "$BIN"/bundle/deb/*_"$version"_*.deb "$BIN"/bundle/rpm/*-"$version"-*.rpm; do
    name=$(basename "$f")
    cp "$f" "$DIST/samenwerkruimte${name#Samenwerkruimte}"
  done
else
  [ -x "$BIN/swf-server" ] || { echo "$BIN/swf-server is missing: cargo build --release -p swf-server" >&2; exit 1; }
fi

echo "== swf-server .deb (dpkg-deb)"
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'cleanup; rm -rf "$stage"' EXIT
deb_root=$stage/deb
src=packaging/swf-server
install -D -m 0755 "$BIN/swf-server" "$deb_root/usr/bin/swf-server"
install -D -m 0644 "$src/swf-server.service" "$deb_root/lib/systemd/system/swf-server.service"
install -D -m 0640 "$src/config.toml" "$deb_root/etc/swf-server/config.toml"
install -D -m 0644 packaging/app/copyright "$deb_root/usr/share/doc/swf-server/copyright"
install -d -m 0755 "$deb_root/DEBIAN"
install -m 0755 "$src/postinst" "$src/prerm" "$src/postrm" "$deb_root/DEBIAN/"
echo /etc/swf-server/config.toml >"$deb_root/DEBIAN/conffiles"
# shared-library dependencies as dpkg-shlibdeps finds them (libc6, libgcc-s1)
mkdir -p "$stage/shlibs/debian"
: >"$stage/shlibs/debian/control"
shlibs=$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$deb_root/usr/bin/swf-server" 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')
size_kib=$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)
cat >"$deb_root/DEBIAN/control" <<EOF
Package: swf-server
Version: $version
Architecture: $arch
Maintainer: Samenwerkruimte <beheer@samenwerkruimte.nl>
Section: net
Priority: optional
Depends: adduser, ${shlibs:-libc6}
Installed-Size: $size_kib
Description: Samenwerkruimte collaboration service (SWF v5 compatible)
 The Samenwerkruimte service: samenwerkingen, documents and action requests
 between authorities and their partners, with an embedded SQLite database in
 /var/lib/swf-server. Runs as the unprivileged user swf under systemd
 (swf-server.service); configuration in /etc/swf-server/config.toml.
 Removing the package keeps the data.
EOF
dpkg-deb --root-owner-group -Zxz --build "$deb_root" "$DIST/swf-server_${version}_${arch}.deb" >/dev/null

echo "== swf-server .rpm (rpmbuild)"
rpmbuild -bb --quiet \
  --define "_topdir $stage/rpm" \
  --define "swf_version $version" \
  --define "swf_bin $BIN/swf-server" \
  --define "swf_src $ROOT/$src" \
  --define "swf_copyright $ROOT/packaging/app/copyright" \
  "$src/swf-server.spec"
cp "$stage"/rpm/RPMS/*/swf-server-"$version"-*.rpm "$DIST"/

echo "== dist/"
( cd "$DIST" && for f in *; do printf '   %-48s %6s KiB\n' "$f" "$(( $(stat -c %s "$f") / 1024 ))"; done )
