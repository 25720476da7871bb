"""Importers: read CSV, XLSX, GeoJSON and OSM exports into the store."""
