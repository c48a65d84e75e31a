"""Small helpers for reading responses, counting queries and testing migrations."""

import re
from contextlib import contextmanager
from html import unescape

from sqlalchemy import event


def kept_tokens(page: str, name: str = "kept_photos") -> list[str]:
    """The tokens of the photos a refused form kept, each shown with its 保留 box ticked."""
    return re.findall(rf'name="{name}" value="([^"]+)" checked> 保留', page)


def full_width(typed: str) -> str:
    """`typed` as a Chinese keyboard's full-width mode types it (M0003 → Ｍ０００３)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in typed)


def text(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return unescape(response.get_data(as_text=True))


def field_errors(page: str) -> dict[str, list[str]]:
    """The messages a page shows under its fields (`macros/forms.html`), by the field's id."""
    shown = re.findall(r'<ul class="errors" id="([\w-]+)-errors">(.*?)</ul>', page, re.S)
    return {field: re.findall(r"<li>(.*?)</li>", items) for field, items in shown}


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


@contextmanager
def database_at(tmp_path, revision: str, *rows: str):
    """A new SQLite database migrated up to `revision`, holding `rows` (SQL statements, run in
    one transaction), in its app's context: yields an engine to read and write it (the test
    then calls upgrade/downgrade)."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from app import create_app

    url = "sqlite:///" + str(tmp_path / "m.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, str(tmp_path / "i"))
    with app.app_context():
        upgrade(revision=revision)
        engine = create_engine(url)
        with engine.begin() as conn:
            for statement in rows:
                conn.execute(text(statement))
        try:
            yield engine
        finally:
            engine.dispose()


def inbox_entries(response) -> list[tuple[str, str]]:
    """(title, category tag) of each entry of an inbox page, as a person reads them."""
    return [
        (title.strip(), tag)
        for title, tag in re.findall(
            r'<span class="row-title">(?:<span[^>]*></span>)?([^<]+)</span>.*?'
            r'<span class="tag">([^<]+)</span>',
            text(response),
            re.DOTALL,
        )
    ]
