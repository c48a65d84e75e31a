"""How pages answer: one URL serves the whole page, or for an htmx request just the part the
page includes; and the QR codes that pages show and print."""

import io
from functools import cache, cached_property

import qrcode
import qrcode.image.svg
from babel import Locale
from flask import current_app, render_template
from flask_babel import get_locale, pgettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from app.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that swaps part of the page (a boosted one wants the whole page)."""
    return bool(htmx) and not htmx.boosted


def page_or_fragment(page: str, fragment: str, /, **context) -> str:
    return render_template(fragment if wants_fragment() else page, **context)


_STRINGS_JSON: dict[tuple[int, str], Markup] = {}


def strings_json(strings: dict) -> Markup:
    """A script's table of fixed texts (`strings`: name -> lazy text) as JSON for the page, in
    the current language. Every page carries the outbox's and the kit's tables; each language's
    JSON is made once per process instead of some sixty translations a page."""
    key = (id(strings), str(get_locale()))  # the tables are module constants: their ids hold
    if (made := _STRINGS_JSON.get(key)) is None:
        texts = {name: str(text) for name, text in strings.items()}
        # As UTF-8, not \uXXXX escapes: a Chinese character takes three bytes instead of six,
        # and the page's tables shrink by a third on the wire (scripts read them with
        # JSON.parse; <, >, & and ' are still escaped).
        made = _STRINGS_JSON[key] = htmlsafe_json_dumps(texts, ensure_ascii=False)
    return made


_TAGS: dict[tuple, Markup] = {}


def enum_tag(member, prefix: str) -> Markup:
    """A labelled enum member as a coloured tag, `<span class="tag {prefix}-{value}">label`:
    lists show one or two on every row. Each member's tag is made once a process and
    language (the class picks the colour, in each feature's stylesheet)."""
    # By its class too: members of two StrEnums with the same value are equal.
    key = (type(member), member.value, prefix, str(get_locale()))
    if (made := _TAGS.get(key)) is None:
        made = _TAGS[key] = Markup('<span class="tag {}-{}">{}</span>').format(
            prefix, member.value, member.label
        )
    return made


def list_separator() -> str:
    """What stands between the items of a list in the page's language: 、 in Chinese, a comma
    in English (孙师傅 60 %、周师傅 40 % · Sun 60 %, Zhou 40 %)."""
    return pgettext("list", ", ")


def listed(items) -> str:
    """`items` (texts, lazy texts or numbers) written as a list in the page's language."""
    return list_separator().join(str(item) for item in items)


def badge_count(count: int) -> str:
    """A badge's number, as phones write it: past 99, "99+"."""
    return str(count) if count < 100 else "99+"


def file_size(size: int) -> str:
    """A file's size as people read it, the same in both languages: 512 B, 2 KB, 3.5 MB (a
    KB or a tenth of a MB rounded half up; under 1 KB in bytes, never "0 KB")."""
    if size < 1024:
        return f"{size} B"
    if (kb := (size + 512) // 1024) < 1024:
        return f"{kb} KB"
    tenths = (size * 10 + 2**19) // 2**20
    return f"{tenths // 10}.{tenths % 10} MB"


def _option(value, label) -> str:
    return f'<option value="{escape(value)}">{escape(label)}</option>'


class Options(tuple):
    """(value, `<option>` tag) of each (value, label) pair: a long list's tags made once, for
    a list kept between requests (the hazard list's areas and assignees)."""

    @classmethod
    def of(cls, pairs) -> "Options":
        return cls((value, _option(value, label)) for value, label in pairs)

    @cached_property
    def joined(self) -> Markup:
        """Every tag, none selected: what a filter shows until one is chosen."""
        return Markup("".join(tag for _value, tag in self))


@cache
def parsed_locale(code: str) -> Locale:
    """One Locale a language code. Flask-Babel takes a Locale as it is (from the locale
    selector, or `force_locale`), where it parses a code again each time (about 1 ms)."""
    return Locale.parse(code)


def locale_code() -> str:
    """The LANGUAGES key of this request's locale: Babel spells zh_CN as zh_Hans_CN."""
    return _language_code(str(get_locale()), tuple(current_app.config["LANGUAGES"]))


@cache
def _language_code(locale: str, codes: tuple[str, ...]) -> str:
    for code in codes:
        if Locale.parse(code) == Locale.parse(locale):
            return code
    return locale


def select_options(options, selected=None) -> Markup:
    """The `<option>`s of (value, label) pairs, or of `Options`, the one whose value is
    `selected` marked.

    Made here rather than in a template loop: a filter that offers every area of the works
    lists some hundreds on each page, and a loop costs ten times as much."""
    if not isinstance(options, Options):
        options = Options.of(options)
    if selected is None:
        return options.joined
    return Markup(
        "".join(
            tag.replace(">", " selected>", 1) if value == selected else tag
            for value, tag in options
        )
    )


def qr_svg(text: str) -> str:
    """An SVG QR code of `text`, drawn as one path: sharp at any size, no image library."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()
