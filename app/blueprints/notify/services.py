"""Notification writes: the one entry point `notify(...)`, the inbox, subscriptions and
preferences. Routes, other features' services and jobs all come through here."""

from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import make_transient_to_detached

from app.blueprints.notify.endpoints import endpoint_allowed
from app.blueprints.notify.push import b64url_decode
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.models import Category, Notification, NotificationPreference, PushSubscription, User
from app.models._types import utcnow
from app.models.notify import CHOOSABLE_CATEGORIES
from app.rendering import parsed_locale
from app.services import batch as lookups


def notify(user_ids: Iterable[int], kind: str, title, body="", url: str = "") -> list[Notification]:
    """Tell users about something: an inbox row for each (always), and web push to each of
    their subscriptions once the caller's transaction commits.

    `kind` is "<category>.<event>", e.g. "hazards.assigned"; the category (a `Category`:
    hazards, activities, notices, proposals, care_rights, system) files it in the inbox and
    decides which push preference applies. `title` and `body`
    are strings or lazy strings (`lazy_gettext("… %(x)s", x=…)`): each is rendered in the
    recipient's own language. `url` is the in-app path of the item. Deactivated users get
    nothing. The caller commits.
    """
    values = _inbox_rows([(user_ids, kind, title, body, url)])
    if not values:
        return []
    # The rows are made Notification objects of this session without asking the database
    # again (the unit of work would send one INSERT per row on SQLite, and an ORM RETURNING
    # reads the rows back with a SELECT).
    ids = {user_id: row_id for row_id, user_id in _insert_inbox(values)}
    rows = []
    for row in values:  # one per user, in the users' order
        notification = Notification(id=ids[row["user_id"]], read_at=None, **row)
        make_transient_to_detached(notification)
        db.session.add(notification)
        rows.append(notification)
    _push_after_commit(ids.values())
    return rows


def notify_many(messages: Iterable[tuple]) -> None:
    """`notify` for many messages at once (a sync batch of new hazards), each message
    (user_ids, kind, title, body, url) as `notify` takes them: every inbox row in one
    multi-row INSERT, and the push for all of them one job."""
    values = _inbox_rows(messages)
    if values:
        _push_after_commit(row_id for row_id, _user_id in _insert_inbox(values))


def _insert_inbox(values: list[dict]) -> list[tuple[int, int]]:
    """Write the inbox rows; (id, user id) of each.

    On PostgreSQL the ids come from the table's sequence first, in one short statement, and
    the rows go in with a pipelined executemany. A multi-row INSERT … RETURNING of a sync
    batch's rows runs to tens of KB, which psycopg parses afresh every time: it caches only
    statements of up to 50 parameters. On SQLite, one multi-row INSERT … RETURNING."""
    table = Notification.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        return db.session.execute(
            insert(table).returning(table.c.id, table.c.user_id), values
        ).all()
    ids = db.session.scalars(_reserve_inbox_ids(), {"n": len(values)}).all()
    db.session.execute(
        insert(table), [{**row, "id": row_id} for row, row_id in zip(values, ids, strict=True)]
    )
    return [(row_id, row["user_id"]) for row, row_id in zip(values, ids, strict=True)]


@cache
def _reserve_inbox_ids():
    table = Notification.__table__
    sequence = func.pg_get_serial_sequence(table.name, table.c.id.name)
    return select(func.nextval(sequence)).select_from(func.generate_series(1, bindparam("n")))


