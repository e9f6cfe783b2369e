"""The receipt: lines with their fulfilment and promise, the order as a barcode.

:func:`receipt_for` builds a :class:`Receipt` from what the till knows at
submit time; :func:`render` paints it on any paint device; :func:`save_pdf`
writes it with QPdfWriter and :func:`print_receipt` goes through the
system's print dialog (opened non-modally, so the asyncio loop keeps
turning).
"""

from __future__ import annotations

import html
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import (
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from pos_app import code128
from pos_app.formatting import format_money

logger = logging.getLogger(__name__)

RECEIPT_WIDTH_MM = 80
BARCODE_HEIGHT_MM = 14


@dataclass(frozen=True)
class ReceiptLine:
    """One line as printed."""

    name: str
    sku: str
    quantity: int
    line_total: int
    currency: str
    fulfilment: str
    promise: str


@dataclass(frozen=True)
class Receipt:
    """Everything printed on one receipt."""

    order_id: uuid.UUID
    store_name: str
    placed_at: datetime
    lines: tuple[ReceiptLine, ...]
    total: int
    currency: str
    notes: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """The short order number a customer quotes."""
        return order_reference(self.order_id)

    @property
    def barcode_text(self) -> str:
        """What the barcode carries: the order number a customer quotes."""
        return self.reference


def order_reference(order_id: uuid.UUID) -> str:
    """``OA-`` and the first eight hex digits of the order id."""
    return f"OA-{order_id.hex[:8].upper()}"


def receipt_html(receipt: Receipt) -> str:
    """The receipt's text as simple HTML for a QTextDocument."""
    rows = "".join(
        f"<tr><td>{line.quantity} × {html.escape(line.name)}<br>"
        f"<small>{html.escape(line.sku)} · {html.escape(line.fulfilment)}<br>"
        f"{html.escape(line.promise)}</small></td>"
        f"<td align='right'>{format_money(line.line_total, line.currency)}</td></tr>"
        for line in receipt.lines
    )
    notes = "".join(f"<p><small>{html.escape(n)}</small></p>" for n in receipt.notes)
    when = receipt.placed_at.strftime("%d %b %Y %H:%M UTC")
    return (
        f"<h3 align='center'>{html.escape(receipt.store_name)}</h3>"
        f"<p align='center'>Order <b>{receipt.reference}</b><br>{when}</p>"
        f"<table width='100%' cellspacing='0' cellpadding='2'>{rows}</table>"
        f"<p align='right'><b>Total "
        f"{format_money(receipt.total, receipt.currency)}</b></p>{notes}"
        "<p align='center'><small>Quote the order number, or show this "
        "receipt, to collect or to ask about your order.</small></p>"
    )


def render(receipt: Receipt, device: QPagedPaintDevice | QImage) -> None:
    """Paint the receipt on ``device``: the text, then the barcode under it."""
    painter = QPainter(device)
    try:
        width = painter.viewport().width()
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setHtml(receipt_html(receipt))
        document.setTextWidth(width)
        document.drawContents(painter)

        top = document.size().height() + width * 0.04
        height = width * BARCODE_HEIGHT_MM / RECEIPT_WIDTH_MM
        code128.draw(painter, QRectF(0, top, width, height), receipt.barcode_text)
    finally:
        painter.end()


def save_pdf(receipt: Receipt, path: Path) -> Path:
    """Write the receipt as a PDF on a roll-paper page; return the path."""
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setTitle(f"Receipt {receipt.reference}")
    writer.setPageLayout(_roll_layout(len(receipt.lines)))
    render(receipt, writer)
    logger.info("Receipt for order %s saved as PDF", receipt.order_id)
    return path


def print_receipt(
    receipt: Receipt, parent: QWidget, printer_name: str | None = None
) -> QPrintDialog:
    """Open the system print dialog; the receipt prints when it is accepted."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    printer.setPageLayout(_roll_layout(len(receipt.lines)))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"Print receipt {receipt.reference}")
    dialog.accepted.connect(lambda: render(receipt, printer))
    dialog.open()
    return dialog


def _roll_layout(line_count: int) -> QPageLayout:
    height = 90 + 14 * line_count + BARCODE_HEIGHT_MM
    size = QPageSize(
        QSizeF(RECEIPT_WIDTH_MM, height), QPageSize.Unit.Millimeter, "Receipt roll"
    )
    return QPageLayout(
        size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(4, 4, 4, 4),
        QPageLayout.Unit.Millimeter,
    )


def describe_fulfilment(fulfilment: object, place_names: dict[str, str]) -> str:
    """``Collect at Leeds`` or ``Deliver to LS1 5HD`` for a line's fulfilment."""
    method = getattr(fulfilment, "method", None)
    if method == "collect":
        location_id = fulfilment.location_id  # type: ignore[attr-defined]
        return f"Collect at {place_names.get(location_id, location_id)}"
    if method == "deliver":
        return f"Deliver to {fulfilment.address.postcode}"  # type: ignore[attr-defined]
    return "Take now"
