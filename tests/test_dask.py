"""The README's Dask recipe: a JSON Lines batch linted and priced on a LocalCluster, as the CLI does it.

The Python API sends blocks of lines to any concurrent.futures.Executor;
Dask's ``Client.get_executor()`` is one. Blocks are made small here, so that a
taskUUID repeated in another block is found across workers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import seedance_lint
from seedance_lint import api
from seedance_lint.cost import pipeline
from seedance_lint.linting import blocks

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install '.[dask]'")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "text-to-video.json"


def _batch(tmp_path: Path) -> Path:
    task = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    lines = []
    for index in range(60):
        line = dict(task, taskUUID=f"{index:08x}-0000-4000-8000-000000000000", duration=1.2 + index % 10)
        if index % 7 == 3:
            line["width"] = 1920  # 1920x480: not a documented size (an error, and unpriced)
        if index == 50:
            line["taskUUID"] = lines[2]["taskUUID"]  # the same UUID, in another block
        lines.append(line)
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def test_the_recipe_gives_what_the_cli_gives(tmp_path: Path, client, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _batch(tmp_path)
    for module in (blocks, pipeline, api):  # several blocks for a small file (each module reads the constant)
        monkeypatch.setattr(module, "BLOCK_BYTES", 2048)
    executor = client.get_executor()
    report = seedance_lint.check_batch(str(path), executor=executor)
    costs = seedance_lint.price_batch(str(path), executor=executor)

    cli_report = run_cli(["check", "--format", "json", "--jobs", "1", str(path)]).json()
    cli_costs = run_cli(["cost", "--format", "json", "--jobs", "1", str(path)]).json()
    assert report == cli_report
    assert costs == cli_costs
    codes = {d["code"] for d in report["diagnostics"]}
    assert {"SDL204", "SDL401"} <= codes  # the batch has failures to agree on, across blocks
    assert (costs["total"], costs["low"], costs["high"]) == (cli_costs["total"], cli_costs["low"], cli_costs["high"])


def test_records_in_memory_give_what_the_file_gives(tmp_path: Path, client, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _batch(tmp_path)
    monkeypatch.setattr(api, "BLOCK_BYTES", 2048)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    executor = client.get_executor()
    assert seedance_lint.check_batch(records, name=str(path), executor=executor) == seedance_lint.check_batch(str(path))
    assert seedance_lint.price_batch(records, name=str(path), executor=executor) == seedance_lint.price_batch(str(path))


def test_the_readme_recipe_runs_and_agrees_with_the_cli(
    run_cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's Dask block, as written, on the bundled examples: what it prints is what the CLI says."""
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- dask-recipe[^>]*-->\n```python\n(.*?)\n```", readme, re.S)
    assert block, "the README has no Dask recipe block"
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    cli_report = run_cli(["check", "--format", "json", "examples/batch.jsonl"]).json()
    cli_costs = run_cli(["cost", "--format", "json", "examples/batch.jsonl"]).json()
    capsys.readouterr()
    exec(compile(block.group(1), "README.md", "exec"), {})  # the README's own code
    printed = capsys.readouterr().out.strip()
    expected = f"{cli_report['summary']} {cli_costs['total']} {cli_costs['low']} {cli_costs['high']}"
    assert printed == expected
