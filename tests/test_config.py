"""Configuration from the environment and the instance folder."""

import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import text

from app import config, create_app
from app.config import normalise_database_url
from app.extensions import db


@pytest.fixture
def clean_env(monkeypatch):
    """No settings from the machine running the tests."""
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "_load_dotenv", lambda path: None)  # a developer's own .env
    return monkeypatch


def test_dotenv_fills_in_what_the_environment_lacks(monkeypatch, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nWH_TEST_A='from file'\nWH_TEST_B=from file\n\nnot a setting\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("WH_TEST_A", raising=False)
    monkeypatch.setenv("WH_TEST_B", "from the environment")
    config._load_dotenv(env_file)
    try:
        assert os.environ["WH_TEST_A"] == "from file"
        assert os.environ["WH_TEST_B"] == "from the environment"
    finally:
        os.environ.pop("WH_TEST_A", None)


def test_secret_key_is_generated_once_and_reused(clean_env, tmp_path):
    instance = tmp_path / "instance"
    first = create_app(instance_path=str(instance))
    key_file = instance / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32
    assert key_file.read_text().strip() == first.secret_key
    second = create_app(instance_path=str(instance))
    assert second.secret_key == first.secret_key


def test_each_instance_gets_its_own_secret_key(clean_env, tmp_path):
    one = create_app(instance_path=str(tmp_path / "one"))
    two = create_app(instance_path=str(tmp_path / "two"))
    assert one.secret_key != two.secret_key


def test_secret_key_from_the_environment_wins(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "from-the-operator")
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.secret_key == "from-the-operator"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(clean_env, tmp_path):
    app = create_app(instance_path=str(tmp_path / "instance"))
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "sqlite:///" + str(tmp_path / "instance" / "workers_home.db")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@db:5432/wh", "postgresql+psycopg://u:p@db:5432/wh"),
        ("postgresql://u@db/wh", "postgresql+psycopg://u@db/wh"),
        ("postgresql+psycopg://u@db/wh", "postgresql+psycopg://u@db/wh"),
        ("sqlite:////srv/wh.db", "sqlite:////srv/wh.db"),
    ],
)
def test_database_urls_are_normalised_to_psycopg(given, expected):
    assert normalise_database_url(given) == expected


def test_database_url_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://union@127.0.0.1:5432/workers_home")
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://union@127.0.0.1:5432/workers_home"
    )


def test_sqlite_runs_with_wal_and_foreign_keys(clean_env, tmp_path):
    app = create_app(instance_path=str(tmp_path / "instance"))
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 20000
        finally:
            db.engine.dispose()


def test_cookies_and_sessions(clean_env, tmp_path):
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=60)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain http on a laptop works
    clean_env.setenv("SESSION_COOKIE_SECURE", "true")
    behind_tls = create_app(instance_path=str(tmp_path / "instance"))
    assert behind_tls.config["SESSION_COOKIE_SECURE"] is True
    assert behind_tls.config["REMEMBER_COOKIE_SECURE"] is True


def test_chinese_first_then_english(clean_env, tmp_path):
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert list(app.config["LANGUAGES"]) == ["zh_CN", "en"]


def test_given_config_overrides_the_environment(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://x@y/z")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
