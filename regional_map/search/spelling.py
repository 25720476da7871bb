""""Showing results for …": a search text with each unknown word replaced by the nearest
known one (one edit away, two for long words).

The dictionary is what the store and the vocabularies know — words of place names,
descriptions, products and towns (FTS5's own vocabulary), network names, municipality names,
and the product and service names in nl/fr/en — so a correction always finds something.
"""

from __future__ import annotations

import sqlite3

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from regional_map.places.services import load_services
from regional_map.places.vocab import load_vocabulary
from regional_map.text import fold

MIN_WORD_LENGTH = 4  # shorter words have too many neighbours
LONG_WORD = 8  # from this length two edits are allowed


def known_words(conn: sqlite3.Connection) -> set[str]:
    """Every folded word that a search can match."""
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_fts_terms "
                 "USING fts5vocab(main, places_fts, row)")
    words = {row[0] for row in conn.execute("SELECT term FROM temp.search_fts_terms")}
    for (name,) in conn.execute("SELECT name FROM networks"):
        words.update(fold(name).split())
    for nl, fr in conn.execute("SELECT name_nl, name_fr FROM municipalities"):
        words.update(fold(f"{nl or ''} {fr or ''}").split())
    for product in load_vocabulary().products.values():
        for term in product.terms():
            words.update(term.split())
    for service in load_services().values():
        for term in service.terms():
            words.update(term.split())
    return words


def corrected_text(conn: sqlite3.Connection, text: str) -> str | None:
    """``text`` with its unknown words corrected, or None when nothing was changed."""
    words = fold(text).split()[:12]
    if not words:
        return None
    dictionary = known_words(conn)
    choices = sorted(dictionary)
    changed = False
    result = []
    for word in words:
        if word in dictionary or len(word) < MIN_WORD_LENGTH:
            result.append(word)
            continue
        cutoff = 2 if len(word) >= LONG_WORD else 1
        best = extractOne(word, choices, scorer=Levenshtein.distance, score_cutoff=cutoff)
        if best is None:
            result.append(word)
        else:
            result.append(best[0])
            changed = True
    return " ".join(result) if changed else None
