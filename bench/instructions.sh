#!/usr/bin/env bash
# Instructions per request of swf-server (release build), counted by valgrind's callgrind, side
# by side with a reference build. Unlike req/s on a shared machine, an instruction count does not
# move with the machine's other load: the same binary, data and requests give the same count
# within a few tenths of a per cent, so a change of a few per cent is seen in one run.
#
# Per build, on a SQLite data folder of its own with BENCH_SEED_COUNT samenwerkingen (seeded
# through the API by seed.py): the service run under callgrind three times, with no requests, with
# BENCH_REQUESTS overview requests (GET /samenwerkingen?aantal=20) on one connection with the page
# cache off, and as many with it on. Instructions per request = (a run's total − the run without
# requests) / requests: the start and the stop of the service drop out.
# Usage: bash bench/instructions.sh   (see bench/README.md; not part of the test command)
#   BENCH_SERVER_BIN=path (a release swf-server built already: no cargo build)
#   BENCH_REFERENCE_BIN=path (another release swf-server, e.g. an earlier commit's)
#   BENCH_SEED_COUNT=10000 BENCH_REQUESTS=300
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
SEED_COUNT=${BENCH_SEED_COUNT:-10000}
REQUESTS=${BENCH_REQUESTS:-300}
API=/overheid/samenwerken/api/behandelen/v5
ORG_A=00000001002220647000
ORG_B=00000001812579446000

log() { printf '[instructions] %s\n' "$*" >&2; }
die() {
    log "FOUT: $*"
    exit 1
}
WORK= SPID=
cleanup() {
    local rc=$?
    set +e
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

missing=()
for t in curl python3 valgrind callgrind_annotate; do command -v $t >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "ontbrekend: ${missing[*]}; installeer als root"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends curl python3 valgrind >&2
fi

if [ -n "${BENCH_SERVER_BIN:-}" ]; then
    BIN=$BENCH_SERVER_BIN
else
    log "cargo build --release -p swf-server (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd "$REPO" && nice -n 10 cargo build --release -p swf-server >&2)
    BIN=$CARGO_TARGET_DIR/release/swf-server
fi
[ -x "$BIN" ] || die "$BIN ontbreekt"
WORK=$(mktemp -d --suffix=-swf-instructions)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT

# serve BIN DATA [VAR=value …]: the service in the background (SPID), with what comes before BIN
# in $WRAP (valgrind), until /health answers
serve() {
    local bin=$1 data=$2
    shift 2
    env "$@" SWF_JOB_INTERVAL_SECS=100000 SWF_VERZOEK_OPHALEN_SECS=100000 RUST_LOG=warn \
        ${WRAP:-} "$bin" --data "$data" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.out" 2>&1 &
    SPID=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "$URL$API/health" && return 0
        kill -0 "$SPID" 2>/dev/null || die "de service stopte: $(tail -n 5 "$WORK/serve.out")"
        sleep 0.1
    done
    die "de service antwoordt niet"
}
stop() {
    kill -TERM "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
    SPID=
}

# prepare BIN DATA: organisations, a token (TOKEN), the samenwerkingen
prepare() {
    local bin=$1 data=$2
    mkdir -p "$data"
    "$bin" --data "$data" org add --oin "$ORG_A" --naam "Gemeente Benchmark" --soort GEMEENTE >/dev/null
    "$bin" --data "$data" org add --oin "$ORG_B" --naam "Veiligheidsregio Benchmark" --soort VEILIGHEIDSREGIO >/dev/null
    TOKEN=$("$bin" --data "$data" token create --oin "$ORG_A" --omschrijving bench | tail -n 1)
    serve "$bin" "$data"
    read -r n _ < <(timeout 900 python3 "$BENCH_DIR/seed.py" "$URL" "$TOKEN" "$ORG_B" "$SEED_COUNT" 8 || echo "0 0")
    stop
    [ "$n" = "$SEED_COUNT" ] || die "seeding mislukt ($n van $SEED_COUNT)"
}

# counted BIN DATA REQUESTS CACHE: the service's instructions over a run with REQUESTS overview
# requests on one connection
counted() {
    local bin=$1 data=$2 n=$3 cache=$4 out=$WORK/callgrind.out
    rm -f "$out"
    WRAP="valgrind --tool=callgrind --callgrind-out-file=$out" serve "$bin" "$data" SWF_LIST_CACHE="$cache"
    if [ "$n" -gt 0 ]; then
        local args=()
        for _ in $(seq 1 "$n"); do args+=(-o /dev/null "$URL$API/samenwerkingen?aantal=20"); done
        curl -sf -H "Authorization: Bearer $TOKEN" "${args[@]}" || die "overzicht mislukt"
    fi
    stop
    awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

ROWS=()
# measure LABEL BIN
measure() {
    local label=$1 bin=$2 data=$WORK/$1 base nocache cached
    log "$label: seeding $SEED_COUNT samenwerkingen"
    prepare "$bin" "$data"
    log "$label: counting (3 runs under callgrind, $REQUESTS requests each)"
    base=$(counted "$bin" "$data" 0 false)
    nocache=$(counted "$bin" "$data" "$REQUESTS" false)
    cached=$(counted "$bin" "$data" "$REQUESTS" true)
    ROWS+=("$(awk -v l="$label" -v b="$base" -v u="$nocache" -v c="$cached" -v n="$REQUESTS" \
        'BEGIN {printf "%-10s | %16.0f | %16.0f", l, (u - b) / n, (c - b) / n}')")
}

[ -n "${BENCH_REFERENCE_BIN:-}" ] && measure reference "$BENCH_REFERENCE_BIN"
measure build "$BIN"

echo
echo "swf-server instructions per request (callgrind): $(date -u +%Y-%m-%dT%H:%MZ), SQLite,"
echo "$SEED_COUNT samenwerkingen, GET /samenwerkingen?aantal=20, $REQUESTS requests on one connection"
printf '%-10s | %16s | %16s\n' "build" "overview, no cache" "overview, cached"
for r in "${ROWS[@]}"; do echo "$r"; done
