"""Payment providers behind one small interface.

The engine asks a provider to capture, refund or release; the provider
answers approved, declined or pending (a person must finish it on a
device the engine cannot drive), or raises :class:`ProviderTimeout`. Each
request carries a reference made by the engine, so a provider that is
asked twice after a time-out can recognise the repeat.

- :class:`ExternalTerminal`: a standalone card terminal. The engine cannot
  drive it: every request is pending, and the associate records the
  terminal's approval reference and amount as a payment answer.
- :class:`ScriptedProvider`: for tests; answers from a script that can
  approve, decline, time out or answer the same thing twice.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

logger = logging.getLogger(__name__)

Outcome = Literal["approved", "declined", "pending"]


class ProviderTimeout(RuntimeError):
    """The provider did not answer in time; the request may or may not stand."""


@dataclass(frozen=True, slots=True)
class ProviderRequest:
    """What the engine asks of a provider."""

    operation: str
    reference: str
    amount: int
    currency: str
    original_reference: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    """A provider's answer: its outcome, its own reference, the amount."""

    outcome: Outcome
    reference: str
    amount: int


class PaymentProvider(Protocol):
    """The interface every provider keeps."""

    name: str

    def request(self, request: ProviderRequest) -> list[ProviderAnswer]:
        """Send ``request``; a list because some providers answer twice."""


class ExternalTerminal:
    """A standalone terminal: the engine records, a person operates it."""

    name = "external_terminal"

    def request(self, request: ProviderRequest) -> list[ProviderAnswer]:
        """Nothing to send: the associate completes it on the terminal."""
        logger.info("payment %s waits for the terminal", request.operation)
        return [ProviderAnswer("pending", request.reference, request.amount)]


class ScriptedProvider:
    """A provider that answers from a script, for tests.

    Script steps: ``"approve"``, ``"decline"``, ``"timeout"`` (nothing
    done, no answer), ``"lost"`` (approved, but the answer never arrives)
    and ``"twice"`` (approve, and deliver the same answer a second time).
    When the script runs out every request is approved. Like a real
    provider it recognises a repeated reference: a request it already
    acted on is answered as before, without a new step.
    """

    name = "scripted"

    def __init__(self, script: Iterable[str] = ()) -> None:
        self._script = deque(script)
        self._lock = threading.Lock()
        self._done: dict[str, list[ProviderAnswer]] = {}
        self.requests: list[ProviderRequest] = []

    def request(self, request: ProviderRequest) -> list[ProviderAnswer]:
        """Answer by the next step of the script (a repeat as before)."""
        with self._lock:
            self.requests.append(request)
            if request.reference in self._done:
                return list(self._done[request.reference])
            step = self._script.popleft() if self._script else "approve"

            reference = f"scripted-{request.reference}"
            if step == "timeout":
                raise ProviderTimeout("the scripted provider did not answer")
            outcome = "declined" if step == "decline" else "approved"
            answer = ProviderAnswer(outcome, reference, request.amount)
            self._done[request.reference] = [answer]
        if step == "lost":
            raise ProviderTimeout("the scripted provider's answer was lost")
        return [answer, answer] if step == "twice" else [answer]


def standard_providers() -> dict[str, PaymentProvider]:
    """The providers of a plain installation: the external terminal."""
    return {ExternalTerminal.name: ExternalTerminal()}
