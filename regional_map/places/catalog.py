"""The reference resources of the API: the product vocabulary and the data sources."""

from __future__ import annotations

import sqlite3

from regional_map.places.vocab import Product, Vocabulary


def product_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Active places offering each product code."""
    return dict(conn.execute(
        """SELECT pp.product_code, COUNT(*) FROM place_products pp
           JOIN places p ON p.num = pp.place_num WHERE p.status = 'active'
           GROUP BY pp.product_code""").fetchall())


def product_record(product: Product, vocab: Vocabulary, counts: dict[str, int],
                   lang: str = "en") -> dict:
    category = vocab.categories.get(product.category)
    return {
        "code": product.code,
        "name": product.name(lang),
        "names": {code: product.name(code) for code in ("nl", "fr", "en")},
        "category": product.category,
        "category_name": category.name(lang) if category else product.category,
        "synonyms": list(product.synonyms),
        "season_months": list(product.season_months),
        "places": counts.get(product.code, 0),
    }


def list_products(conn: sqlite3.Connection, vocab: Vocabulary, *, q: str = "",
                  category: str = "", month: int | None = None, lang: str = "en") -> list[dict]:
    """Products in the order of their code, optionally those a search word, a category or a
    month (in season) selects. Unknown categories select nothing (the view says 400)."""
    codes = vocab.search_codes(q) if q.strip() else sorted(vocab.products)
    counts = product_counts(conn)
    out = []
    for code in codes:
        product = vocab.products.get(code)
        if product is None:
            continue
        if category and product.category != category:
            continue
        if month is not None and month not in product.season_months:
            continue
        out.append(product_record(product, vocab, counts, lang))
    return out


def list_sources(conn: sqlite3.Connection) -> list[dict]:
    """Every dataset with its licence, attribution, last import and current place count."""
    counts = dict(conn.execute(
        "SELECT source_id, COUNT(*) FROM places GROUP BY source_id").fetchall())
    rows = []
    for row in conn.execute("SELECT * FROM sources ORDER BY id"):
        record = dict(row)
        record["places"] = counts.get(record["id"], 0)
        record["share_alike"] = "ODbL" in (record["licence"] or "") or "SA" in (
            record["licence"] or "").split()
        rows.append(record)
    return rows


def get_source(conn: sqlite3.Connection, source_id: str) -> dict | None:
    return next((s for s in list_sources(conn) if s["id"] == source_id), None)
