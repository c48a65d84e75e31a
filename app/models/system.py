"""The app's own bookkeeping: daily job runs, log-in throttles, background roster imports."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._types import UTCDateTime
from app.models.columns import fk, timestamp


class JobRun(db.Model):
    """A daily job that ran on a day (the union's day): written with the job's own changes, so
    a second run that day (a second consumer, `flask jobs run-daily` by hand) does nothing."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("name", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    ran_at: Mapped[datetime] = timestamp()


class LoginThrottle(db.Model):
    """Failed log-ins under one key (an account, an address, or the pair), and when the next
    guess may be checked. Updated with one conditional UPDATE, so racing guesses are counted
    one by one."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RosterImport(db.Model):
    """A roster file being imported in the background, with its progress and row report."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = fk("users.id", "SET NULL")
    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    rows: Mapped[list] = mapped_column(JSON, default=list)  # [[line, {column: text}], …]
    ignored: Mapped[list] = mapped_column(JSON, default=list)
    reports: Mapped[list] = mapped_column(JSON, default=list)  # one dict per row handled
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = timestamp()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
