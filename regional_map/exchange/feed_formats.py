"""Feed entries as Atom 1.0 (built with feedgen) and JSON Feed 1.1 (plain JSON, per the spec).

Formatters only: they take :class:`~regional_map.exchange.feeds.FeedEntry` lists and the
addresses to use, and return text or a dict. Texts are plain (feedgen escapes them), so a
place name with markup stays text in every reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from regional_map.exchange.feeds import FeedEntry

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LABELS = {
    "en": {"added": "Added", "updated": "Updated", "closed": "Closed",
           "left_source": "Left its source", "by": "by", "title": "Regional Map: changes"},
    "nl": {"added": "Toegevoegd", "updated": "Gewijzigd", "closed": "Gesloten",
           "left_source": "Niet meer in de bron", "by": "door",
           "title": "Regional Map: wijzigingen"},
    "fr": {"added": "Ajouté", "updated": "Modifié", "closed": "Fermé",
           "left_source": "Retiré de sa source", "by": "par",
           "title": "Regional Map : modifications"},
}


@dataclass
class FeedInfo:
    """What a feed says about itself: its own address, the page it mirrors, its subject."""

    feed_url: str
    home_url: str
    subtitle: str
    lang: str
    place_url: Callable[[str], str]
    rights: str


# Characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/FFFF): a query
# parameter or a name holding one must not make the feed unwritable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def _stamp(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _short(value: object) -> str:
    text = "" if value is None else ", ".join(map(str, value)) if isinstance(value, list) \
        else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def entry_title(entry: FeedEntry, lang: str) -> str:
    return f"{LABELS[lang][entry.change_type]}: {entry.place['name']}"


def entry_text(entry: FeedEntry, lang: str) -> str:
    """One line per changed field (``phone: old → new``), then who made the change."""
    lines = [f"{name}: {_short(old)} → {_short(new)}" for name, (old, new) in entry.fields.items()]
    where = f" ({entry.place['city']})" if entry.place.get("city") else ""
    lines.append(f"{LABELS[lang][entry.change_type]}{where} {LABELS[lang]['by']} {entry.who}")
    return "\n".join(lines)


def _entry_id(entry: FeedEntry, info: FeedInfo) -> str:
    # A place added without a change entry has one "added" entry of its own.
    suffix = f"change-{entry.change_id}" if entry.change_id else "added"
    return f"{info.place_url(entry.place['id'])}#{suffix}"


def atom(entries: list[FeedEntry], info: FeedInfo) -> bytes:
    """An Atom 1.0 document of ``entries`` (newest first)."""
    labels = LABELS[info.lang]
    feed = FeedGenerator()
    feed.id(info.feed_url)
    feed.title(labels["title"])
    feed.subtitle(xml_safe(info.subtitle) or labels["title"])
    feed.author({"name": "Regional Map"})
    feed.link(href=info.feed_url, rel="self", type="application/atom+xml")
    feed.link(href=info.home_url, rel="alternate", type="text/html")
    feed.language(info.lang)
    feed.rights(xml_safe(info.rights))
    feed.updated(_stamp(entries[0].at) if entries else datetime(2000, 1, 1, tzinfo=UTC))
    for entry in reversed(entries):  # feedgen prepends: add oldest first
        item = feed.add_entry()
        item.id(_entry_id(entry, info))
        item.title(xml_safe(entry_title(entry, info.lang)))
        item.updated(_stamp(entry.at))
        item.published(_stamp(entry.at))
        item.link(href=info.place_url(entry.place["id"]), rel="alternate", type="text/html")
        item.content(xml_safe(entry_text(entry, info.lang)), type="text")
        item.category(term=entry.change_type, label=labels[entry.change_type])
        item.category(term=entry.place["kind"])
        item.author({"name": xml_safe(entry.who)})
    return feed.atom_str(pretty=True)


def json_feed(entries: list[FeedEntry], info: FeedInfo) -> dict:
    """A JSON Feed 1.1 document of ``entries``; ``_regional_map`` carries the data."""
    return {
        "version": JSON_FEED_VERSION,
        "title": LABELS[info.lang]["title"],
        "description": info.subtitle,
        "home_page_url": info.home_url,
        "feed_url": info.feed_url,
        "language": info.lang,
        "authors": [{"name": "Regional Map"}],
        "_regional_map": {"rights": info.rights},
        "items": [{
            "id": _entry_id(entry, info),
            "url": info.place_url(entry.place["id"]),
            "title": entry_title(entry, info.lang),
            "content_text": entry_text(entry, info.lang),
            "date_published": _stamp(entry.at).isoformat(),
            "date_modified": _stamp(entry.at).isoformat(),
            "authors": [{"name": entry.who}],
            "tags": [entry.change_type, entry.place["kind"]],
            "_regional_map": {
                "change": entry.change_id, "type": entry.change_type,
                "place_id": entry.place["id"], "status": entry.place["status"],
                "lat": entry.place["lat"], "lon": entry.place["lon"],
                "fields": {name: {"old": old, "new": new}
                           for name, (old, new) in entry.fields.items()},
            },
        } for entry in entries],
    }
