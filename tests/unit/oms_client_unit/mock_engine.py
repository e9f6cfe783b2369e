"""A scripted engine behind ``httpx.MockTransport`` for client tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from oms_client import OmsClient, RetryPolicy

Handler = Callable[[httpx.Request], httpx.Response]


class ScriptedEngine:
    """Answers requests from a script, and remembers every request."""

    def __init__(self, *answers: httpx.Response | Exception | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer


class SleepRecorder:
    """Stands in for ``asyncio.sleep`` and keeps the requested waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def api_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    body = {"code": code, "message": message, "detail": None}
    return httpx.Response(status, json=body, headers=headers)


def json_answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )


def client_for(
    engine: ScriptedEngine,
    *,
    token: str | None = None,
    sleep: SleepRecorder | None = None,
    retry: RetryPolicy | None = None,
) -> OmsClient:
    return OmsClient.remote(
        "http://127.0.0.1:8765",
        token=token,
        transport=httpx.MockTransport(engine),
        sleep=sleep or SleepRecorder(),
        retry=retry,
    )
