"""Formatters: pure functions from the internal place shape to an output format."""
