# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0025: employee numbers already stored become upper case, as typed numbers are
read; two that differ only in case are left as they are, and the log says so."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.helpers import database_at


def test_numbers_become_upper_case_unless_two_would_be_one(tmp_path, capsys):
    with database_at(tmp_path, "0024_round_eligible_voters") as engine:
        with engine.begin() as conn:
            numbers = ["m0001", "M0002", "g0003", "w7", "W7", "a-1_b"]
            rows = ", ".join(
                f"({n}, '{no}', '职工{n}', 'x', 1, 0, '2026-09-01')"
                for n, no in enumerate(numbers, 1)
            )
            conn.execute(
                text(
                    f"INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, created_at) VALUES {rows}"
                )
            )
        capsys.readouterr()
        upgrade()
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT employee_no FROM users ORDER BY id")).scalars().all()
        assert stored == ["M0001", "M0002", "G0003", "w7", "W7", "A-1_B"]
        said = capsys.readouterr().err
        assert "employee numbers w7, W7 differ only in case: left as they are" in said
        assert "users 4, 5" in said
