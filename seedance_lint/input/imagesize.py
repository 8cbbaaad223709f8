"""Width and height of an inline image (data URI or base64), read from its header offline.

Only a prefix is decoded: headers sit at the start (JPEG's frame header may
follow EXIF data, hence a generous prefix). URLs and UUIDs cannot be read offline.
"""
from __future__ import annotations

import base64
import binascii
import re
import struct

#: Characters of base64 decoded at most: 96 KiB of image, enough for JPEG EXIF blocks.
_PREFIX_CHARS = 131_072
#: Characters decoded first: 48 bytes, which hold a PNG (24), GIF (10) or WebP (30) header.
HEAD_CHARS = 64
_JPEG_START = b"\xff\xd8"
#: Characters decoded in turn for a JPEG: a JFIF header is short; a camera's EXIF block is often 10-30 kB.
_JPEG_STAGES = (2_048, 32_768, _PREFIX_CHARS)
_DATA_URI = re.compile(r"^data:image/[A-Za-z0-9.+-]+;base64,")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def inline_image_size(image: str) -> tuple[int, int] | None:
    """(width, height) of a data URI or base64 image, or None when it cannot be known.

    The first HEAD_CHARS are decoded first: a PNG, GIF or WebP header sits
    whole in them, and a photo's megabyte of base64 is then not decoded for
    30 bytes (nor checked: damage after the header does not hide it). A
    JPEG's frame header may follow its EXIF data: a JPEG (or a head that does
    not decode) is read from longer prefixes in turn, up to _PREFIX_CHARS,
    until its segments lead to the frame header or break off. Each prefix
    decodes to the first bytes of the longest, so a JPEG gets the answer the
    longest prefix gives.
    """
    uri = _DATA_URI.match(image) if image.startswith("data:") else None  # a URL is not: no regex
    start = uri.end() if uri else 0  # slices from here: the payload itself (a megabyte, say) is never copied
    if not uri and not _BASE64.match(image[:256]):
        return None
    head = _decoded(image[start : start + HEAD_CHARS])
    if head is not None and not head.startswith(_JPEG_START):
        return header_size(head)
    for chars in _JPEG_STAGES:  # a JPEG (or a head that does not decode): longer prefixes in turn
        data = _decoded(image[start : start + chars])
        if data is not None and (chars == _PREFIX_CHARS or not _jpeg_scan(data)[1]):
            return header_size(data)
    return None


def _decoded(text: str) -> bytes | None:
    """The bytes of base64 text cut to whole 4-character groups; None if it does not decode."""
    try:
        return base64.b64decode(text[: len(text) - len(text) % 4])
    except (binascii.Error, ValueError):
        return None


def header_size(data: bytes) -> tuple[int, int] | None:
    for reader in (_png, _gif, _webp, _jpeg):
        size = reader(data)
        if size:
            return size if size[0] > 0 and size[1] > 0 else None
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return None


def _gif(data: bytes) -> tuple[int, int] | None:
    if data[:4] == b"GIF8" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    return _jpeg_scan(data)[0]


def _jpeg_scan(data: bytes) -> tuple[tuple[int, int] | None, bool]:
    """(width, height) from a JPEG's frame header, and whether the data ended before the scan did."""
    if data[:2] != _JPEG_START:
        return None, False
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None, False
        marker = data[index + 1]
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return (width, height), False
        index += 2 + struct.unpack(">H", data[index + 2 : index + 4])[0]
    return None, True
