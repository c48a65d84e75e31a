"""care privacy: notices and audit entries stored before no longer quote notes or name people

Revision ID: 0029_care_privacy
Revises: 0028_leader_accounts
Create Date: 2026-12-12 10:00:00

A notice of a mutual-aid step (kinds care_rights.care_aid_status, and system.care_aid_status
before the inbox had a care category) quoted the officer's note, often with an amount, and the
one to a member who reported for a colleague was titled with the colleague's name
(另一会员的大事互助申请（住院）：帮扶中). The app now sends neutral words; this step writes
the notices already in inboxes as it would send them now, in the language each was written in
(notices keep no language: the words tell): the member the request is for reads 您的大事互助申请
（住院）：帮扶中 · 详情请在申请页面查看。, the colleague who reported it 您为同事提交的…
· 为保护同事的隐私，帮扶详情只告知同事本人。 (a care officer or the chairman: 详情请在申请页面
查看。). The status stays the one the notice told; the link stays. The notice that a request
was made for someone (工会收到为您提交的…) and every other kind are left as they are.

Audit entries named a campaign's recipient (发放对象签收 · 另一会员), quoted a mutual-aid
step's note and an attachment's title (the officer's words, which name people): they now say
夏送清凉 · 发放对象 #45, 大事互助 #7 and 档案 #12 · 附件 34, in the house language. A sign-off of
the first day, which said the recipient's number (45), reads the same; an upload whose
attachments are not found (their title changed) reads 档案 #12. An entry that added people to a
campaign or a visit plan said only how many (3): it now names the campaign or plan too,
夏送清凉 · 3 名发放对象 and 春节走访 · 3 份档案 (one whose campaign or plan is gone stays 3).

Going back leaves the words as they are: the notes and names are not kept anywhere to put back.
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0029_care_privacy"
down_revision = "0028_leader_accounts"
branch_labels = None
depends_on = None

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
    sa.column("url", sa.String),
)
requests = sa.table(
    "care_aid_requests",
    sa.column("id", sa.Integer),
    sa.column("subject_id", sa.Integer),
    sa.column("event_type", sa.String),
)
user_roles = sa.table("user_roles", sa.column("user_id", sa.Integer), sa.column("role", sa.String))
audit_logs = sa.table(
    "audit_logs",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target_id", sa.String),
    sa.column("summary", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
)
campaigns = sa.table("care_campaigns", sa.column("id", sa.Integer), sa.column("title", sa.String))
plans = sa.table("care_visit_plans", sa.column("id", sa.Integer), sa.column("title", sa.String))
recipients = sa.table(
    "care_campaign_recipients",
    sa.column("id", sa.Integer),
    sa.column("campaign_id", sa.Integer),
    sa.column("user_id", sa.Integer),
)
users = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String))
attachments = sa.table(
    "care_attachments",
    sa.column("id", sa.Integer),
    sa.column("file_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)

STEP_KINDS = ("care_rights.care_aid_status", "system.care_aid_status")
READERS = ("care_officer", "admin")  # who reads a request's details (care's can_read)

# The app's words when this step was written, in its two languages.
WORDS = {
    "en": {
        "yours": "Your mutual-aid request ({type}): {status}",
        "colleague": "The mutual-aid request you made for a colleague ({type}): {status}",
        "details": "The details are on the request's page.",
        "private": "To protect your colleague's privacy, only they are told what help is given.",
        "recipient": "{campaign} · recipient #{id}",
        "aid": "Mutual-aid request #{id}",
        "file": "File #{id}",
        "attachment": "File #{id} · Attachment {ids}",
        "and": ", ",
        "recipients": ("{title} · {n} recipient", "{title} · {n} recipients"),
        "files": ("{title} · {n} file", "{title} · {n} files"),
        "types": {
            "illness": "Serious illness",
            "hospital": "In hospital",
            "bereavement": "Death in the family",
            "disaster": "Disaster or accident",
            "happy": "Happy event (wedding, birth)",
            "other": "Other major event",
        },
    },
    "zh": {
        "yours": "您的大事互助申请（{type}）：{status}",
        "colleague": "您为同事提交的大事互助申请（{type}）：{status}",
        "details": "详情请在申请页面查看。",
        "private": "为保护同事的隐私，帮扶详情只告知同事本人。",
        "recipient": "{campaign} · 发放对象 #{id}",
        "aid": "大事互助 #{id}",
        "file": "档案 #{id}",
        "attachment": "档案 #{id} · 附件 {ids}",
        "and": "、",
        "recipients": ("{title} · {n} 名发放对象",) * 2,
        "files": ("{title} · {n} 份档案",) * 2,
        "types": {
            "illness": "重大疾病",
            "hospital": "住院",
            "bereavement": "直系亲属去世",
            "disaster": "灾害或意外",
            "happy": "喜事（结婚、生育）",
            "other": "其他大事",
        },
    },
}

# Every title a step's notice had, by language: what it said of whose request, then of what
# happened (absent before the kind was shown), then where it stood.
STEP_TITLES = {
    "en": re.compile(
        r"^(?P<whose>Your|The|.*'s) mutual-aid request(?: you made for a colleague)?"
        r"(?: \((?P<type>.*)\))?: (?P<status>[^:]*)$",
        re.S,
    ),
    "zh": re.compile(
        r"^(?P<whose>.*)的大事互助申请(?:（(?P<type>.*)）)?：(?P<status>[^：]*)$", re.S
    ),
}
MADE_FOR_YOU = ("A mutual-aid request was made for you:", "工会收到为您提交的大事互助申请：")
# An audit summary of the app after this step: it names a file, recipient or request by number.
NUMBERED = re.compile(
    r"^(?:档案|File) #\d+|(?:发放对象|recipient) #\d+$|^(?:大事互助|Mutual-aid request) #\d+"
)
# A request's page anywhere in a link's path: notify stores the app's own path, which starts
# with the prefix the app is mounted under (/union/care/aid/7), and a link may be whole
# (https://host/care/aid/7?from=push).
REQUEST_URL = re.compile(r"/care/aid/(\d+)(?:/|$)")


def _request_id(url: str | None) -> int | None:
    """The number of the mutual-aid request a notice's link opens, if it opens one."""
    found = REQUEST_URL.search(urlsplit(url or "").path)
    return int(found[1]) if found else None


