"""Geocoding: the offline postcode gazetteer first, then an opt-in online geocoder."""
