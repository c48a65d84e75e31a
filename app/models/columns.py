"""One-line declarations of the columns the models repeat: foreign keys by their ON DELETE
rule, the time a row is written, the outbox id of a record captured on a phone, the random
key of a row that must not tell when it came, the tables linking a row to departments, the
steps of a record's append-only trail, a picture and a document kept by `app.storage`.

The one-column helpers each return a `mapped_column`, so they stand where the column stands
and the table keeps its schema (the migrations are checked against the models):

    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    created_by_id: Mapped[int | None] = fk("users.id", "SET NULL")
    created_at: Mapped[datetime] = timestamp()

A group of columns that means one thing in several tables is a mixin the model names first
(`class AppealEvent(TrailStep, db.Model)`); its columns come last in the table's metadata.
"""

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Column, ForeignKey, String, Table, Text, select
from sqlalchemy.orm import Mapped, MappedColumn, declared_attr, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, utcnow

# The table option of a table whose rows can be deleted while their id lives on: in a link or
# an inbox notice, the audit log, a page or a ballot left open, a queued job. SQLite gives
# the largest freed id to the next row (the link to a deleted draft opened the next motion)
# unless the table says AUTOINCREMENT; PostgreSQL's sequences never go back. Migration 0032.
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}

# CASCADE: the row goes with the row it points at (a part of it, a person's own record);
# SET NULL: it outlives it and names it as unknown (who wrote or decided something);
# RESTRICT: the row it points at cannot be deleted while this one names it.
OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def fk(
    target: str, ondelete: OnDelete, *, use_alter: bool = False, **column: Any
) -> MappedColumn[Any]:
    """A foreign key to `target` ("table.column") with its ON DELETE rule; `column` goes to
    `mapped_column` (`index=True`, `primary_key=True` …)."""
    return mapped_column(ForeignKey(target, ondelete=ondelete, use_alter=use_alter), **column)


def timestamp(**column: Any) -> MappedColumn[Any]:
    """A UTC time that is the moment the row is written unless one is given (`created_at`,
    `received_at` …); `column` adds `index=True` or `onupdate=utcnow`."""
    return mapped_column(UTCDateTime, default=utcnow, **column)


def outbox_id() -> MappedColumn[Any]:
    """The id a phone gave the record when it captured it, maybe offline: the outbox's
    idempotency key (a uuid), so a record sent twice is stored once."""
    return mapped_column(String(36), unique=True)


def new_key() -> str:
    return uuid.uuid4().hex


def random_key() -> MappedColumn[Any]:
    """The primary key of a row that must not tell when it came (a ballot, an anonymous
    answer or appeal): random, where a counter would number the rows in the order they came."""
    return mapped_column(String(32), primary_key=True, default=new_key)


def department_links(name: str, column: str, target: str) -> Table:
    """The departments a row is for (an activity's or a survey's audience, the departments
    that handle a motion…): a table of (`column`, the key `target`) and `department_id`, each
    pair once, gone with either side."""
    return Table(
        name,
        db.metadata,
        Column(column, ForeignKey(target, ondelete="CASCADE"), primary_key=True),
        Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    )


def linked_departments(links: Table):
    """The departments a row is for, through its `department_links` table, by name."""
    return relationship("Department", secondary=links, order_by="Department.name")


class DepartmentPerson:
    """A person named for a department, each pair once and gone with either: the columns and
    links of a table of such people (the gate's team leaders, the proposals' department
    heads); the table says what they are named for."""

    department_id: Mapped[int] = fk("departments.id", "CASCADE", primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True, index=True)

    @declared_attr
    def department(cls):
        return relationship("Department")

    @declared_attr
    def user(cls):
        return relationship("User")


class UnlinkableMark:
    """The "has cast" mark of an unlinkable store (`app.services.unlinkable`): its scope (the
    subclass's first key column: the round, the survey) and the person, nothing else: no time,
    no order."""

    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)


class CapturedRecord:
    """A row made from a record a phone captured, maybe offline, and sent through the outbox
    (a hazard or one of its steps, a violation, a patrol, a gate check): the record's outbox
    id (`outbox_id`; a retry finds its row by it, `app.services.rows.sent_before`) and the
    phone's time of capture, which the record must carry."""

    client_id: Mapped[str | None] = outbox_id()
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)


# A column that names a picture of `app.storage` carries this in its `info`: "sha256" (the
# digest) or "name" (`<sha256>.jpg`). The store's daily sweep keeps every picture a row names.
PICTURE = "app.storage.picture"


def picture_digest(**column: Any) -> MappedColumn[Any]:
    """The sha256 of a picture in the upload store (a photo's row): kept while a row names it."""
    return mapped_column(String(64), info={PICTURE: "sha256"}, **column)


def picture_name(**column: Any) -> MappedColumn[Any]:
    """A picture's stored name (`<sha256>.jpg`, an activity's cover): kept while named."""
    return mapped_column(String(80), info={PICTURE: "name"}, **column)


def pictures_named() -> set[str]:
    """The digest of every picture a row of any table names (every column marked PICTURE)."""
    named: set[str] = set()
    for table in db.metadata.tables.values():
        for column in table.columns:
            if PICTURE in column.info:
                values = db.session.scalars(select(column).where(column.is_not(None)).distinct())
                named.update(value.removesuffix(".jpg") for value in values)
    return named


# A column that names a file of `app.storage` that is not a picture (a document, a care
# certificate) carries this in its `info`: the folder of the store its files are under. The
# value is the file's key (`care/ab/<sha256>.pdf`) or its name under that folder
# (`<sha256>.pdf`). The daily sweep deletes the files under a folder no row names.
DOCUMENT = "app.storage.document"


def document_key(folder: str, **column: Any) -> MappedColumn[Any]:
    """The key in the upload store of a file under `folder` (`care/ab/<sha256>.pdf`): kept
    while a row names it."""
    return mapped_column(String(255), info={DOCUMENT: folder}, **column)


def documents_named() -> tuple[set[str], set[str]]:
    """The folders that columns marked DOCUMENT keep files under, and the key of every file a
    row of any table names in them."""
    folders: set[str] = set()
    keys: set[str] = set()
    for table in db.metadata.tables.values():
        for column in table.columns:
            if (folder := column.info.get(DOCUMENT)) is None:
                continue
            folders.add(folder)
            values = db.session.scalars(select(column).where(column.is_not(None)).distinct())
            keys.update(v if "/" in v else f"{folder}/{v[:2]}/{v}" for v in values)
    return folders, keys


class StoredDocument:
    """A file kept by `app.storage.save_document` under `congress/` (a congress document, a
    notice's attachment): the columns it returns, which `app.storage.send_document` serves it
    by: the name it came with, the name it is stored under (`<sha256>.<ext>`), its type and
    size."""

    filename: Mapped[str] = mapped_column(String(160))
    stored_name: Mapped[str] = mapped_column(String(80), info={DOCUMENT: "congress"})
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]


class TrailStep:
    """One step of a record's append-only trail (an appeal's, a motion's, an aid request's):
    numbered in the order taken, who took it (the step outlives a deleted person, unnamed), a
    note and when. The subclass adds the key of its record and what the step did."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = fk("users.id", "SET NULL")
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = timestamp()

    @declared_attr
    def actor(cls):
        return relationship("User")


def trail(step: str, **options: Any):
    """A record's trail: its steps (`step` names their model, numbered by `id`) in the order
    taken, gone with the record; `options` go to `relationship` (`back_populates=…`)."""
    return relationship(step, order_by=f"{step}.id", cascade="all, delete-orphan", **options)
