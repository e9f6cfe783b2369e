"""Read-side queries: products, locations, stock levels, postcode districts.

Each function takes an open connection and returns API models, so the route
handlers stay a few lines long.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Connection, Select, or_, select

from oms_core import geo, network
from oms_core.api_models import (
    ErrorCode,
    Location,
    LocationKind,
    LocationState,
    Money,
    Product,
    StockLevel,
)
from oms_core.atp import atp, atp_sql
from oms_core.candidates import nearest_holders
from oms_core.db.inventory_schema import location_load
from oms_core.db.schema import locations, postcode_districts, products, stock
from oms_core.errors import not_found

logger = logging.getLogger(__name__)

_ATP = atp_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer).label("atp")


def _product(row: object) -> Product:
    return Product(
        sku=row.sku,
        name=row.name,
        price=Money(amount=row.price_minor, currency=row.currency),
        gtin=row.gtin,
    )


def _location(row: object, load: int | None = None) -> Location:
    hours = network.hours_of(row.opening_hours)
    return Location(
        id=row.id,
        name=row.name,
        kind=LocationKind(row.kind),
        lat=row.lat,
        lon=row.lon,
        postcode=row.postcode,
        size_class=row.size_class,
        timezone=row.timezone,
        state=LocationState(row.state),
        capabilities=sorted(network.decode_capabilities(row.capabilities)),
        opening_hours=row.opening_hours,
        daily_capacity=row.daily_capacity,
        load_today=load,
        open_now=None
        if hours is None
        else hours.is_open(datetime.now(UTC), row.timezone),
        country=row.country,
    )


def search_products(connection: Connection, query: str, limit: int) -> list[Product]:
    """Products whose name contains ``query`` or whose SKU or GTIN start with it."""
    statement = select(products).order_by(products.c.name, products.c.sku)
    text = query.strip()
    if text:
        lowered = text.lower()
        statement = statement.where(
            or_(
                products.c.name.ilike(f"%{_escape(lowered)}%", escape="\\"),
                products.c.sku.ilike(f"{_escape(lowered)}%", escape="\\"),
                products.c.gtin.startswith(text, autoescape=True),
            )
        )
    rows = connection.execute(statement.limit(limit))
    return [_product(row) for row in rows]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_product(connection: Connection, sku: str) -> Product:
    """One product, or a 404 ``unknown_sku``."""
    row = connection.execute(
        select(products).where(products.c.sku == sku.upper())
    ).first()
    if row is None:
        raise not_found(ErrorCode.UNKNOWN_SKU, f"no product with SKU {sku!r}", sku=sku)
    return _product(row)


def list_locations(connection: Connection) -> list[Location]:
    """Every location, distribution centres and stores, by id."""
    rows = connection.execute(select(locations).order_by(locations.c.id))
    return [_location(row) for row in rows]


def get_location(connection: Connection, location_id: str) -> Location:
    """One location, or a 404 ``unknown_location``."""
    row = connection.execute(
        select(locations).where(locations.c.id == location_id)
    ).first()
    if row is None:
        raise not_found(
            ErrorCode.UNKNOWN_LOCATION,
            f"no location with id {location_id!r}",
            location_id=location_id,
        )
    day = network.local_day(datetime.now(UTC), row.timezone)
    load = connection.scalar(
        select(location_load.c.orders).where(
            location_load.c.location_id == row.id, location_load.c.day == day
        )
    )
    return _location(row, load or 0)


def district_point(connection: Connection, postcode: str) -> geo.Point:
    """The centroid of a postcode's district, or a 404 ``unknown_postcode``."""
    try:
        outcode = geo.district_of(postcode)
    except geo.UnknownPostcodeError:
        outcode = None
    row = None
    if outcode is not None:
        row = connection.execute(
            select(postcode_districts).where(postcode_districts.c.outcode == outcode)
        ).first()
    if row is None:
        raise not_found(
            ErrorCode.UNKNOWN_POSTCODE,
            f"unknown UK postcode district: {postcode!r}",
            postcode=postcode,
        )
    return geo.Point(row.lat, row.lon)


def stock_at(
    connection: Connection, sku: str, location_id: str | None
) -> list[StockLevel]:
    """ATP of ``sku`` at one location (0 if it holds none), or everywhere it is."""
    product = get_product(connection, sku)
    if location_id is not None:
        place = get_location(connection, location_id)
        row = connection.execute(
            select(stock).where(
                stock.c.sku == product.sku, stock.c.location_id == place.id
            )
        ).first()
        level = atp(row.on_hand, row.reserved, row.buffer) if row else 0
        if not network.can_fulfil(place.state):
            level = 0
        return [
            StockLevel(
                location_id=place.id,
                name=place.name,
                kind=place.kind,
                atp=level,
                confirmed_at=row.confirmed_at if row else None,
                in_transit=row.in_transit if row else 0,
                in_transit_eta=row.in_transit_eta if row else None,
            )
        ]

    rows = connection.execute(_holding(product.sku).order_by(locations.c.id)).all()
    return [_level(row, None) for row in rows]


def nearby(
    connection: Connection, sku: str, point: geo.Point, limit: int
) -> list[StockLevel]:
    """Open locations holding ATP of ``sku``, nearest to ``point`` first.

    Dark and closed locations are left out: nobody can walk in there.
    """
    product = get_product(connection, sku)
    holders = nearest_holders(
        connection,
        product.sku,
        point,
        limit,
        states=(LocationState.OPEN,),
        columns=(
            locations.c.name,
            locations.c.kind,
            stock.c.confirmed_at,
            stock.c.in_transit,
            stock.c.in_transit_eta,
        ),
    )
    return [_level(holder.row, holder.distance_km) for holder in holders]


def _holding(sku: str) -> Select:
    return (
        select(
            locations.c.id,
            locations.c.name,
            locations.c.kind,
            locations.c.lat,
            locations.c.lon,
            stock.c.confirmed_at,
            stock.c.in_transit,
            stock.c.in_transit_eta,
            _ATP,
        )
        .join(stock, stock.c.location_id == locations.c.id)
        .where(
            stock.c.sku == sku,
            _ATP > 0,
            locations.c.state != LocationState.CLOSED.value,
        )
    )


def _level(row: object, distance: float | None) -> StockLevel:
    return StockLevel(
        location_id=row.id,
        name=row.name,
        kind=LocationKind(row.kind),
        distance_km=None if distance is None else round(distance, 1),
        atp=row.atp,
        confirmed_at=row.confirmed_at,
        in_transit=row.in_transit,
        in_transit_eta=row.in_transit_eta,
    )
