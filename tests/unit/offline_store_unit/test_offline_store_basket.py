"""The basket: merges, quantities, currency, totals, and reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_store import (
    BasketState,
    CurrencyMismatchError,
    DeviceStore,
    InvalidInputError,
    NotInBasketError,
)
from tests.unit.offline_store_unit.real_data import real_basket


def test_a_new_device_has_one_empty_open_basket(store: DeviceStore) -> None:
    first = store.current_basket()
    again = store.current_basket()

    assert first.state is BasketState.OPEN
    assert first.lines == ()
    assert first.total == 0
    assert first.currency is None
    assert again.id == first.id


def test_a_real_basket_adds_up_in_pence(store: DeviceStore, shared_data: Path) -> None:
    lines = real_basket(shared_data, "536365")

    for line in lines:
        basket = store.add_item(
            line.sku, line.name, line.unit_price, "GBP", line.quantity
        )

    assert [line.sku for line in basket.lines] == [line.sku for line in lines]
    assert basket.total == sum(line.unit_price * line.quantity for line in lines)
    assert basket.total == 13_912  # invoice 536365 came to £139.12
    assert basket.currency == "GBP"


def test_adding_a_sku_again_merges_and_keeps_its_place(
    store: DeviceStore, shared_data: Path
) -> None:
    heart, lantern = real_basket(shared_data, "536365")[:2]
    store.add_item(heart.sku, heart.name, heart.unit_price, "GBP", 2)
    store.add_item(lantern.sku, lantern.name, lantern.unit_price, "GBP")

    basket = store.add_item(heart.sku, heart.name, heart.unit_price, "GBP", 3)

    assert [(line.sku, line.quantity) for line in basket.lines] == [
        (heart.sku, 5),
        (lantern.sku, 1),
    ]


def test_set_quantity_changes_and_zero_removes(
    store: DeviceStore, shared_data: Path
) -> None:
    heart, lantern = real_basket(shared_data, "536365")[:2]
    store.add_item(heart.sku, heart.name, heart.unit_price, "GBP")
    store.add_item(lantern.sku, lantern.name, lantern.unit_price, "GBP")

    changed = store.set_quantity(heart.sku, 12)
    removed = store.set_quantity(lantern.sku, 0)

    assert changed.line(heart.sku).quantity == 12
    assert [line.sku for line in removed.lines] == [heart.sku]
    assert removed.total == 12 * heart.unit_price


def test_set_quantity_of_an_absent_sku_is_refused(store: DeviceStore) -> None:
    with pytest.raises(NotInBasketError, match="85123A"):
        store.set_quantity("85123A", 2)


def test_remove_and_clear(store: DeviceStore, shared_data: Path) -> None:
    for line in real_basket(shared_data, "536365"):
        store.add_item(line.sku, line.name, line.unit_price, "GBP")

    after_remove = store.remove_item("71053")
    again = store.remove_item("71053")
    cleared = store.clear_basket()

    assert after_remove.line("71053") is None
    assert again.lines == after_remove.lines
    assert cleared.lines == ()
    assert cleared.currency is None
    assert cleared.id == after_remove.id


def test_a_currency_mismatch_is_refused_clearly(store: DeviceStore) -> None:
    store.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")

    with pytest.raises(CurrencyMismatchError, match="basket is in GBP"):
        store.add_item("71053", "WHITE METAL LANTERN", 399, "EUR")

    assert [line.sku for line in store.current_basket().lines] == ["85123A"]


def test_an_emptied_basket_takes_any_currency(store: DeviceStore) -> None:
    store.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")
    store.clear_basket()

    basket = store.add_item("71053", "WHITE METAL LANTERN", 399, "EUR")

    assert basket.currency == "EUR"


@pytest.mark.parametrize(
    ("sku", "name", "price", "currency", "quantity", "message"),
    [
        ("85123A", "HEART", 255, "GBP", 0, "quantity"),
        ("85123A", "HEART", 255, "GBP", 10_000, "quantity"),
        ("85123A", "HEART", 255, "GBP", True, "quantity"),
        ("85123A", "HEART", 2.55, "GBP", 1, "integer of minor units"),
        ("85123A", "HEART", -1, "GBP", 1, "unit price"),
        ("85123A", "HEART", 255, "gbp", 1, "ISO 4217"),
        ("85123A", "   ", 255, "GBP", 1, "name"),
        ("../etc", "HEART", 255, "GBP", 1, "SKU"),
        ("", "HEART", 255, "GBP", 1, "SKU"),
    ],
)
def test_bad_items_are_refused(
    store: DeviceStore,
    sku: str,
    name: str,
    price: object,
    currency: str,
    quantity: object,
    message: str,
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        store.add_item(sku, name, price, currency, quantity)  # type: ignore[arg-type]

    assert store.current_basket().lines == ()


def test_a_merge_past_the_limit_is_refused(store: DeviceStore) -> None:
    store.add_item("85123A", "HEART", 255, "GBP", 9_000)

    with pytest.raises(InvalidInputError, match="quantity"):
        store.add_item("85123A", "HEART", 255, "GBP", 1_000)

    assert store.current_basket().line("85123A").quantity == 9_000


def test_the_basket_survives_closing_and_reopening(
    db_path: Path, shared_data: Path
) -> None:
    lines = real_basket(shared_data, "536367")
    first = DeviceStore(db_path)
    for line in lines:
        first.add_item(line.sku, line.name, line.unit_price, "GBP", line.quantity)
    before = first.current_basket()
    first.close()

    reopened = DeviceStore(db_path)
    after = reopened.current_basket()
    reopened.close()

    assert after.lines == before.lines
    assert after.total == before.total
