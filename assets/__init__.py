"""OpenAisle assets."""
