"""Inline image sizes: a header read from the head of the base64 says what the whole prefix says.

The bytes are read by the ``imagesize`` package (``header_size``); these tests check what
``inline_image_size`` adds: which prefix of the base64 is decoded, and that the answer is the
one decoding the whole prefix gives (or the size the generated header holds).
"""

from __future__ import annotations

import base64
import binascii
import struct
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.input import imagesize
from seedance_lint.input.imagesize import header_size, inline_image_size

sizes = st.tuples(st.integers(1, 16383), st.integers(1, 16383))


def _png(width: int, height: int) -> bytes:
    ihdr = b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr


def _gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height)


def _webp_vp8x(width: int, height: int) -> bytes:
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + size


def _webp_vp8l(width: int, height: int) -> bytes:
    return b"RIFF\0\0\0\0WEBPVP8L" + b"\0" * 4 + b"\x2f" + ((width - 1) | (height - 1) << 14).to_bytes(4, "little")


def _webp_vp8(width: int, height: int) -> bytes:
    return b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 4 + b"\0\0\0\x9d\x01\x2a" + struct.pack("<HH", width, height)


def _jpeg(width: int, height: int, exif: int) -> bytes:
    """A JPEG whose frame header follows an APP1 (EXIF) block of ``exif`` bytes."""
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\0" * exif
    return b"\xff\xd8" + app1 + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, height, width) + b"\x03" + b"\0" * 9


#: Headers of every format read, each with the size it holds.
known = st.one_of(
    *(sizes.map(lambda s, make=make: (make(*s), s)) for make in (_png, _gif, _webp_vp8x, _webp_vp8l, _webp_vp8)),
    st.builds(lambda s, exif: (_jpeg(*s, exif), s), sizes, st.integers(0, 65_000)),
)
headers = st.one_of(known.map(lambda pair: pair[0]), st.binary(max_size=60))


def _decoded(text: str) -> bytes | None:
    try:
        return base64.b64decode(text[: len(text) - len(text) % 4])
    except (binascii.Error, ValueError):
        return None


def _whole_prefix(payload: str) -> tuple[int, int] | None:
    """What inline_image_size answered before it read a head first: the whole prefix, decoded."""
    data = _decoded(payload[: imagesize._PREFIX_CHARS])
    return None if data is None else header_size(data)


#: What follows a header: up to a few hundred bytes (payloads longer than the head), from a repeated pattern.
tails = st.builds(lambda n, pattern: (pattern * n)[:n], st.integers(0, 400), st.binary(min_size=1, max_size=8))


@settings(max_examples=300, deadline=None)
@given(known, tails, st.booleans())
def test_the_size_a_header_holds_is_read(header_and_size, rest: bytes, as_data_uri: bool) -> None:
    header, size = header_and_size
    payload = base64.b64encode(header + rest).decode("ascii")
    assert inline_image_size(f"data:image/png;base64,{payload}" if as_data_uri else payload) == size


@settings(max_examples=300, deadline=None)
@given(headers, tails, st.booleans())
def test_the_head_says_what_the_whole_prefix_says(header: bytes, rest: bytes, as_data_uri: bool) -> None:
    payload = base64.b64encode(header + rest).decode("ascii")
    image = f"data:image/png;base64,{payload}" if as_data_uri else payload
    assert inline_image_size(image) == _whole_prefix(payload)


def test_a_jpeg_frame_header_after_a_large_exif_block_is_still_read() -> None:
    payload = base64.b64encode(_jpeg(1920, 1080, 60_000)).decode("ascii")
    assert len(payload) > imagesize.HEAD_CHARS * 100
    assert inline_image_size(payload) == (1920, 1080)


def test_a_jpeg_is_read_from_the_shortest_prefix_that_holds_its_frame_header() -> None:
    """A 20 kB EXIF block: the 32k-character prefix holds the frame header; damage after it does not matter."""
    payload = base64.b64encode(_jpeg(1920, 1080, 20_000) + b"\0" * 60_000).decode("ascii")
    payload = payload[:40_000] + "!" + payload[40_001:]
    assert _whole_prefix(payload) is None
    assert inline_image_size(payload.replace("!", "A")) == inline_image_size("data:image/jpeg;base64," + payload)
    assert inline_image_size("data:image/jpeg;base64," + payload) == (1920, 1080)


