"""Which OSM elements are short-food-chain places: the one table ``import-osm`` applies.

The same table is documented in the README and matches the shipped Overpass query
(``data/osm/overpass_shortchain.overpassql``): a user who fetches their region with that
query and imports it with ``import-osm`` gets the elements this filter keeps.

A vending machine is kept only when it sells farm products (milk, eggs, potatoes, meat…):
cigarette, drink and parking machines are not short-chain places. A greengrocer, butcher,
cheese or dairy shop is kept only with a hint that it sells local or farm produce.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from regional_map.ingest.osm import product_text
from regional_map.places.vocab import load_vocabulary

# Hints that a shop sells farm, organic or local produce (tags or words in its name).
_LOCAL_WORDS = re.compile(
    r"\b(hoeve|boerderij|boer|hof|ferme|fermier|farm|hofladen|bauer|bio|organic|"
    r"lokaal|local|regional|streek|terroir|circuit court|korte keten)", re.IGNORECASE)


def _sells_farm_products(tags: dict[str, str]) -> bool:
    """Product tags, or the description, name products (``vending=food`` alone does not:
    most such machines sell snacks), or a farm word names the machine or its operator."""
    vocabulary = load_vocabulary()
    text = product_text(tags)
    if (text and vocabulary.match(text)) or "farm" in tags.get("vending", ""):
        return True
    description = tags.get("description", "")
    if description and vocabulary.match(description):
        return True
    names = " ".join(tags.get(k, "") for k in ("name", "operator", "brand"))
    return bool(_LOCAL_WORDS.search(names) or _MACHINE_WORDS.search(names))


# "Melkautomaat", "Eierautomaat", "Fruitautomaat", "Kartoffelautomat", "Milchtankstelle".
_MACHINE_WORDS = re.compile(
    r"(melk|eier|ei|fruit|aardappel|vlees|zuivel|kaas|honing|groente|kartoffel|milch|"
    r"lait|oeuf|pomme|legume|viande|fromage)\w*(automa|tankstelle)|distributeur de (lait|"
    r"oeufs|pommes|legumes|viande)", re.IGNORECASE)


def _local_hint(tags: dict[str, str]) -> bool:
    return (tags.get("organic") in ("yes", "only") or tags.get("farm") == "yes"
            or bool(tags.get("produce")) or tags.get("local") == "yes"
            or bool(_LOCAL_WORDS.search(tags.get("name", ""))))


def _always(tags: dict[str, str]) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    key: str
    values: tuple[str, ...]
    condition: Callable[[dict[str, str]], bool]
    kind: str
    note: str


SHORTCHAIN_RULES: tuple[Rule, ...] = (
    Rule("shop", ("farm",), _always, "farm_shop", "every farm shop"),
    Rule("amenity", ("vending_machine",), _sells_farm_products, "vending_machine",
         "when `vending` (or `product`, `sells`, `vending:*=yes`, the description) names farm "
         "products, or the name or operator is a farm's or a product machine's"),
    Rule("amenity", ("marketplace",), _always, "farmers_market", "every market place"),
    Rule("craft", ("beekeeper",), _always, "beekeeper", "every beekeeper"),
    Rule("shop", ("honey",), _always, "beekeeper", "honey shops"),
    Rule("shop", ("greengrocer", "butcher", "cheese", "dairy", "deli", "organic"), _local_hint,
         "retail_shop", "with `organic=yes|only`, `produce=*`, `farm=yes`, `local=yes` or "
         "a farm/organic/local word in the name"),
    Rule("place", ("farm",), _sells_farm_products, "producer",
         "farms that tag what they produce or sell"),
    Rule("landuse", ("farmyard",), _sells_farm_products, "producer",
         "farmyards that tag what they produce or sell"),
)


def shortchain_rule(tags: dict[str, str]) -> Rule | None:
    """The first rule that keeps an element, or None."""
    for rule in SHORTCHAIN_RULES:
        if tags.get(rule.key) in rule.values and rule.condition(tags):
            return rule
    return None


def is_shortchain(tags: dict[str, str]) -> bool:
    """Whether ``import-osm`` keeps an element with these tags."""
    return shortchain_rule(tags) is not None


def rules_table() -> list[tuple[str, str, str]]:
    """``(tag, kind, condition)`` rows, for the README and ``import-osm --help``."""
    return [(f"{r.key}={'|'.join(r.values)}", r.kind, r.note) for r in SHORTCHAIN_RULES]
