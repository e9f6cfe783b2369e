"""The Python object the page's isolated world reaches over QWebChannel."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import shiboken6
from pydantic import BaseModel, ValidationError
from PySide6.QtCore import QObject, Signal, Slot

from bridge.host import BridgeHost
from bridge.messages import (
    AddToBasket,
    BasketView,
    BridgeRefusedError,
    ErrorCode,
    GetBasket,
    GetStock,
    Request,
    RequestId,
    StockView,
    error_reply,
    ok_reply,
    parse_request,
)

logger = logging.getLogger(__name__)

OBJECT_NAME = "openAisleBridge"
# Logged once per bridge object; the start-up benchmark waits for it.
FIRST_ANSWER_MESSAGE = "The page's first bridge call was answered"


class BridgeObject(QObject):
    """Receives JSON messages from the page and answers them.

    Every message is checked (origin, size, type, fields) before the host
    sees it; the host's coroutine runs on the asyncio loop and its answer
    goes back as a signal. Nothing the page sends raises into Qt.

    Signals:
        reply_ready(str): the JSON reply to one message.
        basket_changed(str): the JSON basket after a change, for every
            ``onBasketChanged`` listener.
    """

    reply_ready = Signal(str)
    basket_changed = Signal(str)

    def __init__(
        self,
        host: BridgeHost,
        origin_allowed: Callable[[], bool],
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._origin_allowed = origin_allowed
        self._loop = loop
        self._tasks: set[asyncio.Task[None]] = set()
        self._answered = False

    @Slot(str)
    def post(self, message: str) -> None:
        """Take one message from the page (the only entry point)."""
        if not self._origin_allowed():
            self._refuse(
                None, ErrorCode.ORIGIN_NOT_ALLOWED, "this origin may not use the bridge"
            )
            return

        try:
            request_id, request = parse_request(message)
        except BridgeRefusedError as refusal:
            self._refuse(refusal.request_id, refusal.code, refusal.message)
            return

        loop = self._running_loop()
        if loop is None:
            self._refuse(request_id, ErrorCode.UNAVAILABLE, "the app is not ready")
            return

        task = loop.create_task(self._answer(request_id, request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def push_basket(self, view: BasketView) -> None:
        """Send a basket snapshot to every listener on the page."""
        self.basket_changed.emit(ok_reply(None, view))

    def _running_loop(self) -> asyncio.AbstractEventLoop | None:
        if self._loop is not None and not self._loop.is_closed():
            return self._loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    async def _answer(self, request_id: RequestId, request: Request) -> None:
        try:
            result = await self._call_host(request)
        except BridgeRefusedError as refusal:
            self._refuse(request_id, refusal.code, refusal.message)
            return
        except Exception:
            logger.exception("The bridge host failed a page call")
            self._reply(
                error_reply(request_id, ErrorCode.INTERNAL, "the app could not answer")
            )
            return

        if not self._reply(ok_reply(request_id, result)):
            return
        if not self._answered:
            self._answered = True
            logger.info(FIRST_ANSWER_MESSAGE)

    def _reply(self, text: str) -> bool:
        """Send ``text`` to the page, unless the page went while the host worked.

        A kiosk wipe or a closed window deletes the page (and this object's
        C++ half) while an answer may still be on its way; that answer has
        nobody to go to.
        """
        if not shiboken6.isValid(self):
            logger.debug("The page went before its answer was ready")
            return False
        self.reply_ready.emit(text)
        return True

    async def _call_host(self, request: Request) -> BaseModel:
        match request:
            case AddToBasket(sku=sku, quantity=quantity):
                result: BaseModel = await self._host.add_to_basket(sku, quantity)
                expected: type[BaseModel] = BasketView
            case GetStock(sku=sku):
                result = await self._host.get_stock(sku)
                expected = StockView
            case GetBasket():
                result = await self._host.get_basket()
                expected = BasketView

        try:
            return expected.model_validate(result, from_attributes=True)
        except ValidationError as error:
            raise TypeError(f"the host answered with a bad {expected.__name__}") from (
                error
            )

    def _refuse(
        self, request_id: RequestId | None, code: ErrorCode, message: str
    ) -> None:
        logger.warning("Refused a page message: %s: %s", code, message)
        self._reply(error_reply(request_id, code, message))
