"""Who holds a role: the people a feature tells, or lets decide, by their role."""

from sqlalchemy import select

from app.extensions import db
from app.models import Role, User, UserRole


def holder_ids(*roles: Role) -> list[int]:
    """The ids of the active users who hold one of `roles`, each once, in id order."""
    return list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role.in_(roles), User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )
