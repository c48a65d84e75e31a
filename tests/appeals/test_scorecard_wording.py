"""Why the scorecard withholds an appeals share, said truly: of 10 appeals due, one
acknowledged late read 不公开（少于3件）, as if fewer than 3 had been raised; the one late case
is what is hidden. A share of fewer than 3 appeals still says so."""

import re
from datetime import UTC, date, datetime

from app.config import LOCAL_TZ
from app.extensions import db as _db
from tests.appeals.conftest import raise_named
from tests.helpers import text


def _acknowledgement_shown(client) -> str:
    page = text(client.get(f"/reports/?year={datetime.now(LOCAL_TZ).year}"))
    found = re.search(r'data-figure="rights.acknowledged_on_time"><a [^>]*>([^<]*)</a>', page)
    assert found, "the chairman sees the figure"
    return found.group(1)


def test_a_share_withheld_for_one_late_case_says_so(client, auth, cast):
    appeals = [raise_named(cast.member, title=f"诉求{i}") for i in range(10)]
    for appeal in appeals:
        appeal.acknowledge_by = date(2099, 12, 31)  # none is due yet
    for appeal in appeals[:2]:
        appeal.acknowledged_at = datetime.now(UTC)
    _db.session.commit()
    auth.login(cast.chairman)
    assert _acknowledgement_shown(client) == "不公开（少于3件）"  # 2 due, both in time

    for appeal in appeals[2:9]:
        appeal.acknowledged_at = datetime.now(UTC)
    appeals[9].acknowledge_by = date(2000, 1, 1)  # due long ago, acknowledged now: late
    appeals[9].acknowledged_at = datetime.now(UTC)
    _db.session.commit()
    assert _acknowledgement_shown(client) == "不公开（其中一类不足3件，可推算出个人）"
    client.post("/locale", data={"locale": "en"})
    assert _acknowledgement_shown(client) == (
        "withheld (fewer than 3 on one side: a person could be told)"
    )
