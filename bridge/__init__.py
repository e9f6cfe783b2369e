"""OpenAisle bridge."""
