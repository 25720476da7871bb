"""Names for places their source leaves unnamed: "Milk vending machine · Wavre".

Vending machines and markets without a ``name`` tag are normal in OSM. Such a place gets a
name from its kind, its first product and its municipality, in Dutch, French and English.
The record's ``name`` is the one in the place's own language; ``extra.derived_names`` keeps
all three (the page can show the visitor's one, and the search index holds all three, so
"melkautomaat", "distributeur de lait" and "milk vending machine" all find it), and
``extra.name_derived`` marks it as not the source's own name.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from regional_map.model import LANGUAGES, kind_label, shown_name
from regional_map.places.vocab import Vocabulary

SEPARATOR = " · "
# Shorter words than the kind labels, as people say them ("Markt · Tongeren").
_SHORT_KIND = {
    "farmers_market": {"nl": "Markt", "fr": "Marché", "en": "Market"},
}


def _with_product(kind: str, product: str, lang: str) -> str:
    """A kind named after what it sells: Melkautomaat, Distributeur de lait, Milk vending…"""
    if kind == "vending_machine":
        if lang == "nl":
            return f"{product.capitalize()}automaat"
        if lang == "fr":
            return f"Distributeur de {product.lower()}"
        return f"{product.capitalize()} vending machine"
    label = _SHORT_KIND.get(kind, {}).get(lang) or kind_label(kind, lang)
    return f"{label} ({product.lower()})"


def derive_names(kind: str, product_names: dict[str, str] | None,
                 towns: dict[str, str]) -> dict[str, str]:
    """``{"nl": …, "fr": …, "en": …}`` from the kind, a product's names and the town's names.

    ``towns`` maps a language to the town's name in it (missing languages use any given).
    """
    fallback_town = next((t for t in towns.values() if t), "")
    names = {}
    for lang in LANGUAGES:
        if product_names and kind == "vending_machine":
            what = _with_product(kind, product_names[lang], lang)
        else:
            what = _SHORT_KIND.get(kind, {}).get(lang) or kind_label(kind, lang)
        town = towns.get(lang) or fallback_town
        names[lang] = f"{what}{SEPARATOR}{town}" if town else what
    return names


class NameDeriver:
    """Derives names for one import: municipality names are read once, products by code."""

    def __init__(self, conn: sqlite3.Connection, vocabulary: Vocabulary):
        self._vocabulary = vocabulary
        self._towns = {
            r["code"]: {"nl": r["name_nl"] or "", "fr": r["name_fr"] or ""}
            for r in conn.execute("SELECT code, name_nl, name_fr FROM municipalities")
        }
        # (Dutch, French) name per code, as the search index holds a place's town
        self.town_names = {code: (t["nl"], t["fr"]) for code, t in self._towns.items()}

    def apply(self, record: dict[str, Any], products: list[str], local_lang: str) -> None:
        """Give ``record`` its derived names (it must be marked ``name_derived``)."""
        municipality = self._towns.get(record.get("municipality_code") or "", {})
        local = municipality.get(local_lang) or municipality.get("nl") or municipality.get("fr")
        towns = {"nl": municipality.get("nl") or local or "",
                 "fr": municipality.get("fr") or local or "",
                 "en": local or ""}
        if not any(towns.values()) and record.get("city"):
            towns = {lang: record["city"] for lang in LANGUAGES}
        product = next((self._vocabulary.products[c] for c in products
                        if c in self._vocabulary.products), None)
        names = derive_names(record["kind"], product.names if product else None, towns)
        record["name"] = names.get(local_lang) or names["en"]
        record["extra"]["derived_names"] = names


def localised_name(name: str, extra: dict[str, Any] | None, lang: str) -> str:
    """The name to show a visitor in ``lang``: a derived name in their language, else ``name``.

    For the read side (``place_from_row``): places named by their source keep that name.
    """
    return shown_name({"name": name, "extra": extra}, lang)
