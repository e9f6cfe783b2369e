"""The declared messages: what the page may send, and what it gets back."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import ValidationError

from bridge.messages import (
    MAX_MESSAGE_BYTES,
    AddToBasket,
    BridgeRefusedError,
    ErrorCode,
    GetBasket,
    GetStock,
    MoneyView,
    StockView,
    error_reply,
    ok_reply,
    parse_request,
)


def _message(**fields) -> str:
    return json.dumps(fields)


def test_each_declared_message_parses_to_its_model():
    assert parse_request(
        _message(id=1, type="add_to_basket", sku="85123A", quantity=3)
    ) == (1, AddToBasket(id=1, type="add_to_basket", sku="85123A", quantity=3))
    assert parse_request(_message(id="r-9", type="get_stock", sku="22423")) == (
        "r-9",
        GetStock(id="r-9", type="get_stock", sku="22423"),
    )
    assert parse_request(_message(id=2**53 - 1, type="get_basket"))[1] == GetBasket(
        id=2**53 - 1, type="get_basket"
    )


@pytest.mark.parametrize(
    ("text", "code", "request_id"),
    [
        ("not json", ErrorCode.NOT_JSON, None),
        ("[1, 2]", ErrorCode.NOT_JSON, None),
        (_message(id=2**53, type="get_basket"), ErrorCode.INVALID_ID, None),
        (_message(id=True, type="get_basket"), ErrorCode.INVALID_ID, None),
        (_message(id="a b", type="get_basket"), ErrorCode.INVALID_ID, None),
        (_message(id=1, type="delete_everything"), ErrorCode.UNKNOWN_TYPE, 1),
        (_message(id=1, type="get_stock", sku=" 1"), ErrorCode.INVALID, 1),
        (_message(id=1, type="get_stock", sku="x" * 33), ErrorCode.INVALID, 1),
        (
            _message(id=1, type="add_to_basket", sku="A", quantity=0),
            ErrorCode.INVALID,
            1,
        ),
        (
            _message(id=1, type="add_to_basket", sku="A", quantity=1000),
            ErrorCode.INVALID,
            1,
        ),
        (
            _message(id=1, type="add_to_basket", sku="A", quantity="2"),
            ErrorCode.INVALID,
            1,
        ),
        (
            _message(id=1, type="add_to_basket", sku="A", quantity=1, extra=1),
            ErrorCode.INVALID,
            1,
        ),
        ("x" * (MAX_MESSAGE_BYTES + 1), ErrorCode.TOO_LARGE, None),
        ("[" * 5000, ErrorCode.NOT_JSON, None),
    ],
)
def test_anything_else_is_refused_with_a_code(text, code, request_id):
    with pytest.raises(BridgeRefusedError) as refused:
        parse_request(text)

    assert refused.value.code == code
    assert refused.value.request_id == request_id
    assert refused.value.message


def test_the_size_limit_counts_bytes_not_characters():
    sku_padding = "é" * (MAX_MESSAGE_BYTES // 2)

    with pytest.raises(BridgeRefusedError) as refused:
        parse_request(_message(id=1, type="get_basket", pad=sku_padding))

    assert refused.value.code == ErrorCode.TOO_LARGE


def test_a_refusal_does_not_echo_page_values():
    with pytest.raises(BridgeRefusedError) as refused:
        parse_request(_message(id=1, type="get_stock", sku="<script>evil</script>"))

    assert "evil" not in refused.value.message


def test_replies_are_json_with_the_request_id():
    view = MoneyView(amount=250, currency="GBP")

    assert json.loads(ok_reply(7, view)) == {
        "id": 7,
        "ok": True,
        "result": {"amount": 250, "currency": "GBP"},
    }
    assert json.loads(error_reply("x", ErrorCode.INVALID, "bad")) == {
        "id": "x",
        "ok": False,
        "error": {"code": "invalid", "message": "bad"},
    }


def test_views_refuse_float_money_and_naive_times():
    with pytest.raises(ValidationError):
        MoneyView(amount=2.5, currency="GBP")
    with pytest.raises(ValidationError):
        MoneyView(amount=250, currency="gbp")
    with pytest.raises(ValidationError, match="time zone"):
        StockView(here=[], nearby=[], stale=False, as_of=datetime(2024, 5, 1))
