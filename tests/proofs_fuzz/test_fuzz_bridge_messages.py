"""Whatever a page sends, the bridge answers a typed request or a refusal.

Arbitrary text, arbitrary JSON, and near-miss messages (right shape, wrong
types, out-of-range numbers, ids past 2^53) never raise anything but
:class:`BridgeRefusedError`, and every reply is JSON the page can read.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bridge.messages import (
    MAX_MESSAGE_BYTES,
    MAX_QUANTITY,
    MAX_SAFE_INTEGER,
    BridgeRefusedError,
    ErrorCode,
    error_reply,
    parse_request,
)
from tests.proofs_fuzz.counting import report, tick

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
ids = st.one_of(
    st.integers(),
    st.text(max_size=80),
    st.floats(),
    st.none(),
    st.booleans(),
    st.just(str(2**64)),
)
messages = st.fixed_dictionaries(
    {
        "id": ids,
        "type": st.sampled_from(["add_to_basket", "get_stock", "get_basket", "rm"]),
    },
    optional={
        "sku": st.one_of(st.text(max_size=40), st.integers(), st.none()),
        "quantity": st.one_of(
            st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=5)
        ),
        "extra": json_values,
    },
)


def check(text: str) -> None:
    try:
        request_id, request = parse_request(text)
    except BridgeRefusedError as refusal:
        assert refusal.code in set(ErrorCode)
        reply = json.loads(
            error_reply(refusal.request_id, refusal.code, refusal.message)
        )
        assert reply["ok"] is False
        return

    raw = json.loads(text)
    assert request.type == raw["type"]
    assert request_id == raw["id"]
    if isinstance(request_id, int):
        assert 0 <= request_id <= MAX_SAFE_INTEGER
    if request.type == "add_to_basket":
        assert type(raw["quantity"]) is int
        assert 1 <= request.quantity <= MAX_QUANTITY


@settings(settings.get_profile("proofs"))
@given(text=st.text(max_size=200))
def test_any_text_is_refused_or_understood(text: str) -> None:
    tick("bridge messages")
    check(text)


@settings(settings.get_profile("proofs"))
@given(value=json_values)
def test_any_json_is_refused_or_understood(value: object) -> None:
    tick("bridge messages")
    check(json.dumps(value))


@settings(settings.get_profile("proofs"))
@given(message=messages)
def test_near_miss_messages_are_refused_or_exact(message: dict[str, object]) -> None:
    tick("bridge messages")
    check(json.dumps(message))


@settings(settings.get_profile("proofs"))
@given(
    padding=st.integers(MAX_MESSAGE_BYTES - 60, MAX_MESSAGE_BYTES + 60),
    char=st.sampled_from(["a", "é", "€", "😀"]),
)
def test_the_size_limit_counts_bytes_not_characters(padding: int, char: str) -> None:
    tick("bridge messages")
    text = json.dumps(
        {"id": 1, "type": "get_basket", "pad": char * padding}, ensure_ascii=False
    )
    try:
        parse_request(text)
    except BridgeRefusedError as refusal:
        too_big = len(text.encode("utf-8")) > MAX_MESSAGE_BYTES
        assert (refusal.code is ErrorCode.TOO_LARGE) == too_big


def test_deep_nesting_and_huge_numbers_are_refused() -> None:
    tick("bridge messages")
    deep = '{"id": 1, "type": "get_basket", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    huge = '{"id": ' + "9" * 5000 + ', "type": "get_basket"}'
    beyond = json.dumps({"id": 2**53, "type": "get_basket"})
    as_text = json.dumps({"id": str(2**64 + 1), "type": "get_basket"})

    for text in (deep, huge, beyond):
        try:
            parse_request(text)
        except BridgeRefusedError:
            continue
        raise AssertionError("accepted a message it must refuse")
    assert parse_request(as_text)[0] == str(2**64 + 1)


def test_zzz_report_bridge() -> None:
    report("bridge messages")
