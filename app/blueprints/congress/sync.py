"""The congress outbox kind `notice_read`: a read receipt for a notice opened from the
phone's copy (data: notice_id). Opened online, the page itself records the receipt."""

from flask import url_for
from flask_babel import gettext as _

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused

from .services import notices


def sync_notice_read(user, record) -> HandlerResult:
    if record.photos:
        raise SyncInvalid({"photos": [_("A read receipt carries no photos.")]})
    try:
        notice = notices.read_offline(user, record.data, record.captured_at)
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    return HandlerResult(url=url_for("congress.notice_show", notice_id=notice.id), obj=notice)


def register(reg) -> None:
    reg.sync_kind("notice_read", sync_notice_read)
