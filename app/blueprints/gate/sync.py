"""The gate's offline record kind: a check at the site entrance (`gate_check`).

`data`: {"worker_id", "post_id", "result": "allowed"|"refused", "reason", "method"}. The
handler calls the same service as the page, with the record's uuid as `client_id` and the
phone's `captured_at`; it does not commit (the sync batch does)."""

from flask import url_for

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused

from .services import record_check


def sync_gate_check(checker, record) -> HandlerResult:
    try:
        check, _created = record_check(checker, record.data, record.id, record.captured_at)
    except Refused as refused:
        raise SyncInvalid({"post_id": [refused.message]}) from None
    return HandlerResult(url=url_for("gate.checks"), obj=check)


def register(reg) -> None:
    reg.sync_kind("gate_check", sync_gate_check)
