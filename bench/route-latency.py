#!/usr/bin/env python3
"""Per-route latency of one load run, from two scrapes of swf-server's /metrics (before, after).

Usage: route-latency.py BEFORE.txt AFTER.txt
Prints, per route with requests in between: the count, the mean, and the histogram buckets
that hold the median and the 99th percentile (upper bounds: the histogram's resolution).
"""
import re
import sys

# labels may hold braces (routes such as /samenwerkingen/{samenwerkingId}): up to the last "} "
LINE = re.compile(r'^swf_http_request_duration_seconds_(bucket|sum|count)\{(.*)\} (\S+)$')


def parse(path):
    routes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            kind, labels, value = m.groups()
            lab = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels))
            key = f'{lab.get("method", "?")} {lab.get("route", "?")}'
            r = routes.setdefault(key, {"buckets": {}, "sum": 0.0, "count": 0.0})
            if kind == "bucket":
                r["buckets"][lab["le"]] = float(value)
            else:
                r[kind] = float(value)
    return routes


def bound(buckets, share):
    """The smallest bucket bound holding `share` of the observations."""
    total = buckets.get("+Inf", 0.0)
    for le, n in sorted(buckets.items(), key=lambda kv: float("inf") if kv[0] == "+Inf" else float(kv[0])):
        if n >= share * total:
            return "> 10 s" if le == "+Inf" else f"<= {float(le) * 1000:g} ms"
    return "?"


def main():
    before, after = parse(sys.argv[1]), parse(sys.argv[2])
    for key, a in sorted(after.items()):
        b = before.get(key, {"buckets": {}, "sum": 0.0, "count": 0.0})
        n = a["count"] - b["count"]
        if n <= 0:
            continue
        diff = {le: v - b["buckets"].get(le, 0.0) for le, v in a["buckets"].items()}
        mean = (a["sum"] - b["sum"]) / n * 1000
        print(f"  {key}: {n:.0f} requests, mean {mean:.1f} ms, p50 {bound(diff, 0.5)}, p99 {bound(diff, 0.99)}")


if __name__ == "__main__":
    main()
