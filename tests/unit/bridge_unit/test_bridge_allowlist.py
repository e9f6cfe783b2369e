"""The origin allow-list: explicit origins only, canonical form."""

from __future__ import annotations

import pytest

from bridge.allowlist import AllowList, AllowListError, origin_of_url


def test_the_default_allows_only_the_demo_storefront():
    allowed = AllowList()

    assert allowed.origins == {"aisle://shop"}
    assert allowed.allows("aisle://shop/product/85123A")
    assert not allowed.allows("aisle://other/")


def test_origins_are_compared_in_canonical_form():
    allowed = AllowList(["HTTPS://Shop.Example.COM:443/", "http://127.0.0.1:8080"])

    assert allowed.origins == {"https://shop.example.com", "http://127.0.0.1:8080"}
    assert allowed.allows("https://shop.example.com/p/1?x=2#top")
    assert not allowed.allows("https://shop.example.com:8443/")
    assert not allowed.allows("http://shop.example.com/")
    assert not allowed.allows("https://evil.example.com/")
    assert not allowed.allows("https://shop.example.com.evil.test/")


def test_a_setting_is_split_on_commas_and_spaces():
    allowed = AllowList.parse("aisle://shop, https://a.test\nhttps://b.test")

    assert allowed.origins == {"aisle://shop", "https://a.test", "https://b.test"}


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("https://*.example.com", "wildcards"),
        ("*", "wildcards"),
        ("https://shop.test/path", "no path"),
        ("https://shop.test/?q=1", "no path"),
        ("https://user@shop.test", "user name"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("shop.test", "scheme"),
        ("https://", "host"),
        ("https://shop.test:99999", "port"),
        ("https://sh op.test", "host"),
        ("", "empty"),
    ],
)
def test_a_bad_entry_is_refused_with_a_clear_message(entry, reason):
    with pytest.raises(AllowListError, match=reason):
        AllowList([entry])


def test_urls_without_an_origin_are_never_allowed():
    allowed = AllowList(["https://shop.test"])

    for url in ("about:blank", "data:text/html,hi", "", "not a url"):
        assert origin_of_url(url) is None
        assert not allowed.allows(url)
