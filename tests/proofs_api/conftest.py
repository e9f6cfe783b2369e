"""The proofs on the engine's API print their figures at the end."""

from tests.support_faults.figures import pytest_terminal_summary  # noqa: F401
