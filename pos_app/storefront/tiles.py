"""Placeholder product pictures: a coloured tile with the name's initials.

The catalogue has no photographs, so every product gets an inline SVG whose
colour is derived from its SKU (stable across runs) and whose letters are
the initials of its name.
"""

from __future__ import annotations

import hashlib
import html
import re

# Deep, high-contrast colours that carry white text well.
_PALETTE = (
    "#0b6e4f",
    "#1d4e89",
    "#7a2e8f",
    "#a23b2a",
    "#8a5a00",
    "#2f6f73",
    "#5b3f8c",
    "#b03060",
    "#3d5a2a",
    "#6b4226",
    "#155e75",
    "#4a4e69",
)
_INITIAL_WORD_RE = re.compile(r"[^\W\d_]", re.UNICODE)


def tile_colour(sku: str) -> str:
    """A colour from the palette, chosen by a hash of the SKU."""
    digest = hashlib.sha256(sku.encode("utf-8")).digest()
    return _PALETTE[digest[0] % len(_PALETTE)]


def initials(name: str) -> str:
    """Up to two capital letters: the first letters of the name's words."""
    letters = []
    for word in name.split():
        match = _INITIAL_WORD_RE.search(word)
        if match is not None and match.start() == 0:
            letters.append(match.group().upper())
        if len(letters) == 2:
            break
    return "".join(letters) or "?"


def tile_svg(sku: str, name: str, css_class: str) -> str:
    """An inline SVG tile for the product; safe to place in HTML as is."""
    colour = tile_colour(sku)
    label = html.escape(name, quote=True)
    letters = html.escape(initials(name), quote=True)
    css = html.escape(css_class, quote=True)
    return (
        f'<svg class="{css}" viewBox="0 0 120 120" role="img" '
        'preserveAspectRatio="xMidYMid slice" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="120" height="120" fill="{colour}"/>'
        '<circle cx="98" cy="22" r="46" fill="#ffffff" fill-opacity="0.10"/>'
        '<circle cx="14" cy="112" r="34" fill="#000000" fill-opacity="0.10"/>'
        '<text x="60" y="62" text-anchor="middle" dominant-baseline="middle" '
        'font-family="system-ui, sans-serif" font-size="44" font-weight="700" '
        f'fill="#ffffff" letter-spacing="2">{letters}</text></svg>'
    )
