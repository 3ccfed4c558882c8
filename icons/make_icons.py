#!/usr/bin/env python3
"""Draw the app icon (blue rounded square, white "S") as PNG files, with no dependencies.

Run from the repository root: python3 icons/make_icons.py
"""
import math
import struct
import zlib
from pathlib import Path

BLUE = (0x15, 0x42, 0x73)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis, for anti-aliasing

# geometry in units of the icon's side (0..1), y pointing down
MARGIN = 0.04
CORNER = 0.20
STROKE = 0.12
RADIUS = 0.135
UPPER = (0.5, 0.5 - RADIUS)
LOWER = (0.5, 0.5 + RADIUS)


def in_rounded_square(x, y):
    lo, hi = MARGIN, 1 - MARGIN
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + CORNER), hi - CORNER)
    cy = min(max(y, lo + CORNER), hi - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def on_arc(x, y, centre, ranges):
    dx, dy = x - centre[0], y - centre[1]
    if abs(math.hypot(dx, dy) - RADIUS) > STROKE / 2:
        return False
    a = math.degrees(math.atan2(dy, dx))
    return any(lo <= a <= hi for lo, hi in ranges)


def in_s(x, y):
    # upper bowl: from the top-right end over the top and the left to the middle
    # lower bowl: from the middle over the right and the bottom to the bottom-left end
    return on_arc(x, y, UPPER, [(-180, -30), (90, 180)]) or on_arc(
        x, y, LOWER, [(-90, 150)]
    )


def pixel(px, py, size):
    inside = s = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            if in_rounded_square(x, y):
                inside += 1
                if in_s(x, y):
                    s += 1
    n = SAMPLES * SAMPLES
    if inside == 0:
        return (0, 0, 0, 0)
    # colour over the covered part, alpha from the square's coverage
    t = s / inside
    rgb = tuple(round(b + (w - b) * t) for b, w in zip(BLUE, WHITE))
    return rgb + (round(255 * inside / n),)


def png(size):
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            rows.extend(pixel(px, py, size))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def main():
    out = Path(__file__).resolve().parent
    # every size of the freedesktop hicolor theme the .deb/.rpm install (16 … 512). The Windows
    # icon.ico and macOS icon.icns are made from icon.png by the Tauri CLI:
    #   packaging/node_modules/.bin/tauri icon icons/icon.png -o /tmp/icons
    #   cp /tmp/icons/icon.ico /tmp/icons/icon.icns icons/
    for name, size in [
        ("16x16.png", 16),
        ("24x24.png", 24),
        ("32x32.png", 32),
        ("48x48.png", 48),
        ("64x64.png", 64),
        ("128x128.png", 128),
        ("128x128@2x.png", 256),
        ("256x256.png", 256),
        ("icon.png", 512),
    ]:
        (out / name).write_bytes(png(size))
        print(f"{name}: {size}x{size}")


if __name__ == "__main__":
    main()
