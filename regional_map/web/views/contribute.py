"""Public forms: suggest a place, report a problem, and the owners' personal links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from regional_map.model import PLACE_KINDS, STATUSES
from regional_map.places.audit import apply_place_edit
from regional_map.places.freshness import OWNER_FIELDS, confirm_place, place_for_token
from regional_map.places.rows import get_place
from regional_map.trust.contributions import (
    HONEYPOT_FIELD,
    SubmissionError,
    client_key,
    report_problem,
    suggest_place,
)
from regional_map.trust.moderation import EditError, clean_edit
from regional_map.web.auth import csrf_protect
from regional_map.web.context import current_language, get_db, settings
from regional_map.web.i18n import gettext as _
from regional_map.web.template_filters import place_freshness

bp = Blueprint("contribute", __name__, url_prefix="/contribute")
bp.before_request(csrf_protect)


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    if request.endpoint == "contribute.owner":
        response.headers["Referrer-Policy"] = "no-referrer"  # the URL holds the owner's token
    return response


def _client() -> str:
    return client_key(request.remote_addr, current_app.config["SECRET_KEY"])


def _kinds() -> list[tuple[str, str]]:
    lang = current_language()
    return [(code, term.label(lang)) for code, term in PLACE_KINDS.items()]


@bp.route("/place", methods=["GET", "POST"])
def suggest():
    """Suggest a new place: it goes to the moderators, never straight onto the map."""
    cfg = settings()
    form = request.form.to_dict() if request.method == "POST" else {}
    error = received = None
    status = 200
    if request.method == "POST":
        try:
            received = suggest_place(
                get_db(), form, client=_client(), region=cfg["REGION"],
                per_hour=cfg["SUBMISSIONS_PER_HOUR"],
                duplicate_distance_m=cfg["DUPLICATE_DISTANCE_M"])
        except SubmissionError as exc:
            error = str(exc)
            status = 429 if exc.__class__.__name__ == "RateLimited" else 400
    return render_template("contribute/suggest.html", form=form, error=error,
                           received=received, kinds=_kinds(), honeypot=HONEYPOT_FIELD,
                           sources=[]), status


@bp.route("/problem/<place_id>", methods=["GET", "POST"])
def problem(place_id: str):
    """Report a problem with a place or suggest a change (goes to the moderators)."""
    place = get_place(get_db(), place_id)
    if place is None:
        abort(404)
    form = request.form.to_dict() if request.method == "POST" else {}
    error = received = None
    status = 200
    if request.method == "POST":
        try:
            received = report_problem(get_db(), place_id, form, client=_client(),
                                      per_hour=settings()["SUBMISSIONS_PER_HOUR"])
        except SubmissionError as exc:
            error = str(exc)
            status = 429 if exc.__class__.__name__ == "RateLimited" else 400
    return render_template("contribute/problem.html", place=place, form=form, error=error,
                           received=received, honeypot=HONEYPOT_FIELD, sources=[]), status


@bp.route("/owner/<token>", methods=["GET", "POST"])
def owner(token: str):
    """The owner's personal link: confirm the entry is still right, or update it."""
    conn = get_db()
    place_id = place_for_token(conn, token)
    if place_id is None:
        abort(404)
    message = error = None
    if request.method == "POST":
        who = f"owner:{place_id}"
        if request.form.get("action") == "confirm":
            confirm_place(conn, place_id, who)
            message = _("Thank you: the entry is confirmed as correct.")
        else:

            fields = {k: request.form.get(k, "") for k in OWNER_FIELDS if k in request.form}
            try:
                values, _products = clean_edit(fields)
                from datetime import date

                values["last_confirmed"] = date.today().isoformat()
                if values.get("status") == "closed":
                    values["closed_on"] = date.today().isoformat()
                apply_place_edit(conn, place_id, values, None, actor=who,
                                 action="owner_update", reason="updated by the owner")
                message = _("Thank you: your changes are saved.")
            except EditError as exc:
                error = str(exc)
    place = get_place(conn, place_id)
    return render_template("contribute/owner.html", place=place, token=token, message=message,
                           error=error, statuses=STATUSES, freshness=place_freshness(place),
                           sources=[]), 400 if error else 200
