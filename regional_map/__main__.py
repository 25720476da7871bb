"""``python -m regional_map`` runs the command line (the same as ``regional-map``)."""

from .cli import main

main()
