#!/usr/bin/env bash
# Benchmark of the archive exporter (swf_client::archive::archiveer) on a samenwerking holding
# ~1 GiB of documents in the mirror's document cache (4 large documents with 80 % of the bytes,
# 2 000 small ones; generated, deterministic, incompressible like PDFs), next to the reference:
#   cp -r <the same files> && sha256sum <copies> && sha512sum <copies>
# The exporter copies every file while hashing it with SHA-256 and SHA-512, fsyncs it, writes
# the MDTO sidecars, JSON and HTML, then reads the whole bag back against both manifests.
# Not cached: the same documents held by a real swf-server on 127.0.0.1 (release build, started
# through swf-testkit), a mirror synced from it without the document bytes, so the exporter
# downloads and checks every document while it archives (BENCH_ARCHIVE_REMOTE=0 skips it; the
# upload before it is not timed; its peak RSS is not shown, as the set-up holds a document in
# memory to upload it).
# Also timed, for information: the same export as a zip (bag, verify, zip, verify the zip), and
# peak RSS at 1/8 of the size, to show that memory does not grow with the archive.
#
# Usage: bash bench/archive.sh        (not part of the test command; see bench/README.md)
# Needs: cargo (a release build of the bench, a few minutes the first time), coreutils;
# /usr/bin/time (Debian package `time`) for peak RSS, otherwise RSS is not shown.
# Knobs: BENCH_ARCHIVE_MIB=1024 BENCH_ARCHIVE_SMALL=2000 BENCH_REPEATS=3 (best of)
#        BENCH_ARCHIVE_ZIP=1 (0: skip the zip run) BENCH_ARCHIVE_REMOTE=1 (0: skip not cached) BENCH_ARCHIVE_DIR=<work folder parent>
#        BENCH_DROP_CACHES=1 (as root: drop the page cache before every timed run; default
#        off: every run starts with the source files in the page cache, as after a sync)
#        BENCH_STRICT=1 -> exit status 1 when the target (>= 50 % of the reference) is missed.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
MIB=${BENCH_ARCHIVE_MIB:-1024}
REPEATS=${BENCH_REPEATS:-3}
DO_ZIP=${BENCH_ARCHIVE_ZIP:-1}
DO_REMOTE=${BENCH_ARCHIVE_REMOTE:-1}
DROP=${BENCH_DROP_CACHES:-0}
STRICT=${BENCH_STRICT:-0}

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
    log "FOUT: $*"
    exit 1
}

