"""The product vocabulary: one code per product, found by its name in Dutch, French or English.

``data/products.csv`` lists every product (code, category, names in nl/fr/en, ``|``-separated
synonyms and the months it is locally in season); ``data/product_categories.csv`` names the
categories. Every category also has a *generic* product whose code equals the category code
(``vegetables``, ``cheese``…), so that tags such as ``produce=vegetables`` have somewhere to go.

All comparisons use :func:`regional_map.text.fold`, so "Œufs", "oeufs" and "OEUFS" are the same
word, and a term may belong to one product only (the loader refuses the files otherwise).

Words deliberately left out of :meth:`Vocabulary.match`: the generic OSM ``vending=*`` values
in :data:`IGNORED_WORDS` (``food``, ``drinks``, ``snacks``, ``sweets``, ``water``, ``coffee``,
``farm_products``…). On OSM they describe ordinary snack and soft-drink machines or say nothing
beyond "this is a farm", so mapping them to a product would make such machines show up in
searches for local drinks. ``meals`` is *not* ignored: it is a synonym of ``ready_meals``,
which farms do sell. :meth:`Vocabulary.lookup` still resolves ``drinks`` to the generic
``drinks`` entry, so a user's explicit search for drinks works.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from regional_map.db.functions import parse_months
from regional_map.resources import resource_dir
from regional_map.text import fold

LANGUAGES = ("nl", "fr", "en")
PRODUCTS_FILE = "products.csv"
CATEGORIES_FILE = "product_categories.csv"
PRODUCT_COLUMNS = ("code", "category", "name_nl", "name_fr", "name_en", "synonyms",
                   "season_months")
CATEGORY_COLUMNS = ("code", "name_nl", "name_fr", "name_en")

# Generic vending/produce values that match() skips (see the module docstring for why).
IGNORED_WORDS = frozenset(fold(w) for w in (
    "food", "foods", "drinks", "snacks", "sweets", "candy", "water", "coffee",
    "farm_products", "farm_produce", "hoeveproducten", "produits de la ferme",
))

# Where free text is cut into separate product mentions: list punctuation and the word
# "and" in the three languages. Brackets and ":" too, for "custard(nl:vla)" style values.
_SEPARATORS = re.compile(r"[;,/&+():|\n.]|\b(?:and|en|et)\b", re.IGNORECASE)
# Plural endings tried, in order, when a folded term has no direct match. "'s" (Dutch
# "paprika's") folds to " s". The stem must keep at least this many characters, so that
# "es" or "ons" never shrink to one- or two-letter words that happen to be terms.
_PLURAL_ENDINGS = ((" s", ""), ("ies", "y"), ("es", ""), ("s", ""), ("en", ""), ("x", ""))
_MIN_STEM = 3


# --- months -------------------------------------------------------------------------------

def format_months(months: Iterable[int]) -> str:
    """The compact text of a month list; ``parse_months(format_months(m))`` gives ``m`` back.

    Consecutive months become ranges. A season that runs over the new year is written
    first, as it is read: ``(1, 2, 3, 11, 12)`` gives ``"11-12,1-3"``; all twelve months
    give ``"1-12"`` and no months give ``""``.
    """
    unique = sorted(set(months))
    for month in unique:
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not between 1 and 12")
    runs: list[list[int]] = []
    for month in unique:
        if runs and runs[-1][1] == month - 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][1] == 12:
        # Winter season: "11-12,1-3" reads better than "1-3,11-12".
        runs.insert(0, runs.pop())
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


# --- records ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    """A product category (``vegetables``, ``dairy``…) with its names per language."""

    code: str
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        """The name in ``lang`` (``nl``, ``fr`` or ``en``), English when that is missing."""
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class Product:
    """One entry of the vocabulary."""

    code: str
    category: str
    names: dict[str, str]
    synonyms: tuple[str, ...]
    season_months: tuple[int, ...]

    def name(self, lang: str = "en") -> str:
        """The name in ``lang`` (``nl``, ``fr`` or ``en``), English when that is missing."""
        return self.names.get(lang) or self.names["en"]

    @property
    def is_generic(self) -> bool:
        """True for the entry that stands for its whole category (code == category)."""
        return self.code == self.category

    def terms(self) -> tuple[str, ...]:
        """Every name and synonym, folded and without repeats: what lookups match on."""
        raw = [self.names.get(lang, "") for lang in LANGUAGES] + list(self.synonyms)
        return tuple(dict.fromkeys(t for t in (fold(r) for r in raw) if t))


def _variants(folded: str) -> Iterator[str]:
    """The folded term, then its stems after removing one plural ending each."""
    yield folded
    for ending, replacement in _PLURAL_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= _MIN_STEM:
            yield folded[: -len(ending)] + replacement


# --- the vocabulary -----------------------------------------------------------------------

@dataclass
class Vocabulary:
    """Products and categories, with the term index used to recognise them in text.

    Build it with :func:`load_vocabulary`; constructing it directly raises ``ValueError``
    when a term belongs to two products or a product names an unknown category.
    """

    products: dict[str, Product]
    categories: dict[str, Category]
    _terms: dict[str, str] = field(init=False, repr=False)
    _category_terms: dict[str, str] = field(init=False, repr=False)
    _by_category: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _max_words: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._terms = {}
        by_category: dict[str, list[str]] = {code: [] for code in self.categories}
        for product in self.products.values():
            if product.category not in self.categories:
                raise ValueError(f"product {product.code!r} has unknown category "
                                 f"{product.category!r}")
            for term in product.terms():
                other = self._terms.setdefault(term, product.code)
                if other != product.code:
                    raise ValueError(f"term {term!r} belongs to both {other!r} and "
                                     f"{product.code!r}")
            by_category[product.category].append(product.code)
        # The generic entry first, so category searches list it before the specific ones.
        self._by_category = {
            cat: tuple(sorted(codes, key=lambda c, cat=cat: c != cat))
            for cat, codes in by_category.items()
        }
        self._category_terms = {}
        for category in self.categories.values():
            for raw in (category.code, *category.names.values()):
                if fold(raw):
                    self._category_terms.setdefault(fold(raw), category.code)
        self._max_words = max((t.count(" ") + 1 for t in self._terms), default=1)

    def lookup(self, term: str) -> str | None:
        """The code of the product that ``term`` names, in any language, or None.

        The whole folded term must equal a name or synonym; when it does not, simple plural
        endings (``s``, ``es``, ``en``, ``x``, Dutch ``'s``) are removed and tried once.
        A product code itself (``brussels_sprouts``) is also accepted.
        """
        if term in self.products:
            return term
        return self._lookup_folded(fold(term))

    def match(self, text: str) -> list[str]:
        """The product codes mentioned in free text, unique, in the order they appear.

        The text is cut on ``; , / & + ( ) :`` and on the words and/en/et, then each piece
        is read left to right, always taking the longest run of words that is a known term
        ("pommes de terre" is potatoes, not apples; "goat cheese" is not just cheese).
        Unknown words and :data:`IGNORED_WORDS` are skipped.
        """
        found: dict[str, None] = {}
        for piece in _SEPARATORS.split(text or ""):
            words = fold(piece).split()
            i = 0
            while i < len(words):
                step = 1
                for n in range(min(self._max_words, len(words) - i), 0, -1):
                    phrase = " ".join(words[i:i + n])
                    if phrase in IGNORED_WORDS:
                        step = n
                        break
                    code = self._lookup_folded(phrase)
                    if code is not None:
                        found.setdefault(code, None)
                        step = n
                        break
                i += step
        return list(found)

    def search_codes(self, term: str) -> list[str]:
        """The product codes a user's search word stands for.

        A category name in any language ("groenten", "légumes", "zuivel") or a word for a
        category's generic entry ("groente") gives every product of that category, generic
        entry first. A product name or synonym gives that product. Anything longer
        ("prei en wortelen") is read with :meth:`match`, categories expanded the same way.
        Returns ``[]`` when nothing is recognised.
        """
        folded = fold(term)
        if not folded:
            return []
        for candidate in _variants(folded):
            category = self._category_terms.get(candidate)
            if category is not None:
                return list(self._by_category[category])
        code = self.lookup(term)
        codes = [code] if code is not None else self.match(term)
        result: dict[str, None] = {}
        for code in codes:
            if code in self.categories:
                result.update(dict.fromkeys(self._by_category[code]))
            else:
                result.setdefault(code, None)
        return list(result)

    def codes_in_category(self, category: str) -> list[str]:
        """Every product code of ``category``, its generic entry first (KeyError if unknown)."""
        return list(self._by_category[category])

    def in_season(self, code: str, month: int) -> bool:
        """Whether product ``code`` is locally in season in ``month`` (1 = January).

        Raises ``KeyError`` for an unknown code and ``ValueError`` for a month outside 1-12.
        """
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} is not between 1 and 12")
        return month in self.products[code].season_months

    def _lookup_folded(self, folded: str) -> str | None:
        if not folded:
            return None
        for candidate in _variants(folded):
            code = self._terms.get(candidate)
            if code is not None:
                return code
        return None


# --- loading ------------------------------------------------------------------------------

def _read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    # utf-8-sig: the files are often edited in spreadsheet programs that add a BOM.
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


@lru_cache(maxsize=8)
def load_vocabulary(data_dir: Path | None = None) -> Vocabulary:
    """Read ``products.csv`` and ``product_categories.csv`` from ``data_dir``.

    ``data_dir`` defaults to the shipped ``data/`` folder. The result is cached
    per directory (``load_vocabulary.cache_clear()`` after editing the files). Raises
    ``ValueError`` with the file and line on a bad row: missing name, unknown category,
    repeated code, bad season, or a term shared by two products.
    """
    directory = Path(data_dir) if data_dir is not None else resource_dir("data")
    categories: dict[str, Category] = {}
    for line, row in enumerate(_read_rows(directory / CATEGORIES_FILE, CATEGORY_COLUMNS), 2):
        where = f"{CATEGORIES_FILE}:{line}"
        if not row["code"] or row["code"] in categories:
            raise ValueError(f"{where}: missing or repeated category code {row['code']!r}")
        names = {lang: row[f"name_{lang}"] for lang in LANGUAGES}
        if not all(names.values()):
            raise ValueError(f"{where}: category {row['code']!r} needs a name in nl, fr and en")
        categories[row["code"]] = Category(row["code"], names)

    products: dict[str, Product] = {}
    for line, row in enumerate(_read_rows(directory / PRODUCTS_FILE, PRODUCT_COLUMNS), 2):
        where = f"{PRODUCTS_FILE}:{line}"
        code = row["code"]
        if not code or code in products:
            raise ValueError(f"{where}: missing or repeated product code {code!r}")
        if row["category"] not in categories:
            raise ValueError(f"{where}: unknown category {row['category']!r}")
        names = {lang: row[f"name_{lang}"] for lang in LANGUAGES}
        if not all(names.values()):
            raise ValueError(f"{where}: product {code!r} needs a name in nl, fr and en")
        try:
            season = parse_months(row["season_months"])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        synonyms = tuple(s.strip() for s in row["synonyms"].split("|") if s.strip())
        products[code] = Product(code, row["category"], names, synonyms, season)

    try:
        return Vocabulary(products, categories)
    except ValueError as exc:
        raise ValueError(f"{PRODUCTS_FILE}: {exc}") from None
