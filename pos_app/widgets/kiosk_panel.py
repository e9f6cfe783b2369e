"""The kiosk's side panel, for a customer: the product in plain words.

:class:`KioskProductPanel` takes the place of the associate's stock panel at
a kiosk. It shows the product's name and price large, then one sentence
each for this store's shelf, where and when it could be collected and when
it would be delivered, with big touch targets and no figures a customer
has to interpret. :class:`KioskActions` puts "Finished" and "Ask a
colleague" where a customer sees them, at the foot of the panel.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import Product
from pos_app.formatting import format_age, format_money
from pos_app.kiosk_words import KioskPromise, here_words
from pos_app.stock_lookup import StockSnapshot
from pos_app.storefront.render import display_name

logger = logging.getLogger(__name__)

# A customer's finger, not a mouse: every target at least this tall.
TOUCH_HEIGHT = 64


class KioskProductPanel(QWidget):
    """The product in view, told to a customer.

    Signals:
        add_requested(str): the customer wants one of this SKU.
        collect_at_requested(str, str): collect at a location id (its name).
    """

    add_requested = Signal(str)
    collect_at_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskPanel")
        self._product: Product | None = None
        self._collect_at: tuple[str, str] | None = None

        self._name = QLabel("Scan a barcode or browse the shop")
        self._name.setObjectName("kioskProductName")
        self._name.setWordWrap(True)
        self._price = QLabel()
        self._price.setObjectName("kioskPrice")
        self._add = QPushButton("Add to my basket")
        self._add.setObjectName("kioskAdd")
        self._add.setAccessibleName("Add to my basket")
        self._add.setMinimumHeight(TOUCH_HEIGHT)
        self._add.setEnabled(False)
        self._add.clicked.connect(self._on_add_clicked)

        self.here = QLabel()
        self.here.setObjectName("kioskHere")
        self.here.setAccessibleName("In this store")
        self.here.setWordWrap(True)
        self.collect = QPushButton()
        self.collect.setObjectName("kioskCollect")
        self.collect.setMinimumHeight(TOUCH_HEIGHT)
        self.collect.setVisible(False)
        self.collect.clicked.connect(self._on_collect_clicked)
        self.deliver = QLabel()
        self.deliver.setObjectName("kioskDeliver")
        self.deliver.setAccessibleName("Delivery")
        self.deliver.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self._name)
        layout.addWidget(self._price)
        layout.addWidget(self._add)
        layout.addWidget(self.here)
        layout.addWidget(self.collect)
        layout.addWidget(self.deliver)
        layout.addWidget(self.note)
        layout.addStretch(1)

    @property
    def product(self) -> Product | None:
        """The product shown, if any."""
        return self._product

    def show_product(self, product: Product | None, note: str = "") -> None:
        """Show ``product`` (or ``note`` when the page offers nothing we sell)."""
        self._product = product
        self._add.setEnabled(product is not None)
        for label in (self.here, self.deliver, self.note):
            label.clear()
        self._show_collect(None, None)
        if product is None:
            self._name.setText(note or "Scan a barcode or browse the shop")
            self._price.clear()
            return
        self._name.setText(display_name(product.name))
        self._price.setText(format_money(product.price.amount, product.price.currency))
        self.here.setText("Checking this store…")

    def show_stock(self, snapshot: StockSnapshot) -> None:
        """Say whether this store has one on its shelf."""
        if self._product is None or snapshot.sku != self._product.sku:
            return
        self.here.setText(here_words(snapshot))
        self.here.setProperty("level", "ok" if snapshot.here_atp else "none")
        self.here.style().polish(self.here)
        self.note.setText(
            ""
            if snapshot.live
            else "We could not check just now: this is from "
            f"{format_age(snapshot.as_of)}."
        )

    def show_promise(self, promise: KioskPromise) -> None:
        """Where and when it could be collected, and when delivered."""
        if self._product is None or promise.sku != self._product.sku:
            return
        self._show_collect(promise.collect, promise.collect_at)
        self.deliver.setText(promise.deliver or "")

    def _show_collect(self, words: str | None, place: tuple[str, str] | None) -> None:
        self._collect_at = place
        self.collect.setText(words or "")
        self.collect.setAccessibleName(words or "Collect")
        self.collect.setVisible(bool(words))
        self.collect.setEnabled(place is not None)

    def _on_add_clicked(self) -> None:
        if self._product is not None:
            self.add_requested.emit(self._product.sku)

    def _on_collect_clicked(self) -> None:
        if self._collect_at is not None:
            self.collect_at_requested.emit(*self._collect_at)


class KioskActions(QWidget):
    """The customer's two ways out, large: done, or a colleague takes over.

    Signals:
        finished_requested(): the customer is done; the next one starts.
        hand_over_requested(): park the basket for a colleague to take over.
    """

    finished_requested = Signal()
    hand_over_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskActions")
        self.hand_over = QPushButton("Ask a colleague")
        self.hand_over.setObjectName("kioskHandOver")
        self.hand_over.setAccessibleName("Ask a colleague to help")
        self.finished = QPushButton("I'm finished")
        self.finished.setObjectName("kioskFinished")
        self.finished.setAccessibleName("I'm finished: start again")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.hand_over, self.finished):
            button.setMinimumHeight(TOUCH_HEIGHT)
            layout.addWidget(button, 1)
        self.hand_over.clicked.connect(self.hand_over_requested)
        self.finished.clicked.connect(self.finished_requested)