def _inbox_rows(messages: Iterable[tuple]) -> list[dict]:
    """The inbox rows of (user_ids, kind, title, body, url) messages: one for each active
    recipient, its texts rendered in the recipient's language (one locale switch a language)."""
    messages = [
        (category_of(kind), {int(i) for i in ids}, kind, title, body, _local_path(url))
        for ids, kind, title, body, url in messages
    ]
    everyone = set().union(*(ids for _c, ids, *_rest in messages))
    if not everyone:
        return []
    # Only the columns needed (no User objects, no roles loaded with them); in a sync batch,
    # each recipient is looked up once for the whole batch.
    languages = lookups.remember_each("notify_recipients", everyone, _active_languages)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    texts = {}  # (locale, message number): (title, body)
    for locale in {languages[i] or default for i in languages}:
        rendered = {}  # a text that several messages share is rendered once
        with force_locale(parsed_locale(locale)):
            for number, (_c, _ids, _k, title, body, _u) in enumerate(messages):
                for text in (title, body):
                    if id(text) not in rendered:
                        rendered[id(text)] = str(text or "")
                texts[locale, number] = (rendered[id(title)][:200], rendered[id(body)])
    now = utcnow()
    return [
        {
            "user_id": user_id,
            "category": category,
            "kind": kind[:60],
            "title": texts[languages[user_id] or default, number][0],
            "body": texts[languages[user_id] or default, number][1],
            "url": url,
            "created_at": now,
        }
        for number, (category, ids, kind, _t, _b, url) in enumerate(messages)
        for user_id in sorted(ids & languages.keys())
    ]


def _push_after_commit(notification_ids: Iterable[int]) -> None:
    _inbox_changed()
    from app.blueprints.notify.jobs import fan_out

    enqueue_after_commit(fan_out, list(notification_ids), merge=True)


def _active_languages(ids: set[int]) -> dict[int, str]:
    """{user id: their locale ("" for the default)} of the active users among `ids`."""
    return {
        user_id: locale or ""
        for user_id, locale in db.session.execute(
            select(User.id, User.locale).where(User.id.in_(ids), User.active.is_(True))
        )
    }


def category_of(kind: str) -> Category:
    try:
        return Category(kind.split(".", 1)[0])
    except ValueError:
        raise ValueError(f"notification kind {kind!r} does not start with a category") from None


def _local_path(url: str) -> str:
    """Only paths inside the app: a notification must never send anyone elsewhere."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"notification url must be a path inside the app, not {url!r}")
    return url[:500]


def send_test(user: User) -> Notification:
    """The "send me a test notification" button."""
    from flask import url_for

    (row,) = notify(
        [user.id],
        "system.test",
        _l("Test notification"),
        _l("If this shows on your phone, notifications reach you."),
        url_for("notify.settings"),
    )
    return row


# The inbox ---------------------------------------------------------------------------------


def inbox_query(user: User):
    """The user's notifications, unread first, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
    )


def remind_daily(rows, user_ids, kind: str, title, body, url: str, *, mark=None, day=None) -> bool:
    """A daily job's one message to `user_ids` about how many `rows` wait (`title` says how
    many; the texts name no row and no person: push services carry them). Sent only when
    there are rows and someone to tell; then each row's `mark` column (if any) is set to `day`,
    which the job's query reads to leave the row out until it is due again. Returns whether it
    went."""
    if not (rows and user_ids):
        return False
    notify(user_ids, kind, title, body, url)
    if mark:
        for row in rows:
            setattr(row, mark, day)
    return True


# The badge shows "99+" past 99: counting further would read every unread row, and an officer
# who leaves the reports of a busy network unread gathers thousands.
UNREAD_CAP = 100


def unread_count(user: User) -> int:
    """The user's unread notifications, counted up to UNREAD_CAP. Asked once a request: the
    bottom bar's badge and the home page's inbox card both show it. Writing to the inbox (a
    new row, a row read) forgets it."""
    counts = _unread_counts()
    if user.id not in counts:
        counts[user.id] = db.session.scalar(_unread_statement(), {"user_id": user.id})
    return counts[user.id]


@cache
def _unread_statement():
    """Built once a process: every page asks it (see app/blueprints/README.md)."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
        .limit(UNREAD_CAP)
        .subquery()
    )
    return select(func.count()).select_from(unread)


def _unread_counts() -> dict:
    """This request's memo of unread counts (outside a request, a fresh one each time)."""
    if not has_request_context():
        return {}
    if not hasattr(request, "unread_counts"):
        request.unread_counts = {}
    return request.unread_counts


def _inbox_changed() -> None:
    _unread_counts().clear()


def inbox_stamp(user: User) -> str:
    """Changes when the inbox page does: a new entry, or one read."""
    newest, unread = db.session.execute(
        select(
            func.max(Notification.id),
            func.count(Notification.id).filter(Notification.read_at.is_(None)),
        ).where(Notification.user_id == user.id)
    ).one()
    return f"{newest}:{unread}"


