"""Figures the proofs print at the end of a run (kills, faults, inputs).

A proof calls :func:`record`; the proof folders' conftests print the lines
in the terminal summary, and, when ``OPENAISLE_PROOF_FIGURES`` names a
file, append them to it as JSON lines for the documentation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_lines: list[dict[str, Any]] = []
_printed = False


def record(proof: str, **figures: Any) -> None:
    """Note the figures of one proof run."""
    line = {"proof": proof, **figures}
    _lines.append(line)
    target = os.environ.get("OPENAISLE_PROOF_FIGURES")
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, sort_keys=True) + "\n")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures once, whichever proof folder's conftest calls it."""
    global _printed
    if _printed or not _lines:
        return
    _printed = True
    terminalreporter.section("proof figures")
    for line in _lines:
        rest = ", ".join(f"{k}={v}" for k, v in line.items() if k != "proof")
        terminalreporter.write_line(f"{line['proof']}: {rest}")
