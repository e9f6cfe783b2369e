"""How each basket line reaches the customer, their details, and submit.

Every line has its own method and place: collect here, collect at another
store (the nearest one holding it), or deliver. One control sets all lines
at once. The customer's details are asked only when a line needs them: an
address when something is delivered, a name and a phone number or e-mail
when something is collected at another store. The panel does no I/O; the
checkout flow (:mod:`pos_app.checkout_flow`) fills in the places and the
defaults.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import (
    Address,
    CollectFulfilment,
    CustomerDetails,
    DeliverFulfilment,
    Fulfilment,
)

logger = logging.getLogger(__name__)

HERE, ELSEWHERE, DELIVER = "here", "elsewhere", "deliver"
# Lines shown at once before the list scrolls.
VISIBLE_LINES = 3
METHODS = (HERE, ELSEWHERE, DELIVER)
# Submit from anywhere in the window (the keypad's Enter too).
SUBMIT_KEYS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))


@dataclass(frozen=True, slots=True)
class CheckoutChoice:
    """What submit carries: each line's fulfilment and who to tell."""

    fulfilments: dict[str, Fulfilment]
    contact: CustomerDetails | None


class ElidedLabel(QLabel):
    """A one-line label that ends in … when its room is short."""

    def paintEvent(self, _event) -> None:
        """Draw the text cut to the width, with an ellipsis."""
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.width()
        )
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignVCenter, text)


@dataclass(slots=True)
class _Line:
    sku: str
    label: QLabel
    method: QComboBox
    # The nearest other store holding the line: (location id, name).
    elsewhere: tuple[str, str] | None = None
    # Chosen by a person: a default arriving later leaves it alone.
    chosen: bool = False