def _language(title: str) -> str | None:
    if "mutual-aid request" in title:
        return "en"
    if "大事互助申请" in title:
        return "zh"
    return None


def _neutral(row, request, readers: set[int]) -> tuple[str, str] | None:
    """The (title, body) the app sends now for a step's notice `row`; None for a notice that
    is not of a step or whose words are not the app's."""
    lang = _language(row.title)
    if lang is None or row.title.startswith(MADE_FOR_YOU):
        return None
    found = STEP_TITLES[lang].match(row.title)
    if found is None:
        return None
    words = WORDS[lang]
    kind = found["type"]
    if request is not None:
        kind = words["types"].get(request.event_type, kind)
        for_self = row.user_id == request.subject_id
    else:  # the request is gone (its member's account was deleted): the words tell whose
        for_self = found["whose"] in ("Your", "您")
    if for_self:
        body = words["details"]
    else:
        body = words["details"] if row.user_id in readers else words["private"]
    if kind is None:  # a title of the first months, which named no kind: it named no one
        return row.title, body
    key = "yours" if for_self else "colleague"
    return words[key].format(type=kind, status=found["status"]), body


def _scrub_notices(conn) -> None:
    rows = conn.execute(
        sa.select(
            notifications.c.id, notifications.c.user_id, notifications.c.title, notifications.c.url
        ).where(notifications.c.kind.in_(STEP_KINDS))
    ).all()
    if not rows:
        return
    by_id = {r.id: r for r in conn.execute(sa.select(requests))}
    role_holders = sa.select(user_roles.c.user_id).where(user_roles.c.role.in_(READERS))
    readers = set(conn.execute(role_holders).scalars())
    changes = []
    for row in rows:
        neutral = _neutral(row, by_id.get(_request_id(row.url)), readers)
        if neutral is not None:
            changes.append(
                {"row_id": row.id, "new_title": neutral[0][:200], "new_body": neutral[1]}
            )
    _write(conn, notifications, changes)


