# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0024: a closed evaluation round gets the number who could vote in it, from what
can be known (the delegates as the audit log rolls them back to the close; a department's
members today) and never fewer than its voters; an open round gets none yet."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.helpers import database_at


def test_closed_rounds_get_their_electorate_from_what_can_be_known(tmp_path):
    with database_at(tmp_path, "0023_plan_periods") as engine:
        with engine.begin() as conn:
            users = ", ".join(
                f"({n}, 'U{n}', '职工{n}', 'x', {0 if n == 9 else 1}, 0, {department}, '2026-09-01')"
                for n, department in zip(range(1, 10), (1, 1, 2, 3, 3, 3, 3, 3, 1), strict=True)
            )
            for statement in (
                "INSERT INTO departments (id, name, kind, parent_id, created_at) VALUES (1, '装配车间', 'workshop', NULL, '2026-09-01'), (2, '总装班', 'team', 1, '2026-09-01'), (3, '机加工车间', 'workshop', NULL, '2026-09-01')",
                f"INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, department_id, created_at) VALUES {users}",
                "INSERT INTO congress_sessions (id, term_no, session_no, title, starts_on, ends_on, place, agenda, term_ends_on, created_at) VALUES (1, 5, 3, '五届三次', '2026-10-01', '2026-10-02', '', '', '2029-10-01', '2026-09-01')",
                # Today's delegates: U4–U8 (U1–U3 were removed and U8 added after round 1 closed).
                "INSERT INTO congress_delegates (session_id, user_id, term_starts_on, term_ends_on) VALUES (1, 4, '2026-01-01', '2029-10-01'), (1, 5, '2026-01-01', '2029-10-01'), (1, 6, '2026-01-01', '2029-10-01'), (1, 7, '2026-01-01', '2029-10-01'), (1, 8, '2026-01-01', '2029-10-01')",
                "INSERT INTO audit_logs (action, target_type, target_id, summary, at) VALUES "
                "('congress.delegate_added', 'CongressSession', '1', 'U7', '2026-10-01 07:00:00.000000'), "
                "('congress.delegate_added', 'CongressSession', '1', 'U8', '2026-11-02 07:00:00.000000'), "
                "('congress.delegate_removed', 'CongressSession', '1', 'U1', '2026-11-03 07:00:00.000000'), "
                "('congress.delegate_removed', 'CongressSession', '1', 'U2', '2026-11-03 07:01:00.000000'), "
                "('congress.delegate_removed', 'CongressSession', '1', 'U3', '2026-11-03 07:02:00.000000'), "
                "('congress.delegate_removed', 'CongressSession', '2', 'U4', '2026-11-03 07:03:00.000000')",
                "INSERT INTO evaluation_rounds (id, session_id, title, electorate, opens_at, closes_at, min_ballots, created_at) VALUES "
                "(1, 1, '年度评议', 'delegates', '2026-10-20 00:00:00.000000', '2026-11-01 08:00:00.000000', 5, '2026-10-19'), "
                "(2, NULL, '车间评议', 'departments', '2026-10-20 00:00:00.000000', '2026-11-01 08:00:00.000000', 3, '2026-10-19'), "
                "(3, NULL, '会议已删的评议', 'delegates', '2026-10-20 00:00:00.000000', '2026-11-01 08:00:00.000000', 3, '2026-10-19'), "
                "(4, 1, '进行中的评议', 'delegates', '2026-10-20 00:00:00.000000', '2099-11-01 08:00:00.000000', 3, '2026-10-19')",
                "INSERT INTO evaluation_round_departments (round_id, department_id) VALUES (2, 1)",
                # Round 1: U1–U6 voted; round 2: four voted, more than its three members today;
                # round 3: two ballots whose voters' accounts are gone.
                "INSERT INTO evaluation_voters (round_id, user_id) VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 4), (2, 5), (2, 6), (2, 7), (4, 4)",
                "INSERT INTO evaluation_ballots (id, round_id) VALUES ('a1', 1), ('a2', 1), ('a3', 1), ('a4', 1), ('a5', 1), ('a6', 1), ('b1', 2), ('b2', 2), ('b3', 2), ('b4', 2), ('c1', 3), ('c2', 3), ('d1', 4)",
            ):
                conn.execute(text(statement))
        upgrade()
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, eligible_voters FROM evaluation_rounds ORDER BY id")
            ).all()
            # 1: U1–U7 as it closed (85.7%, not 6 of today's 5); 2: its 3 members, raised to
            # the 4 who voted; 3: its 2 ballots; 4: still open, counted live.
            assert [tuple(r) for r in rows] == [(1, 7), (2, 4), (3, 2), (4, None)]
        downgrade(revision="0023_plan_periods")
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("evaluation_rounds")}
            assert "eligible_voters" not in columns
