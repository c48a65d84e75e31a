"""People, their roles and the department tree."""

import hashlib
import unicodedata
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models._types import LabelledEnum, UTCDateTime, str_enum
from app.models.columns import NEVER_REUSED_IDS, fk, timestamp


def typed_no(raw) -> str:
    """An employee number as a person typed it, read as it is stored: a Chinese keyboard's
    full-width letters and digits (Ｍ０００３) are the ones they stand for, the spaces around
    it go, and letters are upper case (a phone keyboard types m0003 first). Numbers are
    stored through it too (services.users, the roster import, migration 0025), so a number
    is found however it was typed. gate-check.js reads a typed number the same way."""
    return unicodedata.normalize("NFKC", raw if isinstance(raw, str) else "").strip().upper()


class Role(LabelledEnum):
    MEMBER = "member", _l("Member")
    INSPECTOR = "inspector", _l("Safety inspector")
    SAFETY_OFFICER = "safety_officer", _l("Safety officer")
    ORGANIZER = "organizer", _l("Union organizer")
    CARE_OFFICER = "care_officer", _l("Care officer")
    ADMIN = "admin", _l("Administrator")


class DepartmentKind(LabelledEnum):
    WORKSHOP = "workshop", _l("Workshop")
    TEAM = "team", _l("Team")


class Department(db.Model):
    """A workshop (车间) or a team (班组) inside one; the tree is two levels deep."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("parent_id", "name"), NEVER_REUSED_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[DepartmentKind] = mapped_column(str_enum(DepartmentKind))
    parent_id: Mapped[int | None] = fk("departments.id", "RESTRICT", index=True)
    created_at: Mapped[datetime] = timestamp()

    parent: Mapped["Department | None"] = relationship(remote_side=[id], back_populates="children")
    # passive_deletes="all": deleting a workshop must not quietly turn its teams into teams of
    # nothing; the RESTRICT foreign key refuses instead.
    children: Mapped[list["Department"]] = relationship(
        back_populates="parent", order_by="Department.name", passive_deletes="all"
    )

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent else self.name

    def __repr__(self) -> str:
        return f"<Department {self.full_name}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = fk("users.id", "CASCADE", primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(32))
    department_id: Mapped[int | None] = fk("departments.id", "SET NULL", index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Set for accounts created by an administrator or an import: the first log-in asks for a
    # password of the worker's own.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = timestamp()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the session id: logging out (or "sign out everywhere") raises it, so a copied
    # session cookie or remember-me token stops working on the server too.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # Flask-Login refuses sessions of inactive users.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, new: set[Role]) -> None:
        new = {Role(r) for r in new}
        self.role_rows = [row for row in self.role_rows if row.role in new] + [
            UserRole(role=r) for r in sorted(new - self.roles)
        ]

    @property
    def sorted_roles(self) -> list[Role]:
        return [r for r in Role if r in self.roles]

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def get_id(self) -> str:
        """The id kept in the session and the remember cookie, tied to the password.

        Changing or resetting the password changes it, so every other phone still signed in
        with the old password (a lost or stolen one, say) is signed out; logging out raises
        `session_version`, which ends every session and remember-me token of the account.
        """
        return f"{self.id}:{self.password_fingerprint}:{self.session_version}"

    @property
    def password_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def set_password(self, password: str) -> None:
        # The method is configurable so the tests can use a cheap one; the hash names its
        # method, so check_password() reads any hash whatever the setting is now.
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @classmethod
    def by_employee_no(cls, employee_no: str) -> "User | None":
        return db.session.scalar(select(cls).where(cls.employee_no == typed_no(employee_no)))

    def __repr__(self) -> str:
        return f"<User {self.employee_no}>"


class LoginAttempt(db.Model):
    """Failed and successful log-ins, kept in the database so every web process sees them."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool]
    at: Mapped[datetime] = timestamp(index=True)
