"""Jinja filters for dates, months and payment methods in the page's language."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, get_month_names
from flask import Flask

from regional_map.places.freshness import state as freshness_state
from regional_map.places.vocab import format_months
from regional_map.web.context import settings
from regional_map.web.i18n import gettext as _


def N_(text: str) -> str:  # noqa: N802 - the gettext convention: marked, translated later
    return text


PAYMENT_LABELS = {
    "cash": N_("Cash"), "debit_card": N_("Debit card"), "credit_card": N_("Credit card"),
    "contactless": N_("Contactless"), "qr_code": N_("QR code / app"), "app": N_("App"),
    "transfer": N_("Bank transfer"),
}


def dayname(day: date, lang: str) -> str:
    """``Monday 24 Nov`` / ``maandag 24 nov.`` / ``lundi 24 nov.``"""
    return format_date(day, "EEEE d MMM", locale=lang)


def months(values: tuple[int, ...], lang: str) -> str:
    """A season as month names: ``(4, 5, 6)`` → ``"April–June"`` in the page's language."""
    names = get_month_names("wide", locale=lang)
    parts = []
    for chunk in format_months(values).split(","):
        if "-" in chunk:
            first, last = (int(x) for x in chunk.split("-"))
            parts.append(f"{names[first]}–{names[last]}")
        elif chunk:
            parts.append(names[int(chunk)])
    return ", ".join(parts)


def payment_label(code: str) -> str:
    return _(PAYMENT_LABELS.get(code, code))


def place_freshness(place: dict, today: date | None = None) -> str:
    """``fresh``, ``stale`` or ``hidden`` by this app's months (``place | freshness``)."""
    cfg = settings()
    return freshness_state(place, today or date.today(), cfg["STALE_MONTHS"],
                           cfg["HIDE_AFTER_MONTHS"])


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(dayname, "dayname")
    app.add_template_filter(months, "months")
    app.add_template_filter(payment_label, "payment_label")
