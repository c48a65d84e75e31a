"""The library's browser tests run on the demo: its lathe procedure (车工's, with a second
version to sign) and its emergency plan."""

import pytest

from tests.browser.test_field_kit import query

TITLE = "数控车床安全操作规程"


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.flask("demo")
    return live_server


def assert_signed_once(server, worker_id: int, version_id: int) -> None:
    """The worker's one signature of the version reached the server, from one record."""
    assert query(
        server, "SELECT version_id FROM library_read_confirmations WHERE user_id = ?", worker_id
    ) == [version_id]
    assert query(
        server,
        "SELECT count(*) FROM sync_records WHERE kind = 'procedure_read' AND user_id = ?",
        worker_id,
    ) == [1]
