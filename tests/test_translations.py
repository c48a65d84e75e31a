"""The Chinese catalogs: complete, and consistent with each other.

Flask-Babel merges every feature's catalog into one, so the same English text translated two
ways in two catalogs would show one feature the other's wording. Such texts need a context
(pgettext) or the same translation.
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext

from app.models._types import LabelledEnum
from app.models.hazards import Severity
from app.rendering import enum_tag

APP = Path(__file__).resolve().parents[1] / "app"
CATALOGS = sorted(APP.glob("**/translations/zh_Hans_CN/LC_MESSAGES/messages.po"))


def _messages():
    for path in CATALOGS:
        with path.open("rb") as f:
            for message in read_po(f):
                if message.id:
                    yield path.relative_to(APP).parts[0:-4], message


def test_every_feature_has_a_chinese_catalog():
    owners = {"/".join(parts) for parts, _ in _messages()}
    assert {"", "blueprints/safety", "blueprints/activities", "blueprints/notify"} <= owners


def test_every_text_is_translated():
    untranslated = [
        ("/".join(parts), message.id)
        for parts, message in _messages()
        if not (message.string if isinstance(message.string, str) else all(message.string))
        or message.fuzzy
    ]
    assert untranslated == []


def _written_keys(text: str):
    """Each entry's (context, text) as the .po file writes it, its continued lines joined."""
    for entry in text.split("\n\n"):
        fields, field = {}, None
        for line in entry.splitlines():
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
                field, fields[keyword] = keyword, rest[1:-1]
            elif line.startswith('"') and field:
                fields[field] += line[1:-1]
        if fields.get("msgid"):
            yield fields.get("msgctxt"), fields["msgid"]


def test_no_catalog_holds_a_text_twice():
    """A catalog entry written twice is read as one (the last), so an edit to the first is
    lost without a word; msgfmt refuses such a file."""
    twice = []
    for path in CATALOGS:
        keys = list(_written_keys(path.read_text()))
        twice += [(str(path.relative_to(APP)), key) for key in set(keys) if keys.count(key) > 1]
    assert twice == []


def _singular(text):
    """A plural is found at run time by its singular alone (its English plural is not part of
    the key), as `make messages` merges it."""
    return text[0] if isinstance(text, tuple) else text


def _sources(translations: Path) -> tuple[Path, set[str]]:
    """The folder a catalog's texts come from and the folders in it that `make messages` leaves
    out (by name, as it does): those holding a catalog of their own."""
    root = translations.parent
    return root, {t.parent.name for t in root.glob("*/**/translations") if t != translations}


