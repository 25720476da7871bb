"""Guess what a spreadsheet's columns hold from their values, and its kind from its words.

Header names come first (``columns.py``: synonyms in nl/fr/en/de and open-data names). The
columns left over are read: a column of postcodes, of coordinates in range, of web or mail
addresses, of phone numbers, of opening hours, or of yes/no flags whose header names a
product ("Eier: ja", "Honing: x") is recognised by what most of its first rows contain.
``--dry-run`` prints the result; ``--mapping`` overrides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import opening_hours

from regional_map.ingest.osm_words import translate_words
from regional_map.places.vocab import Vocabulary
from regional_map.text import fold

SAMPLE_ROWS = 200
_SHARE = 0.8  # of a column's non-empty sample values that must fit a pattern
_POSTCODE = re.compile(r"^(\d{4}(\s?[A-Za-z]{2})?|\d{5})$")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s()./-]{8,20}$")
_NUMBER = re.compile(r"^-?\d{1,3}([.,]\d+)$")
_FLAGS = {"yes", "no", "ja", "nee", "oui", "non", "x", "1", "0", "j", "n", "y", "true",
          "false", "nein", "wahr", "vrai", "faux", "-"}
FLAG_TRUE = {"yes", "ja", "oui", "x", "1", "j", "y", "true", "wahr", "vrai"}
# Words in a file's name or headers that say what kind of place every row is.
_KIND_WORDS = (
    ("farmers_market", r"markt|market|marche|wochenmarkt|bauernmarkt|boerenmarkt"),
    ("vending_machine", r"automa|vending|distributeur"),
    ("farm_shop", r"hofladen|hoevewinkel|boerderijwinkel|farm ?shop|magasin a la ferme"),
    ("pickup_point", r"afhaalpunt|pickup|point de retrait"),
    ("beekeeper", r"imker|beekeeper|apiculteur"),
)


@dataclass
class Guess:
    """Columns found from their values, product flag columns, a kind for every row."""

    columns: dict[str, str] = field(default_factory=dict)
    product_flags: dict[str, str] = field(default_factory=dict)  # column → product code
    kind: str | None = None
    notes: list[str] = field(default_factory=list)


def _share(values: list[str], test) -> float:
    filled = [v for v in values if v.strip()]
    if not filled:
        return 0.0
    return sum(1 for v in filled if test(v.strip())) / len(filled)


def _numbers(values: list[str]) -> list[float] | None:
    filled = [v.strip() for v in values if v.strip()]
    if not filled or not all(_NUMBER.match(v) for v in filled):
        return None
    return [float(v.replace(",", ".")) for v in filled]


def guess_columns(columns: list[str], sample: list[dict[str, str]], known: dict[str, str],
                  vocabulary: Vocabulary, file_name: str = "") -> Guess:
    """Guess fields for the ``columns`` not in ``known`` ({field: column}) from ``sample``."""
    guess = Guess()
    claimed = set(known.values())
    taken = set(known)
    numeric: dict[str, list[float]] = {}
    for column in columns:
        if column in claimed:
            continue
        values = [row.get(column, "") for row in sample]
        if not any(v.strip() for v in values):
            continue
        product = _product_flag(column, values, vocabulary)
        if product:
            guess.product_flags[column] = product
            guess.notes.append(f"{column!r}: yes/no flags for product {product}")
            continue
        numbers = _numbers(values)
        if numbers is not None:
            numeric[column] = numbers
            continue
        for field_name, test in (("postcode", _POSTCODE.match), ("website", _URL.match),
                                 ("email", _EMAIL.match), ("phone", _PHONE.match),
                                 ("opening_hours", opening_hours.validate)):
            if field_name not in taken and _share(values, test) >= _SHARE:
                guess.columns[field_name] = column
                taken.add(field_name)
                guess.notes.append(f"{column!r} holds {field_name.replace('_', ' ')} values")
                break
    _coordinates(numeric, taken, guess)
    if "kind" not in taken:
        guess.kind = guess_kind([file_name, *columns])
        if guess.kind:
            guess.notes.append(f"every row is a {guess.kind} (from the file's words)")
    return guess


def _product_flag(column: str, values: list[str], vocabulary: Vocabulary) -> str | None:
    if _share(values, lambda v: fold(v) in _FLAGS) < 1.0:
        return None
    return vocabulary.lookup(translate_words(column)) or vocabulary.lookup(column)


def _coordinates(numeric: dict[str, list[float]], taken: set[str], guess: Guess) -> None:
    """Two unnamed number columns in latitude and longitude ranges are the point."""
    if "lat" in taken or "lon" in taken:
        return
    lats = [c for c, v in numeric.items() if all(35 <= n <= 72 for n in v)]
    lons = [c for c, v in numeric.items() if all(-30 <= n <= 45 for n in v) and c not in lats]
    if len(lats) == 2 and not lons:  # both columns fit latitudes: the larger mean is lat
        lats.sort(key=lambda c: sum(numeric[c]) / len(numeric[c]), reverse=True)
        lats, lons = lats[:1], lats[1:]
    if len(lats) == 1 and len(lons) == 1:
        guess.columns["lat"], guess.columns["lon"] = lats[0], lons[0]
        guess.notes.append(f"{lats[0]!r} and {lons[0]!r} hold latitudes and longitudes")


def guess_kind(words: Iterable[str]) -> str | None:
    """A kind named by the file's name or headers ("wochenmarkt.csv" → farmers_market)."""
    text = fold(" ".join(words)).replace("_", " ")
    for kind, pattern in _KIND_WORDS:
        if re.search(pattern, text):
            return kind
    return None


def flagged_products(values: dict[str, str], flags: dict[str, str],
                     vocabulary: Vocabulary) -> str:
    """The product names of the flag columns that say yes, for the products field."""
    names = [vocabulary.products[code].name("en") for column, code in flags.items()
             if fold(values.get(column, "")) in FLAG_TRUE and code in vocabulary.products]
    return ";".join(names)