class CheckoutPanel(QWidget):
    """Per-line fulfilment, the details the methods need, and submit.

    Signals:
        submit_requested(object): a :class:`CheckoutChoice`, validated.
        fulfilment_changed(): a line's method or place, or the address, changed.
    """

    submit_requested = Signal(object)
    fulfilment_changed = Signal()

    def __init__(
        self,
        home_id: str,
        home_name: str,
        parent: QWidget | None = None,
        *,
        customer_facing: bool = False,
    ) -> None:
        super().__init__(parent)
        self._home_id = home_id
        self._home_name = home_name
        self._customer_facing = customer_facing
        self._lines: dict[str, _Line] = {}
        self._order: list[str] = []  # the lines' SKUs as shown, top first
        self._customer_known = False
        # True while the panel itself sets a method (not a person's choice).
        self._setting = False

        self.all_lines = QComboBox()
        self.all_lines.setObjectName("allLinesMethod")
        self.all_lines.setAccessibleName("How every line reaches the customer")
        self.all_lines.addItem(self._words("Lines differ…", "Each item its own way"))
        for method in METHODS:
            self.all_lines.addItem(self._method_title(method, None))
        self.all_lines.activated.connect(self._on_all_lines_activated)
        self._show_common_method()

        self._rows = QWidget()
        self._rows.setObjectName("lineMethods")
        self._grid = QGridLayout(self._rows)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(0, 2)
        self._grid.setColumnStretch(1, 3)
        # Three lines show at once; a longer basket scrolls here, so the
        # basket and the promise above keep their room.
        self._scroll = QScrollArea()
        self._scroll.setObjectName("lineMethodsScroll")
        self._scroll.setWidget(self._rows)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self._address = QWidget()
        self._fields = self._form(
            self._address,
            "address",
            (
                ("name", "Name"),
                ("line1", "Address"),
                ("city", "Town"),
                ("postcode", "Postcode"),
            ),
        )
        self._address.setVisible(False)
        self._contact = QWidget()
        self._contact_fields = self._form(
            self._contact,
            "contact",
            (("name", "Name"), ("phone", "Phone"), ("email", "E-mail")),
            columns=3,
        )
        self._contact.setVisible(False)
        for field in (*self._fields.values(), *self._contact_fields.values()):
            field.editingFinished.connect(self.fulfilment_changed)

        self._error = QLabel()
        self._error.setObjectName("error")
        self._error.setWordWrap(True)
        self._error.setVisible(False)

        self._submit = QPushButton(self._words("Submit order", "Place my order"))
        self._submit.setObjectName("submit")
        self._submit.setEnabled(False)
        self._submit.clicked.connect(self._on_submit_clicked)
        # The sale finishes from the keyboard wherever the focus is.
        submit_keys = QAction(self)
        submit_keys.setShortcuts(SUBMIT_KEYS)
        submit_keys.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        submit_keys.triggered.connect(self._submit.click)  # nothing when disabled
        self.addAction(submit_keys)
        keys = SUBMIT_KEYS[0].toString(QKeySequence.SequenceFormat.NativeText)
        self._submit.setToolTip(f"{self._submit.text()} ({keys})")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.all_lines)
        layout.addWidget(self._scroll)
        layout.addWidget(self._address)
        layout.addWidget(self._contact)
        layout.addWidget(self._error)
        layout.addWidget(self._submit)

    # -- what the flow and the window set ---------------------------------------

    def show_lines(self, lines: list[tuple[str, str, int]]) -> list[str]:
        """One row per basket line ``(sku, name, quantity)``; returns new SKUs.

        A line already shown keeps its choice; a new one starts as collect
        here until :meth:`set_line_choice` gives it its default.
        """
        wanted = [sku for sku, _name, _quantity in lines]
        self._order = wanted
        for sku in [sku for sku in self._lines if sku not in wanted]:
            line = self._lines.pop(sku)
            line.label.deleteLater()
            line.method.deleteLater()

        added = []
        for row, (sku, name, quantity) in enumerate(lines):
            line = self._lines.get(sku)
            if line is None:
                line = self._new_line(sku)
                self._lines[sku] = line
                added.append(sku)
            line.label.setText(f"{quantity} × {name.capitalize()}")
            line.label.setToolTip(f"{name} ({sku})")
            self._grid.addWidget(line.label, row, 0)
            self._grid.addWidget(line.method, row, 1)
        self._fit_rows(len(lines))
        self._submit.setEnabled(bool(lines))
        self._update_details()
        return added

    def set_line_choice(
        self,
        sku: str,
        method: str,
        elsewhere: tuple[str, str] | None,
        *,
        default: bool = False,
    ) -> None:
        """Offer ``elsewhere`` (id, name) for the line and choose ``method``.

        A ``default`` does not override what a person chose meanwhile.
        """
        line = self._lines.get(sku)
        if line is None:
            return
        if elsewhere is not None:
            line.elsewhere = elsewhere
        item = line.method.model().item(METHODS.index(ELSEWHERE))
        item.setText(self._method_title(ELSEWHERE, line.elsewhere))
        item.setEnabled(line.elsewhere is not None)
        if default and line.chosen:
            return
        if method == ELSEWHERE and line.elsewhere is None:
            method = DELIVER
        self._setting = True
        try:
            line.method.setCurrentIndex(METHODS.index(method))
        finally:
            self._setting = False

    def focus_chain(self) -> list[QWidget]:
        """What Tab stops at, in order: every line at once, each line's
        method, the address, the contact, then Submit (hidden ones are
        passed over)."""
        return [
            self.all_lines,
            *(self._lines[sku].method for sku in self._order if sku in self._lines),
            *self._fields.values(),
            *self._contact_fields.values(),
            self._submit,
        ]

    def line_method(self, sku: str) -> str | None:
        """The method chosen for a line (``here``, ``elsewhere``, ``deliver``)."""
        line = self._lines.get(sku)
        return METHODS[line.method.currentIndex()] if line else None

    def line_combo(self, sku: str) -> QComboBox | None:
        """The method control of a line (for tests and accessibility checks)."""
        line = self._lines.get(sku)
        return line.method if line else None

    def set_customer_known(self, known: bool) -> None:
        """A customer found by name: no contact details to ask for."""
        self._customer_known = known
        self._update_details()

    def set_basket_ready(self, ready: bool) -> None:
        """Submit is possible only with something in the basket."""
        self._submit.setEnabled(ready)

    def collect_at(self, location_id: str, name: str) -> None:
        """Collect every line at another store (chosen in the stock panel)."""
        for sku in self._lines:
            self.set_line_choice(sku, ELSEWHERE, (location_id, name))

    def fill_address(self, address: Address) -> None:
        """Deliver to ``address`` (a phone customer's): every line is delivered."""
        for key in ("name", "line1", "city", "postcode"):
            self._fields[key].setText(getattr(address, key))
        for sku in self._lines:
            self.set_line_choice(sku, DELIVER, None)
        self.fulfilment_changed.emit()

    def reset(self) -> None:
        """Back to the default after an order was submitted."""
        for field in (*self._fields.values(), *self._contact_fields.values()):
            field.clear()
        self.show_lines([])
        self._error.setVisible(False)

    # -- what the flow reads ----------------------------------------------------

    def line_fulfilments(self, *, address_stand_in: Address | None = None):
        """Each line's fulfilment by SKU; ``ValidationError`` if incomplete.

        ``address_stand_in`` is used when the address is not filled in yet
        (a promise can be quoted before the customer gives it).
        """
        fulfilments: dict[str, Fulfilment] = {}
        address = None
        for sku, line in self._lines.items():
            method = METHODS[line.method.currentIndex()]
            if method == DELIVER:
                if address is None:
                    address = self._address_or(address_stand_in)
                fulfilments[sku] = DeliverFulfilment(address=address)
            elif method == ELSEWHERE and line.elsewhere is not None:
                fulfilments[sku] = CollectFulfilment(location_id=line.elsewhere[0])
            else:
                fulfilments[sku] = CollectFulfilment(location_id=self._home_id)
        return fulfilments

    current_fulfilment = line_fulfilments

    def contact(self) -> CustomerDetails | None:
        """Who to tell about a collection elsewhere; ``ValidationError`` if unusable."""
        if not self._needs(ELSEWHERE) or self._customer_known:
            return None
        values = {k: f.text().strip() or None for k, f in self._contact_fields.items()}
        details = CustomerDetails(**values)
        if not (details.phone or details.email):
            raise ValueError("a phone number or an e-mail address")
        return details

    # -- inside -------------------------------------------------------------------

    def _new_line(self, sku: str) -> _Line:
        label = ElidedLabel()
        label.setObjectName("lineName")
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        method = QComboBox()
        method.setObjectName(f"lineMethod_{sku}")
        for kind in METHODS:
            method.addItem(self._method_title(kind, None))
        method.model().item(METHODS.index(ELSEWHERE)).setEnabled(False)
        method.setAccessibleName(f"How {sku} reaches the customer")
        line = _Line(sku, label, method)
        method.currentIndexChanged.connect(
            lambda _index: self._on_line_method_changed(line)
        )
        label.setBuddy(method)
        return line

    def _method_title(self, method: str, place: tuple[str, str] | None) -> str:
        if method == HERE:
            return self._words(
                f"Collect here · {self._home_name}", "Pick up here, in this store"
            )
        if method == ELSEWHERE:
            name = place[1] if place else "another store"
            return self._words(f"Collect at {name}", f"Pick up at {name}")
        return self._words("Deliver to an address", "Deliver to my home")

    def _words(self, staff: str, customer: str) -> str:
        return customer if self._customer_facing else staff

    def _form(
        self,
        holder: QWidget,
        prefix: str,
        fields: tuple[tuple[str, str], ...],
        *,
        columns: int = 2,
    ) -> dict[str, QLineEdit]:
        """Fields ``columns`` to a row, named by placeholder and for readers."""
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        made = {}
        for index, (key, label) in enumerate(fields):
            field = QLineEdit()
            field.setPlaceholderText(label)
            field.setAccessibleName(f"{label} ({prefix})")
            field.setObjectName(f"{prefix}_{key}")
            grid.addWidget(field, index // columns, index % columns)
            made[key] = field
        return made

    def _needs(self, method: str) -> bool:
        return any(
            METHODS[line.method.currentIndex()] == method
            for line in self._lines.values()
        )

    def _fit_rows(self, count: int) -> None:
        self._scroll.setVisible(count > 0)
        if count:
            row = next(iter(self._lines.values())).method.sizeHint().height()
            shown = min(count, VISIBLE_LINES)
            spacing = self._grid.verticalSpacing()
            self._scroll.setFixedHeight(shown * (row + spacing) + 2)

    def _show_common_method(self) -> None:
        """The all-lines control names the method every line has, if one."""
        methods = {METHODS[x.method.currentIndex()] for x in self._lines.values()}
        index = METHODS.index(methods.pop()) + 1 if len(methods) == 1 else 0
        # An empty basket has no lines that could differ.
        self.all_lines.setEnabled(bool(self._lines))
        if not self._lines:
            index = METHODS.index(HERE) + 1
        self.all_lines.blockSignals(True)
        self.all_lines.setCurrentIndex(index)
        self.all_lines.blockSignals(False)

    def _update_details(self) -> None:
        self._show_common_method()
        self._address.setVisible(self._needs(DELIVER))
        self._contact.setVisible(self._needs(ELSEWHERE) and not self._customer_known)

    def _address_or(self, stand_in: Address | None) -> Address:
        values = {k: f.text().strip() for k, f in self._fields.items()}
        if stand_in is not None and not any(values.values()):
            return stand_in
        return Address(**values)

    def _on_line_method_changed(self, line: _Line) -> None:
        if not self._setting:
            line.chosen = True
        self._update_details()
        self._error.setVisible(False)
        self.fulfilment_changed.emit()

    def _on_all_lines_activated(self, index: int) -> None:
        if index <= 0:
            return
        method = METHODS[index - 1]
        for sku, line in self._lines.items():
            self.set_line_choice(sku, method, None)
            line.chosen = True
        # Show what was asked for, even where a line had to differ (a line
        # no other store holds is delivered instead of collected elsewhere).
        self.all_lines.blockSignals(True)
        self.all_lines.setCurrentIndex(index)
        self.all_lines.blockSignals(False)

    def _on_submit_clicked(self) -> None:
        try:
            fulfilments = self.line_fulfilments()
        except ValidationError as exc:
            self._show_error("Please check the address", exc)
            return
        try:
            contact = self.contact()
        except (ValidationError, ValueError) as exc:
            self._show_error("Please give a name and a phone or e-mail", exc)
            return
        self._error.setVisible(False)
        self.submit_requested.emit(CheckoutChoice(fulfilments, contact))

    def _show_error(self, title: str, exc: Exception) -> None:
        problems = []
        if isinstance(exc, ValidationError):
            for error in exc.errors():
                field = str(error["loc"][-1]) if error["loc"] else "details"
                problems.append(f"{field}: {error['msg']}")
        else:
            problems.append(str(exc))
        self._error.setText(f"{title} — " + "; ".join(problems))
        self._error.setVisible(True)
