#!/usr/bin/env bash
# Benchmark of swf-server (release build) on 127.0.0.1:
#   1. GET /samenwerkingen?aantal=20 with 10 000 samenwerkingen (wrk: req/s and p99),
#   2. 1 GiB upload and download, against `sha256sum + cp` and nginx (sendfile),
#   3. the server's peak RSS growth during upload + download.
# Usage: bash bench/run.sh          (see bench/README.md; not part of the test command)
# Knobs (for quick trial runs only; the targets are meant for the defaults):
#   BENCH_SEED_COUNT=10000 BENCH_FILE_MIB=1024 BENCH_REPEATS=3 BENCH_WRK_DURATION=15s
#   BENCH_STRICT=1 -> exit status 1 when a target is missed.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

SEED_COUNT=${BENCH_SEED_COUNT:-10000}
FILE_MIB=${BENCH_FILE_MIB:-1024}
REPEATS=${BENCH_REPEATS:-3}
WRK_DURATION=${BENCH_WRK_DURATION:-15s}
STRICT=${BENCH_STRICT:-0}

API=/overheid/samenwerken/api/behandelen/v5
ORG_A=00000001002220647000 # benchmarked organisation: initiator of every samenwerking
ORG_B=00000001812579446000 # partner in every samenwerking

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    log "FOUT: $*"
    exit 1
}

