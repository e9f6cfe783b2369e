"""Static files of the demo storefront (package data)."""
