import pytest
from sqlalchemy import update

from app.models import Department


@pytest.fixture(autouse=True)
def _detach_teams(app):
    """The shared teardown deletes departments in one statement, which the RESTRICT on
    `departments.parent_id` refuses while teams still point at their workshop."""
    yield
    from app.extensions import db

    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(update(Department).values(parent_id=None))
