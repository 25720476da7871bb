"""The citizen directory's plain functions: where is "near", what to say about each place.

Views call these; they know nothing of Flask.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from regional_map.errors import BadParameter
from regional_map.geocode.gazetteer import Gazetteer, GeocodeError
from regional_map.hours.opening import describe, status
from regional_map.model import kind_label
from regional_map.places.vocab import load_vocabulary

_WHERE = re.compile(
    r"^\s*(?P<postcode>\d{4}(?:\s?[A-Za-z]{2}(?![A-Za-z]))?)?[\s,]*(?P<town>.*?)\s*$"
)


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str


def resolve_where(conn: sqlite3.Connection, text: str) -> Location:
    """A typed postcode or town ("9000", "Gent", "1011 Amsterdam") as a point.

    Raises :class:`BadParameter` (``where``) when the gazetteer does not know it.
    """
    match = _WHERE.match(text or "")
    postcode = (match.group("postcode") or "").strip() if match else ""
    town = (match.group("town") or "").strip() if match else text.strip()
    gazetteer = Gazetteer(conn)
    try:
        if postcode:
            hit = gazetteer.postcode(postcode, None, town or None)
            label = f"{hit.postcode} {hit.place_name}"
        elif town:
            hit = gazetteer.town(town)
            label = hit.place_name
        else:
            raise BadParameter("where", "give a postcode or a town")
    except GeocodeError as exc:
        raise BadParameter("where", str(exc)) from None
    return Location(hit.lat, hit.lon, label)


def apply_where(conn: sqlite3.Connection, args: dict[str, str]) -> Location | None:
    """Turn ``where=`` into ``near=lat,lon`` in ``args`` (an explicit ``near`` wins)."""
    if args.get("near") or not args.get("where", "").strip():
        return None
    location = resolve_where(conn, args["where"])
    args["near"] = f"{location.lat:.6f},{location.lon:.6f}"
    return location


def format_distance(metres: float | None, lang: str) -> str:
    if metres is None:
        return ""
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    km = metres / 1000
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    return (text.replace(".", ",") if lang in ("nl", "fr") else text) + " km"


def hours_line(place: dict, at: datetime, lang: str, tz: str) -> tuple[str, str]:
    """(state, sentence) for a place now: ("open", "Open now, closes 18:00")."""
    result = status(place.get("opening_hours"), at, place.get("country") or "BE", tz)
    return result.state, describe(result, lang)


def decorate(places: list[dict], *, lang: str, at: datetime, tz: str) -> list[dict[str, Any]]:
    """Add what the list and popups show: kind label, address, hours line, distance, products."""
    vocab = load_vocabulary()
    for place in places:
        place["kind_label"] = kind_label(place["kind"], lang)
        street = " ".join(filter(None, [place["street"], place["housenumber"]]))
        town = " ".join(filter(None, [place["postcode"], place["city"]]))
        if not town and place.get("municipality"):
            town = place["municipality"].get(lang) or place["municipality"].get("nl") or ""
        place["address"] = ", ".join(filter(None, [street, town]))
        place["hours_state"], place["hours_text"] = hours_line(place, at, lang, tz)
        place["distance_text"] = format_distance(place.get("distance_m"), lang)
        place["product_names"] = [vocab.products[c].name(lang) for c in place["products"]
                                  if c in vocab.products]
    return places
