"""The lists that show the newest rows first walk an index in that order: the database reads
a page's rows, not every row to sort them (an index of migration 0030). Empty tables are
enough: the query planner says whether it would sort."""

import pytest
from sqlalchemy import event

from app.models import Role
from tests.factories import make_user

PAGES = [
    ("/proposals/?tab=all", (Role.ORGANIZER,), "FROM proposals"),
    ("/appeals/?tab=all", (Role.ORGANIZER,), "FROM appeals"),
    ("/gate/checks", (Role.SAFETY_OFFICER,), "FROM gate_checks"),
    ("/gate/checks?from=2026-11-01&to=2026-11-30", (Role.SAFETY_OFFICER,), "FROM gate_checks"),
]


@pytest.mark.parametrize(("url", "roles", "table"), PAGES)
def test_a_newest_first_list_reads_its_page_from_an_index(db, client, auth, url, roles, table):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plan")
    auth.login(make_user(*roles))
    seen = []

    def record(_conn, _cursor, statement, parameters, *_args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # the page of the list: its order and LIMIT (not its count, nor a person's own few rows)
    listing = [(s, p) for s, p in seen if table in s and "ORDER BY" in s and "LIMIT" in s]
    assert listing, url
    with db.engine.connect() as conn:
        for statement, parameters in listing:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            # a sort of all rows ("FOR ORDER BY") or of those the index leaves tied ("FOR RIGHT
            # PART OF ORDER BY", an index in another direction): neither reads only a page
            assert not [row for row in plan if "TEMP B-TREE FOR" in row[-1]], plan
