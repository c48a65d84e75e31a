# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0023: a plan's `active` flag goes (a plan is in force while it has no stop time)
and its past periods get a table; going back, `active` is what the stop time says."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.helpers import database_at


def test_active_is_read_from_the_stop_time_both_ways(tmp_path):
    with database_at(tmp_path, "0021_plan_stopped") as engine:
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO departments (id, name, kind, created_at) VALUES (1, '一车间', 'workshop', '2026-10-01')",
                "INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, created_at) VALUES (1, 'I1', '张群监', 'x', 1, 0, '2026-10-01')",
                "INSERT INTO areas (id, name, kind, department_id, description, active, created_at) VALUES (1, '冲压线', 'production', 1, '', 1, '2026-10-01'), (2, '仓库', 'warehouse', 1, '', 1, '2026-10-01')",
                "INSERT INTO patrol_plans (id, inspector_id, area_id, weekdays, active, created_at, stopped_at) VALUES "
                "(1, 1, 1, '1010100', 1, '2026-10-01', NULL), (2, 1, 2, '0101000', 0, '2026-10-01', '2026-11-11 07:00:00.000000')",
            ):
                conn.execute(text(statement))
        upgrade()
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("patrol_plans")}
            assert "active" not in columns
            rows = conn.execute(
                text("SELECT id, weekdays, stopped_at FROM patrol_plans ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, "1010100", None),
                (2, "0101000", "2026-11-11 07:00:00.000000"),
            ]
            assert conn.execute(text("SELECT count(*) FROM patrol_plan_periods")).scalar() == 0
        downgrade(revision="0022_proposal_category_optional")
        with engine.connect() as conn:
            active = conn.execute(text("SELECT id, active FROM patrol_plans ORDER BY id")).all()
            assert [tuple(r) for r in active] == [(1, 1), (2, 0)]
            assert "patrol_plan_periods" not in inspect(conn).get_table_names()
