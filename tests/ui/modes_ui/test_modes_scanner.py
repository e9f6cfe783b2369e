"""The keyboard-wedge scanner: a fast burst then Enter is a scan, typing is not."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from pos_app.scanner import ScannerWedge
from tests.ui.modes_ui.keys import type_into_window

GTIN = "2000000000015"


def _wedge(qtbot) -> tuple[ScannerWedge, QLineEdit, list[str]]:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    field.activateWindow()
    field.setFocus()
    wedge = ScannerWedge(field)
    wedge.install(field.windowHandle())
    scans: list[str] = []
    wedge.scanned.connect(scans.append)
    return wedge, field, scans


def test_a_fast_burst_ending_in_enter_is_a_scan_and_types_nothing(qtbot):
    wedge, field, scans = _wedge(qtbot)
    entered = []
    field.returnPressed.connect(lambda: entered.append(True))
    try:
        type_into_window(field, GTIN + "\n")
    finally:
        wedge.remove(field.windowHandle())

    assert scans == [GTIN]
    assert field.text() == ""
    assert entered == []


def test_a_person_typing_slowly_reaches_the_field_unchanged(qtbot):
    wedge, field, scans = _wedge(qtbot)
    try:
        type_into_window(field, "123456789\n", delay_ms=80)
        qtbot.wait(100)
    finally:
        wedge.remove(field.windowHandle())

    assert scans == []
    assert field.text() == "123456789"


def test_a_short_fast_burst_is_handed_on_in_order(qtbot):
    wedge, field, scans = _wedge(qtbot)
    try:
        type_into_window(field, "42")
        qtbot.waitUntil(lambda: field.text() == "42", timeout=1000)
        type_into_window(field, "ab")
    finally:
        wedge.remove(field.windowHandle())

    assert scans == []
    assert field.text() == "42ab"


def test_a_hand_over_code_of_letters_and_digits_is_a_scan(qtbot):
    wedge, field, scans = _wedge(qtbot)
    try:
        type_into_window(field, "K7Q2XM\n")
    finally:
        wedge.remove(field.windowHandle())

    assert scans == ["K7Q2XM"]
    assert field.text() == ""
