"""Typo tolerance for search: words one edit away from what the index knows.

Used only when the exact search finds nothing, so a correct query never pays for it. The
index's own vocabulary (FTS5's ``fts5vocab``) is the dictionary, so any word in a place's name,
description, products or town can be corrected, in any language.
"""

from __future__ import annotations

import sqlite3

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from regional_map.places.vocab import load_vocabulary
from regional_map.text import fold

MIN_WORD_LENGTH = 4  # shorter words have too many neighbours one edit away
MAX_ALTERNATIVES = 8


def _terms(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.places_fts_terms "
        "USING fts5vocab(main, places_fts, row)"
    )
    return [row[0] for row in conn.execute("SELECT term FROM temp.places_fts_terms")]


def corrected_expression(conn: sqlite3.Connection, text: str) -> str | None:
    """An FTS5 expression where each word may also be any indexed word one edit away.

    Returns None when no word has a correction (the caller keeps its empty result).
    """

    vocab = load_vocabulary()
    words = fold(text).split()[:12]
    if not words:
        return None
    terms = None
    parts = []
    changed = False
    for word in words:
        options = [word]
        # A word the product vocabulary knows is spelled right: nobody sells leeks here, and
        # "leek" must not turn into "beek".
        if len(word) >= MIN_WORD_LENGTH and vocab.lookup(word) is None:
            terms = terms if terms is not None else _terms(conn)
            for term, _score, _ in extract(word, terms, scorer=Levenshtein.distance,
                                           score_cutoff=1, limit=MAX_ALTERNATIVES):
                if term != word:
                    options.append(term)
        changed = changed or len(options) > 1
        # Folded words are [a-z0-9] only, so quoting them is safe FTS5 syntax.
        parts.append("(" + " OR ".join(f'"{o}"' for o in options) + ")")
    return " AND ".join(parts) if changed else None
