"""The test blueprint: a record kind for tests only (`note`), a capture page for it at
`/sync/_test_form`, and a crash switch. Never part of the app: the browser tests' live server
mounts it (`tests/live_app.py` calls `init_app(app)`); the sync route tests register just the
kind (`register_note_kind`), so the plain app keeps proving the test page is not there.

The sync machinery is the same for every kind, so the tests drive it through this small kind
before any feature has wired its own. A note becomes an audit-log row, so "exactly one row per
record" is something a test can count.

The crash switch works for any kind: a file named CRASH_TRIGGER in the instance folder makes
the server die after the next successful `POST /sync` has committed, before it answers.
"""

import os
import uuid
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.blueprints.sync.registry import HandlerResult, SyncInvalid, resolve
from app.extensions import db
from app.features import registry
from app.services import audit

NOTE_ACTION = "sync.note"
CRASH_TRIGGER = "crash-after-sync-commit"
# The live server's accounts are made by the tests: a cheap hash keeps that fast.
LIVE_PASSWORD_HASH = "pbkdf2:sha256:1"

bp = Blueprint("testkit", __name__, template_folder="templates")


def init_app(app) -> None:
    register_note_kind(app)
    app.register_blueprint(bp)


def handle_note(user, record):
    """data: text (1–200 characters), optional parent (uuid of an earlier note record)."""
    data = record.data
    errors = {}
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        errors["text"] = ["Write the note."]
    elif len(text) > 200:
        errors["text"] = ["At most 200 characters."]
    parent = None
    if data.get("parent"):
        parent = resolve("note", data["parent"], user) if isinstance(data["parent"], str) else None
        if parent is None:
            errors["parent"] = ["No such note has been received."]
    if errors:
        raise SyncInvalid(errors)
    entry = audit.record(
        NOTE_ACTION,
        None,
        actor=user,
        summary=text.strip(),
        after={"parent": parent.id if parent else None, "record": record.id},
    )
    db.session.flush()
    return HandlerResult(url=url_for("sync.outbox", _anchor=f"note-{entry.id}"), obj=entry)


@bp.after_app_request
def _crash_if_asked(response):
    """Die once, when a test has armed CRASH_TRIGGER, after a batch was taken.

    The case the idempotency key exists for: the records are committed, but the phone never
    hears. After the view is the place: the batch is committed and the answer not yet sent.
    Removing the file first makes the crash one-shot, also when two batches race for it.
    """
    if request.endpoint != "sync.sync" or response.status_code != 200:
        return response
    try:
        (Path(current_app.instance_path) / CRASH_TRIGGER).unlink()
    except FileNotFoundError:
        return response
    os._exit(3)


def register_note_kind(app, attach_photo=None) -> None:
    registry(app).sync_kinds.pop("note", None)
    registry(app).sync_kind("note", handle_note, attach_photo=attach_photo)


@bp.route("/sync/_test_form", methods=["GET", "POST"])
@login_required
def test_form():
    if request.method == "POST":  # the same record without JavaScript
        from app.blueprints.sync.services import ingest
        from app.models._types import utcnow

        [result] = ingest(
            current_user,
            None,
            [
                {
                    "id": str(uuid.uuid4()),
                    "kind": "note",
                    "captured_at": utcnow().isoformat(),
                    "data": {
                        "text": request.form.get("text", ""),
                        "parent": request.form.get("parent"),
                    },
                }
            ],
        )
        flash(result["status"], "info")
        return redirect(url_for("testkit.test_form"), 303)
    return render_template("sync/_test_form.html")
