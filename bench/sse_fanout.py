#!/usr/bin/env python3
"""Many live change streams on one swf-server, and how long one write takes to reach them.

Usage: sse_fanout.py BASE_URL ENTITLED_TOKEN OTHER_TOKEN N_ENTITLED N_OTHER WRITER_TOKEN SID
                     RECEIVER_OIN ROUNDS SERVER_PID

Opens N_ENTITLED streams (GET /gebeurtenissen/stream) with ENTITLED_TOKEN (an organisation
taking part in samenwerking SID) and N_OTHER with OTHER_TOKEN (one that does not), in
batches. Then, ROUNDS times, WRITER_TOKEN sends an actieverzoek to RECEIVER_OIN in SID and
the clock runs until every entitled stream has received an event (bounded: 60 s per round).
The other organisation's streams must receive nothing. Prints one line of JSON:
opened, rss_kib (server VmRSS with every stream open), p50_ms, p95_ms, max_ms, missed,
leaked (events at streams that were not entitled), open_secs.
Everything on 127.0.0.1; every wait is bounded.
"""
import asyncio
import json
import sys
import time
import urllib.parse

BASE = "/overheid/samenwerken/api/behandelen/v5"
BATCH = 500


class Stream:
    def __init__(self, entitled):
        self.entitled = entitled
        self.got = None  # monotonic time of the first event of the current round
        self.events = 0


async def open_stream(host, port, token, s, ready):
    r, w = await asyncio.open_connection(host, port, limit=1 << 20)
    w.write(
        (
            f"GET {BASE}/gebeurtenissen/stream HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await w.drain()
    status = await r.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"stream: {status!r}")
    while (await r.readline()) not in (b"\r\n", b"\n", b""):
        pass
    ready.set()
    return r, w


async def follow(r, s):
    while True:
        line = await r.readline()
        if not line:
            return
        if line.startswith(b"event: gebeurtenis") or line.startswith(b"event:gebeurtenis"):
            s.events += 1
            if s.got is None:
                s.got = time.monotonic()


def post_actieverzoek(url, token, sid, receiver, i):
    import http.client

    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    body = json.dumps({"titel": f"Fan-out {i}", "omschrijving": "benchmark", "ontvanger": receiver})
    c.request(
        "POST",
        f"{BASE}/samenwerkingen/{sid}/actieverzoeken",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    resp = c.getresponse()
    data = resp.read()
    c.close()
    if resp.status != 201:
        raise RuntimeError(f"actieverzoek: HTTP {resp.status}: {data[:200]!r}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


async def main():
    (url, tok_in, tok_out, n_in, n_out, tok_w, sid, receiver, rounds, pid) = sys.argv[1:11]
    n_in, n_out, rounds, pid = int(n_in), int(n_out), int(rounds), int(pid)
    u = urllib.parse.urlsplit(url)
    streams = [Stream(True) for _ in range(n_in)] + [Stream(False) for _ in range(n_out)]
    t0 = time.monotonic()
    conns = []
    for b in range(0, len(streams), BATCH):
        batch = streams[b : b + BATCH]
        opened = await asyncio.wait_for(
            asyncio.gather(
                *(
                    open_stream(u.hostname, u.port, tok_in if s.entitled else tok_out, s, asyncio.Event())
                    for s in batch
                )
            ),
            timeout=120,
        )
        conns.extend(opened)
    open_secs = time.monotonic() - t0
    tasks = [asyncio.create_task(follow(r, s)) for (r, _), s in zip(conns, streams)]
    await asyncio.sleep(2)  # every stream has read its (empty) head
    rss = rss_kib(pid)
    for s in streams:
        s.events, s.got = 0, None
    loop = asyncio.get_running_loop()
    lat, missed = [], 0
    for i in range(rounds):
        for s in streams:
            s.got = None
        start = time.monotonic()
        await loop.run_in_executor(None, post_actieverzoek, url, tok_w, sid, receiver, i)
        deadline = start + 60
        while time.monotonic() < deadline:
            if all(s.got is not None for s in streams if s.entitled):
                break
            await asyncio.sleep(0.005)
        got = [s.got - start for s in streams if s.entitled and s.got is not None]
        lat.extend(got)
        missed += n_in - len(got)
        await asyncio.sleep(1)  # the round's further events arrive before the next write
    leaked = sum(s.events for s in streams if not s.entitled)
    rss = max(rss, rss_kib(pid))
    for t in tasks:
        t.cancel()
    for _, w in conns:
        w.close()
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    print(
        json.dumps(
            {
                "opened": len(conns),
                "rss_kib": rss,
                "p50_ms": ms(pct(lat, 50)),
                "p95_ms": ms(pct(lat, 95)),
                "max_ms": ms(pct(lat, 100)),
                "missed": missed,
                "leaked": leaked,
                "open_secs": round(open_secs, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