def _house_words() -> dict:
    """Audit summaries are kept in the house language (the app's default locale)."""
    locale = str(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN"))
    return WORDS["en" if locale.startswith("en") else "zh"]


def _grouped(conn, statement) -> dict:
    """{(a, b): [ids]} of the rows (a, b, id) `statement` reads."""
    groups: dict = {}
    for a, b, row_id in conn.execute(statement):
        groups.setdefault((a, b), []).append(row_id)
    return groups


def _number(text: str | None) -> int | None:
    return int(text) if (text or "").isdigit() else None


def _moment(value: datetime) -> datetime:
    """A stored time as naive UTC (SQLite gives it naive, PostgreSQL with its zone)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _scrub_audit(conn) -> None:
    steps = [f"care.aid.{step}" for step in ("acknowledge", "act", "close", "comment")]
    entries = [
        entry
        for entry in conn.execute(
            sa.select(audit_logs).where(
                audit_logs.c.action.in_(["care.campaign.signed", "care.file.attached", *steps]),
                audit_logs.c.summary != "",
            )
        )
        if not NUMBERED.search(entry.summary)  # written by the app after this step
    ]
    if not entries:
        return
    words = _house_words()
    recipient = _recipient_words(conn, words)
    attached = _attachments_of(conn, [e for e in entries if e.action == "care.file.attached"])
    changes = []
    for entry in entries:
        target = _number(entry.target_id)
        if entry.action == "care.campaign.signed":
            summary = recipient(target, entry.summary)
        elif entry.action == "care.file.attached" and entry.id in attached:
            ids = words["and"].join(str(i) for i in attached[entry.id])
            summary = words["attachment"].format(id=target, ids=ids)
        elif entry.action == "care.file.attached":  # its attachments are not found
            summary = words["file"].format(id=target)
        else:
            summary = words["aid"].format(id=target)
        changes.append({"row_id": entry.id, "new_summary": summary[:255]})
    _write(conn, audit_logs, changes)


# Entries that added people to a campaign or a plan: what they are about, and their words.
COUNTED = {
    "care.campaign.recipients_added": (campaigns, "recipients"),
    "care.plan.targets_added": (plans, "files"),
}


def counted(words: dict, key: str, title: str, n: int) -> str:
    """夏送清凉 · 3 名发放对象: a campaign's or plan's title and how many it was given."""
    return words[key][0 if n == 1 else 1].format(title=title, n=n)


def _scrub_counts(conn) -> None:
    """An entry that said only how many people were added (3) names the campaign or plan."""
    words = _house_words()
    changes = []
    for action, (table, key) in COUNTED.items():
        titles = dict(conn.execute(sa.select(table.c.id, table.c.title)).all())
        rows = conn.execute(
            sa.select(audit_logs.c.id, audit_logs.c.target_id, audit_logs.c.summary).where(
                audit_logs.c.action == action
            )
        )
        for row_id, target, summary in rows:
            title, n = titles.get(_number(target)), _number(summary)
            if title is not None and n is not None:  # not yet the app's words after this step
                summary = counted(words, key, title, n)
                changes.append({"row_id": row_id, "new_summary": summary[:255]})
    _write(conn, audit_logs, changes)


def _recipient_words(conn, words: dict):
    """What an old sign-off entry of a campaign should say, from its summary: the
    recipient's name (1a0c23e) or, in the first day's entries, the recipient's number
    (21a4b69)."""
    titles = dict(conn.execute(sa.select(campaigns.c.id, campaigns.c.title)).all())
    by_name = _grouped(  # (campaign, name): its recipients of that name
        conn,
        sa.select(recipients.c.campaign_id, users.c.name, recipients.c.id).join(
            users, users.c.id == recipients.c.user_id
        ),
    )
    numbers = set(conn.execute(sa.select(recipients.c.campaign_id, recipients.c.id)).tuples())

    def said(campaign: int | None, summary: str) -> str:
        number = _number(summary)
        ids = [number] if (campaign, number) in numbers else by_name.get((campaign, summary), [])
        title = titles.get(campaign, "")
        # Two recipients of one name cannot be told apart: the campaign alone, then.
        return words["recipient"].format(campaign=title, id=ids[0]) if len(ids) == 1 else title

    return said


# An old attachment entry was written in the same flush as its upload's attachments (within
# milliseconds of them, before or after); one upload and the next are a person's minutes apart.
SAME_UPLOAD = timedelta(minutes=1)


def _attachments_of(conn, entries) -> dict[int, list[int]]:
    """{entry id: [attachment ids]} of old attachment entries. Such an entry said the title
    the officer gave the upload: its attachments are the file's of that title stored with it
    (by the nearest entry when the title was used again). An entry whose attachments are
    not found (none of that title was stored with it) is left out."""
    uploads: dict = {}  # (file, title): [(moment, entry id)]
    for entry in entries:
        key = (_number(entry.target_id), entry.summary)
        uploads.setdefault(key, []).append((_moment(entry.at), entry.id))
    found: dict = {}
    if not uploads:
        return found
    rows = conn.execute(
        sa.select(
            attachments.c.file_id, attachments.c.title, attachments.c.id, attachments.c.created_at
        ).order_by(attachments.c.id)
    )
    for file_id, title, row_id, created_at in rows:
        near = uploads.get((file_id, title))
        if near:
            moment = _moment(created_at)
            gap, entry_id = min((abs(at - moment), entry_id) for at, entry_id in near)
            if gap <= SAME_UPLOAD:
                found.setdefault(entry_id, []).append(row_id)
    return found


def _write(conn, table, changes: list[dict]) -> None:
    """Each change: the row's id (`row_id`) and its columns' new values (`new_<column>`)."""
    if not changes:
        return
    columns = [key.removeprefix("new_") for key in changes[0] if key != "row_id"]
    conn.execute(
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("new_" + column) for column in columns}),
        changes,
    )


def upgrade():
    conn = op.get_bind()
    _scrub_notices(conn)
    _scrub_audit(conn)
    _scrub_counts(conn)


def downgrade():
    pass
