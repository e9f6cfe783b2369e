"""The receipt: Code 128 read back by an independent decoder, PDF written."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QImage

from pos_app import code128
from pos_app.receipt import Receipt, ReceiptLine, receipt_html, render, save_pdf

ORDER_ID = uuid.UUID("1f3a9c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b")


# zxing-cpp is read in a child process: loaded next to QtWebEngine it makes
# the interpreter abort at exit.
_DECODER = """
import json, sys, zxingcpp
width, height = int(sys.argv[2]), int(sys.argv[3])
rows = open(sys.argv[1], "rb").read()
found = zxingcpp.read_barcodes(memoryview(rows).cast("B", (height, width)))
print(json.dumps([[str(b.format) == "Code 128", b.text] for b in found]))
"""


def _decode(picture: QImage, tmp_path) -> list[tuple[bool, str]]:
    if importlib.util.find_spec("zxingcpp") is None:
        pytest.skip("zxing-cpp is not installed")
    gray = picture.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())
    rows = b"".join(raw[y * stride : y * stride + width] for y in range(height))
    path = tmp_path / "pixels.raw"
    path.write_bytes(rows)
    answer = subprocess.run(
        [sys.executable, "-c", _DECODER, str(path), str(width), str(height)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [tuple(item) for item in json.loads(answer.stdout)]


def _receipt() -> Receipt:
    return Receipt(
        order_id=ORDER_ID,
        store_name="Leeds White Rose",
        placed_at=datetime(2026, 12, 4, 15, 30, tzinfo=UTC),
        lines=(
            ReceiptLine(
                "WHITE HANGING HEART T-LIGHT HOLDER",
                "85123A",
                2,
                590,
                "GBP",
                "Collect at Leeds White Rose",
                "Ready today",
            ),
            ReceiptLine(
                "REGENCY CAKESTAND 3 TIER",
                "22423",
                1,
                1275,
                "GBP",
                "Deliver to LS1 5HD",
                "From Leeds DC, by 8 Dec",
            ),
        ),
        total=1865,
        currency="GBP",
    )


@pytest.mark.parametrize("text", ["OA-1F3A9C2E", ORDER_ID.hex.upper(), "K7Q2XM"])
def test_our_code128_is_read_back_by_an_independent_decoder(qapp, text, tmp_path):
    assert _decode(code128.image(text), tmp_path) == [(True, text)]


def test_code128_refuses_what_set_b_cannot_carry():
    for text in ("", "é", "x" * 41):
        with pytest.raises(ValueError):
            code128.encode(text)


def test_the_receipt_shows_each_line_s_fulfilment_and_promise(qapp):
    text = receipt_html(_receipt())

    assert "Collect at Leeds White Rose" in text
    assert "From Leeds DC, by 8 Dec" in text
    assert "OA-1F3A9C2E" in text
    assert "£18.65" in text


def test_the_rendered_receipt_carries_the_order_id_as_a_scannable_code(qapp, tmp_path):
    page = QImage(640, 900, QImage.Format.Format_RGB32)
    page.fill(0xFFFFFF)

    render(_receipt(), page)

    assert (True, "OA-1F3A9C2E") in _decode(page, tmp_path)


def test_the_receipt_is_saved_as_a_pdf(qapp, tmp_path):
    path = save_pdf(_receipt(), tmp_path / "receipt.pdf")

    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 1000
