"""Writing the audit log."""

from flask import has_request_context, request
from flask_login import current_user

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
