"""The static edition: ``regional-map publish DIR`` writes the map as files any host serves.

``edition.py`` assembles the folder, ``tiles.py`` writes the PMTiles archive of vector
tiles, ``searchindex.py`` the small search index the page loads on first use.
"""
