"""Inline image sizes: a header read from the head of the base64 says what the whole prefix says."""
from __future__ import annotations

import base64
import binascii
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.input import imagesize
from seedance_lint.input.imagesize import header_size, inline_image_size

sizes = st.tuples(st.integers(1, 16383), st.integers(1, 16383))


def _png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"


def _gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height)


def _webp_vp8x(width: int, height: int) -> bytes:
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + size


def _jpeg(width: int, height: int, exif: int) -> bytes:
    """A JPEG whose frame header follows an APP1 (EXIF) block of ``exif`` bytes."""
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\0" * exif
    return b"\xff\xd8" + app1 + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, height, width) + b"\x03" + b"\0" * 9


headers = st.one_of(
    sizes.map(lambda s: _png(*s)), sizes.map(lambda s: _gif(*s)), sizes.map(lambda s: _webp_vp8x(*s)),
    st.builds(lambda s, exif: _jpeg(*s, exif), sizes, st.integers(0, 65_000)),
    st.binary(max_size=60),
)


def _whole_prefix(payload: str) -> tuple[int, int] | None:
    """What inline_image_size answered before it read a head first: the whole prefix, decoded."""
    text = payload[: imagesize._PREFIX_CHARS]
    try:
        return header_size(base64.b64decode(text[: len(text) - len(text) % 4]))
    except (binascii.Error, ValueError):
        return None


#: What follows a header: up to a few hundred bytes (payloads longer than the head), from a repeated pattern.
tails = st.builds(lambda n, pattern: (pattern * n)[:n], st.integers(0, 400), st.binary(min_size=1, max_size=8))


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


def test_a_png_header_is_read_from_the_head_whatever_follows_it() -> None:
    """A broken tail (bad padding far into the payload) no longer hides a readable header."""
    payload = base64.b64encode(_png(864, 480) + b"\0" * 300).decode("ascii")
    payload = payload[:200] + "!" + payload[201:]  # a character that is not base64: a group falls short
    assert _whole_prefix(payload) is None
    assert inline_image_size("data:image/png;base64," + payload) == (864, 480)


@settings(max_examples=400, deadline=None)
@given(headers, tails, st.lists(st.tuples(st.floats(0, 1), st.sampled_from("!= \n-_.A")), max_size=3))
def test_a_damaged_payload_is_read_as_the_whole_prefix_or_from_its_head(header: bytes, rest: bytes, damage) -> None:
    """Characters that are not base64, or padding, anywhere. A JPEG, read in stages, gets the whole prefix's answer;
    a header read from the head is the head's, where damage after it made the whole prefix unreadable."""
    payload = base64.b64encode(header + rest).decode("ascii")
    for where, char in damage:
        at = int(where * len(payload))
        payload = payload[:at] + char + payload[at:]
    found, whole = inline_image_size("data:image/jpeg;base64," + payload), _whole_prefix(payload)
    if found != whole:
        head = base64.b64decode(payload[: imagesize.HEAD_CHARS])
        assert whole is None and found == header_size(head) and not header.startswith(b"\xff\xd8")
