"""The ways to answer a :class:`~regional_map.places.filters.PlaceFilter`, one contract each.

- :mod:`.sql`: SQLite with its R*Tree and FTS5 (answers everything; the reference).
- :mod:`.index`: the in-memory point index: map clusters, and near me.
- :mod:`.search`: full-text matches ranked once per store change, filtered in memory.
- :mod:`.features`: pre-encoded GeoJSON features for pages of the API and the map.

:mod:`regional_map.places.engine` picks the path; tests prove each answers what SQL answers.
"""