@cache
def _extracted() -> dict[Path, dict[tuple, str]]:
    """Each catalog's texts as `make messages` extracts them (babel.cfg: files, extractors and
    keywords), each (context, English) with the first file that uses it."""
    with (APP.parent / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for translations in sorted(APP.glob("**/translations")):
        root, left_out = _sources(translations)
        texts = found[translations] = {}
        for filename, _line, text, _comments, context in extract_from_dir(
            root,
            method_map,
            options_map,
            directory_filter=lambda d, left_out=left_out: Path(d).name not in left_out,
        ):
            texts.setdefault((context, _singular(text)), str(root.relative_to(APP) / filename))
    return found


@cache
def _catalog_keys(translations: Path) -> frozenset[tuple]:
    with (translations / "zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as f:
        return frozenset((m.context, _singular(m.id)) for m in read_po(f) if m.id)


def test_every_text_the_code_uses_is_in_its_own_catalog():
    """A text found only in another feature's catalog still shows in Chinese (the catalogs are
    merged), until `make messages` runs: it drops the text there, where no code uses it, and
    adds it here untranslated; unless a third catalog happens to hold it, it shows in English."""
    missing = [
        f"{translations.relative_to(APP)}: {key} used in {where}"
        for translations, texts in _extracted().items()
        for key, where in texts.items()
        if key not in _catalog_keys(translations)
    ]
    assert not missing, "\n".join(missing)


def test_every_catalog_entry_is_used_by_its_own_code():
    """`make messages` drops such an entry; while it stays, it is a translation to keep that
    nothing reads (or that another feature's code reads without holding it itself)."""
    unused = [
        f"{translations.relative_to(APP)}: {key}"
        for translations, texts in _extracted().items()
        for key in sorted(_catalog_keys(translations) - texts.keys(), key=str)
    ]
    assert not unused, "\n".join(unused)


def _runtime_keys(message):
    """What gettext finds a message's translations by once the catalogs are merged, with each:
    (context, text); for a plural, (context, singular, n) for each form n — the plural's own
    English is not part of it, so two plurals of one singular replace each other's forms."""
    if isinstance(message.id, tuple):
        for n, string in enumerate(message.string):
            yield (message.context, message.id[0], n), string
    else:
        yield (message.context, message.id), message.string


def test_no_text_is_translated_two_ways():
    """The merged catalog keeps the translation of whichever catalog loads last, app-wide: the
    failure names each text (context, English) with its translations and their catalogs."""
    seen: dict[tuple, dict[str, list[str]]] = {}
    for parts, message in _messages():
        for key, string in _runtime_keys(message):
            seen.setdefault(key, {}).setdefault(string, []).append("/".join(parts) or "app")
    two_ways = [
        f"{key}: " + "; ".join(f"{text!r} in {', '.join(where)}" for text, where in found.items())
        for key, found in seen.items()
        if len(found) > 1
    ]
    assert not two_ways, "\n".join(two_ways)


# A Chinese word or closing bracket followed by an ASCII colon, or a text ending in one: Chinese
# takes a full-width colon (修订内容：…). A colon after Latin letters or digits stays (1:不满意,
# Content-Type: application/json, 07:30).
_ASCII_COLON_IN_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]\s*:|:\s*$")


def test_chinese_text_takes_a_full_width_colon():
    ascii_colons = [
        ("/".join(parts), text)
        for parts, message in _messages()
        for text in (message.string if isinstance(message.string, tuple) else [message.string])
        if _ASCII_COLON_IN_CHINESE.search(text)
    ]
    assert ascii_colons == []


def test_the_app_addresses_a_person_as_您():
    familiar = [
        ("/".join(parts), text)
        for parts, message in _messages()
        for text in (message.string if isinstance(message.string, tuple) else [message.string])
        if "你" in text
    ]
    assert familiar == []


def test_a_forced_language_holds_inside_and_the_page_s_own_comes_back_after(app):
    # The request keeps its catalog once looked up (app/extensions.py): force_locale, which
    # the inbox uses to write in each recipient's language, must still switch it and back.
    with app.test_request_context("/"):
        assert gettext("Overdue") == "已逾期"
        assert enum_tag(Severity.MAJOR, "sev") == '<span class="tag sev-major">重大</span>'
        with force_locale("en"):
            assert gettext("Overdue") == "Overdue"
            assert str(lazy_gettext("Overdue")) == "Overdue"
            assert render_template_string("{{ _('Overdue') }}") == "Overdue"
            assert enum_tag(Severity.MAJOR, "sev") == '<span class="tag sev-major">Major</span>'
        assert gettext("Overdue") == "已逾期"
        assert render_template_string("{{ _('Overdue') }}") == "已逾期"
        assert enum_tag(Severity.MAJOR, "sev") == '<span class="tag sev-major">重大</span>'


def test_a_tag_is_kept_for_its_own_enum_even_where_two_share_a_value(app):
    class Level(LabelledEnum):  # equal to Severity.MAJOR as a string: "major"
        MAJOR = "major", lazy_gettext("Overdue")

    with app.test_request_context("/"):
        assert enum_tag(Severity.MAJOR, "sev") == '<span class="tag sev-major">重大</span>'
        assert enum_tag(Level.MAJOR, "sev") == '<span class="tag sev-major">已逾期</span>'
