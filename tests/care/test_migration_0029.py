# ruff: noqa: E501  (SQL literals and the tables of rows read best on one line)
"""Migration 0029: the notices of mutual-aid steps already in inboxes quoted the officer's
note and named the colleague a member reported for; they now say what the app sends today,
in the language each was written in, with their links. Audit entries that named a recipient
or quoted an officer's words name them by number. Every other notice and entry stays."""

from types import SimpleNamespace

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.helpers import database_at

PRIVATE = "为保护同事的隐私，帮扶详情只告知同事本人。"
DETAILS = "详情请在申请页面查看。"
STEP = "care_rights.care_aid_status"
# fmt: off
NOTICES = [  # (id, user, category, kind, title, body, url)
    (1, 2, "care_rights", STEP, "孙建国的大事互助申请（住院）：帮扶中", "已送慰问金2000元", "/care/aid/1"),
    (2, 3, "care_rights", STEP, "您的大事互助申请（住院）：帮扶中", "已送慰问金2000元", "/care/aid/1"),
    (3, 2, "system", "system.care_aid_status", "您的大事互助申请：已受理", "联系了孙建国的妻子", "/care/aid/1"),
    (4, 4, "care_rights", STEP, "Sun Jianguo's mutual-aid request (Serious illness): Closed", "Paid 3000 yuan", "/care/aid/2"),
    (5, 5, "care_rights", STEP, "孙建国的大事互助申请（直系亲属去世）：已办结", "丧葬补助1000元", "/care/aid/3"),
    (6, 3, "care_rights", STEP, "工会收到为您提交的大事互助申请：住院", "工会帮扶专干将在 24 小时内答复。", "/care/aid/1"),
    (7, 2, "care_rights", STEP, "孙建国的大事互助申请（喜事（结婚、生育））：已办结", "贺礼500元", "/care/aid/99"),
    (8, 4, "system", "system.care_aid_status", "Your mutual-aid request: Acknowledged", "Called his wife", "/care/aid/98"),
    (9, 2, "care_rights", "care_rights.appeal_step", "您的诉求：已答复", "答复：孙建国的加班费已补发", "/appeals/1"),
    (10, 2, "hazards", "hazards.assigned", "隐患已指派给您", "孙建国报告的隐患", "/safety/hazards/1"),
    # Links to the request with more around its path: the app mounted under /union, a whole URL.
    (11, 2, "system", "system.care_aid_status", "您的大事互助申请：已受理", "联系了孙建国的妻子", "/union/care/aid/1"),
    (12, 4, "system", "system.care_aid_status", "Your mutual-aid request: Acknowledged", "Called his wife", "https://union.example/union/care/aid/2?from=push#steps"),
]
ENTRIES = [  # (id, action, target type, target id, summary)
    (1, "care.campaign.signed", "Campaign", "1", "孙建国"),
    (2, "care.aid.act", "AidRequest", "1", "已送慰问金给孙建国"),
    (3, "care.file.attached", "CareFile", "4", "孙建国的诊断证明"),
    (4, "care.file.read", "CareFile", "4", "档案 #4 · 档案页"),
    (5, "care.file.member_added", "CareFile", "4", "妻子"),
    (6, "care.campaign.signed", "Campaign", "1", "夏送清凉 · 发放对象 #7"),
    (7, "appeals.answered", "Appeal", "1", "孙建国的加班费"),
    (8, "care.campaign.signed", "Campaign", "1", "7"),  # the first day's: the recipient's number
    (9, "care.file.attached", "CareFile", "4", "孙建国的病历"),  # no attachment has this title now
    (10, "care.file.attached", "CareFile", "4", "低保证"),  # two uploads of one title
    (11, "care.file.attached", "CareFile", "4", "低保证"),
    (12, "care.file.attached", "CareFile", "4", "档案 #4 · 附件 15"),  # the app's after this step
    (13, "care.campaign.recipients_added", "Campaign", "1", "3"),  # how many, and nothing else
    (14, "care.plan.targets_added", "VisitPlan", "2", "1"),
    (15, "care.plan.targets_added", "VisitPlan", "9", "2"),  # its plan is gone
    (16, "care.campaign.recipients_added", "Campaign", "1", "夏送清凉 · 12 名发放对象"),  # the app's after
]
AT = {11: "2026-11-09 08:30:00.250000", 12: "2026-12-10 09:00:00.050000"}  # else 2026-11-02
# fmt: on


def _insert(conn, table: str, columns: str, rows) -> None:
    names = [c.strip() for c in columns.split(",")]
    statement = text(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + n for n in names)})"
    )
    conn.execute(statement, [dict(zip(names, row, strict=True)) for row in rows])


