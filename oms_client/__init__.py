"""OpenAisle oms_client."""
