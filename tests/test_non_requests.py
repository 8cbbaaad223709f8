"""What pre-commit stages besides request files: skipped by shape, even when they do not parse."""

from __future__ import annotations

JSONC = '{\n  // compiler options\n  "compilerOptions": {}\n}\n'
BROKEN_REQUEST = '{"taskType": "videoInference",, }'


def test_an_unparseable_non_request_is_skipped_but_a_broken_request_is_not(run_cli, write_files) -> None:
    root = write_files({"tsconfig.json": JSONC, "broken.json": BROKEN_REQUEST})
    result = run_cli(["check", "--skip-non-requests", "--format", "json", "tsconfig.json", "broken.json"], cwd=root)
    found = {(d["file"], d["code"]) for d in result.json()["diagnostics"]}
    assert found == {("tsconfig.json", "SDL006"), ("broken.json", "SDL001")} and result.exit == 1


def test_named_without_the_flag_an_unparseable_file_is_an_error(run_cli, write_files) -> None:
    root = write_files({"tsconfig.json": JSONC})
    assert run_cli(["check", "tsconfig.json"], cwd=root).exit == 1


def test_cost_has_nothing_to_price_in_a_non_request(run_cli, write_files) -> None:
    root = write_files({"tsconfig.json": JSONC, "broken.json": BROKEN_REQUEST})
    assert run_cli(["cost", "--skip-non-requests", "tsconfig.json"], cwd=root).exit == 0
    assert run_cli(["cost", "--skip-non-requests", "broken.json"], cwd=root).exit == 1
    assert run_cli(["cost", "tsconfig.json"], cwd=root).exit == 1  # named without the flag: it must be read


def test_a_broken_file_is_searched_for_our_model_in_pieces(tmp_path, monkeypatch) -> None:
    """mentions_model reads a megabyte at a time (a batch may exceed memory): a name across two reads counts."""
    from pathlib import Path

    from seedance_lint.core.data import model_spec
    from seedance_lint.input.sources import Source
    from seedance_lint.input.tasks import mentions_model

    spec = model_spec()
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(AssertionError("read whole")))
    for offset in (0, 3, len(spec.model) - 1):
        path = tmp_path / f"across-{offset}.jsonl"
        path.write_bytes(b"x" * ((1 << 20) - offset) + spec.model.encode() + b"\n{")
        assert mentions_model(Source(str(path), path, "jsonl", False), spec)
    other = tmp_path / "other.jsonl"
    other.write_bytes(b'{"model": "other:1@1"}\n' * 100_000 + b"{")
    assert not mentions_model(Source(str(other), other, "jsonl", False), spec)
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert not mentions_model(Source(str(empty), empty, "jsonl", False), spec)
