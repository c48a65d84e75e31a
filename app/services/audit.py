"""Writing the audit log."""

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert

from app.extensions import db
from app.models import AuditLog


def record(action: str, target, *, summary: str = "", before=None, after=None, actor=None):
    """Add an audit entry to the session; it is committed with the change it describes."""
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
