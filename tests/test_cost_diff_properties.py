"""Invariants of `cost diff`'s matching and of its markdown's size, over random sides (hypothesis)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_lint.cost.diff import ADDED, CHANGED, REMOVED, UNCHANGED, Side, compare, side_from, wire_of
from seedance_lint.cost.model import ZERO, Estimate
from seedance_lint.cost.pipeline import CostTally, RowBlock
from seedance_lint.reporters.diff.markdown import COMMENT_CHARS, render

PRICES = [Decimal("0.03150"), Decimal("0.09450"), Decimal("0.31770"), None]


def estimate(width: int, duration: int, n: int, cost: Decimal | None) -> Estimate:
    high = None if cost is None else cost + Decimal("0.00030")
    basis = "unpriced" if cost is None else "table"
    return Estimate(None, width, 480, None, None, Decimal(duration), n, cost, cost, high, basis)


TASKS = st.tuples(
    st.sampled_from(["a.json", "b.jsonl"]),
    st.sampled_from([None, "u1", "u2", "u3", "u4", "u5"]),
    st.builds(
        estimate,
        st.sampled_from([864, 1920]),
        st.sampled_from([5, 10]),
        st.sampled_from([1, 2]),
        st.sampled_from(PRICES),
    ),
)


def side(tasks: list[tuple[str, str | None, Estimate]], root: str = "") -> Side:
    """A side of the tasks in order, each its own block (as a priced side's blocks, with their sums); its files
    in the folder ``root`` when given."""
    seen: Counter[str] = Counter()
    blocks = []
    for name, uuid, e in tasks:
        file = f"{root}/{name}" if root else name
        index = seen[file]
        seen[file] += 1
        cost, low, high = (value or ZERO for value in (e.cost, e.low, e.high))
        blocks.append(RowBlock(file, index, file, [(uuid, wire_of(e), 0)], cost, low, high, []))
    return side_from(CostTally("USD", blocks), root)


@settings(max_examples=200, deadline=None)
@given(st.lists(TASKS, max_size=12), st.lists(TASKS, max_size=12))
def test_every_task_is_matched_once_and_the_deltas_add_up(base_tasks: list, head_tasks: list) -> None:
    base, head = side(base_tasks), side(head_tasks)
    diff = compare(base, head, "USD", show_unchanged=True)
    heads = Counter(id(c.head) for c in diff.tasks if c.head is not None)
    bases = Counter(id(c.base) for c in diff.tasks if c.base is not None)
    assert sorted(heads) == sorted(map(id, head.records)) and set(heads.values()) <= {1}
    assert sorted(bases) == sorted(map(id, base.records)) and set(bases.values()) <= {1}
    c = diff.counts
    assert c[ADDED] + c[CHANGED] + c[UNCHANGED] == len(head.records)
    assert c[REMOVED] + c[CHANGED] + c[UNCHANGED] == len(base.records)
    for name in ("total", "low", "high"):
        assert sum((getattr(t.delta, name) for t in diff.tasks), ZERO) == getattr(diff.delta, name)
        assert sum((getattr(f.delta, name) for f in diff.files), ZERO) == getattr(diff.delta, name)
    listed = compare(base, head, "USD")
    assert [t for t in diff.tasks if t.change != UNCHANGED] == listed.tasks and listed.counts == diff.counts


@settings(max_examples=100, deadline=None)
@given(st.lists(TASKS, max_size=12), st.lists(TASKS, max_size=12))
def test_swapping_the_sides_swaps_added_and_removed(base_tasks: list, head_tasks: list) -> None:
    forward = compare(side(base_tasks), side(head_tasks), "USD")
    backward = compare(side(head_tasks), side(base_tasks), "USD")
    assert (forward.counts[ADDED], forward.counts[REMOVED]) == (backward.counts[REMOVED], backward.counts[ADDED])
    assert forward.delta.total == -backward.delta.total and forward.counts[CHANGED] == backward.counts[CHANGED]


@settings(max_examples=50, deadline=None)
@given(st.lists(TASKS, max_size=12))
def test_a_side_against_itself_has_no_change(tasks: list) -> None:
    diff = compare(side(tasks), side(tasks), "USD")
    assert diff.tasks == [] and diff.counts[UNCHANGED] == len(tasks) and diff.delta.total == 0


NAMES = st.text(alphabet=st.sampled_from("ab|&<>`[]!\\\n\x1b é"), min_size=1, max_size=400)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(NAMES, st.one_of(st.none(), NAMES), st.sampled_from(PRICES[:3])), max_size=400),
    st.integers(0, 400),
)
def test_the_markdown_always_fits_one_comment(tasks: list, removed: int) -> None:
    """Long, hostile names and many changes: the comment stays within GitHub's 65,536 characters and says
    how many rows it left out."""
    head = side([(f"{name}.json", uuid, estimate(864, 5, 1, cost)) for name, uuid, cost in tasks])
    base = side([(f"gone-{i}.json", None, estimate(864, 5, 1, PRICES[0])) for i in range(removed)])
    diff = compare(base, head, "USD")
    text = render(diff)
    assert len(text) <= COMMENT_CHARS
    listed = sum(1 for line in text.splitlines() if line.startswith(("| added", "| removed", "| changed")))
    if listed < len(diff.tasks):
        assert f"_{len(diff.tasks) - listed} rows left out" in text
    else:
        assert "rows left out (the smallest" not in text


def test_the_markdown_of_a_100k_task_change_fits_one_comment() -> None:
    count = 100_000
    small, large = estimate(864, 5, 1, PRICES[0]), estimate(1920, 10, 1, PRICES[2])
    base = side([("batch.jsonl", f"u{i}", small) for i in range(count)])
    head = side([("batch.jsonl", f"u{i}", large if i % 2 else small) for i in range(1, count + 1)])
    diff = compare(base, head, "USD")
    assert diff.counts == {ADDED: 1, REMOVED: 1, CHANGED: 50_000, UNCHANGED: 49_999}
    text = render(diff)
    assert len(text) <= COMMENT_CHARS and "rows left out" in text