def test_only_the_prefixes_needed_are_decoded(monkeypatch) -> None:
    """A PNG: the head only. A JPEG: longer prefixes until one holds the frame header, or until it breaks off."""
    decoded: list[int] = []
    real = imagesize._decoded
    monkeypatch.setattr(imagesize, "_decoded", lambda text: decoded.append(len(text)) or real(text))
    png = base64.b64encode(_png(1920, 1080) + bytes(range(256)) * 1200).decode("ascii")
    exif = base64.b64encode(_jpeg(1920, 1080, 20_000) + b"\0" * 60_000).decode("ascii")
    broken = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10" + b"\0" * 14 + b"\xff\xda\x00\x02" + b"\0" * 80_000)
    for image, size, lengths in (
        (f"data:image/png;base64,{png}", (1920, 1080), [64]),
        (exif, (1920, 1080), [64, 2_048, 32_768]),
        (broken.decode("ascii"), None, [64, 2_048]),
    ):
        decoded.clear()
        assert (inline_image_size(image), decoded) == (size, lengths)


def test_a_png_header_is_read_from_the_head_whatever_follows_it() -> None:
    """A broken tail (bad padding far into the payload) no longer hides a readable header."""
    payload = base64.b64encode(_png(864, 480) + b"\0" * 300).decode("ascii")
    payload = payload[:200] + "!" + payload[201:]  # a character that is not base64: a group falls short
    assert _whole_prefix(payload) is None
    assert inline_image_size("data:image/png;base64," + payload) == (864, 480)


def test_the_stored_size_is_read_whatever_the_exif_orientation() -> None:
    """An EXIF orientation of 6 (rotate 90°) does not swap the frame header's width and height."""
    ifd = b"MM\0*" + struct.pack(">L", 8) + struct.pack(">H", 1) + struct.pack(">HHLL", 0x112, 3, 1, 6 << 16)
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(ifd)) + b"Exif\0\0" + ifd
    jpeg = b"\xff\xd8" + app1 + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 1080, 1920) + b"\x03" + b"\0" * 9
    assert inline_image_size(base64.b64encode(jpeg).decode("ascii")) == (1920, 1080)


def test_jpeg_fill_bytes_and_stray_bytes_before_a_marker_are_skipped_as_decoders_do() -> None:
    """libjpeg decodes these (a warning for the stray bytes); imagesize reads through them, as does this."""
    frame = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 720, 1280) + b"\x03" + b"\0" * 9
    fill = b"\xff\xd8\xff" + frame
    stray = b"\xff\xd8\xff\xe0\x00\x04ab" + b"\0\0" + frame
    for jpeg in (fill, stray):
        assert inline_image_size(base64.b64encode(jpeg).decode("ascii")) == (1280, 720)


def test_other_formats_and_empty_sizes_are_not_read() -> None:
    bmp = b"BM" + b"\0" * 16 + struct.pack("<ll", 30, 20) + b"\0" * 30  # imagesize reads it; the README lists 4 formats
    for data in (bmp, _png(0, 10), _gif(10, 0), b"\xff\xd8\xff\xd9", b"", b"GIF8"):
        assert inline_image_size(base64.b64encode(data).decode("ascii")) is None
    assert inline_image_size("https://example.com/a.png") is None


def test_importing_the_module_does_not_import_imagesize() -> None:
    """`import imagesize` costs tens of milliseconds (urllib.request, email): only a run reading an image pays it."""
    code = (
        "import sys, base64, seedance_lint.input.imagesize as m; a = 'imagesize' in sys.modules; "
        "m.inline_image_size(base64.b64encode(b'GIF89a\\x01\\x00\\x01\\x00').decode()); "
        "print(a, 'imagesize' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=imagesize.__file__.rsplit("seedance_lint", 1)[0],
    )
    assert out.stdout.split() == ["False", "True"]


@settings(max_examples=400, deadline=None)
@given(headers, tails, st.lists(st.tuples(st.floats(0, 1), st.sampled_from("!= \n-_.A")), max_size=3))
def test_a_damaged_payload_is_read_as_the_whole_prefix_or_a_shorter_one(header: bytes, rest: bytes, damage) -> None:
    """Characters that are not base64, or padding, anywhere. The answer is the whole prefix's, except where
    damage after a header made the whole prefix unreadable: then it is what a shorter prefix read says
    (the head for a PNG, GIF or WebP; a stage for a JPEG)."""
    payload = base64.b64encode(header + rest).decode("ascii")
    for where, char in damage:
        at = int(where * len(payload))
        payload = payload[:at] + char + payload[at:]
    found, whole = inline_image_size("data:image/jpeg;base64," + payload), _whole_prefix(payload)
    if found != whole:
        shorter = (_decoded(payload[:chars]) for chars in (imagesize.HEAD_CHARS, *imagesize._JPEG_STAGES))
        assert whole is None and found in {header_size(data) for data in shorter if data is not None}
