"""WTForms' own messages come out in the page's language on every form of the app."""

import importlib
import pkgutil
import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.i18n import messages_path

import app.blueprints
from app.extensions import db
from app.forms import AppForm, WTFormsTranslations
from app.models.activities import Activity
from tests.factories import make_department, make_user
from tests.helpers import text


def test_a_choice_not_offered_among_checkboxes_is_refused_in_chinese(client, auth):
    """A forged post of departments=999 read "'999' is not a valid choice for this field."
    on a Chinese page: WTForms' Chinese catalog lacks that message."""
    make_department("动力车间")
    auth.login(make_user("organizer"))
    response = client.post(
        "/activities/new",
        data={
            "kind": "training",
            "title": "安全生产培训",
            "place": "工会活动室",
            "starts_at": "2030-05-10T09:00",
            "ends_at": "2030-05-10T11:00",
            "departments": "999",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "“999”不在可选之列，请从给出的选项中选择。" in page
    assert "valid choice" not in page
    assert db.session.scalar(select(Activity)) is None


def _wtforms_messages():
    with open(Path(messages_path()) / "wtforms.pot", "rb") as f:
        return [m.id for m in read_po(f) if m.id]


def test_every_message_of_wtforms_comes_out_in_chinese(app):
    said = WTFormsTranslations()
    with app.test_request_context(), force_locale("zh_CN"):
        for message in _wtforms_messages():
            if isinstance(message, tuple):
                texts = [said.ngettext(*message, n) for n in (1, 2)]
            else:
                texts = [said.gettext(message)]
            for shown in texts:
                # Placeholders and names (CSRF, Email, URL) aside, no English word is left.
                words = re.sub(r"%\(\w+\)[sd]|%s|CSRF|UUID|URL|IP|MAC|Email", "", shown)
                assert not re.search(r"[A-Za-z]{2,}", words), (message, shown)
    with app.test_request_context(), force_locale("en"):
        assert said.gettext("Not a valid choice.") == "Not a valid choice."


def test_every_form_of_the_app_is_an_app_form():
    for module in pkgutil.walk_packages(app.blueprints.__path__, "app.blueprints."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    forms, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("app."):
                forms.append(sub)
    assert len(forms) > 50
    assert [f.__qualname__ for f in forms if not issubclass(f, AppForm)] == []
