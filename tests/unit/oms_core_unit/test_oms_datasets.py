"""Readers of the real data set and the data folder's resolution."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms_core import datasets


def test_the_data_folder_comes_from_the_environment(monkeypatch, shared_data):
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(shared_data))

    assert datasets.data_dir() == shared_data


def test_a_missing_data_folder_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_DIR_ENV, str(tmp_path / "absent"))

    with pytest.raises(datasets.DatasetError, match=datasets.DATA_DIR_ENV):
        datasets.data_dir()


def test_store_list_reads_every_store(shared_data):
    stores = datasets.read_stores(shared_data / datasets.STORES_FILE)

    assert len(stores) == 2832
    assert [s.index for s in stores] == list(range(2832))
    first = stores[0]
    assert (first.name, first.ordinal_type, first.postcode) == (
        "Leavesden Green Express",
        1,
        "WD5 0BT",
    )
    # The longitude column carries a leading space in the file.
    assert first.lon == pytest.approx(-0.4034211)
    assert {s.ordinal_type for s in stores} == {1, 2, 3}


def test_outcodes_map_districts_to_centroids(shared_data):
    outcodes = datasets.read_outcodes(shared_data / datasets.OUTCODES_FILE)

    assert len(outcodes) == 2973
    assert outcodes["AB10"] == pytest.approx((57.131086, -2.122482))


def test_sales_lines_carry_aware_utc_times_in_both_date_formats(shared_data):
    week = next(datasets.read_sales_lines(shared_data / datasets.WEEK_FILE))
    year = next(datasets.read_sales_lines(shared_data / datasets.YEAR_FILE))

    # 1 December 2010, 08:26 in London is 08:26 UTC (winter time).
    expected = datetime(2010, 12, 1, 8, 26, tzinfo=UTC)
    assert week.invoiced_at == expected
    assert year.invoiced_at == expected
    assert (week.stock_code, week.quantity, week.unit_price) == ("85123A", 6, "2.55")


def test_a_file_with_other_columns_is_refused(tmp_path):
    bad = tmp_path / "stores.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")

    with pytest.raises(datasets.DatasetError, match="unexpected columns"):
        datasets.read_stores(bad)
