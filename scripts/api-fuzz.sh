#!/usr/bin/env bash
# Proves that /openapi.json describes the API that is served: starts a real swf-server on
# 127.0.0.1 with a temporary data folder and the demo organisations, gives it a case system's
# token, and runs schemathesis against it with all its checks, as a case-system vendor would
# before generating a client. Any failure fails the script.
#
# Usage: bash scripts/api-fuzz.sh [path/to/swf-server]
#   default binary: $SWF_E2E_SERVER, else $CARGO_TARGET_DIR/debug/swf-server
#   SWF_FUZZ_VENV        Python venv to install schemathesis into (default $CARGO_TARGET_DIR/ci-venv)
#   SWF_FUZZ_MAX_EXAMPLES test cases per operation and phase (default 15)
#   SWF_FUZZ_SEED        hypothesis seed (default fixed, so a run can be repeated; 'random' for a new one)
#
# Not fuzzed, and why:
#   GET /gebeurtenissen/stream  a Server-Sent Events stream never ends by itself, so every request
#                               would run into the request timeout; its 401/410 answers are the same
#                               code as GET /gebeurtenissen, which is fuzzed, and crates/swf-server/
#                               tests/feed.rs covers the stream.
# Sign-out (DELETE /auth/token) *is* fuzzed: the run uses a system token, which signing out may not
# revoke (403 `systeemtoken`, decision D1), so the run keeps its credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
SERVER=${1:-${SWF_E2E_SERVER:-$TARGET/debug/swf-server}}
VENV=${SWF_FUZZ_VENV:-$TARGET/ci-venv}
MAX_EXAMPLES=${SWF_FUZZ_MAX_EXAMPLES:-15}
SEED=${SWF_FUZZ_SEED:-20261203}

if [ ! -x "$SERVER" ]; then
  echo "swf-server not found at $SERVER: build it first (cargo build --workspace --locked)" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r tests/schemathesis/requirements.txt

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# the demo organisations and users (D1), on a free port of the loopback interface only
RUST_LOG=warn "$SERVER" --data "$WORK/data" serve --listen 127.0.0.1:0 --demo \
  >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
BASE_URL=
for _ in $(seq 1 300); do
  BASE_URL=$(sed -n 's/^swf-server luistert op \(http:[^ ]*\).*/\1/p' "$WORK/server.out" | head -n 1)
  [ -n "$BASE_URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$BASE_URL" ]; then
  echo "swf-server did not start:" >&2
  cat "$WORK/server.err" >&2
  exit 1
fi
# a case system's token for Gemeente Oefenstad (the first demo organisation), made the way an
# admin makes one; admin commands work on the data folder of a running service
TOKEN=$("$SERVER" --data "$WORK/data" token create --oin 00000001002220647000 \
  --omschrijving "schemathesis" 2>>"$WORK/server.err" | tail -n 1)
case "$TOKEN" in
  swf_*) ;;
  *) echo "no system token: $TOKEN" >&2; cat "$WORK/server.err" >&2; exit 1 ;;
esac
API="$BASE_URL/overheid/samenwerken/api/behandelen/v5"
echo "   schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') against $BASE_URL (max $MAX_EXAMPLES examples per operation, seed $SEED)"

seed_args=(--seed "$SEED")
[ "$SEED" = random ] && seed_args=()
status=0
# --checks all: every check schemathesis has, plus the one in tests/schemathesis/hooks.py; the
# config file names the answers that depend on the service's state, not on the document (see its
# comments). One worker: hypothesis describes its strategies with ast.parse, which is not
# thread-safe on Python 3.11 ("AST constructor recursion depth mismatch").
"$VENV/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml run \
  "$BASE_URL/openapi.json" --url "$API" \
  -H "Authorization: Bearer $TOKEN" \
  --checks all \
  --exclude-operation-id volgGebeurtenissen \
  --max-examples "$MAX_EXAMPLES" "${seed_args[@]}" \
  --workers 1 --request-timeout 10 \
  --report junit --report-junit-path "$TARGET/schemathesis/junit.xml" \
  --generation-database none --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures (exit $status); the service's log:" >&2
  tail -n 50 "$WORK/server.err" >&2 || true
  echo "JUnit report: $TARGET/schemathesis/junit.xml" >&2
fi
exit "$status"
