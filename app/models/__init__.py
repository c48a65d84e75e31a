"""All models, imported here so that Alembic and `db.create_all` see every table."""

from app.models import hazards, safety  # noqa: F401  (the safety network's tables)
from app.models.audit import AuditLog
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
