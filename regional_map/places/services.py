"""The service vocabulary (``data/services.csv``): what a hub, a platform or a farm does for
others — slaughtering, cutting, processing, cold storage, logistics, delivery, jar washing…

Each service has names in nl/fr/en and ``|``-separated synonyms, so that "slachthuis",
"abattoir" and "slaughterhouse" find the same places and networks. Unlike products, a synonym
may belong to several services ("slachthuis" is slaughtering in general and poultry
slaughtering in particular).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from regional_map.model import LANGUAGES
from regional_map.resources import resource_dir
from regional_map.text import fold

SERVICES_FILE = "services.csv"


@dataclass(frozen=True)
class Service:
    code: str
    nl: str
    fr: str
    en: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        """The service's name in ``lang`` (English for an unknown language)."""
        return getattr(self, lang if lang in LANGUAGES else "en")

    def terms(self) -> tuple[str, ...]:
        """Every folded name and synonym, for search and for the place index."""
        words = [self.nl, self.fr, self.en, *self.synonyms]
        return tuple(dict.fromkeys(fold(w) for w in words if w.strip()))


@lru_cache(maxsize=1)
def load_services() -> dict[str, Service]:
    """Every service by code, in the order of the file."""
    path = resource_dir("data") / SERVICES_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: Service(row["code"], row["name_nl"], row["name_fr"], row["name_en"],
                             tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()))
        for row in rows
    }


def search_services(text: str) -> list[Service]:
    """Services whose name or synonym equals, starts with or contains the folded ``text``.

    Exact names and synonyms first, then prefixes, then words inside longer names.
    """
    query = fold(text).strip()
    if len(query) < 3:
        return []
    ranked = []
    for position, service in enumerate(load_services().values()):
        terms = service.terms()
        if query in terms:
            rank = 0
        elif any(t.startswith(query) or query.startswith(t) and len(t) >= 5 for t in terms):
            rank = 1
        elif any(query in t.split() or (len(query) >= 5 and query in t) for t in terms):
            rank = 2
        else:
            continue
        ranked.append((rank, position, service))
    return [s for _, _, s in sorted(ranked, key=lambda r: (r[0], r[1]))]


def services_text(codes: list[str]) -> str:
    """The folded names and synonyms of ``codes``, as the place search index holds them."""
    services = load_services()
    return " ".join(" ".join(services[c].terms()) for c in codes if c in services)