def insert_old_rows(conn) -> None:
    """The notices and audit entries of the app before this step, and what they are about."""
    people = ("帮扶专干", "报告人", "孙建国", "Reporter", "主席")
    _insert(conn, "users", "id, employee_no, name, password_hash, active, must_change_password, created_at",
            [(i, f"E{i}", name, "x", True, False, "2026-11-01") for i, name in enumerate(people, 1)])  # fmt: skip
    _insert(conn, "user_roles", "user_id, role", [(1, "care_officer"), (5, "admin")])
    conn.execute(
        text(
            "INSERT INTO care_aid_requests (id, reporter_id, subject_id, event_type, happened_on, description, contact, status, respond_by, aid_amount, created_at) VALUES "
            "(1, 2, 3, 'hospital', '2026-11-01', '住院', '', 'acting', '2026-11-02', 2000, '2026-11-01'), "
            "(2, 4, 3, 'illness', '2026-11-01', 'ill', '', 'closed', '2026-11-02', 3000, '2026-11-01'), "
            "(3, 5, 3, 'bereavement', '2026-11-01', '病故', '', 'closed', '2026-11-02', 1000, '2026-11-01')"
        )
    )
    _insert(conn, "notifications", "id, user_id, category, kind, title, body, url, created_at",
            [row + ("2026-11-02",) for row in NOTICES])  # fmt: skip
    conn.execute(
        text(
            "INSERT INTO care_files (id, worker_id, level, cause, situation, address, phone, emergency_contact, opened_on, review_due_on, status, created_at, updated_at) VALUES "
            "(4, 3, 'extreme', 'illness', '', '', '', '', '2026-11-01', '2027-11-01', 'active', '2026-11-01', '2026-11-01')"
        )
    )
    conn.execute(
        text(
            "INSERT INTO care_attachments (id, file_id, title, path, sha256, content_type, size, created_at) VALUES "
            "(11, 4, '孙建国的诊断证明', 'care/a', 'a', 'image/jpeg', 1, '2026-11-02'), (12, 4, '孙建国的诊断证明', 'care/b', 'b', 'image/jpeg', 1, '2026-11-02'), "
            "(13, 4, '低保证', 'care/c', 'c', 'image/jpeg', 1, '2026-11-02'), (14, 4, '低保证', 'care/d', 'd', 'image/jpeg', 1, '2026-11-09 08:30:00.249000'), "
            # Uploaded after this step, under a title used before: it is its own entry's (12).
            "(15, 4, '孙建国的诊断证明', 'care/e', 'e', 'image/jpeg', 1, '2026-12-10 09:00:00.049000')"
        )
    )
    _insert(conn, "care_campaigns", "id, title, kind, budget, gift, amount_each, starts_on, ends_on, closed, created_at",
            [(1, "夏送清凉", "summer", 1000, "绿豆", 50, "2026-07-01", "2026-07-10", False, "2026-07-01")])  # fmt: skip
    conn.execute(
        text(
            "INSERT INTO care_campaign_recipients (id, campaign_id, user_id, gift, amount, signed_at) VALUES "
            "(7, 1, 3, '绿豆', 50, '2026-07-02'), (8, 1, 2, '绿豆', 50, NULL)"
        )
    )
    _insert(conn, "care_visit_plans", "id, title, starts_on, ends_on, note, closed, created_at",
            [(2, "春节走访", "2026-01-20", "2026-02-10", "", False, "2026-01-20")])  # fmt: skip
    _insert(conn, "audit_logs", "id, action, target_type, target_id, summary, at",
            [row + (AT.get(row[0], "2026-11-02"),) for row in ENTRIES])  # fmt: skip


NEW_NOTICES = {
    # The colleague who reported it: no name, no note; its link stays.
    1: ("您为同事提交的大事互助申请（住院）：帮扶中", PRIVATE),
    # The member it is for: the status, then the page.
    2: ("您的大事互助申请（住院）：帮扶中", DETAILS),
    # Sent before the inbox had a care category (its category stays): told as now.
    3: ("您为同事提交的大事互助申请（住院）：已受理", PRIVATE),
    # Written in English: rewritten in English.
    4: (
        "The mutual-aid request you made for a colleague (Serious illness): Closed",
        "To protect your colleague's privacy, only they are told what help is given.",
    ),
    # The chairman reads the details on the page.
    5: ("您为同事提交的大事互助申请（直系亲属去世）：已办结", DETAILS),
    # The request is gone: the old title still tells what happened and where it stood.
    7: ("您为同事提交的大事互助申请（喜事（结婚、生育））：已办结", PRIVATE),
    8: ("Your mutual-aid request: Acknowledged", "The details are on the request's page."),
    # Its request found from the link as notify stores it (the mount's prefix first) or whole.
    11: ("您为同事提交的大事互助申请（住院）：已受理", PRIVATE),
    12: (
        "The mutual-aid request you made for a colleague (Serious illness): Acknowledged",
        "To protect your colleague's privacy, only they are told what help is given.",
    ),
}
NEW_SUMMARIES = {
    1: "夏送清凉 · 发放对象 #7",
    2: "大事互助 #1",
    3: "档案 #4 · 附件 11、12",
    # The recipient's number was no secret: it stays, as the app writes it now.
    8: "夏送清凉 · 发放对象 #7",
    # Its attachments cannot be told: the file alone, as the app says a file.
    9: "档案 #4",
    # Each upload its own attachment, the one stored with it.
    10: "档案 #4 · 附件 13",
    11: "档案 #4 · 附件 14",
    # A count names what it counts under: the campaign's or the plan's title.
    13: "夏送清凉 · 3 名发放对象",
    14: "春节走访 · 1 份档案",
}


