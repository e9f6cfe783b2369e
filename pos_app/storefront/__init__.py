"""The demo storefront: the retailer's shop served inside the app.

Pages are rendered from the catalogue the app hands over and served through
the ``aisle`` URL scheme (origin ``aisle://shop``), without a network port.
"""
