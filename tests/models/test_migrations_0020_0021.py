# ruff: noqa: E501  (SQL literals read best on one line)
"""Migrations 0020 and 0021: who was checked in before the upgrade had been asked for their
rating at check-in and is not asked again; a plan stopped before the upgrade stops when its
audit log says, or at the upgrade when the log has no entry."""

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.helpers import database_at


def test_the_checked_in_count_as_asked_and_stopped_plans_get_their_stop_time(tmp_path):
    with database_at(tmp_path, "0019_flat_covers") as engine:
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO departments (id, name, kind, created_at) VALUES (1, '一车间', 'workshop', '2026-10-01')",
                "INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, created_at) VALUES (1, 'M1', '刘职工', 'x', 1, 0, '2026-10-01'), (2, 'M2', '王职工', 'x', 1, 0, '2026-10-01')",
                "INSERT INTO activities (id, kind, status, title, description, place, starts_at, ends_at, signup_opens_at, signup_closes_at, cancel_deadline, qualification_is_safety, created_at) VALUES "
                "(1, 'event', 'published', '篮球赛', '', '体育场', '2026-11-01 08:00:00', '2026-11-01 10:00:00', '2026-10-01', '2026-10-30', '2026-10-30', 0, '2026-10-01')",
                "INSERT INTO participations (id, activity_id, user_id, status, signed_up_at, queued_at, checked_in_at) VALUES "
                "(1, 1, 1, 'confirmed', '2026-10-02', '2026-10-02', '2026-11-01 07:55:00.000000'), (2, 1, 2, 'confirmed', '2026-10-02', '2026-10-02', NULL)",
                "INSERT INTO areas (id, name, kind, department_id, description, active, created_at) VALUES (1, '冲压线', 'production', 1, '', 1, '2026-10-01'), (2, '仓库', 'warehouse', 1, '', 1, '2026-10-01'), (3, '配电室', 'electrical', 1, '', 1, '2026-10-01')",
                "INSERT INTO patrol_plans (id, inspector_id, area_id, weekdays, active, created_at) VALUES "
                "(1, 1, 1, '1010100', 1, '2026-10-01'), (2, 1, 2, '1010100', 0, '2026-10-01'), (3, 1, 3, '1010100', 0, '2026-10-01')",
                "INSERT INTO audit_logs (action, target_type, target_id, summary, at) VALUES "
                "('patrol_plan.stopped', 'PatrolPlan', '2', '', '2026-11-04 07:00:00.000000'), ('patrol_plan.stopped', 'PatrolPlan', '2', '', '2026-11-11 07:00:00.000000'), ('patrol_plan.stopped', 'PatrolPlan', '1', '', '2026-10-20 07:00:00.000000')",
            ):
                conn.execute(text(statement))
        before = datetime.now(UTC).replace(tzinfo=None)
        upgrade()
        with engine.connect() as conn:
            asked = conn.execute(
                text("SELECT id, rating_asked_at FROM participations ORDER BY id")
            ).all()
            assert [tuple(r) for r in asked] == [(1, "2026-11-01 07:55:00.000000"), (2, None)]
            stopped = dict(
                conn.execute(text("SELECT id, stopped_at FROM patrol_plans ORDER BY id")).all()
            )
        # Active (stopped once and saved again): not stopped. Stopped twice: the last time.
        assert stopped[1] is None
        assert stopped[2] == "2026-11-11 07:00:00.000000"
        # No entry in the log: stopped at the upgrade.
        assert datetime.fromisoformat(stopped[3]) >= before
        downgrade(revision="0019_flat_covers")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM patrol_plans")).scalar() == 3