def check_rewritten(conn) -> None:
    notices = conn.execute(
        text("SELECT id, user_id, category, kind, title, body, url FROM notifications ORDER BY id")
    ).all()
    assert notices == [
        (i, user, category, kind, *NEW_NOTICES.get(i, (title, body)), url)
        for i, user, category, kind, title, body, url in NOTICES
    ]
    entries = conn.execute(
        text("SELECT id, action, target_type, target_id, summary FROM audit_logs ORDER BY id")
    ).all()
    assert entries == [(i, a, t, n, NEW_SUMMARIES.get(i, s)) for i, a, t, n, s in ENTRIES]


def test_care_notices_and_audit_entries_stored_before_no_longer_quote_notes_or_names(tmp_path):
    with database_at(tmp_path, "0028_leader_accounts") as engine:
        with engine.begin() as conn:
            insert_old_rows(conn)
        upgrade()
        with engine.connect() as conn:
            check_rewritten(conn)
        # Going back leaves the words as they are: nothing kept the notes to put back.
        downgrade(revision="0028_leader_accounts")
        with engine.connect() as conn:
            check_rewritten(conn)


def _migration():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0029_care_privacy.py"
    spec = importlib.util.spec_from_file_location("care_privacy_0029", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_writes_what_the_app_sends_now_in_either_language(world, db):
    """The migration keeps its own copy of the app's words: a notice the app sends today, in
    Chinese or in English, to the member it is for, to a member who reported for them and to
    the chairman who did, comes out of its rewrite as it went in."""
    from sqlalchemy import select

    from app.blueprints.care.services import aid
    from app.models import Notification, Role
    from tests.factories import make_user

    migration = _migration()
    officer, worker = world.people["care_officer"], world.people["other_member"]
    reporters = [world.people["member"], make_user(Role.ADMIN, name="主席")]
    reporters[0].locale = "en"
    for reporter, event in zip(reporters, ("happy", "disaster"), strict=True):
        request = aid.report_aid(
            reporter,
            {
                "for_whom": "colleague",
                "colleague": worker.employee_no,
                "event_type": event,
                "happened_on": world.aid_request.happened_on.isoformat(),
                "description": "x",
            },
        )
        aid.act_on_aid(officer, request, "act", {"note": "送去慰问金给另一会员", "amount": "500"})
        aid.act_on_aid(officer, request, "close", {"note": "已办结"})
    worker.locale = "en"
    aid.act_on_aid(officer, world.other_aid, "acknowledge", {})
    db.session.commit()
    readers = {reporters[1].id, officer.id}
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == "care_rights.care_aid_status")
    ).all()
    steps = [row for row in rows if not row.title.startswith(migration.MADE_FOR_YOU)]
    assert {row.user_id for row in steps} == {worker.id, *(r.id for r in reporters)}
    assert {migration._language(row.title) for row in steps} == {"en", "zh"}
    for row in steps:
        request_id = migration._request_id(row.url)
        request = db.session.get(aid.AidRequest, request_id)
        # The request as the migration reads it: its columns.
        stored = SimpleNamespace(event_type=request.event_type.value, subject_id=request.subject_id)
        assert migration._neutral(row, stored, readers) == (row.title, row.body), row.title


def test_the_migration_counts_as_the_app_does_in_either_language(world, app):
    """The migration's copy of the words of an entry that added people (夏送清凉 · 3 名发放对象)
    is the app's, in Chinese and in English, for one and for many."""
    from flask_babel import force_locale

    from app.blueprints.care.services.common import about_recipients_added, about_targets_added

    migration = _migration()
    for locale, lang in ((app.config["BABEL_DEFAULT_LOCALE"], "zh"), ("en", "en")):
        words = migration.WORDS[lang]
        for n in (1, 3):
            with force_locale(locale):
                campaign = str(about_recipients_added(world.campaign, n))
                plan = str(about_targets_added(world.plan, n))
            assert campaign == migration.counted(words, "recipients", "夏送清凉", n)
            assert plan == migration.counted(words, "files", "春节走访", n)
