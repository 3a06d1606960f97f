"""The boundary with a site's worker: what a ``verify-location`` flow run posts back, checked.

A worker is another machine. Each cell it finishes arrives at the central side as JSON (a Prefect
artifact of type ``nettsjekk-cell``); nothing is stored before it is read into :class:`WorkerCell`
and matched against the cells that location was actually given. Anything else is rejected with a
message naming the location, and the cell it claimed to be stays to do (it ends
``location_unreachable`` if nothing valid arrives for it).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nettsjekk.probes.results import ProbeResult

from nettsjekk.checkpoints.matrix import CellKey, CellSpec  # noqa: F401 - CellKey re-exported

ARTIFACT_TYPE = "nettsjekk-cell"


class WireCell(BaseModel):
    """Which cell a result is for."""

    model_config = ConfigDict(extra="forbid")
    resource_id: Annotated[str, Field(min_length=1, max_length=200)]
    engine: Literal["chromium", "firefox", "webkit"]
    location: Annotated[str, Field(min_length=1, max_length=63)]


class WorkerCell(BaseModel):
    """One cell's outcome as the worker reports it."""

    model_config = ConfigDict(extra="forbid")
    cell: WireCell
    status: Literal["ok", "flaky", "failing"]
    attempts: Annotated[int, Field(ge=1, le=10)]
    result: ProbeResult


class RejectedCell(ValueError):
    """A worker's answer that is not stored; the message names the location and what was wrong."""


def encode(spec: CellSpec, status: str, attempts: int, result: ProbeResult) -> dict:
    """The JSON a worker posts for one finished cell."""
    return WorkerCell(cell=WireCell(resource_id=spec.resource_id, engine=spec.engine, location=spec.location.name),
                      status=status, attempts=attempts, result=result).model_dump(mode="json")


def decode(location: str, data: object, expected: dict[CellKey, CellSpec]) -> tuple[CellSpec, WorkerCell]:
    """The cell ``data`` answers for, validated; :class:`RejectedCell` when it is not one we asked for."""
    try:
        if isinstance(data, str):
            data = json.loads(data)
        answer = WorkerCell.model_validate(data)
    except (ValueError, ValidationError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        raise RejectedCell(f"location {location}: the worker sent a malformed cell result ({where}: "
                           f"{first['msg']}); it was not stored") from None
    key = CellKey(answer.cell.resource_id, answer.cell.engine, answer.cell.location)
    if key not in expected:
        raise RejectedCell(f"location {location}: the worker sent a result for {key.resource_id}/{key.engine}/"
                           f"{key.location}, a cell it was not given; it was not stored")
    if answer.result.browser != answer.cell.engine or answer.result.location != location:
        raise RejectedCell(f"location {location}: the worker's result for {key.resource_id}/{key.engine} says "
                           f"browser {answer.result.browser!r} at {answer.result.location!r}; it was not stored")
    return expected[key], answer
