import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    """These tests make many accounts; scrypt's deliberate slowness is not what they test."""
    monkeypatch.setattr(
        "app.models.users.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside `with count_queries() as counter:`."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
