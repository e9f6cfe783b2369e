"""The demo storefront: page templates and static files (package data)."""
