"""The product in view: price, stock here and in the nearest stores."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import Product, StockLevel
from pos_app.formatting import format_age, format_distance, format_money
from pos_app.stock_lookup import StockSnapshot
from pos_app.storefront.render import display_name

logger = logging.getLogger(__name__)


class StockPanel(QWidget):
    """Price and stock of the product in view.

    Signals:
        add_requested(str): the associate wants one of this SKU.
        collect_at_requested(str, str): collect at a location id (with its name).
    """

    add_requested = Signal(str)
    collect_at_requested = Signal(str, str)

    _COLUMNS = ("Store", "Distance", "Available")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._product: Product | None = None
        self._nearby: tuple[StockLevel, ...] = ()

        self._name = QLabel("No product in view")
        self._name.setObjectName("productName")
        self._name.setWordWrap(True)
        self._price = QLabel()
        self._price.setObjectName("productPrice")
        self._add = QPushButton("Add to basket")
        self._add.setObjectName("primary")
        self._add.setEnabled(False)
        self._add.clicked.connect(self._on_add_clicked)

        self._here = QLabel()
        self._here.setObjectName("stockHere")
        self._here.setAccessibleName("Stock in this store")
        self._freshness = QLabel()
        self._freshness.setObjectName("hint")

        self._table = QTableWidget(0, len(self._COLUMNS))
        self._table.setObjectName("nearbyTable")
        self._table.setAccessibleName("Stock in nearby stores")
        # Four stores at a glance; the rest scroll, so the basket keeps room.
        self._table.setMaximumHeight(150)
        self._table.setHorizontalHeaderLabels(self._COLUMNS)
        self._table.verticalHeader().setVisible(False)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setTabKeyNavigation(False)  # Tab leaves; arrows choose a row
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self._collect = QPushButton("Collect from selected store")
        self._collect.setEnabled(False)
        self._collect.clicked.connect(self._on_collect_clicked)
        self._table.itemSelectionChanged.connect(
            lambda: self._collect.setEnabled(bool(self._table.selectedItems()))
        )

        top = QHBoxLayout()
        top.addWidget(self._price, 1)
        top.addWidget(self._add)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._name)
        layout.addLayout(top)
        layout.addWidget(self._here)
        layout.addWidget(self._freshness)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._collect)

    def focus_chain(self) -> list[QWidget]:
        """What Tab stops at, in order: add, the nearby stores, collect there."""
        return [self._add, self._table, self._collect]

    @property
    def product(self) -> Product | None:
        """The product shown, if any."""
        return self._product

    def show_product(self, product: Product | None, note: str = "") -> None:
        """Show ``product`` (or ``note`` when the page offers nothing we sell)."""
        self._product = product
        self._add.setEnabled(product is not None)
        if product is None:
            self._name.setText(note or "No product in view")
            self._price.clear()
            self._here.clear()
            self._freshness.clear()
            self._table.setRowCount(0)
            return
        self._name.setText(display_name(product.name))
        self._price.setText(format_money(product.price.amount, product.price.currency))
        self._here.setText("Checking stock…")

    def show_stock(self, snapshot: StockSnapshot) -> None:
        """Show stock figures for the product in view."""
        if self._product is None or snapshot.sku != self._product.sku:
            return
        here = snapshot.here_atp
        self._here.setText(
            f"Here: {here} available" if here else "Here: none available"
        )
        self._here.setProperty("level", "ok" if here else "none")
        self._here.style().polish(self._here)
        age = format_age(snapshot.as_of)
        self._freshness.setText(
            f"Live · checked {age}" if snapshot.live else f"Offline · last known {age}"
        )

        self._nearby = snapshot.nearby
        self._table.setRowCount(len(snapshot.nearby))
        for row, level in enumerate(snapshot.nearby):
            self._table.setItem(row, 0, QTableWidgetItem(level.name))
            distance = QTableWidgetItem(format_distance(level.distance_km))
            distance.setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            self._table.setItem(row, 1, distance)
            atp = QTableWidgetItem(str(level.atp))
            atp.setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            self._table.setItem(row, 2, atp)

    def _on_add_clicked(self) -> None:
        if self._product is not None:
            self.add_requested.emit(self._product.sku)

    def _on_collect_clicked(self) -> None:
        rows = {index.row() for index in self._table.selectedIndexes()}
        if rows:
            level = self._nearby[min(rows)]
            self.collect_at_requested.emit(level.location_id, level.name)