WORK= SPID= NGPID= MADE_POLICY=0
cleanup() {
    local rc=$?
    set +e
    if [ -n "$NGPID" ]; then
        kill "$NGPID" 2>/dev/null
        wait "$NGPID" 2>/dev/null
    fi
    if [ -n "$SPID" ]; then
        kill "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
    fi
    if [ -n "${SPID2:-}" ]; then
        kill "$SPID2" 2>/dev/null
        wait "$SPID2" 2>/dev/null
    fi
    if [ "$MADE_POLICY" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        if [ "$rc" != 0 ] && [ -s "$WORK/server.err" ]; then
            log "laatste regels van de server:"
            tail -n 20 "$WORK/server.err" >&2
        fi
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ 1. tools
NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || true
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v wrk >/dev/null || missing+=(wrk)
command -v python3 >/dev/null || missing+=(python3)
command -v sha256sum >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ] || [ -z "$NGINX" ]; then
    [ "$(id -u)" = 0 ] || die "ontbrekend: ${missing[*]} ${NGINX:-nginx}; installeer als root"
    export DEBIAN_FRONTEND=noninteractive
    # do not let the package start a system-wide nginx
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        MADE_POLICY=1
    fi
    log "installeren: ${missing[*]} $([ -z "$NGINX" ] && echo nginx-light)"
    apt-get update -qq >&2
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
    if [ -z "$NGINX" ]; then
        apt-get install -y -qq --no-install-recommends nginx-light >&2 ||
            apt-get install -y -qq --no-install-recommends nginx >&2
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    fi
    if [ "$MADE_POLICY" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        MADE_POLICY=0
    fi
fi
[ -x "$NGINX" ] || die "nginx niet gevonden"

# ------------------------------------------------------------------ 2. build
log "cargo build --release -p swf-server (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$REPO" && cargo build --release -p swf-server >&2)
BIN=$CARGO_TARGET_DIR/release/swf-server
[ -x "$BIN" ] || die "$BIN ontbreekt na de build"

# ------------------------------------------------------------------ 3. server + data
WORK=$(mktemp -d --suffix=-swf-bench)
DATA=$WORK/data
mkdir -p "$DATA"
"$BIN" --data "$DATA" org add --oin "$ORG_A" --naam "Gemeente Benchmark" --soort GEMEENTE >/dev/null
"$BIN" --data "$DATA" org add --oin "$ORG_B" --naam "Veiligheidsregio Benchmark" --soort VEILIGHEIDSREGIO >/dev/null
TOKEN=$("$BIN" --data "$DATA" token create --oin "$ORG_A" --omschrijving benchmark | tail -n 1)
[ -n "$TOKEN" ] || die "geen token gekregen"

LIMIT=$((FILE_MIB * 1048576 * 2))
[ "$LIMIT" -ge 2147483648 ] || LIMIT=2147483648
SWF_MAX_UPLOAD_BYTES=$LIMIT SWF_JOB_INTERVAL_SECS=100000 SWF_VERZOEK_OPHALEN_SECS=100000 RUST_LOG=warn \
    "$BIN" --data "$DATA" serve --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.err" &
SPID=$!
URL=
for _ in $(seq 1 200); do
    URL=$(sed -n 's/^swf-server luistert op \(http:\/\/[0-9.:]*\).*/\1/p' "$WORK/server.out" | head -n 1)
    [ -n "$URL" ] && break
    kill -0 "$SPID" 2>/dev/null || die "server stopte bij het starten"
    sleep 0.05
done
[ -n "$URL" ] || die "server meldde geen adres"
AUTH="Authorization: Bearer $TOKEN"
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$URL$API/health" && break
    sleep 0.05
done
log "server $URL (pid $SPID)"

log "seeding $SEED_COUNT samenwerkingen (8 workers)"
read -r SEEDED SEED_SECS < <(timeout 600 python3 "$BENCH_DIR/seed.py" "$URL" "$TOKEN" "$ORG_B" "$SEED_COUNT" 8 || echo "0 0")
[ "$SEEDED" = "$SEED_COUNT" ] || die "seeding mislukt ($SEEDED van $SEED_COUNT)"
TOTAL=$(curl -sf -H "$AUTH" "$URL$API/samenwerkingen?aantal=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["page"]["totalElements"])')
[ "$TOTAL" = "$SEED_COUNT" ] || die "lijst telt $TOTAL samenwerkingen, verwacht $SEED_COUNT"
log "seeded $SEEDED in ${SEED_SECS}s ($(awk -v n="$SEEDED" -v t="$SEED_SECS" 'BEGIN{printf "%.0f", n/t}')/s)"

# ------------------------------------------------------------------ 4. list endpoint
LIST_URL="$URL$API/samenwerkingen?aantal=20"
log "wrk warm-up (3s)"
SWF_TOKEN=$TOKEN wrk -t2 -c64 -d3s -s "$BENCH_DIR/list.lua" "$LIST_URL" >/dev/null
log "wrk -t2 -c64 -d$WRK_DURATION --latency $LIST_URL"
SWF_TOKEN=$TOKEN wrk -t2 -c64 -d"$WRK_DURATION" --latency -s "$BENCH_DIR/list.lua" "$LIST_URL" >"$WORK/wrk.txt"
cat "$WORK/wrk.txt" >&2
RPS=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
P99_MS=$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f}' "$WORK/wrk.txt")
NON2XX=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$WORK/wrk.txt")
NON2XX=${NON2XX:-0}
SOCKERR=$(awk '/Socket errors:/ {sub(/.*Socket errors: /, ""); print}' "$WORK/wrk.txt")
[ -n "$RPS" ] && [ -n "$P99_MS" ] || die "wrk-uitvoer niet te lezen"

# The same list with the overview cache switched off: what every request costs when a write
# has just invalidated the page (a second instance on a consistent copy of the database: one
# service per data folder).
log "second instance with SWF_LIST_CACHE=false on a copy of the database"
DATA2=$WORK/data2
mkdir -p "$DATA2"
python3 -c 'import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' \
    "$DATA/swf.db" "$DATA2/swf.db"
SWF_LIST_CACHE=false SWF_JOB_INTERVAL_SECS=100000 SWF_VERZOEK_OPHALEN_SECS=100000 RUST_LOG=warn \
    "$BIN" --data "$DATA2" serve --listen 127.0.0.1:0 >"$WORK/server2.out" 2>"$WORK/server2.err" &
SPID2=$!
URL2=
for _ in $(seq 100); do
    URL2=$(sed -n 's/^swf-server luistert op \(http:\/\/[0-9.:]*\).*/\1/p' "$WORK/server2.out" | head -n 1)
    [ -n "$URL2" ] && break
    sleep 0.1
done
[ -n "$URL2" ] || die "tweede server meldde geen adres"
SWF_TOKEN=$TOKEN wrk -t2 -c64 -d3s -s "$BENCH_DIR/list.lua" "$URL2$API/samenwerkingen?aantal=20" >/dev/null
SWF_TOKEN=$TOKEN wrk -t2 -c64 -d"$WRK_DURATION" --latency -s "$BENCH_DIR/list.lua" "$URL2$API/samenwerkingen?aantal=20" >"$WORK/wrk-nocache.txt"
kill "$SPID2" 2>/dev/null || true
wait "$SPID2" 2>/dev/null || true
RPS_NC=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-nocache.txt")
P99_NC=$(awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f}' "$WORK/wrk-nocache.txt")

# ------------------------------------------------------------------ 5. big file
BIG=$WORK/big.bin
log "maak ${FILE_MIB} MiB willekeurige data"
head -c "$((FILE_MIB * 1048576))" /dev/urandom >"$BIG"
SIZE=$(stat -c %s "$BIG")
MIB=$(awk -v b="$SIZE" 'BEGIN{printf "%.6f", b / 1048576}')

# nginx: throw-away config serving the same file (hard link: same page cache)
NGDIR=$WORK/nginx
mkdir -p "$NGDIR/www" "$NGDIR/tmp"
ln "$BIG" "$NGDIR/www/big.bin"
NGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$NGDIR/nginx.conf" <<EOF
daemon off;
user root;
worker_processes 1;
pid $NGDIR/nginx.pid;
error_log $NGDIR/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path $NGDIR/tmp/body;
    proxy_temp_path $NGDIR/tmp/proxy;
    fastcgi_temp_path $NGDIR/tmp/fastcgi;
    uwsgi_temp_path $NGDIR/tmp/uwsgi;
    scgi_temp_path $NGDIR/tmp/scgi;
    server {
        listen 127.0.0.1:$NGPORT;
        root $NGDIR/www;
    }
}
EOF
"$NGINX" -p "$NGDIR" -c "$NGDIR/nginx.conf" -e "$NGDIR/error.log" >"$NGDIR/stdout" 2>&1 &
NGPID=$!
NG_URL="http://127.0.0.1:$NGPORT/big.bin"
for _ in $(seq 1 100); do
    curl -sf -o /dev/null -r 0-0 "$NG_URL" && break
    kill -0 "$NGPID" 2>/dev/null || die "nginx stopte: $(cat "$NGDIR/error.log" "$NGDIR/stdout" 2>/dev/null)"
    sleep 0.05
