"""Sign-in with staff number and PIN, lock-out, and supervisor approvals."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from oms_core.db.store_ops_schema import staff
from oms_core.staff import DEMO_STAFF, MAX_FAILED_ATTEMPTS, hash_pin, pin_matches

ASSOCIATE, SUPERVISOR, KIOSK = DEMO_STAFF


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash():
    first, second = hash_pin("2468"), hash_pin("2468")

    assert first != second
    assert "2468" not in first
    assert first.startswith("scrypt$")
    assert pin_matches("2468", first)
    assert not pin_matches("2469", first)


async def test_the_seeded_staff_sign_in_with_their_pin(client, engine_app):
    answer = await client.post(
        "/v1/staff/sign-in", json={"staff_number": "1001", "pin": ASSOCIATE.pin}
    )

    assert answer.status_code == 200
    assert answer.json() == {
        "staff_number": "1001",
        "name": ASSOCIATE.name,
        "role": "associate",
    }
    with engine_app.state.engine.connect() as connection:
        stored = connection.scalar(
            select(staff.c.pin_hash).where(staff.c.staff_number == "1001")
        )
    assert ASSOCIATE.pin not in stored


async def test_a_wrong_pin_and_an_unknown_number_answer_alike(client):
    wrong = await client.post(
        "/v1/staff/sign-in", json={"staff_number": "1001", "pin": "0000"}
    )
    unknown = await client.post(
        "/v1/staff/sign-in", json={"staff_number": "4444", "pin": "0000"}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_repeated_failures_lock_the_number_even_for_the_right_pin(
    client, allow_log
):
    allow_log(r"locked after repeated wrong PINs")
    body = {"staff_number": "1001", "pin": "0000"}
    codes = [
        (await client.post("/v1/staff/sign-in", json=body)).status_code
        for _ in range(MAX_FAILED_ATTEMPTS)
    ]

    right = await client.post(
        "/v1/staff/sign-in", json={"staff_number": "1001", "pin": ASSOCIATE.pin}
    )

    assert codes == [401] * (MAX_FAILED_ATTEMPTS - 1) + [423]
    assert right.status_code == 423
    assert right.json()["code"] == "staff_locked"


async def test_an_unknown_number_locks_like_a_known_one(client, allow_log):
    allow_log(r"locked after repeated wrong PINs")
    unknown = str(uuid.uuid4().int % 10**8).rjust(8, "7")

    async def attempts(number: str) -> list[httpx.Response]:
        body = {"staff_number": number, "pin": "0000"}
        return [
            await client.post("/v1/staff/sign-in", json=body)
            for _ in range(MAX_FAILED_ATTEMPTS + 1)
        ]

    known_answers = await attempts("1001")
    unknown_answers = await attempts(unknown)

    def shape(answer: httpx.Response) -> tuple:
        body = answer.json()
        return answer.status_code, body["code"], body["message"], body["detail"] and 1

    assert [shape(a) for a in unknown_answers] == [shape(a) for a in known_answers]
    assert unknown_answers[-1].status_code == 423


async def test_a_malformed_pin_is_refused_at_the_border(client):
    answer = await client.post(
        "/v1/staff/sign-in", json={"staff_number": "1001", "pin": "12ab"}
    )

    assert answer.status_code == 422


def _approval(**changes) -> dict:
    body = {
        "kind": "price_override",
        "sku": "85123A",
        "amount": {"amount": 199, "currency": "GBP"},
        "reason": "damaged box",
        "requested_by": "1001",
        "supervisor_number": "2001",
        "supervisor_pin": SUPERVISOR.pin,
    }
    return body | changes


async def test_a_supervisor_approval_is_recorded_on_the_order(client):
    order_id = uuid.uuid4()

    given = await client.post(f"/v1/orders/{order_id}/approvals", json=_approval())
    listed = await client.get(f"/v1/orders/{order_id}/approvals")

    assert given.status_code == 201
    approval = given.json()
    assert approval["approved_by"] == "2001"
    assert approval["requested_by"] == "1001"
    assert approval["amount"] == {"amount": 199, "currency": "GBP"}
    assert listed.json()["items"] == [approval]


async def test_an_associate_or_a_kiosk_cannot_approve(client):
    order_id = uuid.uuid4()

    by_associate = await client.post(
        f"/v1/orders/{order_id}/approvals",
        json=_approval(supervisor_number="1001", supervisor_pin=ASSOCIATE.pin),
    )
    by_kiosk = await client.post(
        f"/v1/orders/{order_id}/approvals",
        json=_approval(supervisor_number="9001", supervisor_pin=KIOSK.pin),
    )
    listed = await client.get(f"/v1/orders/{order_id}/approvals")

    assert by_associate.status_code == by_kiosk.status_code == 403
    assert by_associate.json()["code"] == "not_permitted"
    assert listed.json()["items"] == []


async def test_a_wrong_supervisor_pin_records_nothing(client):
    order_id = uuid.uuid4()

    answer = await client.post(
        f"/v1/orders/{order_id}/approvals", json=_approval(supervisor_pin="9999")
    )
    listed = await client.get(f"/v1/orders/{order_id}/approvals")

    assert answer.status_code == 401
    assert listed.json()["items"] == []
