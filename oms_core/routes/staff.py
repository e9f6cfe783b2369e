"""``/v1/staff``: sign in with a staff number and PIN."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from oms_core import staff
from oms_core.api_models import ApiError, SignInRequest, StaffMember
from oms_core.deps import DbEngine

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/staff", tags=["staff"])


@router.post(
    "/sign-in",
    response_model=StaffMember,
    responses={401: {"model": ApiError}, 423: {"model": ApiError}},
)
def sign_in(engine: DbEngine, request: SignInRequest) -> StaffMember:
    """The person, if the PIN is theirs; repeated failures lock the number."""
    return staff.sign_in(engine, request.staff_number, request.pin)