WORK=
cleanup() {
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

log "building the bench (release profile: cargo bench --no-run)"
BIN=$(cd "$REPO" && cargo bench -q -p swf-client --bench archive --no-run --message-format=json |
    python3 -c 'import sys, json
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "archive" and m.get("executable"):
        print(m["executable"])')
[ -x "$BIN" ] || die "no bench binary"

PARENT=${BENCH_ARCHIVE_DIR:-$CARGO_TARGET_DIR}
mkdir -p "$PARENT"
WORK=$(mktemp -d "$PARENT/bench-archive.XXXXXX")
TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time || log "no /usr/bin/time: peak RSS not measured (apt-get install time)"

drop_caches() {
    sync
    if [ "$DROP" = 1 ]; then echo 3 >/proc/sys/vm/drop_caches || die "cannot drop caches (root?)"; fi
}

# run CMD...: sets SECS (wall clock) and RSS_KIB (peak RSS of the largest process, or -)
run() {
    local t0 t1
    drop_caches
    t0=$(date +%s.%N)
    if [ -n "$TIME" ]; then
        "$TIME" -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt"
        RSS_KIB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    else
        "$@" >"$WORK/out.txt"
        RSS_KIB=-
    fi
    t1=$(date +%s.%N)
    SECS=$(calc "$t1 - $t0")
}

calc() { awk "BEGIN { printf \"%.6f\\n\", ($*) }"; }
best() { printf '%s\n' "$@" | sort -g | head -1; }

log "generating $MIB MiB of documents in a fresh mirror ($WORK/bron)"
"$BIN" prepare "$WORK/bron" "$MIB" >&2
DOCS="$WORK/bron/mirror/documenten"
[ -d "$DOCS" ] || die "no document cache at $DOCS"
BYTES=$(du -sb "$DOCS" | cut -f1)
NFILES=$(find "$DOCS" -type f | wc -l)
log "$NFILES files, $BYTES bytes"

REF_S=() REF_RSS=() ARCH_S=() ARCH_RSS=() ARCH_INNER=() ZIP_S=() ZIP_RSS=() STEPS= ZSTEPS=
for i in $(seq 1 "$REPEATS"); do
    log "run $i/$REPEATS: reference cp -r + sha256sum + sha512sum"
    rm -rf "$WORK/ref"
    run bash -c 'cp -r "$1" "$2" && find "$2" -type f -print0 | xargs -0 sha256sum >/dev/null &&
        find "$2" -type f -print0 | xargs -0 sha512sum >/dev/null' _ "$DOCS" "$WORK/ref"
    REF_S+=("$SECS") REF_RSS+=("$RSS_KIB")
    rm -rf "$WORK/ref"

    log "run $i/$REPEATS: archiveer (bag + verify)"
    rm -rf "$WORK/kast"
    run "$BIN" run "$WORK/bron" "$WORK/kast"
    ARCH_S+=("$SECS") ARCH_RSS+=("$RSS_KIB")
    ARCH_INNER+=("$(sed -n 's/.*archief_s=\([0-9.]*\).*/\1/p' "$WORK/out.txt")")
    STEPS=$(sed -n 's/.*stappen_s=\([^ ]*\).*/\1/p' "$WORK/out.txt")
    log "   $(cat "$WORK/out.txt" | cut -c1-200)"
    rm -rf "$WORK/kast"

    if [ "$DO_ZIP" = 1 ]; then
        log "run $i/$REPEATS: archiveer as zip (bag + verify + zip + verify)"
        run "$BIN" run "$WORK/bron" "$WORK/kast" zip
        ZIP_S+=("$(sed -n 's/.*archief_s=\([0-9.]*\).*/\1/p' "$WORK/out.txt")") ZIP_RSS+=("$RSS_KIB")
        ZSTEPS=$(sed -n 's/.*stappen_s=\([^ ]*\).*/\1/p' "$WORK/out.txt")
        rm -rf "$WORK/kast"
    fi
done

REMOTE_S=() RSTEPS=
if [ "$DO_REMOTE" = 1 ]; then
    for i in $(seq 1 "$REPEATS"); do
        log "run $i/$REPEATS: archiveer not cached (documents from swf-server on 127.0.0.1)"
        rm -rf "$WORK/remote" "$WORK/kast"
        run "$BIN" remote "$WORK/remote" "$WORK/kast" "$MIB"
        REMOTE_S+=("$(sed -n 's/.*archief_s=\([0-9.]*\).*/\1/p' "$WORK/out.txt")")
        RSTEPS=$(sed -n 's/.*stappen_s=\([^ ]*\).*/\1/p' "$WORK/out.txt")
        log "   $(cut -c1-200 "$WORK/out.txt")"
        rm -rf "$WORK/remote" "$WORK/kast"
    done
fi

# peak RSS at 1/8 of the size
SMALL_MIB=$((MIB / 8))
log "peak RSS at $SMALL_MIB MiB"
rm -rf "$WORK/bron"
"$BIN" prepare "$WORK/klein" "$SMALL_MIB" >&2
run "$BIN" run "$WORK/klein" "$WORK/kast"
SMALL_RSS=$RSS_KIB
rm -rf "$WORK/klein" "$WORK/kast"

REF=$(best "${REF_S[@]}")
ARCH=$(best "${ARCH_INNER[@]}")
ARCH_PROC=$(best "${ARCH_S[@]}")
MB=$(calc "$BYTES / 1000000")
RATIO=$(calc "100 * $REF / $ARCH")
maxof() { printf '%s\n' "$@" | grep -v '^-$' | sort -n | tail -1; }
mib_of() { [ -n "$1" ] && [ "$1" != - ] && printf '%.0f MiB' "$(calc "$1 / 1024")" || echo -; }

echo
echo "archive benchmark: $NFILES documents, $BYTES bytes; $(nproc) CPUs; best of $REPEATS"
printf '| %-44s | %9s | %9s | %12s |\n' "run" "seconds" "MB/s" "peak RSS"
printf '|%s|%s|%s|%s|\n' "----------------------------------------------" "-----------" "-----------" "--------------"
printf '| %-44s | %9.2f | %9.1f | %12s |\n' "reference: cp -r + sha256sum + sha512sum" "$REF" "$(calc "$MB / $REF")" "$(mib_of "$(maxof "${REF_RSS[@]}")")"
printf '| %-44s | %9.2f | %9.1f | %12s |\n' "archiveer: bag + verify" "$ARCH" "$(calc "$MB / $ARCH")" "$(mib_of "$(maxof "${ARCH_RSS[@]}")")"
printf '| %-44s | %9.2f | %9s | %12s |\n' "  (the same, whole process incl. start)" "$ARCH_PROC" "" ""
if [ "$DO_REMOTE" = 1 ]; then
    REM=$(best "${REMOTE_S[@]}")
    printf '| %-44s | %9.2f | %9.1f | %12s |\n' "archiveer not cached: download, bag, verify" "$REM" "$(calc "$MB / $REM")" "-"
fi
if [ "$DO_ZIP" = 1 ]; then
    ZIPB=$(best "${ZIP_S[@]}")
    printf '| %-44s | %9.2f | %9.1f | %12s |\n' "archiveer as zip: + zip + verify zip (info)" "$ZIPB" "$(calc "$MB / $ZIPB")" "$(mib_of "$(maxof "${ZIP_RSS[@]}")")"
fi
printf '| %-44s | %9s | %9s | %12s |\n' "archiveer at $SMALL_MIB MiB (RSS vs size)" "" "" "$(mib_of "$SMALL_RSS")"
echo
all() { local x out=; for x in "$@"; do out+="$(printf '%.2f ' "$x")"; done; echo "${out% }"; }
echo "every run (s): reference $(all "${REF_S[@]}"); archiveer $(all "${ARCH_INNER[@]}")$(
    [ "$DO_ZIP" = 1 ] && echo "; as zip $(all "${ZIP_S[@]}")")$(
    [ "$DO_REMOTE" = 1 ] && echo "; not cached $(all "${REMOTE_S[@]}")")"
echo "steps of the last run (s): $STEPS"
[ "$DO_REMOTE" = 1 ] && echo "steps of the last not-cached run (s): $RSTEPS"
[ "$DO_ZIP" = 1 ] && echo "steps of the last zip run (s): $ZSTEPS"
VERDICT=PASS
if [ "$(calc "$RATIO < 50")" != 0.000000 ]; then VERDICT=FAIL; fi
printf 'archiveer ÷ reference (throughput): %.0f %% (target >= 50 %%): %s\n' "$RATIO" "$VERDICT"
if [ "$DO_REMOTE" = 1 ]; then
    printf 'archiveer not cached ÷ reference (throughput): %.0f %% (for information: it includes the download)\n' "$(calc "100 * $REF / $REM")"
fi
if [ "$STRICT" = 1 ] && [ "$VERDICT" = FAIL ]; then exit 1; fi
