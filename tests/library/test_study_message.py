"""The 新版本待学习 message is done with once the worker confirms the version it asked them to
read: read in the inbox, gone from the badge — by the form or the outbox alike. Confirming an
older version leaves it waiting."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.helpers import text
from tests.library.conftest import revise

BADGE = r'id="nav-badge-notify-index" class="badge nav-badge"( hidden)?>(\d+)<'


def _badge(client) -> int:
    return int(re.search(BADGE, text(client.get("/"))).group(2))


def _study_messages(user) -> list[bool]:
    """Whether each of `user`'s 新版本待学习 messages is read."""
    return [
        read_at is not None
        for read_at in db.session.scalars(
            select(Notification.read_at).where(
                Notification.user_id == user.id, Notification.kind == "notices.procedure_revised"
            )
        )
    ]


def _by_form(client, document, version_id):
    return client.post(
        f"/library/documents/{document.id}/confirm", data={"version_id": str(version_id)}
    )


def _by_outbox(client, document, version_id):
    record = {
        "id": str(uuid.uuid4()),
        "kind": "procedure_read",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": {"version_id": version_id},
        "photos": [],
    }
    return client.post("/sync", json={"device": "p", "records": [record]})


@pytest.mark.parametrize("confirm", [_by_form, _by_outbox])
def test_confirming_the_new_version_reads_its_message(client, auth, world, confirm):
    version = revise(world)
    auth.login(world.worker)
    assert _badge(client) == 1 and _study_messages(world.worker) == [False]
    assert "新版本待学习：数控车床安全操作规程" in text(client.get("/notifications/"))
    assert confirm(client, world.document, version.id).status_code in (200, 303)
    db.session.expire_all()
    assert _study_messages(world.worker) == [True]
    assert _badge(client) == 0
    inbox = text(client.get("/notifications/"))
    assert "新版本待学习：数控车床安全操作规程" in inbox and "is-unread" not in inbox
    # The other worker, who has not confirmed, still has it waiting.
    assert _study_messages(world.other_worker) == [False]


def test_confirming_an_older_version_leaves_the_message_waiting(client, auth, world):
    first = world.document.current_version_id
    revise(world)
    auth.login(world.worker)
    assert _by_outbox(client, world.document, first).status_code == 200
    db.session.expire_all()
    assert _study_messages(world.worker) == [False] and _badge(client) == 1
