"""Page templates of the demo storefront (package data)."""
