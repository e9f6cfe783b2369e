"""Process definitions: data the retailer can read and change, validated.

A definition is a YAML (or JSON) document::

    name: collect_here
    version: 1
    title: Click & collect at the selling store
    start: placed
    states:
      placed:
        job: check_payment
        exits: {paid: picking, unpaid: awaiting_payment}
      picking:
        task: {kind: pick, at: source}
        exits: {done: ready}
      ready:
        task: {kind: hand_over, at: collection}
        timers:
          - {after_days: 3, job: notify_customer}
          - {after_days: 7, event: expired}
        exits: {done: collected, expired: uncollected}
      ...
      cancelled: {final: true}

A state runs at most one human task (one per source location, or one at the
collection place) or one automated job, and may start timers when entered.
``done`` is the event of a finished task or job. Every definition has a
final ``cancelled`` state: cancelling is allowed from any state that is not
final. The checks here refuse a definition with a clear message before any
order can run on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

logger = logging.getLogger(__name__)

TASK_KINDS = ("pick", "pack", "hand_over", "receive_transfer", "contact_customer")
TASK_PLACES = ("source", "collection")
JOBS = (
    "check_payment",
    "release_to_location",
    "capture_payment",
    "notify_customer",
    "dispatch_held",
    "cancel_uncollected",
    "complete_payments",
)
CANCELLED = "cancelled"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TIMER_DAYS = 365


class DefinitionError(ValueError):
    """A process definition that cannot be used, and why."""


@dataclass(frozen=True, slots=True)
class Task:
    """The human task of a state: its kind and where it is done."""

    kind: str
    at: str


@dataclass(frozen=True, slots=True)
class Timer:
    """Something due a fixed time after the state is entered."""

    after_hours: float
    job: str | None = None
    event: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    """One state: its task or job, its timers and where each event leads."""

    id: str
    title: str
    task: Task | None = None
    job: str | None = None
    timers: tuple[Timer, ...] = ()
    exits: Mapping[str, str] = field(default_factory=dict)
    final: bool = False


@dataclass(frozen=True, slots=True)
class Definition:
    """A validated process definition."""

    name: str
    version: int
    title: str
    start: str
    states: Mapping[str, State]
    source: Mapping[str, Any]

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON: a changed file has another digest."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def canonical_json(self) -> str:
        """The definition as canonical JSON, as stored with the orders on it."""
        return json.dumps(self.source, sort_keys=True, separators=(",", ":"))

    def target(self, state: str, event: str) -> str | None:
        """Where ``event`` leads from ``state``, or None if it is not allowed."""
        current = self.states[state]
        if current.final:
            return None
        if event == "cancel":
            return CANCELLED
        return current.exits.get(event)


def parse_definition(text: str) -> Definition:
    """Parse YAML or JSON text into a validated :class:`Definition`."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"not valid YAML or JSON: {exc}") from exc
    return build_definition(document)


def build_definition(document: object) -> Definition:
    """Validate a parsed document and build the :class:`Definition`."""
    if not isinstance(document, dict):
        raise DefinitionError("a definition is a mapping at the top level")
    unknown = set(document) - {"name", "version", "title", "start", "states"}
    if unknown:
        raise DefinitionError(f"unknown top-level keys: {sorted(unknown)}")

    name = _name(document.get("name"), "name")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DefinitionError(f"{name}: version must be a whole number from 1")
    title = _text(document.get("title", name), f"{name}: title")
    raw_states = document.get("states")
    if not isinstance(raw_states, dict) or not raw_states:
        raise DefinitionError(f"{name}: states must be a non-empty mapping")

    states = {
        _name(key, f"{name}: state id"): _state(name, key, value)
        for key, value in raw_states.items()
    }
    start = document.get("start")
    if start not in states:
        raise DefinitionError(f"{name}: start state {start!r} is not defined")
    _check_graph(name, start, states)

    definition = Definition(name, version, title, start, states, document)
    logger.debug("process definition checked")
    return definition


