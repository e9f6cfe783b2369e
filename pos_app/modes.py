"""The four ways a store sells, as data the window and the till read.

A mode changes who uses the device and so what it offers: an associate's
till (keyboard, scanner, receipts), a tablet on the shop floor (touch), a
customer-facing kiosk (locked, wiped after each customer, no discounts) and
a colleague taking a phone order (customer record, delivery or collection).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_app.settings import Mode

if TYPE_CHECKING:
    from pos_app.till import Till

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModeProfile:
    """What one mode offers."""

    name: Mode
    title: str
    touch: bool = False
    kiosk: bool = False
    phone: bool = False
    sign_in: bool = True
    overrides: bool = True
    park: bool = True
    receipts: bool = True


MODE_PROFILES: dict[str, ModeProfile] = {
    "till": ModeProfile("till", "Till"),
    "tablet": ModeProfile("tablet", "Tablet", touch=True),
    "kiosk": ModeProfile(
        "kiosk",
        "Kiosk",
        touch=True,
        kiosk=True,
        sign_in=False,
        overrides=False,
        park=False,
        receipts=False,
    ),
    "phone": ModeProfile("phone", "Phone order", phone=True, park=False),
}


def mode_profile(name: str) -> ModeProfile:
    """The profile of mode ``name``; ``ValueError`` for an unknown one."""
    try:
        return MODE_PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown mode {name!r}") from None


def present(till: Till) -> None:
    """Show the till's window as its mode wants it, and ask who is there."""
    if till.mode.kiosk:
        till.window.showFullScreen()
        return
    till.window.show()
    if till.mode.sign_in:
        till.modes.open_sign_in()
