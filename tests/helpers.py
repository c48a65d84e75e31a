"""Small helpers for reading responses and counting queries in tests."""

from contextlib import contextmanager
from html import unescape

from sqlalchemy import event


def text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))


@contextmanager
def statements(engine, *, selects_only: bool = False):
    """The SQL statements run on `engine` inside the block (only the SELECTs, if asked)."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
