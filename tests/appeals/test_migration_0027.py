# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0027: an appeal's earlier ratings get a table of their own, and a named appeal's
rating its time. Every rating stored before stays on its appeal (it rates the current answer,
and the figures read it there), with no time, since none was kept; going back keeps them."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.helpers import database_at

APPEALS = "SELECT key, status, rating, rating_note FROM appeals ORDER BY key"
KEPT = [
    ("a1", "closed", "unsatisfied", "补发时间太晚"),
    ("a2", "closed", "satisfied", ""),
    ("a3", "investigating", None, ""),
]


def test_stored_ratings_stay_on_their_appeals_and_earlier_ones_have_a_table(tmp_path):
    with database_at(
        tmp_path,
        "0026_first_version_note",
        "INSERT INTO appeals (key, category, title, details, anonymous, status, raised_on, acknowledge_by, answer, rating, rating_note) VALUES "
        "('a1', 'wages', '加班费少算', '少算 8 小时', 0, 'closed', '2026-11-01', '2026-11-03', '已核实', 'unsatisfied', '补发时间太晚'), "
        "('a2', 'living', '班车太早', '6:10 发车', 1, 'closed', '2026-11-01', '2026-11-03', '改为 6:40', 'satisfied', ''), "
        "('a3', 'hours', '周日加班', '连续三周', 0, 'investigating', '2026-11-02', '2026-11-04', '', NULL, '')",
        "INSERT INTO appeal_events (id, appeal_key, action, note, at) VALUES "
        "(1, 'a1', 'answer', '已核实', '2026-11-02'), (2, 'a2', 'answer', '改为 6:40', '2026-11-02')",
    ) as engine:
        upgrade()
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(APPEALS))] == KEPT
            assert conn.execute(text("SELECT rated_at FROM appeals")).scalars().all() == [None] * 3
            assert conn.execute(text("SELECT * FROM appeal_earlier_ratings")).all() == []
        with engine.begin() as conn:  # an earlier rating is kept by its appeal and answer
            conn.execute(
                text(
                    "INSERT INTO appeal_earlier_ratings (appeal_key, answer_no, rating, note) VALUES ('a1', 1, 'unsatisfied', '补发时间太晚')"
                )
            )
        downgrade(revision="0026_first_version_note")
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(APPEALS))] == KEPT
            assert conn.execute(text("SELECT count(*) FROM appeal_events")).scalar() == 2
            tables = inspect(conn).get_table_names()
            assert "appeal_earlier_ratings" not in tables
            assert "rated_at" not in {c["name"] for c in inspect(conn).get_columns("appeals")}
