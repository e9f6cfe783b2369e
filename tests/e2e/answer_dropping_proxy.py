"""A loopback HTTP relay that loses the engine's answer to chosen requests.

Each request is forwarded to the engine on a connection of its own; when a
request matches, the engine's whole answer is read (so the engine has
committed) and then the device's connection is closed without it: the
device sees a network error after the order was already created.
"""

from __future__ import annotations

import asyncio
import contextlib

_HEAD_END = b"\r\n\r\n"


class AnswerDroppingProxy:
    """Relays to ``upstream_port``; drops the answers of the first N matches."""

    def __init__(self, upstream_port: int, *, method: str, path: str, drops: int):
        self._upstream_port = upstream_port
        self._match = f"{method} {path} ".encode()
        self.drops_left = drops
        self.dropped = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while request := await _read_request(reader):
                answer = await self._forward(request)
                if request.startswith(self._match) and self.drops_left > 0:
                    self.drops_left -= 1
                    self.dropped += 1
                    return
                writer.write(answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _forward(self, request: bytes) -> bytes:
        head, _, body = request.partition(_HEAD_END)
        lines = [
            line
            for line in head.split(b"\r\n")
            if not line.lower().startswith(b"connection:")
        ]
        lines.append(b"Connection: close")
        reader, writer = await asyncio.open_connection("127.0.0.1", self._upstream_port)
        writer.write(b"\r\n".join(lines) + _HEAD_END + body)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        return answer


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(_HEAD_END)
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head + body
