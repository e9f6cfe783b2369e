"""``/v1/products``: search and look up the catalogue."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query

from oms_core import reads
from oms_core.api_models import SKU_PATTERN, ApiError, Page, Product
from oms_core.deps import ReadConnection

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/products", tags=["products"])


@router.get("", response_model=Page[Product])
def search_products(
    connection: ReadConnection,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[Product]:
    """Products whose name contains ``q`` or whose SKU or GTIN start with it."""
    return Page[Product](items=reads.search_products(connection, q, limit))


@router.get("/{sku}", response_model=Product, responses={404: {"model": ApiError}})
def get_product(
    connection: ReadConnection,
    sku: Annotated[str, Path(pattern=SKU_PATTERN)],
) -> Product:
    """One product by SKU."""
    return reads.get_product(connection, sku)
