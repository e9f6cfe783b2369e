"""Customers: create with addresses, find by phone, e-mail, postcode, name."""

from __future__ import annotations

CUSTOMER = {
    "name": "Priya Shah",
    "email": "Priya.Shah@example.org",
    "phone": "+44 113 496 0000",
    "addresses": [
        {
            "name": "Priya Shah",
            "line1": "2 Park Row",
            "city": "Leeds",
            "postcode": "ls1 5hd",
        }
    ],
}


async def test_a_customer_is_created_with_a_normalised_postcode(client):
    answer = await client.post("/v1/customers", json=CUSTOMER)

    assert answer.status_code == 201
    created = answer.json()
    assert created["addresses"][0]["postcode"] == "LS1 5HD"
    fetched = await client.get(f"/v1/customers/{created['id']}")
    assert fetched.json() == created


async def test_a_customer_is_found_by_each_of_their_details(client):
    created = (await client.post("/v1/customers", json=CUSTOMER)).json()

    found = {}
    for query in ("0113 496 0000", "priya.shah@example.org", "LS15HD", "shah"):
        answer = await client.get("/v1/customers", params={"q": query})
        found[query] = [c["id"] for c in answer.json()["items"]]

    assert all(ids == [created["id"]] for ids in found.values()), found


async def test_a_bad_postcode_or_email_is_refused(client):
    bad_postcode = CUSTOMER | {
        "addresses": [CUSTOMER["addresses"][0] | {"postcode": "12345"}]
    }
    bad_email = CUSTOMER | {"email": "not-an-address"}

    answers = [
        await client.post("/v1/customers", json=body)
        for body in (bad_postcode, bad_email)
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert "postcode" in answers[0].json()["message"]
