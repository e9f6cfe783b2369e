"""The OpenAisle order engine: catalogue, locations, one stock pool, orders."""
