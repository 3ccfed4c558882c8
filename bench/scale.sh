#!/usr/bin/env bash
# Scale-out benchmark of swf-server (release build), side by side in one run, on 127.0.0.1:
#   - SQLite; PostgreSQL with one instance; PostgreSQL with two instances behind nginx:
#     the overview (GET /samenwerkingen?aantal=20 over 10 000 samenwerkingen) with and without
#     the overview cache, and a mixed load (90 % overview reads, 10 % new actieverzoeken with
#     their notification fan-out): req/s and p99 (wrk);
#   - 10 000 live change streams on one instance (SQLite): server RSS, and the time one
#     write takes to reach every entitled stream (p95), none reaching the others.
# Usage: bash bench/scale.sh        (see bench/README.md; not part of the test command)
# Knobs (trial runs only): BENCH_SEED_COUNT=10000 BENCH_WRK_DURATION=15s BENCH_STREAMS=10000
#   BENCH_FANOUT_ROUNDS=5 BENCH_STRICT=1 (exit status 1 when a target is missed)
#   BENCH_SERVER_BIN=path (a release swf-server built already: no cargo build)
#   BENCH_REFERENCE_BIN=path (another swf-server, e.g. a build of an earlier commit: its SQLite
#     overview and mixed figures measured in the same run, on a data folder of its own, before
#     and once more after the build's)
#   BENCH_SQLITE_ONLY=1 (the SQLite overview and mixed figures only: no streams, no PostgreSQL)
#   BENCH_PG_ONLY=1 (the PostgreSQL figures only: no SQLite, no streams)
#   BENCH_NGINX_WORKERS=auto (nginx's worker_processes in front of the two instances; default 1)
#   BENCH_PG_POOL=4 (each PostgreSQL instance's SWF_DATABASE_MAX_CONNECTIONS: sized for a
#     database on these 2 CPUs, docs/operations.md "Connections")
#   BENCH_NGINX_UPSTREAM=unix|tcp (how nginx reaches the two instances on this host: their Unix
#     sockets, as docs/operations.md deploys a proxy on the instances' host (D84), or TCP on
#     127.0.0.1; default unix)
#   BENCH_INSTANCE_THREADS=N (SWF_WORKER_THREADS of each of the two instances behind nginx;
#     default CPUs ÷ 2, the share docs/operations.md gives instances on one host (D85); 0: one
#     per CPU each)
#   BENCH_NGINX_BALANCE=least_conn|round_robin (nginx's upstream balancing; default least_conn,
#     as docs/operations.md)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

SEED_COUNT=${BENCH_SEED_COUNT:-10000}
DUR=${BENCH_WRK_DURATION:-15s}
STREAMS=${BENCH_STREAMS:-10000}
ROUNDS=${BENCH_FANOUT_ROUNDS:-5}
STRICT=${BENCH_STRICT:-0}
PG_POOL=${BENCH_PG_POOL:-4}
UPSTREAM=${BENCH_NGINX_UPSTREAM:-unix}
BALANCE=${BENCH_NGINX_BALANCE:-least_conn}

API=/overheid/samenwerken/api/behandelen/v5
ORG_A=00000001002220647000 # reads the overview, writes; initiator of every samenwerking
ORG_B=00000001812579446000 # partner in every samenwerking; receives the actieverzoeken
ORG_C=00000001999999999000 # takes part in nothing: its streams must stay silent

log() { printf '[scale] %s\n' "$*" >&2; }
die() {
    log "FOUT: $*"
    exit 1
}

