"""The static edition's search index: names, towns, kinds and products, loaded on first use.

One JSON document the page fetches when the search box is first used. Place rows carry the
displayed text (the page folds it the way :func:`regional_map.text.fold` does) and the
positions of their products in ``products``, whose rows carry every folded name and synonym
in Dutch, French and English: "eieren", "œufs" and "eggs" find the same shops offline.
"""

from __future__ import annotations

from collections.abc import Iterable

from regional_map.model import kind_label
from regional_map.places.vocab import Vocabulary

FIELDS = ("name", "where", "kind", "lat", "lon", "file", "products")


def _where(place: dict, lang: str) -> str:
    names = place.get("municipality") or {}
    town = names.get(lang) or names.get("nl") or names.get("fr") or ""
    parts = [place.get("city") or "", town if town != place.get("city") else ""]
    return " ".join(p for p in parts if p)


def search_index(places: Iterable[tuple[dict, str]], vocabulary: Vocabulary,
                 lang: str = "en") -> dict:
    """The index of ``places`` given as (place, details file name) pairs."""
    codes = sorted(vocabulary.products)
    position = {code: i for i, code in enumerate(codes)}
    rows = []
    for place, file in places:
        rows.append([
            place["name"], _where(place, lang), kind_label(place["kind"], lang),
            round(place["lat"], 6), round(place["lon"], 6), file,
            sorted(position[c] for c in place.get("products") or () if c in position),
        ])
    products = [[code, vocabulary.products[code].name(lang),
                 " ".join(vocabulary.products[code].terms())] for code in codes]
    return {"version": 1, "fields": list(FIELDS), "places": rows,
            "product_fields": ["code", "name", "terms"], "products": products}
