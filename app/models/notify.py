"""Notifications: the in-app inbox, web-push subscriptions and per-category preferences."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import NEVER_REUSED_IDS, fk, timestamp


class Category(LabelledEnum):
    """What a notification is about; users can turn push off per category (not `system`)."""

    HAZARDS = "hazards", _l("Hazards")
    ACTIVITIES = "activities", _l("Activities")
    NOTICES = "notices", _l("Notices")
    PROPOSALS = "proposals", _l("Proposals")
    # The union's services to one member: mutual aid and care files (帮扶), appeals (维权).
    CARE_RIGHTS = "care_rights", _l("Care and rights")
    SYSTEM = "system", _l("System")


# The categories a user can choose about; system messages (the test button) always go out.
CHOOSABLE_CATEGORIES = (
    Category.HAZARDS,
    Category.ACTIVITIES,
    Category.NOTICES,
    Category.PROPOSALS,
    Category.CARE_RIGHTS,
)


class Notification(db.Model):
    """One inbox entry for one user, written in that user's language when it was sent."""

    __tablename__ = "notifications"
    # Read entries are cleaned out; a push on a phone still leads to /notifications/<id>.
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE")
    category: Mapped[Category] = mapped_column(str_enum(Category))
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = timestamp(index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} → {self.user_id}>"


class PushSubscription(db.Model):
    """A browser's push endpoint and keys. The endpoint belongs to one browser install, so a
    second account subscribing on the same phone takes the row over."""

    __tablename__ = "push_subscriptions"
    # A push to retry is queued by subscription id: it must not reach the next browser's.
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", "CASCADE", index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = timestamp()
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def info(self) -> dict:
        """The `subscription_info` dict pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class NotificationPreference(db.Model):
    """A user's choice to get push for a category; no row means yes."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)
    category: Mapped[Category] = mapped_column(str_enum(Category), primary_key=True)
    push: Mapped[bool] = mapped_column(default=True)
