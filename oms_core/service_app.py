"""The engine as a network service: the API plus its guards and health checks.

:func:`create_service_app` is what ``openaisle-oms serve`` runs. It builds
the same API as the app bundles (:func:`oms_core.app.create_app`) and adds,
from the :class:`~oms_core.service_settings.ServiceSettings`:

- ``/healthz`` and ``/readyz`` (open, not rate limited);
- one structured access line per request;
- a rate limit per client address and per token (429 + ``Retry-After``);
- the body size limit of the settings (413);
- device tokens (401/403), unless ``auth = "none"`` says otherwise.

The bundled in-process engine never goes through here: it needs no token
because nothing outside the app can reach it.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.middleware import Middleware

from oms_core import health
from oms_core.app import create_app
from oms_core.http_guards import BodySizeLimit
from oms_core.process.runner import attach_runner
from oms_core.service_guards import AccessLog, DeviceAuth, RateLimit
from oms_core.service_settings import ServiceSettings, load_service_settings

logger = logging.getLogger(__name__)


def create_service_app(settings: ServiceSettings) -> FastAPI:
    """The served engine on ``settings``."""
    app = create_app(settings.database_url)
    app.include_router(health.router)
    # TODO: the event publisher does not read kafka_bootstrap and
    # webhook_secrets from here yet; until it does they are only validated.
    app.state.settings = settings

    # Innermost (after the app's own size limit): the token and its scope.
    if settings.auth == "device_tokens":
        app.user_middleware.append(
            Middleware(
                DeviceAuth,
                engine=app.state.engine,
                configured=settings.configured_tokens(),
            )
        )
    else:
        logger.warning("serving WITHOUT device tokens: any caller may use the API")

    # Outermost, in the order a request meets them.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(
        RateLimit,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
    )
    app.add_middleware(AccessLog)
    # Timers and event delivery run while the served app lives.
    attach_runner(app)
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: the settings come from the environment."""
    return create_service_app(load_service_settings())
