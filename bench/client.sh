#!/usr/bin/env bash
# Benchmark of the desktop engine (crates/swf-client), release build, everything on 127.0.0.1:
#   1. first sync of 1 000 samenwerkingen (3 partners, 10 documents, 5 actieverzoeken each)
#      from a real swf-server, next to writing the same rows straight into a fresh mirror;
#   2. a change on the service → the following engine's mirror updated: p50/p95 over 200;
#   3. the overview query of the mirror at 10 000 samenwerkingen (p50/p95 over 200).
# Usage: bash bench/client.sh       (not part of the test command)
# Knobs: BENCH_SYNC_COUNT=1000 BENCH_SYNC_REPEATS=3 BENCH_EVENTS=200
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo bench -q -p swf-client --bench sync 2> >(grep '^\[bench\]' >&2)
cargo bench -q -p swf-client --bench mirror_overview
