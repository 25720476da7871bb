"""Optional fields of a row (hours, products, flags, payment, contact, status, dates).

A fault in one of them does not cost the row: in a lenient import (the default) the row is
kept, the raw text stays in ``extra.raw`` and the fault is reported with the row's line. A
strict import, and the public contribution form, keep the old all-or-nothing rule and reject
the row with the same reason.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import opening_hours

from regional_map.model import STATUSES
from regional_map.places.vocab import Vocabulary, parse_months
from regional_map.text import fold

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PAYMENT_ALIASES = {
    "cash": "cash", "contant": "cash", "contanten": "cash", "especes": "cash", "cash only": "cash",
    "bancontact": "debit_card", "maestro": "debit_card", "debit card": "debit_card",
    "debit": "debit_card", "pin": "debit_card", "pinnen": "debit_card", "card": "debit_card",
    "kaart": "debit_card", "carte": "debit_card", "debit cards": "debit_card",
    "credit card": "credit_card", "credit cards": "credit_card", "visa": "credit_card",
    "mastercard": "credit_card", "kredietkaart": "credit_card", "carte de credit": "credit_card",
    "contactless": "contactless", "contactloos": "contactless", "sans contact": "contactless",
    "qr": "qr_code", "qr code": "qr_code", "payconiq": "qr_code", "app": "app",
    "overschrijving": "transfer", "virement": "transfer", "transfer": "transfer",
}
PAYMENT_METHODS = ("cash", "debit_card", "credit_card", "contactless", "qr_code", "app",
                   "transfer")
_TRUE = {"yes", "ja", "oui", "true", "1", "y", "j", "x", "only", "bio", "waar", "vrai"}
_FALSE = {"no", "nee", "non", "false", "0", "n", "onwaar", "faux"}


class RowError(ValueError):
    """A row that cannot be imported; the message is the reason shown to the user."""


def parse_bool(text: str) -> bool | None:
    folded = fold(text)
    if not folded:
        return None
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise RowError(f"cannot read {text!r} as yes or no")


def parse_payment(text: str) -> tuple[list[str], list[str]]:
    """Payment methods from free text; returns (codes, unknown words)."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;,/|+]| and | en | et ", text):
        folded = fold(part)
        if not folded:
            continue
        code = folded if folded in PAYMENT_METHODS else PAYMENT_ALIASES.get(folded)
        if code is None and folded.replace(" ", "_") in PAYMENT_METHODS:
            code = folded.replace(" ", "_")
        if code:
            if code not in codes:
                codes.append(code)
        else:
            unknown.append(part.strip())
    return codes, unknown


def parse_date(text: str, what: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    for candidate in (value, value[:10]):
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            pass
    match = re.match(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    raise RowError(f"{what} {text!r} is not a date (use YYYY-MM-DD)")


def normalise_website(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE):
        # Only web links: a javascript: or data: URL in a website column is an attack.
        if not re.match(r"^https?://", value, re.IGNORECASE):
            raise RowError(f"website {value[:60]!r} is not an http(s) address")
        return value
    if " " in value or "." not in value:
        raise RowError(f"website {value[:60]!r} is not a web address")
    return "https://" + value


class Faults:
    """Collects the faults of one row's optional fields (or raises, when not lenient)."""

    def __init__(self, lenient: bool, warnings: list[str], extra: dict[str, Any]):
        self.lenient = lenient
        self.warnings = warnings
        self.extra = extra
        self.found: list[str] = []

    def __call__(self, field: str, raw: str, reason: str, kept: str = "kept as text") -> None:
        if not self.lenient:
            raise RowError(reason)
        self.found.append(reason)
        self.warnings.append(f"{reason}; {kept}")
        self.extra.setdefault("raw", {})[field] = raw


def optional_fields(fields: dict[str, str], record: dict[str, Any], vocabulary: Vocabulary,
                    *, is_osm: bool, faults: Faults) -> list[str]:
    """Fill ``record`` from the optional fields; returns the product codes."""
    warnings = faults.warnings
    hours = fields.get("opening_hours", "")
    if hours and not opening_hours.validate(hours):
        if is_osm:
            # OSM is where this syntax lives; its free-text values stay, shown as "hours
            # unknown", as they always have.
            warnings.append(f"opening hours {hours!r} do not parse; kept as text")
        else:
            faults("opening_hours", hours,
                   f"invalid opening hours {hours!r} (use OSM opening_hours syntax)")
    record["opening_hours"] = hours

    products: list[str] = []
    if fields.get("products"):
        products = vocabulary.match(fields["products"])
        if not products:
            if is_osm:
                faults.extra.setdefault("raw", {})["products"] = fields["products"]
            else:
                warnings.append(f"no known product in {fields['products']!r}")
                faults.extra.setdefault("raw", {})["products"] = fields["products"]
    if fields.get("season_months"):
        try:
            record["season_months"] = ",".join(str(m) for m in
                                               parse_months(fields["season_months"]))
        except ValueError:
            faults("season_months", fields["season_months"],
                   f"season {fields['season_months']!r} is not a month list "
                   "such as 4-10 or 11-12,1-3")
    for flag in ("organic", "sells_to_business"):
        if fields.get(flag):
            try:
                record[flag] = parse_bool(fields[flag])
            except RowError as exc:
                faults(flag, fields[flag], f"{flag.replace('_', ' ')}: {exc}")
    if fields.get("payment"):
        codes, unknown = parse_payment(fields["payment"])
        record["payment"] = codes
        if unknown:
            warnings.append(f"unknown payment methods: {', '.join(unknown)}")
    try:
        record["website"] = normalise_website(fields.get("website", ""))
    except RowError as exc:
        warnings.append(f"{exc}; dropped")
        faults.extra.setdefault("raw", {})["website"] = fields["website"]
        record["website"] = ""
    email = fields.get("email", "")
    if email and not _EMAIL.match(email):
        warnings.append(f"email {email!r} is not an address; dropped")
        faults.extra.setdefault("raw", {})["email"] = email
        email = ""
    record["email"] = email
    phone = fields.get("phone", "")
    if phone and sum(c.isdigit() for c in phone) < 6:
        warnings.append(f"phone {phone[:40]!r} has too few digits; kept as text")
    record["phone"] = phone[:40]
    _status_and_dates(fields, record, faults)
    return products


def _status_and_dates(fields: dict[str, str], record: dict[str, Any], faults: Faults) -> None:
    status = fold(fields.get("status", "")).replace(" ", "_") or "active"
    status = {"open": "active", "actief": "active", "gesloten": "closed", "ferme": "closed",
              "stopped": "closed", "gestopt": "closed"}.get(status, status)
    if status not in STATUSES:
        faults("status", fields["status"],
               f"unknown status {fields['status']!r}; use one of {', '.join(STATUSES)}",
               kept="kept as active")
        status = "active"
    record["status"] = status
    try:
        record["closed_on"] = parse_date(fields.get("closed_on", ""), "closing date")
    except RowError as exc:
        faults("closed_on", fields["closed_on"], str(exc))
        record["closed_on"] = None
    try:
        record["last_confirmed"] = parse_date(fields.get("last_confirmed", ""), "check date")
    except RowError as exc:
        faults.warnings.append(str(exc))
        record["last_confirmed"] = None
