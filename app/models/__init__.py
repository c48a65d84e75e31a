"""All models, imported here so that Alembic and `db.create_all` see every table."""

from app.models.audit import AuditLog
from app.models.sync import SyncPhoto, SyncRecord, SyncStatus  # noqa: F401
from app.models.users import Department, DepartmentKind, LoginAttempt, Role, User, UserRole

__all__ = [
    "AuditLog",
    "Department",
    "DepartmentKind",
    "LoginAttempt",
    "Role",
    "User",
    "UserRole",
]
