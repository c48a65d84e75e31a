"""What the library writes in the admin's audit log: every action in words, and the demo's
entries from no made-up "unknown" address."""

from sqlalchemy import select

from app.models import AuditLog, Notification, Role
from tests.factories import make_user
from tests.library.conftest import revise

LABELS = {
    "library.published": "发布规章或操作规程",
    "library.revised": "发布规章或操作规程新版本",
    "library.bank_added": "新增题库",
    "library.exam_added": "新增考试",
}


def test_every_library_action_has_words_in_the_audit_log(client, auth, world, db):
    revise(world)
    recorded = set(db.session.scalars(select(AuditLog.action)))
    assert set(LABELS) <= recorded
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/audit").get_data(as_text=True)
    for key, words in LABELS.items():
        assert f'<span class="row-title">{words}</span>' in page
        assert f'<span class="row-title">{key}' not in page


def test_the_demo_s_library_entries_carry_no_made_up_address(app, db, demo_data):
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action.like("library.%"))).all()
    assert {e.action for e in entries} >= set(LABELS)
    assert [e.address for e in entries if e.address is not None] == []
    # The workers told of a new version still get a link to the document.
    links = db.session.scalars(
        select(Notification.url).where(Notification.kind == "notices.procedure_revised")
    ).all()
    assert links and all(link.startswith("/library/documents/") for link in links)
