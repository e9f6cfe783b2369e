"""OpenAisle pos_app."""
