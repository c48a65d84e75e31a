import pytest
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    """These tests make many accounts; scrypt's deliberate slowness is not what they test."""
    monkeypatch.setattr(
        "app.models.users.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"),
    )
