"""Writing the audit log."""

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import insert

from app.extensions import db
from app.models import AuditLog


def house_words(words) -> str:
    """Words for an audit summary, in the house language: a summary is written once and read
    by admins long after, so a translatable label is kept in the app's default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(words)


def record(action: str, target, *, summary="", before=None, after=None, actor=None):
    """Add an audit entry to the session; it is committed with the change it describes.
    `summary` may be a translatable label: it is kept in the house language."""
    if not isinstance(summary, str):
        summary = house_words(summary)
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.id) if getattr(target, "id", None) is not None else None,
        summary=summary[:255],
        before=before,
        after=after,
        address=client_address() if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def client_address() -> str:
    """The client's address; behind a proxy, configure ProxyFix rather than trust headers."""
    return (request.remote_addr or "unknown")[:64]


def record_many(action: str, target_type: str, targets, *, actor) -> None:
    """One audit entry per (target id, summary) of `targets`, all in one INSERT: for writes
    made in bulk (a sync batch of new hazards), where `record` would add a row at a time."""
    address = client_address() if has_request_context() else None
    rows = [
        {
            "actor_id": actor.id,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id),
            "summary": summary[:255],
            "address": address,
        }
        for target_id, summary in targets
    ]
    if rows:
        db.session.execute(insert(AuditLog.__table__), rows)
