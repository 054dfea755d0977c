"""/favicon.ico: the desk's icon. Every browser asks for it, and a 404 there filled logs and
the error metric (issue 19).

Drawn here rather than committed as a binary file: twelve gold dots in a ring on EU blue,
32 by 32 pixels, a PNG inside an ICO (the form every browser reads). Made once per process;
cached by browsers for a week, and revalidated by its ETag after that.
"""

from __future__ import annotations

import hashlib
import math
import struct
import zlib
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

_SIZE = 32
_BLUE = (0x00, 0x33, 0x99, 0xFF)
_GOLD = (0xFF, 0xCC, 0x00, 0xFF)
_RING, _DOT = 10.5, 2.2  # radius of the ring of dots, and of each dot, in pixels
_CACHE = "public, max-age=604800"


@lru_cache(maxsize=1)
def icon() -> bytes:
    """The ICO file: one 32x32 image, stored as a PNG."""
    png = _png(_pixels())
    header = struct.pack("<HHH", 0, 1, 1)  # reserved, type 1 (icon), one image
    entry = struct.pack("<BBBBHHII", _SIZE, _SIZE, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def _pixels() -> list[list[tuple[int, ...]]]:
    centre = (_SIZE - 1) / 2
    dots = [
        (centre + _RING * math.cos(2 * math.pi * k / 12), centre + _RING * math.sin(2 * math.pi * k / 12))
        for k in range(12)
    ]
    return [
        [_GOLD if any(math.dist((x, y), dot) <= _DOT for dot in dots) else _BLUE for x in range(_SIZE)]
        for y in range(_SIZE)
    ]


def _png(rows: list[list[tuple[int, ...]]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", _SIZE, _SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    body = icon()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    headers = {"Cache-Control": _CACHE, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="image/x-icon", headers=headers)
