"""Code 128 (code set B), drawn by us: the order number as a scannable code.

:func:`encode` turns printable ASCII into module widths (bar, space, bar,
...), start and check symbols included; :func:`draw` paints them with a
quiet zone on any QPainter device (a receipt PDF, a printer, the kiosk's
hand-over screen).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

logger = logging.getLogger(__name__)

# Bar and space widths of symbol values 0..105, in modules (ISO/IEC 15417).
_PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232"
).split()
_STOP = "2331112"
_START_B = 104
QUIET_MODULES = 10
MAX_LENGTH = 40


def encode(text: str) -> list[int]:
    """Module widths of ``text`` in code set B, alternately bar and space."""
    if not 0 < len(text) <= MAX_LENGTH or any(not 32 <= ord(c) < 127 for c in text):
        raise ValueError("Code 128 B takes 1 to 40 printable ASCII characters")
    values = [ord(c) - 32 for c in text]
    check = (_START_B + sum(i * v for i, v in enumerate(values, start=1))) % 103
    symbols = [_PATTERNS[_START_B], *(_PATTERNS[v] for v in values), _PATTERNS[check]]
    return [int(width) for symbol in [*symbols, _STOP] for width in symbol]


def module_count(text: str) -> int:
    """Width of the code of ``text`` in modules, quiet zones included."""
    return sum(encode(text)) + 2 * QUIET_MODULES


def draw(painter: QPainter, rect: QRectF, text: str) -> None:
    """Paint the code of ``text`` to fill ``rect`` (white ground, black bars)."""
    widths = encode(text)
    total = sum(widths) + 2 * QUIET_MODULES
    # Whole device pixels per module keep every bar edge sharp.
    scale = painter.deviceTransform().m11() or 1.0
    module = max(1, int(rect.width() * scale // total)) / scale
    rect = QRectF(
        rect.left() + (rect.width() - module * total) / 2,
        rect.top(),
        module * total,
        rect.height(),
    )
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(rect, QColor("white"))
    painter.setPen(Qt.PenStyle.NoPen)
    x = rect.left() + QUIET_MODULES * module
    for index, width in enumerate(widths):
        if index % 2 == 0:
            painter.fillRect(
                QRectF(x, rect.top(), width * module, rect.height()), QColor("black")
            )
        x += width * module
    painter.restore()


def image(text: str, module_px: int = 3, height_px: int = 90) -> QImage:
    """The code of ``text`` as a crisp image (whole pixels per module)."""
    width = module_count(text) * module_px
    picture = QImage(width, height_px, QImage.Format.Format_Grayscale8)
    painter = QPainter(picture)
    draw(painter, QRectF(0, 0, width, height_px), text)
    painter.end()
    return picture
