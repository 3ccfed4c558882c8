#!/usr/bin/env python3
"""Seed N samenwerkingen through the real API, with a bounded pool of worker threads.

Usage: seed.py BASE_URL TOKEN PARTNER_OIN COUNT [WORKERS]

Every samenwerking is started by the token's organisation (so it takes part in all of them)
with PARTNER_OIN as a second deelnemer. Each worker keeps one keep-alive connection and does
a fixed share of the requests: the run is bounded by COUNT. Exits non-zero on the first error.
"""
import http.client
import json
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

BASE = "/overheid/samenwerken/api/behandelen/v5"


def worker(url, token, partner, start, n):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/hal+json",
    }
    for i in range(start, start + n):
        body = json.dumps(
            {
                "titel": f"Benchmark samenwerking {i:05d}",
                "deelnemers": [{"oin": partner, "privilege": "VOLLEDIGE_TOEGANG"}],
            }
        )
        for attempt in range(3):  # bounded: reconnect at most twice on a dropped connection
            try:
                conn.request("POST", BASE + "/samenwerkingen", body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                if attempt == 2:
                    raise
        if r.status != 201:
            raise RuntimeError(f"POST #{i}: HTTP {r.status}: {data[:300]!r}")
    conn.close()
    return n


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    url, token, partner, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    share, rest = divmod(count, workers)
    t0 = time.monotonic()
    jobs, start = [], 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for w in range(workers):
            n = share + (1 if w < rest else 0)
            jobs.append(pool.submit(worker, url, token, partner, start, n))
            start += n
        done = sum(j.result() for j in jobs)
    dt = time.monotonic() - t0
    print(f"{done} {dt:.2f}")


if __name__ == "__main__":
    main()
