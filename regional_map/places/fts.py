"""Full-text expressions: user text made safe for FTS5, product words expanded to every name.

The spelling correction (:mod:`regional_map.places.fuzzy`) builds a wider expression of the
same kind when this one finds nothing.
"""

from __future__ import annotations

from functools import lru_cache

from regional_map.places.vocab import load_vocabulary
from regional_map.text import fold

MAX_EXPANSION = 300  # terms a product or category word may expand to
MAX_WORDS = 12


@lru_cache(maxsize=2048)  # asked several times per request (planner, paths, SQL): pure
def fts_expression(text: str) -> str:
    """A safe FTS5 query from user text: folded words, all required.

    Folding leaves only ``[a-z0-9 ]``, so no FTS operator (``"``, ``NEAR(``, ``*``, ``-``)
    from the user survives; each word is then quoted. A word the product vocabulary knows
    ("eieren", "œufs", "eggs", "groenten") becomes the OR of every name of its products in
    every language, so the three languages find exactly the same places; other words match
    as prefixes ("boerder" finds "Boerderij").
    """
    vocab = load_vocabulary()
    parts = []
    for word in fold(text).split()[:MAX_WORDS]:
        codes = vocab.search_codes(word) if len(word) >= 3 else []
        terms = list(dict.fromkeys(
            [word] + [t for c in codes if c in vocab.products for t in vocab.products[c].terms()]
        ))[:MAX_EXPANSION]
        if len(terms) > 1:
            # Longer terms match as prefixes too ("fruit" finds "Fruithof"); short ones
            # ("ei") only whole, or they would match half the dictionary.
            parts.append("(" + " OR ".join(f'"{t}"*' if len(t) >= 4 else f'"{t}"'
                                           for t in terms) + ")")
        else:
            parts.append(f'"{word}"*')
    return " AND ".join(parts)
