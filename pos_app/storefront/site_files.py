"""The storefront's files: page templates and static assets.

They live in ``assets/storefront`` and are read through
:mod:`importlib.resources`, so they are found in a source checkout and in a
packaged build alike. Reading is blocking; callers on the Qt thread run
:func:`load_site_files` in an executor.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from pos_app.storefront.render import TEMPLATE_NAMES, Templates

logger = logging.getLogger(__name__)

STATIC_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
}


@dataclass(frozen=True)
class StaticFile:
    """One static asset, held in memory."""

    body: bytes
    content_type: str


@dataclass(frozen=True)
class SiteFiles:
    """Everything the storefront serves from disk, loaded once."""

    templates: Templates
    static: Mapping[str, StaticFile]


def storefront_root() -> Traversable:
    """The ``assets/storefront`` folder."""
    return resources.files("assets").joinpath("storefront")


def load_site_files(root: Traversable | None = None) -> SiteFiles:
    """Read the templates and the allowed static files under ``root``.

    Only files of :data:`STATIC_CONTENT_TYPES` directly inside ``static/``
    are served; nothing else under the folder is reachable.
    """
    root = root or storefront_root()

    template_dir = root.joinpath("templates")
    templates = Templates(
        {
            name: string.Template(
                template_dir.joinpath(f"{name}.html").read_text(encoding="utf-8")
            )
            for name in TEMPLATE_NAMES
        }
    )

    static: dict[str, StaticFile] = {}
    for entry in root.joinpath("static").iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        content_type = STATIC_CONTENT_TYPES.get(suffix)
        if content_type is None or not entry.is_file():
            continue
        static[entry.name] = StaticFile(entry.read_bytes(), content_type)

    logger.debug("storefront files loaded: %d static", len(static))
    return SiteFiles(templates=templates, static=static)
