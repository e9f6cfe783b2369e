"""The storefront scheme serves its own assets and nothing else.

Whatever path a page asks ``aisle://shop`` for (dot segments, encoded
slashes and backslashes, NUL bytes, absolute paths, overlong UTF-8), the
route is a page of the shop, a static file that was loaded from the
storefront's ``static`` folder at start, or not found. No request reaches
the file system: the static files are read once, by listing that folder.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.storefront.routes import (
    BadRequestRoute,
    HomeRoute,
    NotFoundRoute,
    ProductRoute,
    SearchRoute,
    StaticRoute,
    route_request,
)
from pos_app.storefront.site_files import load_site_files, storefront_root

ATTACKS = [
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%5c..%5cwindows%5cwin.ini",
    "/static/shop.css%00.png",
    "/static/.hidden",
    "/static//etc/passwd",
    "//etc/passwd",
    "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/static/../templates/home.html",
    "/../pyproject.toml",
    "/product/..%2f..%2fpyproject.toml",
    "/static/" + "a" * 5000,
]


def served_names() -> set[str]:
    return set(load_site_files().static)


def test_only_files_listed_in_the_static_folder_are_served() -> None:
    on_disk = {
        entry.name
        for entry in storefront_root().joinpath("static").iterdir()
        if entry.is_file()
    }

    assert served_names() <= on_disk
    assert served_names()


def test_known_traversal_paths_are_not_found() -> None:
    for path in ATTACKS:
        route = route_request(path, "")

        assert isinstance(route, NotFoundRoute), path


@settings(max_examples=500, deadline=None, derandomize=True)
@given(
    path=st.lists(
        st.sampled_from(
            ["static", "product", "search", "..", ".", "%2e%2e", "%2f", "%5c", "%00"]
        )
        | st.text(max_size=12),
        max_size=6,
    ).map(lambda parts: "/" + "/".join(parts)),
    query=st.text(max_size=40),
)
def test_any_path_is_a_page_a_loaded_asset_or_not_found(path: str, query: str) -> None:
    route = route_request(path, query)

    assert isinstance(
        route,
        HomeRoute
        | SearchRoute
        | ProductRoute
        | StaticRoute
        | NotFoundRoute
        | BadRequestRoute,
    )
    if isinstance(route, StaticRoute):
        assert "/" not in route.name and "\\" not in route.name
        assert not route.name.startswith(".")
        assert ".." not in route.name and "\x00" not in route.name
