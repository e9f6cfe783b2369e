"""``openaisle-oms token``: issue, list and revoke device tokens."""

from __future__ import annotations

import uuid

import pytest

from oms_core.cli import main
from oms_core.db.engine import make_engine
from oms_core.device_tokens import authenticate


def test_issue_list_and_revoke(engine_database_url: str, capsys) -> None:
    db = ["--database-url", engine_database_url]

    assert (
        main(["token", *db, "issue", "--store", "store-0001", "--role", "kiosk"]) == 0
    )
    token = capsys.readouterr().out.strip()
    engine = make_engine(engine_database_url)
    device = authenticate(engine, token)
    assert device is not None
    assert (device.store_id, device.role) == ("store-0001", "kiosk")

    assert main(["token", *db, "list", "--store", "store-0001"]) == 0
    listed = capsys.readouterr().out
    assert device.token_id in listed and "active" in listed
    assert token not in listed

    assert main(["token", *db, "revoke", device.token_id]) == 0
    assert authenticate(engine, token) is None
    engine.dispose()


def test_a_token_for_an_unknown_store_is_refused(
    engine_database_url: str, capsys, allow_log
) -> None:
    allow_log("no store with id")
    code = main(
        [
            "token",
            "--database-url",
            engine_database_url,
            "issue",
            "--store",
            "dc-daventry",
            "--role",
            "till",
        ]
    )
    assert code == 1
    assert capsys.readouterr().out == ""


def test_revoking_an_unknown_token_fails(engine_database_url: str, allow_log) -> None:
    allow_log("no active token")
    db = ["--database-url", engine_database_url]
    assert main(["token", *db, "revoke", str(uuid.uuid4())]) == 1


def test_a_bad_role_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit):
        main(["token", "issue", "--store", "store-0001", "--role", "manager"])


def test_an_admin_token_is_issued_for_a_distribution_centre(
    engine_database_url: str, capsys
) -> None:
    db = ["--database-url", engine_database_url]

    code = main(["token", *db, "issue", "--store", "dc-daventry", "--role", "admin"])

    token = capsys.readouterr().out.strip()
    engine = make_engine(engine_database_url)
    device = authenticate(engine, token)
    engine.dispose()
    assert code == 0
    assert device is not None
    assert (device.store_id, device.role) == ("dc-daventry", "admin")


def test_the_database_may_follow_the_action(engine_database_url: str, capsys) -> None:
    db = ["--database-url", engine_database_url]

    assert main(["token", "issue", *db, "--store", "store-0001", "--role", "till"]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["token", "list", "--store", "store-0001", *db]) == 0

    engine = make_engine(engine_database_url)
    assert authenticate(engine, token) is not None
    engine.dispose()
    assert "active" in capsys.readouterr().out
