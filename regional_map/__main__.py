"""``python -m regional_map`` runs the command line (the same as ``regional-map``)."""

from regional_map.cli import main

main()
