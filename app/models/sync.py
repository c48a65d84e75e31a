"""What the sync endpoint has received from phones: one row per record id, one per photo.

The record id (a uuid the phone made at capture) is the idempotency key: a retry of a record
the server already committed finds its row here and answers `duplicate` with the same url.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, str_enum
from app.models.columns import fk, timestamp


class SyncStatus(enum.Enum):
    CREATED = "created"  # the feature's row exists; a retry is a duplicate
    INVALID = "invalid"  # the last attempt was refused; the same id may come back corrected


class SyncRecord(db.Model):
    __tablename__ = "sync_records"

    id: Mapped[str] = mapped_column(Uuid(as_uuid=False), primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    device: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[SyncStatus] = mapped_column(str_enum(SyncStatus), default=SyncStatus.CREATED)
    url: Mapped[str | None] = mapped_column(String(255))
    # What the record became: the table and primary key of the feature's row.
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[dict | None] = mapped_column(JSON)
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = timestamp()

    user = relationship("User")
    photos: Mapped[list["SyncPhoto"]] = relationship(
        back_populates="record", order_by="SyncPhoto.position"
    )


class SyncPhoto(db.Model):
    """A photo a record declared; `stored_sha256`/`path` are set once its bytes arrived."""

    __tablename__ = "sync_photos"

    id: Mapped[str] = mapped_column(Uuid(as_uuid=False), primary_key=True)
    record_id: Mapped[str] = fk("sync_records.id", "CASCADE", index=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE")
    position: Mapped[int] = mapped_column(Integer, default=0)
    item_id: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    # The stored file: the bytes after EXIF was stripped, addressed by their own digest.
    stored_sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(255))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    record: Mapped[SyncRecord] = relationship(back_populates="photos")

    # Not a column: the picture as `app.storage` stored it (digest, pixels, bytes), set by the
    # upload that stored it, so the feature's `attach_photo` makes its row without reading the
    # file back.
    image = None
