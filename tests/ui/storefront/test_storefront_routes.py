"""URL paths and queries to routes, decided before anything is read."""

from __future__ import annotations

import pytest

from pos_app.storefront.routes import (
    BadRequestRoute,
    HomeRoute,
    NotFoundRoute,
    ProductRoute,
    SearchRoute,
    StaticRoute,
    route_request,
)


@pytest.mark.parametrize(
    ("path", "query", "route"),
    [
        ("/", "", HomeRoute()),
        ("", "", HomeRoute()),
        ("/search", "q=lantern", SearchRoute("lantern", 1)),
        (
            "/search",
            "q=white+metal%20lantern&page=3",
            SearchRoute("white metal lantern", 3),
        ),
        ("/search", "", SearchRoute("", 1)),
        ("/search", "q=%20%20mug%20", SearchRoute("mug", 1)),
        ("/product/85123A", "", ProductRoute("85123A")),
        ("/product/15056BL", "", ProductRoute("15056BL")),
        ("/static/shop.css", "", StaticRoute("shop.css")),
        ("/static/shop.js", "", StaticRoute("shop.js")),
    ],
)
def test_known_pages(path, query, route):
    assert route_request(path, query) == route


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/static/%252e%252e%252fpyproject.toml",
        "/static/.hidden.css",
        "/static/__init__.py",
        "/static/shop.css%00.js",
        "/static/sub/shop.css",
        "/static/%ff.css",
        "/static/",
    ],
)
def test_traversal_under_static_is_refused_outright(path):
    route = route_request(path, "")

    assert isinstance(route, NotFoundRoute)
    assert route.friendly is False


@pytest.mark.parametrize(
    "path",
    [
        "/pyproject.toml",
        "/product/",
        "/product/a/b",
        "/product/%3Cscript%3E",
        "/product/..%2f..%2fetc",
        "/product/" + "9" * 40,
        "/search/",
        "/admin",
        "//shop",
    ],
)
def test_other_unknown_paths_get_the_friendly_page(path):
    route = route_request(path, "")

    assert isinstance(route, NotFoundRoute)
    assert route.friendly is True


@pytest.mark.parametrize(
    "query",
    [
        "q=mug&page=0",
        "q=mug&page=-1",
        "q=mug&page=abc",
        "q=mug&page=10000",
        "q=mug&page=1.5",
        "q=" + "a" * 101,
        "q=%ff%fe",
        "&".join(f"k{i}=v" for i in range(20)),
    ],
)
def test_bad_search_parameters_are_refused_with_a_message(query):
    route = route_request("/search", query)

    assert isinstance(route, BadRequestRoute)
    assert route.message