WORK= PIDS=() NGPID= MADE_POLICY=0
cleanup() {
    local rc=$?
    set +e
    [ -n "$NGPID" ] && kill "$NGPID" 2>/dev/null && wait "$NGPID" 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    type pg_cluster_stop >/dev/null 2>&1 && pg_cluster_stop
    [ "$MADE_POLICY" = 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        if [ "$rc" != 0 ]; then
            for f in "$WORK"/*.err; do
                [ -s "$f" ] && { log "laatste regels van $f:"; tail -n 15 "$f" >&2; }
            done
        fi
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ tools
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
missing=()
for t in curl wrk python3; do command -v $t >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ] || [ -z "$NGINX" ]; then
    [ "$(id -u)" = 0 ] || die "ontbrekend: ${missing[*]} ${NGINX:-nginx}; installeer als root"
    export DEBIAN_FRONTEND=noninteractive
    if [ ! -e /usr/sbin/policy-rc.d ]; then # no system-wide nginx from the package
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        MADE_POLICY=1
    fi
    apt-get update -qq >&2
    [ ${#missing[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    if [ -z "$NGINX" ]; then
        apt-get install -y -qq --no-install-recommends nginx-light >&2 ||
            apt-get install -y -qq --no-install-recommends nginx >&2
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    fi
    [ "$MADE_POLICY" = 1 ] && rm -f /usr/sbin/policy-rc.d && MADE_POLICY=0
fi
[ -x "$NGINX" ] || die "nginx niet gevonden"
# shellcheck source=../scripts/pg-cluster.sh
. "$REPO/scripts/pg-cluster.sh"

# 10 000 streams: each end (the server, the Python client) is its own process with this limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge $((STREAMS + 1000)) ] || ulimit -n $((STREAMS + 1000)) ||
    die "ulimit -n $(ulimit -n) is te laag voor $STREAMS streams"

# ------------------------------------------------------------------ build
if [ -n "${BENCH_SERVER_BIN:-}" ]; then # a release binary built already
    BIN=$BENCH_SERVER_BIN
else
    log "cargo build --release -p swf-server (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$REPO" && nice -n 10 cargo build --release -p swf-server >&2)
    BIN=$CARGO_TARGET_DIR/release/swf-server
fi
[ -x "$BIN" ] || die "$BIN ontbreekt na de build"
WORK=$(mktemp -d --suffix=-swf-scale)
CPUS=$(nproc)
INSTANCE_THREADS=${BENCH_INSTANCE_THREADS:-$((CPUS / 2 > 0 ? CPUS / 2 : 1))}

# ------------------------------------------------------------------ helpers
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# start_server NAME DATA PORT [VAR=value …]: sets SURL and SPID (a restart keeps its port).
# PORT unix:PATH listens on that Unix socket; SURL is then unix:PATH, as nginx's upstream names it.
STARTS=0
start_server() {
    STARTS=$((STARTS + 1))
    # a file of its own per start: the previous start's address is never read
    local name=$1-$STARTS data=$2 port=$3 listen curl_at=()
    shift 3
    listen=127.0.0.1:$port
    [[ $port == unix:* ]] && listen=$port curl_at=(--unix-socket "${port#unix:}")
    env "$@" SWF_JOB_INTERVAL_SECS=100000 SWF_VERZOEK_OPHALEN_SECS=100000 RUST_LOG=warn \
        "${RUN_BIN:-$BIN}" --data "$data" serve --listen "$listen" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SPID=$!
    PIDS+=("$SPID")
    SURL=
    for _ in $(seq 1 400); do
        SURL=$(sed -n 's/^swf-server luistert op \(http:\/\/[0-9.:]*\|unix:.*\)$/\1/p' "$WORK/$name.out" 2>/dev/null | head -n 1 || true)
        [ -n "$SURL" ] && break
        kill -0 "$SPID" 2>/dev/null || die "server $name stopte bij het starten"
        sleep 0.05
    done
    [ -n "$SURL" ] || die "server $name meldde geen adres"
    local base=$SURL
    [[ $SURL == unix:* ]] && base=http://localhost
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "${curl_at[@]}" "$base$API/health" && return 0
        sleep 0.05
    done
    die "server $name antwoordt niet"
}
stop_server() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# CPU accounting per request (clock ticks, /proc): where a setup's CPU goes, beside its req/s.
# The servers of the setup being measured (redefined per setup)
service_pids() { :; }
# own_ticks PID: the process's CPU (all its threads) and that of its ended, reaped children
own_ticks() {
    local v
    v=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}') || true
    echo "${v:-0}"
}
# tree_ticks PID…: each process's own ticks and those of its children alive now (a PostgreSQL
# backend or nginx worker that ended is in its parent's count from then on)
tree_ticks() {
    local t=0 p c
    for p in "$@"; do
        [ -n "$p" ] || continue
        t=$((t + $(own_ticks "$p")))
        for c in $(pgrep -P "$p" 2>/dev/null); do t=$((t + $(own_ticks "$c"))); done
    done
    echo "$t"
}
postmaster_pid() { [ -n "${PG_CLUSTER_DIR:-}" ] && head -n 1 "$PG_CLUSTER_DIR/data/postmaster.pid" 2>/dev/null || true; }
# machine_ticks: busy and all ticks of the machine since boot
machine_ticks() { awk '/^cpu / {b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6}' /proc/stat; }
# cpu_snapshot: service database proxy busy all
cpu_snapshot() {
    # shellcheck disable=SC2046 # a list of PIDs
    echo "$(tree_ticks $(service_pids)) $(tree_ticks "$(postmaster_pid)") $(tree_ticks "$NGPID") $(machine_ticks)"
}
HZ=$(getconf CLK_TCK)
CPU_ROWS=()

# admin NAME DATA [VAR=value …] -- args…
admin() {
    local data=$1
    shift
    local envs=()
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    env "${envs[@]}" "${RUN_BIN:-$BIN}" --data "$data" "$@"
}

# setup_orgs DATA [VAR=value …]: the three organisations, tokens in TOKEN_A/B/C
setup_orgs() {
    local data=$1
    shift
    admin "$data" "$@" -- org add --oin "$ORG_A" --naam "Gemeente Benchmark" --soort GEMEENTE >/dev/null
    admin "$data" "$@" -- org add --oin "$ORG_B" --naam "Veiligheidsregio Benchmark" --soort VEILIGHEIDSREGIO >/dev/null
    admin "$data" "$@" -- org add --oin "$ORG_C" --naam "Waterschap Benchmark" --soort WATERSCHAP >/dev/null
    TOKEN_A=$(admin "$data" "$@" -- token create --oin "$ORG_A" --omschrijving bench | tail -n 1)
    TOKEN_B=$(admin "$data" "$@" -- token create --oin "$ORG_B" --omschrijving bench | tail -n 1)
    TOKEN_C=$(admin "$data" "$@" -- token create --oin "$ORG_C" --omschrijving bench | tail -n 1)
}

# seed URL SIDS_FILE: SEED_COUNT samenwerkingen (A with B); the first 1 000 ids to SIDS_FILE
seed() {
    local url=$1 out=$2
    log "seeding $SEED_COUNT samenwerkingen"
    read -r n secs < <(timeout 900 python3 "$BENCH_DIR/seed.py" "$url" "$TOKEN_A" "$ORG_B" "$SEED_COUNT" 8 || echo "0 0")
    [ "$n" = "$SEED_COUNT" ] || die "seeding mislukt ($n van $SEED_COUNT)"
    log "seeded $n in ${secs}s"
    python3 - "$url$API" "$TOKEN_A" >"$out" <<'EOF'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
for page in range(10):
    req = urllib.request.Request(f"{base}/samenwerkingen?aantal=100&pagina={page}",
                                 headers={"Authorization": f"Bearer {token}"})
    items = json.load(urllib.request.urlopen(req, timeout=60))["_embedded"]["samenwerkingen"]
    for s in items:
        print(s["samenwerkingId"])
EOF
    [ -s "$out" ] || die "geen samenwerking-ids"
}

# cpu_row SETUP CASE WRK_OUTPUT SNAPSHOT_BEFORE SNAPSHOT_AFTER "WRK_USER WRK_SYS": CPU µs per
# request of the service(s), the database, the proxy and wrk, and the machine's idle share
cpu_row() {
    local n
    n=$(awk '/requests in/ {print $1}' "$3")
    [ -n "$n" ] && [ "$n" -gt 0 ] || return 0
    CPU_ROWS+=("$(awk -v n="$n" -v hz="$HZ" -v a="$4" -v b="$5" -v w="$6" -v s="$1" -v c="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " "); split(w, z, " ");
        us = 1000000 / hz / n;
        printf "%-22s | %-22s | %8.0f | %8.0f | %8.0f | %8.0f | %8.0f | %5.1f",
            s, c, (y[1] - x[1]) * us, (y[2] - x[2]) * us, (y[3] - x[3]) * us,
            (z[1] + z[2]) * 1000000 / n, (y[4] - x[4]) * us,
            100 * (1 - (y[4] - x[4]) / (y[5] - x[5]))
    }')")
}

ROWS=()
FAILED=0
# wrk_run SETUP CASE URL SCRIPT MIN_RPS MAX_P99_MS [VAR=value …]
wrk_run() {
    local setup=$1 case=$2 url=$3 script=$4 min_rps=$5 max_p99=$6
    shift 6
    local f
    f="$WORK/wrk-$(printf '%s-%s' "$setup" "$case" | tr -c 'A-Za-z0-9\n' _).txt"
    env "$@" wrk -t2 -c64 -d3s -s "$BENCH_DIR/$script" "$url" >/dev/null
    log "$setup / $case: wrk -t2 -c64 -d$DUR --latency"
    # the mixed load's reads and writes apart: the service's own per-route histograms, scraped
    # before and after (not behind nginx: two scrapes could reach different instances)
    curl -fsS "${url%%/overheid/*}/metrics" >"$f.m0" 2>/dev/null || true
    local c0 c1 wrk_cpu
    c0=$(cpu_snapshot)
    wrk_cpu=$( { TIMEFORMAT='%U %S'; time env "$@" wrk -t2 -c64 -d"$DUR" --latency -s "$BENCH_DIR/$script" "$url" >"$f"; } 2>&1)
    c1=$(cpu_snapshot)
    cat "$f" >&2
    cpu_row "$setup" "$case" "$f" "$c0" "$c1" "$wrk_cpu"
    if [ "$script" = mixed.lua ] && [[ $setup != *nginx* ]] && curl -fsS "${url%%/overheid/*}/metrics" >"$f.m1" 2>/dev/null; then
        log "$setup / $case per route (from /metrics):"
        python3 "$BENCH_DIR/route-latency.py" "$f.m0" "$f.m1" >&2 || true
    fi
    local rps p99 non2xx verdict
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")
    p99=$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.1f", v * f}' "$f")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")
    verdict=PASS
    if [ -n "${non2xx:-}" ] && [ "$non2xx" != 0 ]; then
        verdict="FAIL ($non2xx non-2xx)"
    elif [ "$min_rps" = - ]; then
        verdict=info
    elif awk -v r="$rps" -v m="$min_rps" -v p="$p99" -v q="$max_p99" 'BEGIN{exit !(r < m || p >= q)}'; then
        verdict=FAIL
    fi
    [ "${verdict%% *}" = FAIL ] && FAILED=1
    local target="-"
    [ "$min_rps" != - ] && target=">= $min_rps req/s, p99 < $max_p99 ms"
    ROWS+=("$(printf '%-22s | %-22s | %9s | %8s | %-30s | %s' "$setup" "$case" "$rps" "$p99" "$target" "$verdict")")
}

LIST=$API/samenwerkingen?aantal=20
# overview_and_mixed SETUP URL RESTART_FN MIXED_TARGET [NOCACHE_TARGET, default 8000:20]: the cached
# overview, mixed load, then the overview with
# the cache off (RESTART_FN false restarts the setup's servers with SWF_LIST_CACHE=false)
overview_and_mixed() {
    local setup=$1 url=$2 restart=$3 mixed_target=$4 nocache_target=${5:-8000:20}
    wrk_run "$setup" "overview, cached" "$url$LIST" list.lua - - SWF_TOKEN="$TOKEN_A"
    wrk_run "$setup" "mixed 90/10" "$url$LIST" mixed.lua "${mixed_target%:*}" "${mixed_target#*:}" \
        SWF_TOKEN="$TOKEN_A" SWF_PARTNER="$ORG_B" SWF_SIDS="${SIDS:-$WORK/sids}"
    $restart false
    wrk_run "$setup" "overview, no cache" "$url$LIST" list.lua "${nocache_target%:*}" "${nocache_target#*:}" \
        SWF_TOKEN="$TOKEN_A"
}

# ------------------------------------------------------------------ results (printed at the end)
print_results() {
    echo
    echo "swf-server scale benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $CPUS CPUs (wrk, nginx, PostgreSQL and the"
    echo "servers share them), $SEED_COUNT samenwerkingen, wrk -t2 -c64 -d$DUR, PostgreSQL pool $PG_POOL per instance,"
    echo "nginx to the two instances over $UPSTREAM, $BALANCE, SWF_WORKER_THREADS=$INSTANCE_THREADS each"
    printf '%-22s | %-22s | %9s | %8s | %-30s | %s\n' "setup" "figure" "req/s" "p99 ms" "target" "verdict"
    for r in "${ROWS[@]}"; do echo "$r"; done
    echo
    echo "CPU per request, µs (process CPU time over the measured wrk run / its requests; machine = all"
    echo "CPUs busy, whoever; idle = the machine's idle share during the run)"
    printf '%-22s | %-22s | %8s | %8s | %8s | %8s | %8s | %5s\n' "setup" "figure" "service" "database" "nginx" "wrk" "machine" "idle%"
    for r in "${CPU_ROWS[@]}"; do echo "$r"; done
    [ "$STRICT" = 1 ] && [ "$FAILED" = 1 ] && exit 1
    exit 0
}

# ------------------------------------------------------------------ 0. SQLite, reference build
# Run before the build's SQLite figures and once more after them (A, B, A): the machine's state
# drifts during a run, and in pairs the one run second was mostly the faster (bench/README.md,
# "Figures after D73"); the two reference rows show how far.
reference_run() {
    local label=$1 token_a=$TOKEN_A
    # the reference's own folder: its token and its samenwerkingen
    TOKEN_A=$REF_TOKEN_A SIDS=$WORK/sids-ref
    RUN_BIN=$BENCH_REFERENCE_BIN
    SQR_PORT=$(free_port)
    start_server sqlite-ref "$SQR" "$SQR_PORT"
    SQR_PID=$SPID SQR_URL=$SURL
    service_pids() { echo "$SQR_PID"; }
    sqlite_ref_restart() {
        stop_server "$SQR_PID"
        start_server sqlite-ref "$SQR" "$SQR_PORT" SWF_LIST_CACHE="$1"
        SQR_PID=$SPID SQR_URL=$SURL
    }
    overview_and_mixed "$label" "$SQR_URL" sqlite_ref_restart "-:-" "-:-"
    stop_server "$SQR_PID"
    RUN_BIN= SIDS= TOKEN_A=$token_a
}
if [ -n "${BENCH_REFERENCE_BIN:-}" ] && [ "${BENCH_PG_ONLY:-0}" != 1 ]; then
    [ -x "$BENCH_REFERENCE_BIN" ] || die "$BENCH_REFERENCE_BIN is geen uitvoerbaar bestand"
    SQR=$WORK/sqlite-ref
    mkdir -p "$SQR"
    # the reference's folder made by the reference itself: the build may have migrations the
    # reference does not know, and then the reference would refuse the folder
    RUN_BIN=$BENCH_REFERENCE_BIN
    setup_orgs "$SQR"
    REF_TOKEN_A=$TOKEN_A
    SQR_PORT=$(free_port)
    start_server sqlite-ref "$SQR" "$SQR_PORT"
    seed "$SURL" "$WORK/sids-ref"
    stop_server "$SPID"
    RUN_BIN=
    reference_run "SQLite, reference"
fi

if [ "${BENCH_PG_ONLY:-0}" != 1 ]; then
# ------------------------------------------------------------------ 1. SQLite
SQ=$WORK/sqlite
mkdir -p "$SQ"
setup_orgs "$SQ"
SQ_PORT=$(free_port)
start_server sqlite "$SQ" "$SQ_PORT" SWF_MAX_CONNECTIONS=$((STREAMS + 2000))
SQ_PID=$SPID SQ_URL=$SURL
service_pids() { echo "$SQ_PID"; }
seed "$SQ_URL" "$WORK/sids"
sqlite_restart() {
    stop_server "$SQ_PID"
    start_server sqlite "$SQ" "$SQ_PORT" SWF_LIST_CACHE="$1" SWF_MAX_CONNECTIONS=$((STREAMS + 2000))
    SQ_PID=$SPID SQ_URL=$SURL
}
overview_and_mixed "SQLite" "$SQ_URL" sqlite_restart "5000:50"
stop_server "$SQ_PID"
if [ -n "${BENCH_REFERENCE_BIN:-}" ]; then
    reference_run "SQLite, reference again"
fi
[ "${BENCH_SQLITE_ONLY:-0}" = 1 ] && print_results

# ------------------------------------------------------------------ 2. SSE fan-out (SQLite)
sqlite_restart true
ENTITLED=$((STREAMS * 4 / 5))
log "$STREAMS live streams ($ENTITLED entitled), $ROUNDS writes"
FAN=$(timeout 900 python3 "$BENCH_DIR/sse_fanout.py" "$SQ_URL" "$TOKEN_B" "$TOKEN_C" \
    "$ENTITLED" $((STREAMS - ENTITLED)) "$TOKEN_A" "$(head -n 1 "$WORK/sids")" "$ORG_B" \
    "$ROUNDS" "$SQ_PID") || die "sse_fanout.py mislukte"
log "fan-out: $FAN"
stop_server "$SQ_PID"
fan() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$FAN" "$1"; }
RSS_MIB=$(($(fan rss_kib) / 1024))
P95=$(fan p95_ms)
MISSED=$(fan missed)
LEAKED=$(fan leaked)
v=PASS
[ "$RSS_MIB" -lt 500 ] || v=FAIL
ROWS+=("$(printf '%-22s | %-22s | %9s | %8s | %-30s | %s' "SQLite, 1 instance" "$(fan opened) streams: RSS" "$RSS_MIB MiB" "-" "< 500 MiB" "$v")")
[ "$v" = PASS ] || FAILED=1
v=PASS
{ [ "$MISSED" = 0 ] && [ "$LEAKED" = 0 ] && awk -v p="$P95" 'BEGIN{exit !(p < 1000)}'; } || v=FAIL
ROWS+=("$(printf '%-22s | %-22s | %9s | %8s | %-30s | %s' "SQLite, 1 instance" "fan-out p50 | p95 ms" "$(fan p50_ms) ms" "$P95" "p95 < 1000 ms, none missed" "$v (missed $MISSED, leaked $LEAKED, max $(fan max_ms) ms)")")
[ "$v" = PASS ] || FAILED=1

fi

# ------------------------------------------------------------------ 3. PostgreSQL, 1 instance
log "PostgreSQL cluster (durable: fsync on)"
PG_CLUSTER_DURABLE=1 PG_CLUSTER_SHARED_BUFFERS=256MB pg_cluster_start >&2
PGURL=$SWF_TEST_DATABASE_URL
PG1=$WORK/pg1
PG2=$WORK/pg2
mkdir -p "$PG1" "$PG2"
setup_orgs "$PG1" SWF_DATABASE_URL="$PGURL"
P1_PORT=$(free_port)
P2_PORT=$(free_port)
start_server pg1 "$PG1" "$P1_PORT" SWF_DATABASE_URL="$PGURL" SWF_DATABASE_MAX_CONNECTIONS="$PG_POOL"
P1_PID=$SPID P1_URL=$SURL
service_pids() { echo "$P1_PID"; }
seed "$P1_URL" "$WORK/sids"
pg1_restart() {
    stop_server "$P1_PID"
    start_server pg1 "$PG1" "$P1_PORT" SWF_DATABASE_URL="$PGURL" SWF_DATABASE_MAX_CONNECTIONS="$PG_POOL" SWF_LIST_CACHE="$1"
    P1_PID=$SPID P1_URL=$SURL
}
overview_and_mixed "PostgreSQL, 1 instance" "$P1_URL" pg1_restart "-:-"

# ------------------------------------------------------------------ 4. PostgreSQL, 2 + nginx
# the instances on this host listen where nginx reaches them: Unix sockets (D84) or TCP; each
# with its share of the CPUs (D85)
if [ "$UPSTREAM" = unix ]; then
    P1_PORT=unix:$WORK/pg1.sock P2_PORT=unix:$WORK/pg2.sock
fi
# start_two CACHE: both instances
start_two() {
    start_server pg1 "$PG1" "$P1_PORT" SWF_DATABASE_URL="$PGURL" SWF_DATABASE_MAX_CONNECTIONS="$PG_POOL" \
        SWF_LIST_CACHE="$1" SWF_WORKER_THREADS="$INSTANCE_THREADS"
    P1_PID=$SPID P1_URL=$SURL
    start_server pg2 "$PG2" "$P2_PORT" SWF_DATABASE_URL="$PGURL" SWF_DATABASE_MAX_CONNECTIONS="$PG_POOL" \
        SWF_LIST_CACHE="$1" SWF_WORKER_THREADS="$INSTANCE_THREADS"
    P2_PID=$SPID P2_URL=$SURL
}
stop_server "$P1_PID"
start_two true
service_pids() { echo "$P1_PID $P2_PID"; }
NGDIR=$WORK/nginx
mkdir -p "$NGDIR/tmp"
NGPORT=$(free_port)
write_nginx() {
    cat >"$NGDIR/nginx.conf" <<EOF
daemon off;
user root;
worker_processes ${BENCH_NGINX_WORKERS:-1};
pid $NGDIR/nginx.pid;
error_log $NGDIR/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $NGDIR/tmp/body;
    proxy_temp_path $NGDIR/tmp/proxy;
    fastcgi_temp_path $NGDIR/tmp/fastcgi;
    uwsgi_temp_path $NGDIR/tmp/uwsgi;
    scgi_temp_path $NGDIR/tmp/scgi;
    upstream swf {
        $([ "$BALANCE" = least_conn ] && echo "least_conn;")
        server ${P1_URL#http://};
        server ${P2_URL#http://};
        keepalive 64;
    }
    # as docs/operations.md's deployment: only the live stream unbuffered
    server {
        listen 127.0.0.1:$NGPORT;
        location $API/gebeurtenissen/stream {
            proxy_pass http://swf;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 1h;
        }
        location / {
            proxy_pass http://swf;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_request_buffering off;
        }
    }
}
EOF
}
start_nginx() {
    write_nginx
    "$NGINX" -p "$NGDIR" -c "$NGDIR/nginx.conf" -e "$NGDIR/error.log" >"$NGDIR/stdout" 2>&1 &
    NGPID=$!
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$NGPORT$API/health" && return 0
        kill -0 "$NGPID" 2>/dev/null || die "nginx stopte: $(cat "$NGDIR/error.log" "$NGDIR/stdout" 2>/dev/null)"
        sleep 0.05
    done
    die "nginx antwoordt niet"
}
stop_nginx() {
    kill "$NGPID" 2>/dev/null || true
    wait "$NGPID" 2>/dev/null || true
    NGPID=
}
start_nginx
pg2_restart() {
    stop_nginx
    stop_server "$P1_PID"
    stop_server "$P2_PID"
    start_two "$1"
    start_nginx
}
overview_and_mixed "PostgreSQL, 2 + nginx" "http://127.0.0.1:$NGPORT" pg2_restart "5000:50"
stop_nginx
stop_server "$P1_PID"
stop_server "$P2_PID"
pg_cluster_stop

# ------------------------------------------------------------------ results
print_results
