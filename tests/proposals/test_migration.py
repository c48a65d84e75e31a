# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0012: the safety suggestions become proposals of the category "safety", their
answers replies on the timeline; going back restores them. Migration 0022: a draft may have
no category yet."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.helpers import database_at


def test_suggestions_become_safety_proposals_and_come_back(tmp_path):
    with database_at(
        tmp_path,
        "0005_sync",
        "INSERT INTO departments (id, name, kind, parent_id, created_at) VALUES "
        "(1, '装配车间', 'workshop', NULL, '2026-11-01'), (2, '总装一班', 'team', 1, '2026-11-01')",
        "INSERT INTO users (id, employee_no, name, department_id, password_hash, active, "
        "must_change_password, created_at) VALUES "
        "(1, 'M1', '刘职工', 2, 'x', 1, 0, '2026-11-01'), (2, 'S1', '李安全', 1, 'x', 1, 0, '2026-11-01')",
        "INSERT INTO areas (id, name, kind, department_id, description, active, created_at) "
        "VALUES (1, '总装线', 'production', 1, '', 1, '2026-11-01')",
        "INSERT INTO safety_suggestions (id, author_id, area_id, title, body, answer, "
        "answered_by_id, answered_at, created_at) VALUES "
        "(5, 1, 1, '增设洗眼器', '总装线使用清洗剂', '下周安装', 2, '2026-11-03', '2026-11-02'), "
        "(6, 1, NULL, '地面防滑', '雨天门口湿滑', NULL, NULL, NULL, '2026-11-04')",
    ) as engine:
        upgrade()
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT title, category, status, current_state, proposed_change, department_id, "
                    "legacy_suggestion_id FROM proposals ORDER BY legacy_suggestion_id"
                )
            ).all()
            assert [tuple(r) for r in rows] == [
                ("增设洗眼器", "safety", "submitted", "总装线", "总装线使用清洗剂", 1, 5),
                ("地面防滑", "safety", "submitted", "", "雨天门口湿滑", 1, 6),
            ]
            events = conn.execute(
                text(
                    "SELECT p.legacy_suggestion_id, e.action, e.actor_id, e.note FROM proposal_events e "
                    "JOIN proposals p ON p.id = e.proposal_id ORDER BY e.id"
                )
            ).all()
            assert [tuple(e) for e in events] == [
                (5, "submit", 1, ""),
                (5, "answer", 2, "下周安装"),
                (6, "submit", 1, ""),
            ]
            assert conn.execute(
                text("SELECT user_id, share, is_lead FROM proposal_authors")
            ).all() == [(1, 100, 1), (1, 100, 1)]
        downgrade(revision="0010_care")  # the revision before this one
        with engine.connect() as conn:
            back = conn.execute(
                text(
                    "SELECT id, title, body, answer, answered_by_id FROM safety_suggestions ORDER BY id"
                )
            ).all()
            assert [tuple(r) for r in back] == [
                (5, "增设洗眼器", "总装线使用清洗剂", "下周安装", 2),
                (6, "地面防滑", "雨天门口湿滑", None, None),
            ]


PROPOSAL = (
    "INSERT INTO proposals (id, title, category, current_state, proposed_change, expected_effect, "
    "status, author_id, captured_at, created_at, updated_at) VALUES"
)


def test_a_category_becomes_optional_and_going_back_makes_drafts_without_one_other(tmp_path):
    with database_at(tmp_path, "0021_plan_stopped") as engine:
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, created_at) VALUES (1, 'M1', '刘职工', 'x', 1, 0, '2026-11-01')",
                f"{PROPOSAL} (1, '切削液再生', 'reuse', '', '', '', 'submitted', 1, '2026-11-02', '2026-11-02', '2026-11-02'), "
                "(2, '夹具改进', 'other', '', '', '', 'draft', 1, '2026-11-02', '2026-11-02', '2026-11-02')",
                "INSERT INTO proposal_authors (id, proposal_id, user_id, share, is_lead) VALUES (1, 1, 1, 100, 1)",
                "INSERT INTO proposal_events (id, proposal_id, actor_id, action, from_status, to_status, note, created_at) "
                "VALUES (1, 1, 1, 'submit', 'draft', 'submitted', '', '2026-11-02')",
            ):
                conn.execute(text(statement))
        kept = (
            "SELECT (SELECT count(*) FROM proposal_authors), (SELECT count(*) FROM proposal_events)"
        )
        upgrade()
        with engine.begin() as conn:
            # Rows keep their category; a new draft may have none.
            conn.execute(
                text(
                    f"{PROPOSAL} "
                    "(3, '照明改造', NULL, '', '', '', 'draft', 1, '2026-11-03', '2026-11-03', '2026-11-03')"
                )
            )
            rows = conn.execute(text("SELECT id, category FROM proposals ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "reuse"), (2, "other"), (3, None)]
            # The proposals' own rows stay with them (SQLite builds the table anew).
            assert tuple(conn.execute(text(kept)).one()) == (1, 1)
        downgrade(revision="0021_plan_stopped")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, category FROM proposals ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "reuse"), (2, "other"), (3, "other")]
            assert tuple(conn.execute(text(kept)).one()) == (1, 1)
        with engine.begin() as conn, pytest.raises(IntegrityError):
            conn.execute(
                text(
                    f"{PROPOSAL} "
                    "(4, '又一个', NULL, '', '', '', 'draft', 1, '2026-11-03', '2026-11-03', '2026-11-03')"
                )
            )
