"""Publishing documents and their versions, and the 学习签名 of a version."""

from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import mark_read_about, notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import parse_id
from app.jobs import path_for
from app.models.library import (
    DocCategory,
    Document,
    DocumentPost,
    DocumentVersion,
    ReadConfirmation,
)
from app.models.safety import Area
from app.services import audit
from app.services.inputs import choice, text
from app.services.rows import next_number

from .. import permissions, posts

MAX_BODY = 60_000
# The message that asks the workers of a document's posts to read its new version.
REVISED = "notices.procedure_revised"


def _check_publisher(user) -> None:
    if not permissions.can_publish(user):
        raise Refused(_("Only union organizers and safety officers publish documents."), 403)


def _ids(data, key: str) -> list:
    value = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _details(data, errors: dict) -> dict:
    values = {
        "title": text(data, "title", errors, required=True, max_len=120),
        "category": choice(data, "category", DocCategory, errors),
        "machine": text(data, "machine", errors, max_len=80),
    }
    area_raw = data.get("area_id")
    values["area_id"] = None
    if area_raw not in (None, ""):
        area_id = parse_id(area_raw)
        if area_id is None or db.session.get(Area, area_id) is None:
            errors.setdefault("area_id", []).append(_("Choose an area from the list."))
        else:
            values["area_id"] = area_id
    known = {post_id for post_id, _name in posts.all_posts()}
    chosen = []
    for raw in _ids(data, "post_ids"):
        post_id = parse_id(raw)
        if post_id is None or post_id not in known:
            errors.setdefault("post_ids", []).append(_("Choose posts from the list."))
            break
        chosen.append(post_id)
    values["post_ids"] = sorted(set(chosen))
    return values


def publish_document(user, data) -> Document:
    """A new document with its first version: title, category, the machine and area it
    hangs on (optional), the posts whose workers must read it, and its text."""
    _check_publisher(user)
    errors: dict[str, list[str]] = {}
    values = _details(data, errors)
    body = text(data, "body", errors, required=True, max_len=MAX_BODY)
    changes = text(data, "changes", errors, max_len=2000)
    if errors:
        raise ValidationFailed(errors)
    now = datetime.now(UTC)
    document = Document(
        title=values["title"],
        category=values["category"],
        machine=values["machine"],
        area_id=values["area_id"],
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    document.post_links = [DocumentPost(post_id=p) for p in values["post_ids"]]
    db.session.add(document)
    db.session.flush()
    # No note is kept as none: the page says "First version." in the reader's language.
    _new_version(user, document, body, changes, now)
    audit.record("library.published", document, actor=user, summary=document.title)
    return document


def revise_document(user, document: Document, data) -> DocumentVersion:
    """A new version (the old ones stay readable), saying what changed; the details may
    change with it. The workers of its posts are asked to read and confirm it.

    With the text as it stands, only the details change (a title, the posts it is for): the
    current version stays, and so does every confirmation of it — a new version would ask
    everyone to sign again for nothing new. Returns the version in force."""
    _check_publisher(user)
    errors: dict[str, list[str]] = {}
    values = _details(data, errors)
    body = text(data, "body", errors, required=True, max_len=MAX_BODY)
    current = document.current_version
    same = bool(body) and current is not None and _same_text(body, current.body)
    changes = text(data, "changes", errors, required=not same, max_len=2000)
    if errors:
        raise ValidationFailed(errors)
    now = datetime.now(UTC)
    for key in ("title", "category", "machine", "area_id"):
        setattr(document, key, values[key])
    document.post_links = [DocumentPost(post_id=p) for p in values["post_ids"]]
    document.updated_at = now
    if same:
        audit.record("library.details_changed", document, actor=user, summary=document.title)
        return current
    version = _new_version(user, document, body, changes, now)
    audit.record(
        "library.revised", document, actor=user, summary=f"{document.title} v{version.number}"
    )
    readers = [u.id for u in posts.holders_of(values["post_ids"])]
    if readers:
        notify(
            readers,
            REVISED,
            _l("New version to read: %(title)s", title=document.title),
            changes,
            path_for("library.document", document_id=document.id),
        )
    return version


def _same_text(a: str, b: str) -> bool:
    """The same text as a reader sees it: line endings (a browser sends CRLF) do not count."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _new_version(user, document, body, changes, now) -> DocumentVersion:
    number = next_number(DocumentVersion.number, DocumentVersion.document_id == document.id)
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        body=body,
        changes=changes,
        published_by_id=user.id,
        published_at=now,
    )
    db.session.add(version)
    db.session.flush()
    document.current_version_id = version.id
    db.session.flush()
    return version


def confirm_read(user, data, client_id=None, captured_at=None) -> ReadConfirmation:
    """学习签名: `user` read version `data["version_id"]`. Once per person and version: a
    second confirmation (another phone, the form and the outbox) is the first one."""
    version_id = parse_id(data.get("version_id") if hasattr(data, "get") else None)
    version = db.session.get(DocumentVersion, version_id) if version_id else None
    if version is None:
        raise ValidationFailed.on("version_id", _("This version of the document does not exist."))
    if version.id == version.document.current_version_id:
        # Read and confirmed: the message that asked for it is done with (an older version's
        # confirmation leaves the request to read the current one).
        mark_read_about(
            user, REVISED, path_for("library.document", document_id=version.document_id)
        )
    existing = db.session.scalar(
        select(ReadConfirmation).where(
            ReadConfirmation.version_id == version.id, ReadConfirmation.user_id == user.id
        )
    )
    if existing is not None:
        return existing
    now = datetime.now(UTC)
    confirmation = ReadConfirmation(
        client_id=client_id,
        version_id=version.id,
        user_id=user.id,
        captured_at=captured_at or now,
        received_at=now,
    )
    db.session.add(confirmation)
    db.session.flush()
    return confirmation
