#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: initdb + pg_ctl in a temp folder, as an
# unprivileged user when run as root (PostgreSQL refuses to run as root), listening on a unix
# socket in that folder only (no TCP port, nothing to clash with). No system service is needed.
#
# Sourced:  . scripts/pg-cluster.sh; pg_cluster_start   -> exports SWF_TEST_DATABASE_URL
#           pg_cluster_stop                             (also from a trap)
# Run:      bash scripts/pg-cluster.sh                 -> starts one and prints the URL; stop it
#           with `bash scripts/pg-cluster.sh stop DIR`.
# Needs the Debian package `postgresql` (its binaries are under /usr/lib/postgresql/<v>/bin).

pg_bin_dir() {
  local d
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return
  fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && echo "$d"
}

pg_cluster_install() {
  [ -n "$(pg_bin_dir)" ] && return 0
  echo "installing: postgresql"
  local SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends postgresql >/dev/null
}

# As the unprivileged owner of the cluster when we are root.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

pg_cluster_start() {
  pg_cluster_install
  local bin
  bin=$(pg_bin_dir)
  PG_CLUSTER_DIR=$(mktemp -d /tmp/swf-pg.XXXXXX)
  PG_OWNER=nobody
  chmod 755 "$PG_CLUSTER_DIR"
  [ "$(id -u)" = 0 ] && chown "$PG_OWNER" "$PG_CLUSTER_DIR"
  pg_as_owner "$bin/initdb" -D "$PG_CLUSTER_DIR/data" -U swf --auth=trust --no-sync \
    --locale=C.UTF-8 --encoding=UTF8 >"$PG_CLUSTER_DIR/initdb.log" 2>&1 || {
    cat "$PG_CLUSTER_DIR/initdb.log" >&2
    return 1
  }
  # speed over durability: the cluster is thrown away (the crash tests kill the service,
  # not the database); enough connections for parallel tests with two instances each.
  # PG_CLUSTER_DURABLE=1 (the benchmark): fsync and synchronous commits as in production.
  local speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_CLUSTER_DURABLE:-0}" = 1 ] && speed=
  pg_as_owner "$bin/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w -s \
    -o "-c listen_addresses='' -c unix_socket_directories='$PG_CLUSTER_DIR' $speed \
        -c max_connections=400 -c shared_buffers=${PG_CLUSTER_SHARED_BUFFERS:-64MB}" start || {
    cat "$PG_CLUSTER_DIR/server.log" >&2
    return 1
  }
  export PG_CLUSTER_DIR
  export SWF_TEST_DATABASE_URL="postgres://swf@localhost/postgres?host=$PG_CLUSTER_DIR"
}

pg_cluster_stop() {
  local dir=${1:-${PG_CLUSTER_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  PG_OWNER=${PG_OWNER:-nobody}
  pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m immediate -s stop || true
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  if [ "${1:-}" = stop ]; then
    pg_cluster_stop "${2:?cluster folder}"
  else
    pg_cluster_start
    echo "SWF_TEST_DATABASE_URL=$SWF_TEST_DATABASE_URL"
    echo "stop with: bash $0 stop $PG_CLUSTER_DIR"
  fi
fi
