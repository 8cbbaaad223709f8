"""Width and height of an inline image (data URI or base64), read from its header offline.

Only a prefix of the base64 is decoded (headers sit at the start; a JPEG's frame
header may follow EXIF data, hence longer prefixes for it), and the decoded bytes
are read by the ``imagesize`` package. URLs and UUIDs cannot be read offline.

Where imagesize 2.0.1 reads a header differently from the reader it replaced: it
skips JPEG fill bytes and stray bytes before a marker (as libjpeg does) and stops
at the start of scan; it reads a GIF's size as signed (a side of 32768 or more
gives None) and a lossy WebP's without masking the two scaling bits (libwebp
writes them as 0).
"""

from __future__ import annotations

import base64
import binascii
import io
import re

#: Characters of base64 decoded at most: 96 KiB of image, enough for JPEG EXIF blocks.
_PREFIX_CHARS = 131_072
#: Characters decoded first: 48 bytes, which hold a PNG (26), GIF (10) or WebP (30) header.
HEAD_CHARS = 64
_JPEG_START = b"\xff\xd8"
#: Characters decoded in turn for a JPEG: a JFIF header is short; a camera's EXIF block is often 10-30 kB.
_JPEG_STAGES = (2_048, 32_768, _PREFIX_CHARS)
#: Any media type: the API reads the format from the bytes (Runware's SDK sends application/octet-stream).
_DATA_URI = re.compile(r"^data:[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+;base64,")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
#: The formats read (README: PNG, JPEG, GIF, WebP); imagesize knows more (BMP, TIFF, SVG, HEIF, ...).
_FORMATS = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (_JPEG_START, "JPEG"))
_SIGNATURES = tuple(signature for signature, _ in _FORMATS)


def inline_image_size(image: str) -> tuple[int, int] | None:
    """(width, height) of a data URI or base64 image, or None when it cannot be known.

    The first HEAD_CHARS are decoded first: a PNG, GIF or WebP header sits
    whole in them, and a photo's megabyte of base64 is then not decoded for
    30 bytes (nor checked: damage after the header does not hide it). A
    JPEG's frame header may follow its EXIF data: a JPEG (or a head that does
    not decode) is read from longer prefixes in turn, up to _PREFIX_CHARS,
    until one holds the frame header or the JPEG breaks off before the end of
    the prefix. Each prefix decodes to the first bytes of the longest, so a
    JPEG gets the answer the longest prefix gives (or, when damage past the
    frame header keeps a longer prefix from decoding, a shorter one's).
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
        if data is not None:
            size, ran_out = _read(data)
            if size or not ran_out or chars == _PREFIX_CHARS:
                return size
    return None


def inline_image_format(image: str) -> str | None:
    """The format named by an inline image's header ("PNG", "JPEG", "GIF", "WebP"), "" when its first bytes
    are none of these, or None when the string is not inline data (a URL, a UUID) or does not decode."""
    uri = _DATA_URI.match(image) if image.startswith("data:") else None
    start = uri.end() if uri else 0
    if not uri and not _BASE64.match(image[:256]):
        return None
    head = _decoded(image[start : start + HEAD_CHARS])
    if head is None:
        return None
    return next((name for signature, name in _FORMATS if head.startswith(signature)), _webp(head))


def _webp(head: bytes) -> str:
    return "WebP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else ""


def _decoded(text: str) -> bytes | None:
    """The bytes of base64 text cut to whole 4-character groups; None if it does not decode."""
    try:
        return base64.b64decode(text[: len(text) - len(text) % 4])
    except (binascii.Error, ValueError):
        return None


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the header of a PNG, GIF, WebP or JPEG held in ``data`` (a prefix of the file)."""
    return _read(data)[0]


def _read(data: bytes) -> tuple[tuple[int, int] | None, bool]:
    """The size in ``data``, and whether imagesize stopped at its end (a longer prefix might still hold it)."""
    if not (data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        return None, False
    # Imported here, not at the top: `import imagesize` costs ~35 ms (it imports urllib.request, http.client,
    # email, xml.etree), which a run that reads no inline image (every `check`) must not pay.
    import imagesize

    # A file object, not the bytes: imagesize.get takes bytes (or a str) for a path, which it would open, and
    # a str starting with http(s):// for a URL, which it would fetch. BytesIO shares the bytes (no copy).
    stream = io.BytesIO(data)
    # exif_rotation=False: the stored pixel dimensions (the frame header's), which the API's sizes
    # are; with True, imagesize would swap them for an EXIF orientation of 5-8 (and parse the EXIF block).
    width, height = imagesize.get(stream, exif_rotation=False)
    if width > 0 and height > 0:
        return (width, height), False
    # imagesize answers (-1, -1) whether the JPEG is broken or the data ended before its frame header:
    # it stopped at the end of the data only in the second case (or when the break is in the last bytes).
    return None, stream.tell() >= len(data)