done
curl -sf -o /dev/null -r 0-0 "$NG_URL" || die "nginx antwoordt niet"

SID=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"titel\":\"Benchmark upload\",\"deelnemers\":[{\"oin\":\"$ORG_B\",\"privilege\":\"VOLLEDIGE_TOEGANG\"}]}" \
    "$URL$API/samenwerkingen" | python3 -c 'import json,sys; print(json.load(sys.stdin)["samenwerkingId"])')
UPLOAD_URL="$URL$API/samenwerkingen/$SID/documenten?vertrouwelijkheidsAanduiding=RV&documentOmschrijving=benchmark"

status_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SPID/status"; }
# Reset the peak-RSS counter (VmHWM := VmRSS) so the wrk phase does not count.
HWM_RESET=0
if (echo 5 >"/proc/$SPID/clear_refs") 2>/dev/null; then HWM_RESET=1; fi
RSS0_KIB=$(status_kib VmRSS)

mibs() { awk -v m="$MIB" -v t="$1" 'BEGIN{printf "%.1f", m / t}'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN{print (b > a) ? b : a}'; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.6f", b - a}'; }

UP=0 REF=0 REFSYNC=0 DOWN=0 NGX=0 DOC=
for r in $(seq 1 "$REPEATS"); do
    # (b) reference: hash + copy (page cache, no fsync), and informational with fsync
    t0=$EPOCHREALTIME
    sha256sum "$BIG" >/dev/null
    cp "$BIG" "$WORK/ref.copy"
    t=$(since "$t0")
    REF=$(max "$REF" "$(mibs "$t")")
    rm -f "$WORK/ref.copy"
    t0=$EPOCHREALTIME
    sha256sum "$BIG" >/dev/null
    cp "$BIG" "$WORK/ref.copy"
    sync "$WORK/ref.copy"
    t=$(since "$t0")
    REFSYNC=$(max "$REFSYNC" "$(mibs "$t")")
    rm -f "$WORK/ref.copy"

    # (a) upload
    t=$(curl -sS -o "$WORK/up.json" -w '%{http_code} %{time_total}' -H "$AUTH" \
        -F "file=@$BIG;type=application/octet-stream;filename=big.bin" "$UPLOAD_URL")
    [ "${t%% *}" = 201 ] || die "upload gaf HTTP ${t%% *}: $(head -c 300 "$WORK/up.json")"
    UP=$(max "$UP" "$(mibs "${t#* }")")
    NEW_DOC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documentId"])' "$WORK/up.json")
    if [ -n "$DOC" ]; then # keep one 1 GiB blob on disk
        curl -sf -o /dev/null -X DELETE -H "$AUTH" "$URL$API/documenten/$DOC" ||
            log "let op: verwijderen van document $DOC mislukte"
    fi
    DOC=$NEW_DOC

    # (c) download from the server
    t=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' -H "$AUTH" \
        "$URL$API/documenten/$DOC/content")
    read -r code got secs <<<"$t"
    [ "$code" = 200 ] && [ "$got" = "$SIZE" ] || die "download: HTTP $code, $got van $SIZE bytes"
    DOWN=$(max "$DOWN" "$(mibs "$secs")")

    # (d) the same bytes from nginx (sendfile)
    t=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$NG_URL")
    read -r code got secs <<<"$t"
    [ "$code" = 200 ] && [ "$got" = "$SIZE" ] || die "nginx: HTTP $code, $got van $SIZE bytes"
    NGX=$(max "$NGX" "$(mibs "$secs")")
    log "ronde $r/$REPEATS: upload ${UP} ref ${REF} download ${DOWN} nginx ${NGX} MiB/s (beste tot nu)"
done
HWM_KIB=$(status_kib VmHWM)
GROWTH_MIB=$(awk -v a="$RSS0_KIB" -v b="$HWM_KIB" 'BEGIN{printf "%.1f", (b - a) / 1024}')

# ------------------------------------------------------------------ 7. report
UP_RATIO=$(awk -v a="$UP" -v b="$REF" 'BEGIN{printf "%.0f", 100 * a / b}')
UP_RATIO_SYNC=$(awk -v a="$UP" -v b="$REFSYNC" 'BEGIN{printf "%.0f", 100 * a / b}')
DOWN_RATIO=$(awk -v a="$DOWN" -v b="$NGX" 'BEGIN{printf "%.0f", 100 * a / b}')
FAILS=0
verdict() { # value op target
    if awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN{exit !((op == ">=") ? v >= t : v < t)}'; then
        echo PASS
    else
        echo FAIL
    fi
}
row() { printf '%-44s %14s  %-14s %s\n' "$@"; }
line() {
    local v
    v=$(verdict "$2" "$4" "$5")
    [ "$v" = PASS ] || FAILS=$((FAILS + 1))
    row "$1" "$2 $3" "$4 $5 $3" "$v"
}

echo
echo "swf-server benchmark — $(nproc) CPU's, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, release build"
echo "seed: $SEEDED samenwerkingen in ${SEED_SECS}s; benchmarked organisation takes part in all $TOTAL"
echo "file: $(awk -v m="$MIB" 'BEGIN{printf "%.0f", m}') MiB random data, best of $REPEATS; wrk -t2 -c64 -d$WRK_DURATION"
echo
row "Measure" "Value" "Target" "Result"
row "--------------------------------------------" "--------------" "--------------" "------"
line "GET /samenwerkingen?aantal=20 throughput" "$(printf '%.0f' "$RPS")" "req/s" ">=" 5000
line "GET /samenwerkingen?aantal=20 latency p99" "$P99_MS" "ms" "<" 20
row "  without the overview cache: throughput" "$(printf '%.0f' "$RPS_NC") req/s" "" "info"
row "  without the overview cache: p99" "$P99_NC ms" "" "info"
row "  (non-2xx responses; socket errors)" "$NON2XX" "0" "$([ "$NON2XX" = 0 ] && echo ok || echo "FAIL ($SOCKERR)")"
[ "$NON2XX" = 0 ] || FAILS=$((FAILS + 1))
row "Upload via server (multipart, sha256, fsync)" "$UP MiB/s" "" "info"
row "Reference sha256sum + cp" "$REF MiB/s" "" "info"
line "Upload ratio server / reference" "$UP_RATIO" "%" ">=" 60
row "  (reference incl. fsync: $REFSYNC MiB/s)" "$UP_RATIO_SYNC %" "" "info"
row "Download via server" "$DOWN MiB/s" "" "info"
row "Download via nginx (sendfile)" "$NGX MiB/s" "" "info"
line "Download ratio server / nginx" "$DOWN_RATIO" "%" ">=" 70
line "Server peak RSS growth (upload+download)" "$GROWTH_MIB" "MiB" "<" 64
echo "  (VmRSS before $((RSS0_KIB / 1024)) MiB, VmHWM after $((HWM_KIB / 1024)) MiB$([ "$HWM_RESET" = 1 ] || echo '; VmHWM could not be reset, includes the wrk phase'))"
echo
if [ "$FAILS" -gt 0 ]; then
    echo "$FAILS target(s) missed"
    [ "$STRICT" = 1 ] && exit 1
else
    echo "all targets met"
fi
exit 0
