"""Benchmarks of Regional Map at 1k, 10k and 100k places, and against peers (not tests).

Run everything with ``./dev bench`` (``python -m bench``); see bench/README.md.
"""
