"""The gate's tests reason about one day, TODAY (tests/gate/factories.py): the app's day is
held to it, so that a run crossing Beijing midnight does not have the factories' qualifications
judged against the next day."""

import pytest

from app.blueprints.gate import demo, jobs, queries
from tests.gate.factories import TODAY


@pytest.fixture(autouse=True)
def one_day(monkeypatch):
    for module in (queries, jobs, demo):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
