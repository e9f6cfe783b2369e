"""The ``aisle`` URL scheme: the storefront served without a network port.

:func:`register_storefront_scheme` declares the scheme to Chromium and must
run before the ``QApplication`` exists. :func:`install_storefront` puts a
:class:`StorefrontSchemeHandler` on a profile; from then on pages of
``aisle://shop`` are answered from the catalogue the app hands over.

The handler never blocks the Qt thread: each request becomes a coroutine on
the running asyncio loop (qasync), which asks the catalogue and then replies.
A request may be cancelled meanwhile (the page navigated away or closed);
the job is then gone and is not touched again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QUrl,
)
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from pos_app.storefront.catalogue import StorefrontCatalogue
from pos_app.storefront.render import (
    FEATURED_COUNT,
    PAGE_SIZE,
    render_home,
    render_message,
    render_product,
    render_search,
)
from pos_app.storefront.routes import (
    BadRequestRoute,
    HomeRoute,
    NotFoundRoute,
    ProductRoute,
    Route,
    SearchRoute,
    StaticRoute,
    route_request,
)
from pos_app.storefront.site_files import SiteFiles, load_site_files

logger = logging.getLogger(__name__)

STOREFRONT_SCHEME = b"aisle"
STOREFRONT_HOST = "shop"
STOREFRONT_ORIGIN = "aisle://shop"

HTML_TYPE = "text/html; charset=utf-8"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Qt takes a QMultiMap; PySide converts each value as a list of values, so
# every header is given as a one-item list (a bare value is split per byte).
_RESPONSE_HEADERS = {
    QByteArray(name): [QByteArray(value)]
    for name, value in (
        (b"Content-Security-Policy", CONTENT_SECURITY_POLICY.encode("ascii")),
        (b"X-Content-Type-Options", b"nosniff"),
        (b"Referrer-Policy", b"no-referrer"),
        (b"Cache-Control", b"no-cache"),
    )
}
_Error = QWebEngineUrlRequestJob.Error


def register_storefront_scheme() -> None:
    """Declare ``aisle://`` to Chromium; safe to call more than once.

    Raises ``RuntimeError`` when the application object already exists:
    Chromium reads the list of schemes once, at start-up.
    """
    if QWebEngineUrlScheme.schemeByName(STOREFRONT_SCHEME).name():
        return

    if QCoreApplication.instance() is not None:
        raise RuntimeError("the aisle scheme must be registered before QApplication")

    scheme = QWebEngineUrlScheme(STOREFRONT_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(
        flags.SecureScheme
        | flags.LocalScheme
        | flags.CorsEnabled
        | flags.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)
    logger.debug("storefront scheme registered")


def install_storefront(
    profile: QWebEngineProfile,
    catalogue: StorefrontCatalogue,
    *,
    loop: asyncio.AbstractEventLoop | None = None,
) -> StorefrontSchemeHandler:
    """Serve the storefront from ``catalogue`` to the pages of ``profile``.

    Requests are answered on ``loop``, by default on the asyncio loop
    running when each request arrives (the app's qasync loop). The handler
    is owned by the profile and lives as long as it does.
    """
    if not QWebEngineUrlScheme.schemeByName(STOREFRONT_SCHEME).name():
        raise RuntimeError("call register_storefront_scheme() before QApplication")

    handler = StorefrontSchemeHandler(catalogue, parent=profile, loop=loop)
    profile.installUrlSchemeHandler(QByteArray(STOREFRONT_SCHEME), handler)
    return handler


@dataclass(frozen=True)
class _Response:
    body: bytes
    content_type: str


class _PendingJob:
    """A request job that may vanish before it is answered.

    Answers at most once, and only while the job still exists.
    """

    def __init__(self, job: QWebEngineUrlRequestJob) -> None:
        self._job: QWebEngineUrlRequestJob | None = job
        self._answered = False
        self.task: asyncio.Task[None] | None = None
        job.destroyed.connect(self._on_job_destroyed)

    def _on_job_destroyed(self) -> None:
        self._job = None
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _take(self) -> QWebEngineUrlRequestJob | None:
        job = self._job
        if self._answered or job is None or not shiboken6.isValid(job):
            logger.debug("storefront request gone before its answer")
            return None

        self._answered = True
        return job

    def reply(self, response: _Response) -> None:
        job = self._take()
        if job is None:
            return

        buffer = QBuffer(job)
        buffer.setData(QByteArray(response.body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.setAdditionalResponseHeaders(_RESPONSE_HEADERS)
        job.reply(QByteArray(response.content_type.encode("ascii")), buffer)

    def fail(self, error: QWebEngineUrlRequestJob.Error) -> None:
        job = self._take()
        if job is not None:
            job.fail(error)


class StorefrontSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``aisle://shop`` requests from a :class:`StorefrontCatalogue`.

    Routes: ``/`` home, ``/search?q=&page=``, ``/product/<sku>``,
    ``/static/<file>``; any other path gets a friendly "not found" page.
    Only GET is served. Work runs on ``loop`` when given, else on the loop
    running when the request arrives.

    Signals: none.
    """

    def __init__(
        self,
        catalogue: StorefrontCatalogue,
        parent: QObject | None = None,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._loop = loop
        self._files: asyncio.Future[SiteFiles] | None = None
        self._loaded: SiteFiles | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        """Qt override: start answering ``job`` on the asyncio loop."""
        url = job.requestUrl()
        if job.requestMethod() != b"GET":
            method = bytes(job.requestMethod()).decode("ascii", "replace")
            logger.info("storefront refused a %s request", method)
            job.fail(_Error.RequestDenied)
            return

        if url.host() != STOREFRONT_HOST:
            job.fail(_Error.UrlNotFound)
            return

        try:
            loop = self._loop or asyncio.get_running_loop()
        except RuntimeError:
            logger.error("storefront request with no asyncio loop: %s", url.path())
            job.fail(_Error.RequestFailed)
            return

        route = route_request(
            url.path(QUrl.ComponentFormattingOption.FullyEncoded),
            url.query(QUrl.ComponentFormattingOption.FullyEncoded),
        )
        pending = _PendingJob(job)
        task = loop.create_task(self._serve(loop, pending, route))
        pending.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        """Stop answering: cancel the requests in flight and wait for them.

        Called before the catalogue's engine client closes, so no request is
        left asking a closed client.
        """
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(
        self, loop: asyncio.AbstractEventLoop, pending: _PendingJob, route: Route
    ) -> None:
        try:
            files = await self._site_files(loop)
        except OSError:
            logger.exception("storefront files could not be read")
            pending.fail(_Error.RequestFailed)
            return

        try:
            response = await self._respond(files, route)
        except Exception:
            # The page must get an answer whatever the catalogue did.
            logger.exception("storefront page failed")
            response = _html(
                render_message(
                    files.templates,
                    "Something went wrong",
                    "This page could not be shown. Please try again.",
                )
            )

        if response is None:
            pending.fail(_Error.UrlNotFound)
        else:
            pending.reply(response)

    async def _site_files(self, loop: asyncio.AbstractEventLoop) -> SiteFiles:
        if self._loaded is not None:
            return self._loaded

        if self._files is None or self._files.get_loop() is not loop:
            self._files = loop.run_in_executor(None, load_site_files)
        try:
            self._loaded = await asyncio.shield(self._files)
        except OSError:
            self._files = None
            raise
        return self._loaded

    async def _respond(self, files: SiteFiles, route: Route) -> _Response | None:
        templates = files.templates
        match route:
            case HomeRoute():
                featured = await self._catalogue.featured(FEATURED_COUNT)
                return _html(render_home(templates, featured))
            case SearchRoute(q=q, page=page):
                offset = (page - 1) * PAGE_SIZE
                found, total = await self._catalogue.search(
                    q, limit=PAGE_SIZE, offset=offset
                )
                return _html(render_search(templates, q, found, total, page))
            case ProductRoute(sku=sku):
                product = await self._catalogue.product(sku)
                if product is None:
                    return _not_found(files, "We could not find that product.")
                return _html(render_product(templates, product))
            case StaticRoute(name=name):
                static = files.static.get(name)
                if static is None:
                    return None
                return _Response(static.body, static.content_type)
            case BadRequestRoute(message=message):
                return _html(render_message(templates, "Search problem", message))
            case NotFoundRoute(reason=reason, friendly=friendly):
                logger.debug("storefront: not found (%s)", reason)
                if not friendly:
                    return None
                return _not_found(files, "There is no page at this address.")


def _html(text: str) -> _Response:
    return _Response(text.encode("utf-8"), HTML_TYPE)


def _not_found(files: SiteFiles, message: str) -> _Response:
    # TODO: answer with status 404; QWebEngineUrlRequestJob.reply() has no
    # status code, so the friendly page arrives as a success.
    return _html(render_message(files.templates, "Page not found", message))
