"""The `procedure_read` outbox kind: 学习签名 given on the phone, also offline.

`data`: `version_id` (the version read). The handler calls the same service as the form;
a confirmation of the same version again (another phone, or the form) is the first one.
"""

from flask import url_for

from app.blueprints.sync.registry import HandlerResult

from .services import confirm_read


def sync_read(user, record) -> HandlerResult:
    data = record.data if isinstance(record.data, dict) else {}
    confirmation = confirm_read(user, data, client_id=record.id, captured_at=record.captured_at)
    return HandlerResult(
        url=url_for("library.document", document_id=confirmation.version.document_id),
        obj=confirmation,
    )


def register(reg) -> None:
    reg.sync_kind("procedure_read", sync_read)
