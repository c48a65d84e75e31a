"""The scorecard's tests read the year when they run."""

from datetime import datetime

import pytest

from app.config import LOCAL_TZ


@pytest.fixture
def year():
    """This year, read when the test runs: the figures read it then too. (Read once when the
    module was imported, a run that crosses New Year compared last year's counts with this
    year's figures.)"""
    return datetime.now(LOCAL_TZ).year
