"""The async client of the order engine, and the device's credentials.

Of the engine it imports only the shared API models.
"""

from oms_client.client import DEFAULT_TIMEOUT, OmsClient, RetryPolicy
from oms_client.errors import (
    OmsConflict,
    OmsError,
    OmsNotFound,
    OmsProtocolError,
    OmsRejected,
    OmsServerError,
    OmsUnreachable,
    parse_retry_after,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "OmsClient",
    "OmsConflict",
    "OmsError",
    "OmsNotFound",
    "OmsProtocolError",
    "OmsRejected",
    "OmsServerError",
    "OmsUnreachable",
    "RetryPolicy",
    "parse_retry_after",
]
