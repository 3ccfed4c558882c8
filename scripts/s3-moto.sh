#!/usr/bin/env bash
# A throw-away S3-compatible server for the tests: moto in server mode (PyPI `moto[server]`,
# tests/s3/requirements.txt) on a free port of 127.0.0.1, in memory, with one bucket. Nothing is
# kept on disk; no credentials are checked.
#
# Sourced:  . scripts/s3-moto.sh; s3_moto_start VENV   -> exports SWF_TEST_S3_URL
#           s3_moto_stop                               (also from a trap)
# Run:      bash scripts/s3-moto.sh VENV               -> starts one in the foreground and prints
#           the URL; Ctrl-C stops it.
# VENV: a Python venv to install moto into (created when missing).

S3_MOTO_BUCKET=swf-test

s3_moto_start() {
  local venv=${1:?venv folder} port i
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/s3/requirements.txt
  # a free port: ask the kernel for one (moto_server has no "port 0 and tell me")
  port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  S3_MOTO_LOG=$(mktemp /tmp/swf-moto.XXXXXX.log)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$S3_MOTO_LOG" 2>&1 &
  S3_MOTO_PID=$!
  for i in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
    if ! kill -0 "$S3_MOTO_PID" 2>/dev/null; then
      cat "$S3_MOTO_LOG" >&2
      return 1
    fi
    sleep 0.1
  done
  curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$port/$S3_MOTO_BUCKET" || {
    cat "$S3_MOTO_LOG" >&2
    return 1
  }
  export S3_MOTO_PID S3_MOTO_LOG
  export SWF_TEST_S3_URL="http://127.0.0.1:$port/$S3_MOTO_BUCKET"
}

s3_moto_stop() {
  [ -n "${S3_MOTO_PID:-}" ] || return 0
  kill "$S3_MOTO_PID" 2>/dev/null || true
  wait "$S3_MOTO_PID" 2>/dev/null || true
  rm -f "${S3_MOTO_LOG:-}"
  unset S3_MOTO_PID SWF_TEST_S3_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  s3_moto_start "${1:?venv folder}"
  echo "SWF_TEST_S3_URL=$SWF_TEST_S3_URL (moto pid $S3_MOTO_PID; Ctrl-C stops it)"
  trap s3_moto_stop EXIT
  wait "$S3_MOTO_PID"
fi