def _state(process: str, key: str, value: object) -> State:
    where = f"{process}: state {key!r}"
    if not isinstance(value, dict):
        raise DefinitionError(f"{where} must be a mapping")
    unknown = set(value) - {"title", "task", "job", "timers", "exits", "final"}
    if unknown:
        raise DefinitionError(f"{where}: unknown keys {sorted(unknown)}")

    final = value.get("final", False) is True
    on = value.get("exits", {})
    if not isinstance(on, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in on.items()
    ):
        raise DefinitionError(f"{where}: 'exits' maps event names to state ids")
    if "cancel" in on:
        raise DefinitionError(f"{where}: 'cancel' is built in, do not declare it")

    task = _task(where, value["task"]) if "task" in value else None
    job = value.get("job")
    if job is not None and job not in JOBS:
        raise DefinitionError(f"{where}: unknown job {job!r}; known: {list(JOBS)}")
    if task is not None and job is not None:
        raise DefinitionError(f"{where}: a state has a task or a job, not both")
    timers = tuple(_timer(where, raw) for raw in value.get("timers", []) or [])

    if final and (on or task or job or timers):
        raise DefinitionError(f"{where}: a final state has no task, job or exits")
    if not final and not on:
        raise DefinitionError(f"{where}: a state that is not final needs exits")
    if (task or job) and "done" not in on:
        raise DefinitionError(f"{where}: a task or job state needs a 'done' exit")
    title = _text(value.get("title", key.replace("_", " ")), f"{where}: title")
    return State(key, title, task, job, timers, dict(on), final)


def _task(where: str, raw: object) -> Task:
    if not isinstance(raw, dict) or set(raw) != {"kind", "at"}:
        raise DefinitionError(f"{where}: a task is {{kind: ..., at: ...}}")
    if raw["kind"] not in TASK_KINDS:
        raise DefinitionError(f"{where}: unknown task kind {raw['kind']!r}")
    if raw["at"] not in TASK_PLACES:
        raise DefinitionError(f"{where}: a task is done at {list(TASK_PLACES)}")
    return Task(raw["kind"], raw["at"])


def _timer(where: str, raw: object) -> Timer:
    if not isinstance(raw, dict):
        raise DefinitionError(f"{where}: a timer is a mapping")
    unknown = set(raw) - {"after_days", "after_hours", "job", "event"}
    if unknown:
        raise DefinitionError(f"{where}: unknown timer keys {sorted(unknown)}")

    hours = float(raw.get("after_hours", 0) or 0)
    days = raw.get("after_days", 0) or 0
    if isinstance(days, bool) or not isinstance(days, int | float):
        raise DefinitionError(f"{where}: after_days is a number")
    hours += float(days) * 24
    if not 0 <= hours <= MAX_TIMER_DAYS * 24:
        raise DefinitionError(f"{where}: a timer is due within {MAX_TIMER_DAYS} days")

    job, event = raw.get("job"), raw.get("event")
    if (job is None) == (event is None):
        raise DefinitionError(f"{where}: a timer runs a job or sends an event")
    if job is not None and job not in JOBS:
        raise DefinitionError(f"{where}: unknown timer job {job!r}")
    return Timer(hours, job, event)


def _check_graph(process: str, start: str, states: Mapping[str, State]) -> None:
    if CANCELLED not in states or not states[CANCELLED].final:
        raise DefinitionError(f"{process}: a final {CANCELLED!r} state is required")
    for state in states.values():
        for event, target in state.exits.items():
            if target not in states:
                raise DefinitionError(
                    f"{process}: {state.id!r} --{event}--> unknown state {target!r}"
                )
        for timer in state.timers:
            if timer.event is not None and timer.event not in state.exits:
                raise DefinitionError(
                    f"{process}: timer event {timer.event!r} of {state.id!r} "
                    "has no exit"
                )

    seen, queue = {start, CANCELLED}, [start]
    while queue:
        for target in states[queue.pop()].exits.values():
            if target not in seen:
                seen.add(target)
                queue.append(target)
    unreachable = sorted(set(states) - seen)
    if unreachable:
        raise DefinitionError(f"{process}: states never reached: {unreachable}")
    if not any(s.final for s in states.values() if s.id != CANCELLED):
        raise DefinitionError(f"{process}: no final state besides {CANCELLED!r}")


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise DefinitionError(f"{what} must match {NAME_PATTERN.pattern}: {value!r}")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 120:
        raise DefinitionError(f"{what} must be text of 1-120 characters")
    return value
