"""What moderators and network editors do to places and links, each change logged.

Permission checks live here too (``auth.can_edit_place``), so a view cannot forget them.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from regional_map.db.connection import transaction
from regional_map.ingest.rows import RowError, normalise_website
from regional_map.model import LINK_TYPES, PLACE_KINDS, STATUSES
from regional_map.places.audit import apply_place_edit, record
from regional_map.places.store import upsert_link
from regional_map.places.vocab import load_vocabulary
from regional_map.trust.auth import actor, can_edit_place, is_moderator, network_place_ids

EDITABLE = ("name", "kind", "description", "street", "housenumber", "postcode", "city",
            "opening_hours", "website", "phone", "email", "status", "lat", "lon",
            "sells_to_business")


class Forbidden(PermissionError):
    pass


class EditError(ValueError):
    pass


def _require(conn: sqlite3.Connection, user: dict, place_id: str) -> None:
    if not can_edit_place(conn, user, place_id):
        raise Forbidden(f"{user['username']} may not edit {place_id}")


def clean_edit(form: dict[str, str]) -> tuple[dict, list[str] | None]:
    """Edited fields from a form → column values (and product codes); raises EditError."""
    import opening_hours

    values: dict = {}
    for name in EDITABLE:
        if name in form:
            values[name] = (form.get(name) or "").strip()
    if "name" in values and not values["name"]:
        raise EditError("a place needs a name")
    if "name" in values and len(values["name"]) > 200:
        raise EditError("name is longer than 200 characters")
    if "kind" in values and values["kind"] not in PLACE_KINDS:
        raise EditError(f"unknown kind {values['kind']!r}")
    if "sells_to_business" in values:
        # A buyer (kitchen, restaurant, shop) looks for places that deliver to businesses.
        if values["sells_to_business"] not in ("0", "1"):
            raise EditError("sells_to_business: give 1 (yes) or 0 (no)")
        values["sells_to_business"] = values["sells_to_business"] == "1"
    if "status" in values and values["status"] not in STATUSES:
        raise EditError(f"unknown status {values['status']!r}")
    if values.get("opening_hours") and not opening_hours.validate(values["opening_hours"]):
        raise EditError("opening hours do not parse (use OSM opening_hours syntax)")
    if "website" in values:
        try:
            values["website"] = normalise_website(values["website"])
        except RowError as exc:
            raise EditError(str(exc)) from None
    for axis, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        if axis in values:
            try:
                number = float(values[axis].replace(",", "."))
            except ValueError:
                raise EditError(f"{axis} is not a number") from None
            if not low <= number <= high:
                raise EditError(f"{axis} is out of range")
            values[axis] = round(number, 7)
    if "lat" in values or "lon" in values:
        values["geocode_precision"] = "manual"
        values["geocode_source"] = "moderator"
    products = None
    if "products" in form:
        products = load_vocabulary().match(form.get("products") or "") if form.get(
            "products", "").strip() else []
    return values, products


def edit_place(conn: sqlite3.Connection, user: dict, place_id: str, form: dict[str, str],
               reason: str = "") -> int | None:
    _require(conn, user, place_id)
    values, products = clean_edit(form)
    if values.get("status") == "closed":
        values.setdefault("closed_on", date.today().isoformat())
    return apply_place_edit(conn, place_id, values, products, actor=actor(user),
                            action="edit", reason=reason)


def close_place(conn: sqlite3.Connection, user: dict, place_id: str, reason: str = "",
                closed_on: str | None = None) -> int | None:
    if not is_moderator(user):
        raise Forbidden("only moderators close places")
    return apply_place_edit(conn, place_id, {"status": "closed",
                                             "closed_on": closed_on or date.today().isoformat()},
                            None, actor=actor(user), action="close", reason=reason)


def merge_places(conn: sqlite3.Connection, user: dict, duplicate_id: str, keep_id: str,
                 reason: str = "") -> int:
    """Merge a duplicate into the place kept: its links move over, it is closed and points to
    the one kept (``extra.merged_into``). Reversible: the links move back with a revert of
    the link changes, the place with a revert of the merge."""
    if not is_moderator(user):
        raise Forbidden("only moderators merge places")
    if duplicate_id == keep_id:
        raise EditError("a place cannot be merged into itself")
    with transaction(conn):
        rows = {r["id"]: r for r in conn.execute(
            "SELECT id, extra FROM places WHERE id IN (?, ?)", (duplicate_id, keep_id))}
        if len(rows) != 2:
            raise EditError("both places must exist")
        import json

        extra = json.loads(rows[duplicate_id]["extra"] or "{}")
        extra["merged_into"] = keep_id
        who = actor(user)
        for link in conn.execute(
            "SELECT * FROM links WHERE (from_kind = 'place' AND from_id = ?) OR "
            "(to_kind = 'place' AND to_id = ?)", (duplicate_id, duplicate_id)).fetchall():
            moved = dict(link)
            for end in ("from", "to"):
                if moved[f"{end}_kind"] == "place" and moved[f"{end}_id"] == duplicate_id:
                    moved[f"{end}_id"] = keep_id
            remove_link(conn, user, dict(link), reason=f"merge into {keep_id}", check=False)
            add_link(conn, user, moved, reason=f"merge of {duplicate_id}", check=False)
        change = apply_place_edit(
            conn, duplicate_id,
            {"status": "closed", "closed_on": date.today().isoformat(), "extra": extra},
            None, actor=who, action="merge", reason=reason or f"duplicate of {keep_id}")
        return change


def _link_id(link: dict) -> str:
    return f"{link['from_kind']}:{link['from_id']} {link['type']} {link['to_kind']}:{link['to_id']}"


def _may_edit_link(conn: sqlite3.Connection, user: dict, link: dict) -> bool:
    if is_moderator(user):
        return True
    network = user.get("network_id")
    ends = [(link["from_kind"], link["from_id"]), (link["to_kind"], link["to_id"])]
    return user["role"] == "network_editor" and ("network", network) in ends


def add_link(conn: sqlite3.Connection, user: dict, link: dict, reason: str = "",
             check: bool = True) -> int:
    """Add a typed link (a network editor: only links of their own network)."""
    if link["type"] not in LINK_TYPES:
        raise EditError(f"unknown link type {link['type']!r}")
    if check and not _may_edit_link(conn, user, link):
        raise Forbidden("network editors edit only their own network's links")
    if check and not is_moderator(user):
        # An editor cannot pull an outside place into the network (and so gain the right to
        # edit it): new members are a moderator's decision.
        members = network_place_ids(conn, user["network_id"])
        for end in ("from", "to"):
            if link[f"{end}_kind"] == "place" and link[f"{end}_id"] not in members:
                raise Forbidden("a network editor links only places already in the network")
    clean = {k: link.get(k) or "" for k in ("from_kind", "from_id", "type", "to_kind", "to_id",
                                            "schedule", "note")}
    for end in ("from", "to"):
        table = {"place": "places", "network": "networks"}.get(clean[f"{end}_kind"])
        if table is None:
            raise EditError(f"{end}_kind must be place or network")
        if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 - fixed names
                        (clean[f"{end}_id"],)).fetchone() is None:
            raise EditError(f"no {clean[f'{end}_kind']} with id {clean[f'{end}_id']!r}")
    with transaction(conn):
        upsert_link(conn, **clean)
        return record(conn, actor=actor(user), action="link_add", entity="link",
                      entity_id=_link_id(clean), after=clean, reason=reason)


def remove_link(conn: sqlite3.Connection, user: dict, link: dict, reason: str = "",
                check: bool = True) -> int | None:
    if check and not _may_edit_link(conn, user, link):
        raise Forbidden("network editors edit only their own network's links")
    with transaction(conn):
        row = conn.execute(
            "SELECT * FROM links WHERE from_kind = ? AND from_id = ? AND type = ? AND "
            "to_kind = ? AND to_id = ?",
            (link["from_kind"], link["from_id"], link["type"], link["to_kind"], link["to_id"]),
        ).fetchone()
        if row is None:
            return None
        before = {k: row[k] for k in ("from_kind", "from_id", "type", "to_kind", "to_id",
                                      "schedule", "note")}
        conn.execute("DELETE FROM links WHERE id = ?", (row["id"],))
        return record(conn, actor=actor(user), action="link_remove", entity="link",
                      entity_id=_link_id(before), before=before, reason=reason)


def place_links(conn: sqlite3.Connection, place_id: str) -> list[dict]:
    """Every link from or to a place (for its admin page)."""
    return [dict(r) for r in conn.execute(
        "SELECT * FROM links WHERE (from_kind = 'place' AND from_id = ?) OR "
        "(to_kind = 'place' AND to_id = ?) ORDER BY id", (place_id, place_id))]
