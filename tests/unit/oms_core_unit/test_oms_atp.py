"""ATP: one rule, the same in Python and in SQL."""

from __future__ import annotations

import itertools

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select

from oms_core.atp import atp, atp_sql, can_reserve_sql


def test_atp_is_on_hand_less_reserved_less_buffer():
    assert atp(10, 3, 1) == 6
    assert atp(10, 0, 0) == 10


def test_atp_never_goes_below_zero():
    assert atp(1, 0, 1) == 0
    assert atp(2, 5, 0) == 0
    assert atp(0, 0, 3) == 0


def test_the_sql_expression_agrees_with_the_function():
    metadata = MetaData()
    rows = Table(
        "rows",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("on_hand", Integer),
        Column("reserved", Integer),
        Column("buffer", Integer),
    )
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    values = range(0, 7)
    grid = list(itertools.product(values, values, range(0, 3)))

    with engine.begin() as connection:
        connection.execute(
            rows.insert(),
            [
                {"id": i, "on_hand": o, "reserved": r, "buffer": b}
                for i, (o, r, b) in enumerate(grid)
            ],
        )
        expression = atp_sql(rows.c.on_hand, rows.c.reserved, rows.c.buffer)
        got = dict(connection.execute(select(rows.c.id, expression)).all())
        guard = can_reserve_sql(rows.c.on_hand, rows.c.reserved, rows.c.buffer, 2)
        reservable = set(connection.scalars(select(rows.c.id).where(guard)))
    engine.dispose()

    assert got == {i: atp(*triple) for i, triple in enumerate(grid)}
    assert reservable == {i for i, triple in enumerate(grid) if atp(*triple) >= 2}
