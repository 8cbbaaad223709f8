"""YAML merge keys: an explicit key overrides a merged one, as YAML's merge rules say (issue 18, class 14).

`- <<: *base` then `taskUUID: ...` is the usual way to write a YAML batch; it is
not a duplicate key (SDL003). Two explicit keys of one mapping still are.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from seedance_lint.input.parsers import yamlpos

BATCH = """\
- &base
  taskType: videoInference
  model: bytedance:2@2
  positivePrompt: A dancer on a rooftop
  width: 864
  height: 480
  taskUUID: 59d02567-ead8-47ef-94c7-d04dfdcc78b7
- <<: *base
  taskUUID: 69d02567-ead8-47ef-94c7-d04dfdcc78b7
- taskUUID: 79d02567-ead8-47ef-94c7-d04dfdcc78b7
  <<: *base
  positivePrompt: A dancer at night
"""


def test_a_batch_written_with_merges_is_clean(write_files, run_cli) -> None:
    root = write_files({"batch.yaml": BATCH})
    result = run_cli(["check", "--format", "json", "batch.yaml"], cwd=root)
    assert result.json()["diagnostics"] == [] and result.exit == 0


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n  y: 3\n",
    ],
)
def test_two_explicit_keys_are_still_a_duplicate(text: str) -> None:
    (document,) = yamlpos.parse_all(text)
    assert [note.kind for note in document.notes] == ["duplicate-key"]


KEYS = st.sampled_from(["a", "b", "c", "d"])


@given(
    base=st.dictionaries(KEYS, st.integers(0, 9), min_size=1),
    explicit=st.dictionaries(KEYS, st.integers(10, 19)),
    at=st.integers(0, 4),
)
def test_merges_read_as_pyyaml_reads_them_without_a_note(base: dict, explicit: dict, at: int) -> None:
    """Wherever the merge sits among the explicit keys, the value is PyYAML's, and no key is a duplicate."""
    lines = [f"  {key}: {value}" for key, value in explicit.items()]
    lines.insert(min(at, len(lines)), "  <<: *b")
    text = "base: &b {" + ", ".join(f"{k}: {v}" for k, v in base.items()) + "}\nm:\n" + "\n".join(lines) + "\n"
    (document,) = yamlpos.parse_all(text)
    assert document.value == yaml.safe_load(text)
    assert document.notes == []
