"""Moderation: sign in, the queue, place editing with history, revert, owner links."""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from regional_map.db.connection import transaction
from regional_map.model import LINK_TYPES, PLACE_KINDS, STATUSES
from regional_map.places import audit, freshness
from regional_map.places.rows import get_place
from regional_map.trust import contributions
from regional_map.trust.auth import (
    MODERATING_ROLES,
    actor,
    authenticate,
    can_edit_place,
    is_moderator,
    network_place_ids,
    throttle_key,
)
from regional_map.trust.moderation import (
    EditError,
    Forbidden,
    add_link,
    close_place,
    edit_place,
    merge_places,
    place_links,
    remove_link,
)
from regional_map.web.auth import (
    csrf_protect,
    current_user,
    init_auth,
    login,
    login_required,
    login_throttle,
    logout,
    private,
)
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.template_filters import place_freshness

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(csrf_protect)
bp.after_request(private)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
def login_page():
    error = None
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "")
        key = throttle_key(request.remote_addr, username, current_app.secret_key)
        throttle = login_throttle()
        conn = get_db()
        if throttle.blocked(conn, key):
            error, status = "Too many failed attempts; wait a while and try again.", 429
        else:
            with transaction(conn):
                user = authenticate(conn, username, request.form.get("password", ""))
            if user:
                throttle.forget(conn, key)
                login(user)
                return redirect(_safe_next(request.args.get("next")))
            throttle.failed(conn, key)
            error, status = "Wrong user name or password.", 401
    return render_template("admin/login.html", error=error, sources=[]), status


@bp.post("/logout", endpoint="logout")
def logout_page():
    logout()
    return redirect(url_for("pages.index"))


@bp.get("/")
@login_required()
def index():
    conn = get_db()
    user = current_user()
    cutoff = freshness.months_before(date.today(), settings()["STALE_MONTHS"]).isoformat()
    return render_template(
        "admin/index.html", user=user,
        queue=contributions.pending(conn) if is_moderator(user) else [],
        counts=contributions.counts(conn),
        stale=freshness.stale_places(conn, cutoff, 50) if is_moderator(user) else [],
        changes=audit.recent(conn, 30) if is_moderator(user) else [],
        network_places=_network_places(conn, user),
        sources=[],
    )


def _network_places(conn, user: dict) -> list[dict]:
    """A network editor's places (what they may edit), by name."""
    if user["role"] != "network_editor":
        return []

    ids = sorted(network_place_ids(conn, user["network_id"]))
    return [dict(r) for r in conn.execute(
        "SELECT id, name, city FROM places WHERE id IN (SELECT value FROM json_each(?)) "
        "ORDER BY name COLLATE NOCASE", (json.dumps(ids),))]


@bp.post("/submissions/<int:submission_id>")
@login_required(*MODERATING_ROLES)
def review(submission_id: int):
    conn = get_db()
    note = request.form.get("note", "")[:1000]
    try:
        if request.form.get("decision") == "approve":
            place_id = contributions.approve(conn, submission_id, actor=actor(current_user()),
                                             note=note)
            if place_id:
                return redirect(url_for("admin.place", place_id=place_id))
        else:
            contributions.reject(conn, submission_id, actor=actor(current_user()), note=note)
    except contributions.SubmissionError as exc:
        abort(409, str(exc))
    return redirect(url_for("admin.index"))


@bp.route("/places/<place_id>", methods=["GET", "POST"])
@login_required()
def place(place_id: str):
    conn = get_db()
    user = current_user()
    found = get_place(conn, place_id)
    if found is None:
        abort(404)
    if not can_edit_place(conn, user, place_id):
        abort(403, "your account may not edit this place")
    error = message = token = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "edit")
        reason = request.form.get("reason", "")[:1000]
        try:
            if action == "edit":
                form = {k: v for k, v in request.form.items()
                        if k not in ("csrf_token", "action", "reason")}
                edit_place(conn, user, place_id, form, reason)
                message = "Saved."
            elif action == "close":
                close_place(conn, user, place_id, reason)
                message = "Closed."
            elif action == "confirm":
                freshness.confirm_place(conn, place_id, actor(user), reason=reason)
                message = "Confirmed today."
            elif action == "merge":
                merge_places(conn, user, place_id, request.form.get("keep", "").strip(), reason)
                message = "Merged."
            elif action == "owner_token":
                if not is_moderator(user):
                    raise Forbidden("only moderators make owner links")
                with transaction(conn):
                    token = freshness.create_owner_token(conn, place_id, actor(user))
                message = "New personal link for the owner (shown once):"
            else:
                raise EditError(f"unknown action {action!r}")
        except Forbidden as exc:
            abort(403, str(exc))
        except (EditError, LookupError) as exc:
            error, status = str(exc), 400
        found = get_place(conn, place_id)
    lang = current_language()
    return render_template(
        "admin/place.html", place=found, user=user, error=error, message=message,
        owner_link=url_for("contribute.owner", token=token, _external=True) if token else None,
        owner_token=freshness.owner_token_info(conn, place_id),
        history=audit.history(conn, "place", place_id) if is_moderator(user) else [],
        kinds=[(code, term.label(lang)) for code, term in PLACE_KINDS.items()],
        statuses=STATUSES, freshness=place_freshness(found), sources=[],
        links=place_links(conn, place_id), link_types=list(LINK_TYPES),
    ), status


@bp.post("/links")
@login_required()
def links():
    """Add or remove a typed link (network editors: only links of their own network)."""
    link = {k: request.form.get(k, "").strip()[:300] for k in (
        "from_kind", "from_id", "type", "to_kind", "to_id", "schedule", "note")}
    reason = request.form.get("reason", "")[:1000]
    try:
        if request.form.get("action") == "remove":
            remove_link(get_db(), current_user(), link, reason)
        else:
            add_link(get_db(), current_user(), link, reason)
    except Forbidden as exc:
        abort(403, str(exc))
    except EditError as exc:
        abort(400, str(exc))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/changes/<int:change_id>/revert")
@login_required(*MODERATING_ROLES)
def revert(change_id: int):
    conn = get_db()
    try:
        audit.revert(conn, change_id, actor=actor(current_user()),
                     reason=request.form.get("reason", "")[:1000])
    except audit.RevertError as exc:
        abort(409, str(exc))
    change = audit.get_change(conn, change_id)
    if change and change["entity"] == "place":
        return redirect(url_for("admin.place", place_id=change["entity_id"]))
    return redirect(url_for("admin.index"))


def register_trust(app) -> None:
    """Sessions, CSRF and the freshness filter of accounts, moderation and contributions."""

    init_auth(app)
    app.add_template_filter(place_freshness, "freshness")
