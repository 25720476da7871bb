"""Wording of :mod:`regional_map.hours`: the short status line and its messages per language.

:func:`describe` turns an :class:`~regional_map.hours.model.HoursStatus` into
"Nu open, sluit om 18:00" / "Ouvre samedi 08:00"; :data:`MESSAGES` holds every
user-facing string (nl, fr, en). Import both from :mod:`regional_map.hours`.
"""

from __future__ import annotations

from datetime import datetime, time

from regional_map.hours.model import HoursStatus

__all__ = ["MESSAGES", "describe"]

#: All user-facing wording, per language, so it can move to a catalogue later.
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "open": "Open now",
        "open_closes_today": "Open now, closes {time}",
        "open_closes_tomorrow": "Open now, closes tomorrow {time}",
        "open_closes_day": "Open now, closes {day} {time}",
        "opens_today": "Opens today {time}",
        "opens_tomorrow": "Opens tomorrow {time}",
        "opens_day": "Opens {day} {time}",
        "closed": "Closed",
        "unknown": "Hours unknown",
        "day_with_date": "{day} {date}",
        "monday": "Monday",
        "tuesday": "Tuesday",
        "wednesday": "Wednesday",
        "thursday": "Thursday",
        "friday": "Friday",
        "saturday": "Saturday",
        "sunday": "Sunday",
    },
    "nl": {
        "open": "Nu open",
        "open_closes_today": "Nu open, sluit om {time}",
        "open_closes_tomorrow": "Nu open, sluit morgen om {time}",
        "open_closes_day": "Nu open, sluit {day} om {time}",
        "opens_today": "Opent vandaag {time}",
        "opens_tomorrow": "Opent morgen {time}",
        "opens_day": "Opent {day} {time}",
        "closed": "Gesloten",
        "unknown": "Openingsuren onbekend",
        "day_with_date": "{day} {date}",
        "monday": "maandag",
        "tuesday": "dinsdag",
        "wednesday": "woensdag",
        "thursday": "donderdag",
        "friday": "vrijdag",
        "saturday": "zaterdag",
        "sunday": "zondag",
    },
    "fr": {
        "open": "Ouvert",
        "open_closes_today": "Ouvert, ferme à {time}",
        "open_closes_tomorrow": "Ouvert, ferme demain à {time}",
        "open_closes_day": "Ouvert, ferme {day} à {time}",
        "opens_today": "Ouvre aujourd’hui {time}",
        "opens_tomorrow": "Ouvre demain {time}",
        "opens_day": "Ouvre {day} {time}",
        "closed": "Fermé",
        "unknown": "Horaires inconnus",
        "day_with_date": "{day} {date}",
        "monday": "lundi",
        "tuesday": "mardi",
        "wednesday": "mercredi",
        "thursday": "jeudi",
        "friday": "vendredi",
        "saturday": "samedi",
        "sunday": "dimanche",
    },
}
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def describe(status: HoursStatus, lang: str = "en") -> str:
    """Short human line for a status, e.g. "Nu open, sluit om 18:00" or "Ouvre samedi 08:00".

    ``lang`` is nl, fr or en (``nl-BE`` style tags work; anything else falls back to en).
    Days are relative to ``status.at``: today, tomorrow, a weekday name within the
    coming week, weekday plus date beyond it.
    """
    messages = MESSAGES.get(_lang(lang), MESSAGES["en"])
    if status.state == "open":
        if status.closes_at is None:
            return messages["open"]
        return _relative(messages, "open_closes", status.at, status.closes_at, closing=True)
    if status.state == "closed":
        if status.opens_at is None:
            return messages["closed"]
        return _relative(messages, "opens", status.at, status.opens_at, closing=False)
    return messages["unknown"]


def _lang(lang: str) -> str:
    """``"nl-BE"`` / ``"fr_BE"`` / ``"NL"`` -> ``"nl"`` / ``"fr"`` / ``"nl"``."""
    return lang.replace("_", "-").split("-")[0].lower()


def _relative(
    messages: dict[str, str], prefix: str, now: datetime, moment: datetime, *, closing: bool
) -> str:
    moment = moment.astimezone(now.tzinfo)
    days_ahead = (moment.date() - now.date()).days
    # "Closes 00:00" reads better than "closes tomorrow 00:00" for a same-day close.
    if closing and days_ahead == 1 and moment.time() == time(0):
        days_ahead = 0
    clock = f"{moment:%H:%M}"
    if days_ahead <= 0:
        return messages[f"{prefix}_today"].format(time=clock)
    if days_ahead == 1:
        return messages[f"{prefix}_tomorrow"].format(time=clock)
    day = messages[_WEEKDAY_KEYS[moment.weekday()]]
    if days_ahead >= 7:
        # The same weekday name would read as this week's.
        day = messages["day_with_date"].format(day=day, date=f"{moment.day}/{moment.month}")
    return messages[f"{prefix}_day"].format(day=day, time=clock)
