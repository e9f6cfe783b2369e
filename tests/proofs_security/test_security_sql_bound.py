"""SQL only through bound parameters: no statement text is built from values.

Every call that sends SQL text (``text()``, ``exec_driver_sql``, a DB-API
``execute``) in the packages is read with :mod:`ast`. Its statement must
be a literal, or a format of module constants only (upper-case names such
as a PRAGMA's timeout); an f-string, ``%`` or ``.format`` with anything
else fails the test and names the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("oms_core", "offline_store", "oms_client", "bridge", "pos_app")
SQL_CALLS = {"text", "exec_driver_sql", "execute", "executemany", "executescript"}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _built_from_values(node: ast.AST) -> bool:
    """Whether ``node`` builds text from anything but constants."""
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        parts = [node.left, node.right]
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        parts = [*node.args, *(k.value for k in node.keywords)]
    else:
        return False
    names = set().union(*(_names_in(p) for p in parts)) if parts else set()
    return any(not name.isupper() for name in names) or any(
        not isinstance(p, ast.Constant | ast.Name | ast.JoinedStr | ast.BinOp)
        for p in parts
    )


def offending_calls() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                if _called_name(node) not in SQL_CALLS:
                    continue
                if _built_from_values(node.args[0]):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_sql_text_is_built_from_values() -> None:
    assert offending_calls() == []


def test_the_scan_catches_a_statement_built_from_a_value() -> None:
    unsafe = ast.parse('conn.execute(f"SELECT * FROM t WHERE sku = {sku}")')
    safe = ast.parse('cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")')

    (unsafe_call,) = [n for n in ast.walk(unsafe) if isinstance(n, ast.Call)][:1]
    (safe_call,) = [n for n in ast.walk(safe) if isinstance(n, ast.Call)][:1]
    assert _built_from_values(unsafe_call.args[0])
    assert not _built_from_values(safe_call.args[0])
