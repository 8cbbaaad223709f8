"""UTF-16 and UTF-32 files with a byte order mark are named as such, once (issue 18, class 17).

They are not read: JSON and YAML sent to the API are UTF-8, and --fix could not
write them back as they were. Each is one SDL007 at 1:1 that names the encoding
and says how to convert it, not "binary (NUL bytes)" once a line.
"""

from __future__ import annotations

import codecs

import pytest

TEXT = '{"taskType": "videoInference", "model": "bytedance:2@2"}\n{"taskType": "videoInference"}\n'
ENCODINGS = {
    "UTF-16LE": codecs.BOM_UTF16_LE,
    "UTF-16BE": codecs.BOM_UTF16_BE,
    "UTF-32LE": codecs.BOM_UTF32_LE,
    "UTF-32BE": codecs.BOM_UTF32_BE,
}


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_bom_names_the_encoding(encoding: str, suffix: str, write_files, run_cli) -> None:
    name = "req" + suffix
    root = write_files({name: ENCODINGS[encoding] + TEXT.encode(encoding.lower())})
    result = run_cli(["check", "--format", "json", name], cwd=root)
    assert result.exit == 1
    found = result.json()["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("SDL007", 1, 1)]
    assert encoding in found[0]["message"] and "iconv" in found[0]["message"]
    priced = run_cli(["cost", name], cwd=root)
    assert encoding in priced.stdout + priced.stderr


def test_from_standard_input_too(run_cli) -> None:
    result = run_cli(["check", "--format", "json", "-"], stdin=codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    assert "UTF-16LE" in result.json()["diagnostics"][0]["message"]


def test_a_large_batch_is_not_split_into_blocks(tmp_path) -> None:
    """The parallel path would read each block's lines as NUL-laden text: one problem instead, from chunked()."""
    from seedance_lint.input.jsonl import splits
    from seedance_lint.input.sources import Source

    path = tmp_path / "big.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + (TEXT * 50).encode("utf-16-le"))
    assert not splits(Source("big.jsonl", path, "jsonl", True), min_bytes=1)
    path.write_bytes((TEXT * 50).encode("utf-8"))
    assert splits(Source("big.jsonl", path, "jsonl", True), min_bytes=1)
