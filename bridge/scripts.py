"""The JavaScript the bridge injects, built as QWebEngineScript objects.

Values reach the scripts only as serialised JSON, passed to a function
expression, never spliced into code.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtWebEngineCore import QWebEngineScript

from bridge.allowlist import AllowList
from bridge.channel import OBJECT_NAME
from bridge.messages import MAX_MESSAGE_BYTES

logger = logging.getLogger(__name__)

API_VERSION = "1.0"
RELAY_SCRIPT_NAME = "openaisle-bridge-relay"
PAGE_API_SCRIPT_NAME = "openaisle-bridge-page-api"
QWEBCHANNEL_RESOURCE = ":/qtwebchannel/qwebchannel.js"

EVENT_NAMES = {
    "request": "openaisle:request",
    "reply": "openaisle:reply",
    "event": "openaisle:basket",
    "ready": "openaisle:ready",
    "hello": "openaisle:hello",
}


class ScriptMissingError(RuntimeError):
    """A script the bridge needs is not where it should be."""


@cache
def package_script(name: str) -> str:
    """The text of a JavaScript file shipped in the ``bridge`` package."""
    return resources.files("bridge").joinpath(name).read_text(encoding="utf-8")


@cache
def qwebchannel_source() -> str:
    """Qt's own ``qwebchannel.js``, read from its resource."""
    source = QFile(QWEBCHANNEL_RESOURCE)
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise ScriptMissingError(f"cannot read {QWEBCHANNEL_RESOURCE}")
    try:
        return bytes(source.readAll().data()).decode("utf-8")
    finally:
        source.close()


def _config_json(allowed: AllowList) -> str:
    config = {
        "allowedOrigins": sorted(allowed.origins),
        "events": EVENT_NAMES,
        "maxMessageBytes": MAX_MESSAGE_BYTES,
        "maxQueued": 100,
        "objectName": OBJECT_NAME,
        "version": API_VERSION,
    }
    return json.dumps(config, ensure_ascii=True)


def _applied(function_source: str, allowed: AllowList) -> str:
    """Call a ``(function (config) {...})`` expression with the config."""
    return f"{function_source.rstrip().rstrip(';')}\n({_config_json(allowed)});\n"


def _script(name: str, source: str, world: int) -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName(name)
    script.setSourceCode(source)
    script.setWorldId(world)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setRunsOnSubFrames(False)
    return script


def relay_script(allowed: AllowList) -> QWebEngineScript:
    """The isolated-world relay, with Qt's channel client in front of it."""
    source = "\n".join(
        (
            "(function () {",
            qwebchannel_source(),
            _applied(package_script("relay.js"), allowed),
            "})();",
        )
    )
    return _script(
        RELAY_SCRIPT_NAME, source, QWebEngineScript.ScriptWorldId.ApplicationWorld
    )


def page_api_script(allowed: AllowList) -> QWebEngineScript:
    """The page-world script that defines ``window.openAisle``."""
    source = _applied(package_script("page_api.js"), allowed)
    return _script(
        PAGE_API_SCRIPT_NAME, source, QWebEngineScript.ScriptWorldId.MainWorld
    )
