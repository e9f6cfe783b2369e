"""The crash proofs print their figures at the end of the run."""

from tests.support_faults.figures import pytest_terminal_summary  # noqa: F401
