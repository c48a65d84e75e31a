"""Running a feature's service for an outbox record (see `app.blueprints.sync.registry`)."""

from flask_babel import gettext as _

from app.blueprints.sync.registry import SyncInvalid
from app.errors import Conflict, Refused


def run_service(service, *args, **kwargs):
    """Run a service for a record; a refusal or a reused id is an invalid record with the
    reason, which the phone keeps and shows."""
    try:
        return service(*args, **kwargs)
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    except Conflict:
        raise SyncInvalid({"id": [_("This id already belongs to another record.")]}) from None
