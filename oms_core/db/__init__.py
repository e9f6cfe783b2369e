"""Persistence of the order engine: one MetaData, engines, typed columns."""
