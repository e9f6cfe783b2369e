"""Benchmarks of OpenAisle against a reference measured in the same run.

``python -m bench`` runs every figure several times, each run in a fresh
process, and prints one table (see :mod:`bench.__main__`).
"""
