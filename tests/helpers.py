"""Small helpers for reading responses and counting queries in tests."""

from contextlib import contextmanager
from html import unescape

from sqlalchemy import event


def text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))


class Statements(list):
    """The SQL statements seen, in order (a list), with the names the tests read them by."""

    @property
    def statements(self) -> list[str]:
        return list(self)

    @property
    def count(self) -> int:
        return len(self)


@contextmanager
def statements(engine, *, selects_only: bool = False):
    """The SQL statements run on `engine` inside the block (only the SELECTs, if asked).

    The one query counter of the suite; the `count_queries` fixture is this on the app's engine.
    """
    seen = Statements()

    def record(_conn, _cursor, statement, *_args):
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
