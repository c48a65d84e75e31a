"""All models, imported here so that Alembic and `db.create_all` see every table."""

from app.models import (  # noqa: F401  (the safety network's tables)
    activities,  # noqa: F401  (tables of the activities blueprint)
    appeals,  # noqa: F401  (members' appeals)
    care,  # noqa: F401  (needy-worker files, visits, aid, campaigns)
    competitions,
    congress,  # noqa: F401  (democratic management)
    gate,  # noqa: F401  (qualification types, posts, worker codes, gate checks)
    hazards,
    honours,  # noqa: F401  (commendations)
    library,  # noqa: F401  (rules, procedures, study and exams)
    proposals,
    safety,
    surveys,  # noqa: F401  (surveys and activity ratings)
)
from app.models.audit import AuditLog
from app.models.notify import (
    Category,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from app.models.sync import SyncPhoto, SyncRecord, SyncStatus
from app.models.system import JobRun, LoginThrottle, RosterImport
from app.models.users import Department, DepartmentKind, LoginAttempt, Role, User, UserRole

__all__ = [
    "AuditLog",
    "Category",
    "Department",
    "JobRun",
    "LoginThrottle",
    "DepartmentKind",
    "LoginAttempt",
    "Notification",
    "NotificationPreference",
    "PushSubscription",
    "Role",
    "RosterImport",
    "SyncPhoto",
    "SyncRecord",
    "SyncStatus",
    "User",
    "UserRole",
]
