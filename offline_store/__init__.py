"""OpenAisle offline_store."""
