import pytest

from app.jobs import huey
from tests.notify.push_service import PushService


@pytest.fixture(autouse=True)
def empty_queue():
    """Immediate mode keeps scheduled retries in memory; each test starts with none."""
    if huey.immediate:
        huey.storage.flush_all()
    yield
    if huey.immediate:
        huey.storage.flush_all()


@pytest.fixture
def push_service(app):
    app.config["PUSH_ALLOW_LOCAL_HTTP"] = True
    with PushService() as service:
        yield service


def run_scheduled():
    """Run the retries the push jobs scheduled, as the consumer's scheduler would when due;
    returns the tasks that ran."""
    from datetime import timedelta

    later = huey._get_timestamp() + timedelta(days=1)
    due = huey.read_schedule(later)
    for task in due:
        huey.execute(task, timestamp=later)
    return due
