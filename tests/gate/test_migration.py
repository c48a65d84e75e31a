# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0015: each qualification name (of a person or a training) becomes a managed
type, every qualification points at its type; going back restores the names."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.helpers import database_at


def test_names_become_types_and_come_back(tmp_path):
    with database_at(
        tmp_path,
        "0014_congress",
        "INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, created_at) VALUES (1, 'M1', '刘职工', 'x', 1, 0, '2026-11-01')",
        "INSERT INTO activities (id, kind, status, title, description, place, starts_at, ends_at, signup_opens_at, signup_closes_at, cancel_deadline, qualification_name, qualification_is_safety, qualification_months, created_at) VALUES "
        "(1, 'training', 'published', '叉车培训', '', '礼堂', '2026-11-01', '2026-11-01', '2026-10-01', '2026-10-30', '2026-10-30', '叉车司机证', 0, 48, '2026-10-01'),"
        "(2, 'training', 'published', '电工培训', '', '礼堂', '2026-12-01', '2026-12-01', '2026-11-01', '2026-11-30', '2026-11-30', '电工作业证', 0, 72, '2026-10-01')",
        "INSERT INTO qualifications (id, user_id, name, is_safety, activity_id, issued_on, valid_until, created_at) VALUES "
        "(1, 1, '安全生产培训合格证', 1, NULL, '2026-01-01', '2027-01-01', '2026-01-01'),"
        "(2, 1, '叉车司机证', 0, 1, '2026-11-01', '2030-11-01', '2026-11-01')",
    ) as engine:
        upgrade()
        with engine.connect() as conn:
            types = conn.execute(
                text(
                    "SELECT name, is_safety, validity_months FROM qualification_types ORDER BY name"
                )
            ).all()
            assert sorted(map(tuple, types)) == sorted(
                [("安全生产培训合格证", 1, None), ("叉车司机证", 0, 48), ("电工作业证", 0, 72)]
            )
            rows = conn.execute(
                text(
                    "SELECT q.id, t.name, q.source FROM qualifications q JOIN qualification_types t ON t.id = q.type_id ORDER BY q.id"
                )
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, "安全生产培训合格证", "training"),
                (2, "叉车司机证", "training"),
            ]
        downgrade(revision="0014_congress")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, name, is_safety FROM qualifications ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [(1, "安全生产培训合格证", 1), (2, "叉车司机证", 0)]
