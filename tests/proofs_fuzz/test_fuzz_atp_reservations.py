"""ATP and reservations: random days of reserving and releasing stock.

The reservation guard and the ATP expression are the engine's own SQL
(:mod:`oms_core.atp`), run on a real SQLite table; the model beside it is
plain arithmetic. ATP never goes below zero, no unit is reserved twice or
lost, and the SQL agrees with the one plain definition.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
    update,
)

from oms_core.atp import atp, atp_sql, can_reserve_sql
from tests.proofs_fuzz.counting import report, tick

metadata = MetaData()
stock = Table(
    "stock",
    metadata,
    Column("location_id", String, primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("buffer", Integer, nullable=False),
)
LOCATIONS = ("store-0000", "store-0001", "dc-0001")

steps = st.lists(
    st.tuples(
        st.sampled_from(["reserve", "release", "receive", "count"]),
        st.sampled_from(LOCATIONS),
        st.integers(0, 50),
    ),
    max_size=60,
)
levels = st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(0, 20))


@settings(settings.get_profile("proofs"))
@given(start=st.lists(levels, min_size=3, max_size=3), day=steps)
def test_reservations_never_take_atp_below_zero(
    start: list[tuple[int, int, int]], day: list[tuple[str, str, int]]
) -> None:
    tick("ATP and reservations")
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    model = {}
    with engine.begin() as conn:
        for location, (on_hand, reserved, buffer) in zip(LOCATIONS, start, strict=True):
            reserved = min(reserved, on_hand)
            model[location] = [on_hand, reserved, buffer]
            conn.execute(
                stock.insert().values(
                    location_id=location,
                    on_hand=on_hand,
                    reserved=reserved,
                    buffer=buffer,
                )
            )

    granted = released = 0
    with engine.begin() as conn:
        for action, location, quantity in day:
            on_hand, reserved, buffer = model[location]
            free_before = atp(on_hand, reserved, buffer)
            if action == "reserve" and quantity > 0:
                done = _reserve(conn, location, quantity)
                assert done == (quantity <= on_hand - reserved - buffer)
                if done:
                    model[location][1] += quantity
                    granted += quantity
                    assert atp(*model[location]) == free_before - quantity
            elif action == "release":
                give_back = min(quantity, reserved)
                _change(conn, location, reserved=reserved - give_back)
                model[location][1] -= give_back
                released += give_back
            elif action == "receive":
                _change(conn, location, on_hand=on_hand + quantity)
                model[location][0] += quantity
            elif action == "count":
                # A stock count can find fewer than are reserved.
                _change(conn, location, on_hand=quantity)
                model[location][0] = quantity

            for row in conn.execute(
                select(
                    stock.c.location_id,
                    stock.c.on_hand,
                    stock.c.reserved,
                    stock.c.buffer,
                    atp_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer).label(
                        "atp"
                    ),
                )
            ):
                assert row.atp >= 0
                assert row.atp == atp(row.on_hand, row.reserved, row.buffer)
                assert [row.on_hand, row.reserved, row.buffer] == model[row.location_id]

    total_reserved = sum(values[1] for values in model.values())
    assert total_reserved == sum(min(r, o) for o, r, _b in start) + granted - released
    engine.dispose()


def _reserve(conn, location: str, quantity: int) -> bool:
    result = conn.execute(
        update(stock)
        .where(
            stock.c.location_id == location,
            can_reserve_sql(
                stock.c.on_hand, stock.c.reserved, stock.c.buffer, quantity
            ),
        )
        .values(reserved=stock.c.reserved + quantity)
    )
    return result.rowcount == 1


def _change(conn, location: str, **values: int) -> None:
    conn.execute(update(stock).where(stock.c.location_id == location).values(**values))


def test_zzz_report_atp() -> None:
    report("ATP and reservations")
