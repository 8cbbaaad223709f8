"""taskUUIDs already in the repository: the request set the configuration names, read before the files
a pre-commit hook passes, so that a staged file reusing one is told (and the untouched file is not)."""

from __future__ import annotations

from collections.abc import Iterable

from seedance_lint.core.data import model_spec
from seedance_lint.input.documents import Problem
from seedance_lint.input.jsonl import ValueRun, load_values
from seedance_lint.input.sources import Source
from seedance_lint.input.tasks import TaskRef, looks_like_request, select
from seedance_lint.linting.uuids import TaskUuids


def remember_uuids(uuids: TaskUuids, sources: Iterable[Source]) -> None:
    """Record the taskUUID of every task of ours in ``sources`` (file, task index), as if linted first.

    Only the taskUUIDs: a file here that cannot be read is the business of a run that names it.
    """
    spec = model_spec()
    for source in sources:
        index = 0
        for loaded in load_values(source):
            if isinstance(loaded, Problem):
                continue
            values = loaded.values if isinstance(loaded, ValueRun) else [loaded.value]
            for value in values:
                if not source.explicit and not looks_like_request(value, spec):
                    continue
                for item in select(value, spec):
                    if isinstance(item, TaskRef):
                        uuid = item.value.get("taskUUID")
                        if isinstance(uuid, str):
                            uuids.setdefault(uuid, source.display, index)
                        index += 1
