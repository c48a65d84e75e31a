"""The sync endpoints (JSON, logged-in session, CSRF header) and the outbox page."""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import RequestEntityTooLarge

from app.blueprints.sync import bp
from app.blueprints.sync.envelope import BatchRefused, check_batch
from app.blueprints.sync.services import ingest, photo_for_upload
from app.blueprints.sync.strings import OUTBOX_EDIT_STRINGS
from app.blueprints.sync.uploads import receive_photo
from app.storage import ImageRejected, read_request_body

# Photos have their limits in the one table of every upload (UPLOAD_LIMITS, app/config.py).
DEFAULTS = {
    "SYNC_MAX_RECORDS": 100,
    "SYNC_MAX_BODY_BYTES": 2 * 1024 * 1024,
}


@bp.record_once
def _configure(state):
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)


def _refuse(status: int, message: str):
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _body(limit: int) -> bytes:
    """The body, read through a bounded stream: a chunked body (no Content-Length) cannot
    pass the limit either."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data


@bp.route("", methods=["POST"])
@login_required
def sync():
    limit = current_app.config["SYNC_MAX_BODY_BYTES"]
    try:
        raw = _body(limit)
    except RequestEntityTooLarge:
        return _refuse(
            413, _("A batch may be at most %(kb)d KB; send fewer records.", kb=limit // 1024)
        )
    if not request.is_json:
        return _refuse(400, _("Send the records as JSON (Content-Type: application/json)."))
    try:
        payload = current_app.json.loads(raw)
        device, records = check_batch(payload)
    except BatchRefused as refused:
        return _refuse(refused.status, refused.message)
    except (ValueError, RecursionError):
        return _refuse(400, _("The body is not valid JSON."))
    return _no_store(jsonify(results=ingest(current_user, device, records)))


@bp.route("/photos/<photo_id>", methods=["PUT"])
@login_required
def put_photo(photo_id):
    photo = photo_for_upload(current_user, photo_id)
    if photo is None:
        return _refuse(
            404, _("No record of yours declares this photo; send its record first, then the photo.")
        )
    try:
        data = read_request_body()  # bounded: a chunked body cannot pass the cap either
    except ImageRejected as rejected:
        return _refuse(rejected.status, rejected.message)
    answer = receive_photo(current_user, photo, data)
    return _no_store(jsonify(answer.body)), answer.status


@bp.route("/token")
@login_required
def token():
    """A fresh CSRF token, and who it belongs to: the phone sends only that user's records."""
    return _no_store(jsonify(csrf_token=generate_csrf(), user_id=current_user.id))


@bp.route("/outbox")
@login_required
def outbox():
    return render_template("sync/outbox.html", edit_strings=OUTBOX_EDIT_STRINGS)
