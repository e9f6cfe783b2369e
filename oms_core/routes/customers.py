"""``/v1/customers``: find and create customers."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from oms_core import customers
from oms_core.api_models import ApiError, Customer, CustomerRequest, Page
from oms_core.deps import DbEngine, ReadConnection

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/customers", tags=["customers"])


@router.get("", response_model=Page[Customer])
def find_customers(
    connection: ReadConnection,
    q: Annotated[str, Query(min_length=1, max_length=100)],
) -> Page[Customer]:
    """Customers by phone, e-mail, postcode or part of the name."""
    return Page[Customer](items=customers.find_customers(connection, q))


@router.post("", response_model=Customer, status_code=201)
def create_customer(engine: DbEngine, request: CustomerRequest) -> Customer:
    """Record a new customer with their addresses."""
    return customers.create_customer(engine, request)


@router.get(
    "/{customer_id}", response_model=Customer, responses={404: {"model": ApiError}}
)
def get_customer(connection: ReadConnection, customer_id: uuid.UUID) -> Customer:
    """One customer by id."""
    return customers.get_customer(connection, customer_id)
