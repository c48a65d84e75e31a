from contextlib import ExitStack

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import Department
from tests.conftest import _empty_all_tables
from tests.factories import make_department, make_user


def test_login_and_home(client, auth):
    user = make_user(name="王五")
    response = auth.login(user)
    assert response.status_code == 303
    assert "王五" in client.get("/").get_data(as_text=True)


def test_a_kept_state_comes_back_as_made_with_foreign_keys_checked(app, db, kept_state):
    """`kept_state` (the demo data's copy) puts the rows back with their ids, a team inside
    its workshop included; and the database still refuses a row that points at nothing, as
    it did before (a restore once left SQLite's foreign keys off for the rest of the test)."""

    def made():
        team = make_department("车工班", parent=make_department("机加工车间"))
        db.session.commit()
        return team.id

    team_id = kept_state("smoke", made)
    db.session.remove()
    _empty_all_tables(db.engine)
    db.engine.dispose()  # as after every test
    assert db.session.get(Department, team_id) is None
    db.session.remove()  # as at a test's start: the session has no connection yet
    assert kept_state("smoke", made) == team_id  # put back, not made again
    team = db.session.get(Department, team_id)
    assert (team.name, team.parent.name) == ("车工班", "机加工车间")
    db.session.add(Department(name="无主班组", parent_id=team_id + 1000))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":  # on every connection the pool holds
        with ExitStack() as stack:
            held = [stack.enter_context(db.engine.connect()) for _ in range(5)]
            assert [c.exec_driver_sql("PRAGMA foreign_keys").scalar() for c in held] == [1] * 5
