# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0028: an evaluated leader may be linked to an account, and ballots are kept cut
into their sections. The ballots stored before are cut here: every grade and opinion stays
with its leader, each section is a sheet of its own, and each round counts its ballots."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.helpers import database_at

GRADES = "SELECT leader_id, dimension_id, grade FROM evaluation_ballot_grades ORDER BY leader_id, dimension_id, grade"
COMMENTS = (
    "SELECT leader_id, strengths FROM evaluation_ballot_comments ORDER BY leader_id, strengths"
)


def _ballots(rows: str) -> str:
    return f"INSERT INTO evaluation_ballots (id, round_id) VALUES {rows}"


def test_stored_ballots_are_cut_into_sections_and_each_round_counts_its_ballots(tmp_path):
    with database_at(
        tmp_path,
        "0027_appeal_earlier_ratings",
        "INSERT INTO evaluation_rounds (id, title, electorate, opens_at, closes_at, min_ballots, created_at) VALUES "
        "(1, '年度评议', 'delegates', '2026-11-01', '2026-11-08', 5, '2026-11-01'), "
        "(2, '中层评议', 'delegates', '2026-11-01', '2026-11-08', 5, '2026-11-01')",
        "INSERT INTO evaluation_leaders (id, round_id, name, post, position) VALUES "
        "(1, 1, '张总', '总经理', 0), (2, 1, '钱主任', '车间主任', 1), (3, 2, '何主任', '车间主任', 0)",
        _ballots("('b1', 1), ('b2', 1), ('b3', 2)"),
        "INSERT INTO evaluation_ballot_grades (id, round_id, ballot_id, leader_id, dimension_id, grade) VALUES "
        "('g1', 1, 'b1', 1, NULL, 'excellent'), ('g2', 1, 'b1', 2, NULL, 'competent'), "
        "('g3', 1, 'b2', 1, NULL, 'basic'), ('g4', 1, 'b2', 2, NULL, 'competent'), "
        "('g5', 2, 'b3', 3, NULL, 'excellent')",
        "INSERT INTO evaluation_ballot_comments (id, round_id, ballot_id, leader_id, strengths, weaknesses) VALUES "
        "('c1', 1, 'b1', 1, '敢于担当', ''), ('c2', 1, 'b1', 2, '深入一线', '')",
    ) as engine:
        with engine.connect() as conn:
            grades, comments = conn.execute(text(GRADES)).all(), conn.execute(text(COMMENTS)).all()
        upgrade()
        with engine.connect() as conn:
            assert conn.execute(text(GRADES)).all() == grades
            assert conn.execute(text(COMMENTS)).all() == comments
            counts = "SELECT id, ballots_cast FROM evaluation_rounds ORDER BY id"
            assert conn.execute(text(counts)).all() == [(1, 2), (2, 1)]
            leaders = "SELECT user_id FROM evaluation_leaders"
            assert conn.execute(text(leaders)).scalars().all() == [None] * 3
            # Five sections, each a sheet of one leader under a fresh key, opinions included.
            sheets = conn.execute(text("SELECT id, round_id FROM evaluation_ballots")).all()
            assert sorted(r for _k, r in sheets) == [1, 1, 1, 1, 2]
            assert not {k for k, _r in sheets} & {"b1", "b2", "b3"}
            per_sheet = conn.execute(
                text(
                    "SELECT ballot_id, count(DISTINCT leader_id) FROM (SELECT ballot_id, leader_id FROM evaluation_ballot_grades "
                    "UNION ALL SELECT ballot_id, leader_id FROM evaluation_ballot_comments) AS lines GROUP BY ballot_id"
                )
            ).all()
            assert len(per_sheet) == 5 and {n for _k, n in per_sheet} == {1}
        downgrade(revision="0027_appeal_earlier_ratings")
        with engine.connect() as conn:
            assert conn.execute(text(GRADES)).all() == grades
            assert "user_id" not in {
                c["name"] for c in inspect(conn).get_columns("evaluation_leaders")
            }
            assert "ballots_cast" not in {
                c["name"] for c in inspect(conn).get_columns("evaluation_rounds")
            }
