# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0032: on SQLite the tables whose deleted rows' ids live on (in links, notices, the
audit log, open pages, queued jobs) never give an id twice: not the largest id left after a
delete, nor a draft's deleted before the upgrade that the audit log names. Their rows, columns,
foreign keys (theirs and those pointing at them) and indexes stay as they were, both ways."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.helpers import database_at

TABLES = (
    "congress_motions",
    "proposals",
    "proposal_photos",
    "departments",
    "congress_delegates",
    "evaluation_leaders",
    "qualifications",
    "post_holders",
    "care_household_members",
    "care_campaign_recipients",
    "notifications",
    "push_subscriptions",
)
MOTION = "INSERT INTO congress_motions ({id}session_id, proposer_id, title, reasons, measures, state, decision_note, answer, answer_reason, rating_note, sent_back, created_at) VALUES ({value}1, 1, '{title}', '', '', 'draft', '', '', '', '', 0, '2026-12-01')"
SUBSCRIPTION = "INSERT INTO push_subscriptions ({id}user_id, endpoint, p256dh, auth, user_agent, created_at) VALUES ({value}1, '{endpoint}', 'p', 'a', '', '2026-12-01')"


def _motion(title: str, id: int | None = None) -> str:
    return MOTION.format(id="id, " if id else "", value=f"{id}, " if id else "", title=title)


def _subscription(endpoint: str, id: int | None = None) -> str:
    return SUBSCRIPTION.format(
        id="id, " if id else "", value=f"{id}, " if id else "", endpoint=endpoint
    )


def _shape(conn) -> dict:
    """What reflection reads of the tables, and the foreign keys of every table pointing at
    them."""
    inspector = inspect(conn)
    shape = {
        table: (
            [
                (c["name"], str(c["type"]), c["nullable"], c["default"])
                for c in inspector.get_columns(table)
            ],
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted(map(repr, inspector.get_foreign_keys(table))),
            sorted(map(repr, inspector.get_indexes(table))),
            sorted(map(repr, inspector.get_unique_constraints(table))),
        )
        for table in TABLES
    }
    shape["pointing"] = sorted(
        (name, repr(fk))
        for name in inspector.get_table_names()
        for fk in inspector.get_foreign_keys(name)
        if fk["referred_table"] in TABLES
    )
    return shape


def _counting_on(conn) -> set[str]:
    return set(
        conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
            )
        ).scalars()
    )


def test_ids_are_never_given_twice_and_the_tables_keep_their_shape(tmp_path):
    with database_at(
        tmp_path,
        "0031_list_order_indexes",
        "INSERT INTO departments (id, name, kind, created_at) VALUES (1, '一车间', 'workshop', '2026-12-01'), (2, '总装班', 'team', '2026-12-01')",
        "UPDATE departments SET parent_id = 1 WHERE id = 2",
        "INSERT INTO users (id, employee_no, name, password_hash, active, must_change_password, department_id, created_at) VALUES (1, 'A1', '张代表', 'x', 1, 0, 2, '2026-12-01')",
        "INSERT INTO congress_sessions (id, term_no, session_no, title, starts_on, ends_on, place, agenda, term_ends_on, created_at) VALUES (1, 5, 3, '五届三次', '2026-12-01', '2026-12-02', '', '', '2029-12-01', '2026-12-01')",
        _motion("增设夜班热餐点", 1),
        _motion("延长供餐", 2),
        _motion("更换工装", 3),
        "INSERT INTO congress_motion_cosigners (motion_id, user_id, signed_at) VALUES (3, 1, '2026-12-01')",
        # Draft 4 was deleted before the upgrade: only the audit log still names it.
        "INSERT INTO audit_logs (action, target_type, target_id, summary, at) VALUES ('congress.motion_deleted', 'Motion', '4', '食堂', '2026-12-02')",
        _subscription("https://push.example/1", 1),
        _subscription("https://push.example/2", 2),
    ) as engine:
        with engine.connect() as conn:
            before = _shape(conn)
        upgrade()
        with engine.begin() as conn:
            assert _counting_on(conn) == set(TABLES)
            assert _shape(conn) == before
            assert conn.execute(
                text("SELECT id, title FROM congress_motions ORDER BY id")
            ).all() == [
                (1, "增设夜班热餐点"),
                (2, "延长供餐"),
                (3, "更换工装"),
            ]
            assert conn.execute(text("SELECT motion_id FROM congress_motion_cosigners")).all() == [
                (3,)
            ]
            assert (
                conn.execute(text("SELECT parent_id FROM departments WHERE id = 2")).scalar() == 1
            )
            conn.execute(text(_motion("食堂延长供餐")))
            newest = conn.execute(text("SELECT max(id) FROM congress_motions")).scalar()
            assert newest == 5  # not 4, the deleted draft's
            conn.execute(text("DELETE FROM push_subscriptions WHERE id = 2"))
            conn.execute(text(_subscription("https://push.example/3")))
            subscriptions = conn.execute(text("SELECT id FROM push_subscriptions ORDER BY id"))
            assert subscriptions.scalars().all() == [1, 3]  # not 2, the deleted one's
            assert not conn.execute(text("PRAGMA foreign_key_check")).all()
        downgrade(revision="0031_list_order_indexes")
        with engine.connect() as conn:
            assert _counting_on(conn) == set()
            assert _shape(conn) == before
            motions = conn.execute(text("SELECT id FROM congress_motions ORDER BY id")).scalars()
            assert motions.all() == [1, 2, 3, 5]
            assert conn.execute(
                text("SELECT id FROM push_subscriptions ORDER BY id")
            ).scalars().all() == [1, 3]