def latest_unread(user: User) -> Notification | None:
    return db.session.scalar(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
        .limit(1)
    )


def get_own(user: User, notification_id: int) -> Notification | None:
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        _inbox_changed()


def mark_read_about(user: User, kind: str, url: str) -> int:
    """Mark `user`'s unread messages of `kind` about `url` read: the person did what they
    asked (confirmed the new version they were asked to read), so the message no longer
    waits in the inbox or on the badge. Returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == kind,
            Notification.url == _local_path(url),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    if result.rowcount:
        _inbox_changed()
    return result.rowcount


def retarget(url: str, to: str) -> int:
    """Point every message about `url` at `to` instead, whoever it went to: the item is gone
    (a deleted draft), and an old message must not lead to a 404. One UPDATE; returns how
    many."""
    result = db.session.execute(
        update(Notification).where(Notification.url == _local_path(url)).values(url=_local_path(to))
    )
    return result.rowcount


def mark_all_read(user: User) -> int:
    _inbox_changed()
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


# Preferences -------------------------------------------------------------------------------


def push_preferences(user: User) -> dict[Category, bool]:
    chosen = {
        pref.category: pref.push
        for pref in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    return {category: chosen.get(category, True) for category in CHOOSABLE_CATEGORIES}


def set_push_preferences(user: User, choices: dict[Category, bool]) -> None:
    existing = {
        pref.category: pref
        for pref in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for category in CHOOSABLE_CATEGORIES:
        wanted = bool(choices.get(category, True))
        if category in existing:
            existing[category].push = wanted
        else:
            db.session.add(NotificationPreference(user_id=user.id, category=category, push=wanted))


# Subscriptions -----------------------------------------------------------------------------


class InvalidSubscription(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def check_subscription(data) -> dict:
    """Validate a browser's `PushSubscription.toJSON()`; returns endpoint, p256dh, auth."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise InvalidSubscription({"subscription": [str(_l("This is not a push subscription."))]})
    endpoint = data.get("endpoint")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    if not isinstance(endpoint, str) or not endpoint_allowed(endpoint):
        errors["endpoint"] = [str(_l("The push address is missing or not allowed."))]
    p256dh = _decoded(keys.get("p256dh"))
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 4:
        errors["p256dh"] = [str(_l("The browser's key is missing or malformed."))]
    auth = _decoded(keys.get("auth"))
    if auth is None or len(auth) != 16:
        errors["auth"] = [str(_l("The browser's secret is missing or malformed."))]
    if errors:
        raise InvalidSubscription(errors)
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}


def _decoded(value) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return b64url_decode(value)
    except ValueError:
        return None


def save_subscription(user: User, data, user_agent: str = "") -> PushSubscription:
    """Store (or take over) a browser's subscription for `user`."""
    fields = check_subscription(data)
    sub = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == fields["endpoint"])
    )
    if sub is None:
        sub = PushSubscription(endpoint=fields["endpoint"])
    sub.user_id = user.id
    sub.p256dh = fields["p256dh"]
    sub.auth = fields["auth"]
    sub.user_agent = (user_agent or "")[:255]
    db.session.add(sub)
    db.session.flush()
    return sub


def delete_subscription(user: User, endpoint: str) -> bool:
    sub = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
        )
    )
    if sub is None:
        return False
    db.session.delete(sub)
    return True


def renew_subscription(old_endpoint: str, data) -> PushSubscription | None:
    """The service worker's `pushsubscriptionchange`: the browser replaced its subscription.
    Only whoever knows the old endpoint (a secret between that browser and us) can move it."""
    fields = check_subscription(data)
    sub = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == old_endpoint)
    )
    if sub is None:
        return None
    taken = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == fields["endpoint"])
    )
    if taken is not None and taken is not sub:
        db.session.delete(sub)
        return taken
    sub.endpoint = fields["endpoint"]
    sub.p256dh = fields["p256dh"]
    sub.auth = fields["auth"]
    return sub


def subscription_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(PushSubscription.id)).where(PushSubscription.user_id == user.id)
    )
