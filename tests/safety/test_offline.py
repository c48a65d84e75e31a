"""The safety part of the field kit: its stamp, which tells a phone whether to fetch the kit's
pages again."""

from app.blueprints.safety.offline import stamp
from app.models import Role
from tests.factories import make_user
from tests.safety.factories import make_checklist, make_hazard


def test_the_stamp_reads_its_rows_in_a_fixed_order(db, count_queries):
    # The stamp is a digest of rows: read in whatever order the database returns them (which
    # PostgreSQL changes as rows are updated), it would change with nothing changed, and every
    # phone would fetch its whole kit again.
    inspector = make_user(Role.SAFETY_OFFICER)
    make_checklist()
    make_checklist(kind="office")
    make_hazard(reporter=inspector)
    make_hazard(reporter=inspector)
    with count_queries() as seen:
        first = stamp(inspector)
    digested = ("FROM areas", "FROM checkpoints", "FROM checklists", "FROM hazards")
    rows_read = [s for s in seen if any(table in s for table in digested)]
    assert rows_read and [s for s in rows_read if "ORDER BY" not in s] == []
    assert stamp(inspector) == first
