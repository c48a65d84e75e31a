"""Column helpers shared by the models."""

import enum
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, Enum, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite (which stores no zone) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class LocalDay(FunctionElement):
    """`LocalDay(moment, zone)`: the calendar day of a `UTCDateTime` column on the clock of
    `zone` (an IANA name such as "Asia/Shanghai"), in SQL, daylight saving and all: PostgreSQL
    reads it with AT TIME ZONE, SQLite with `local_day`, which each connection is given
    (`sqlite_local_day`). The zone is written into the statement, not bound: a GROUP BY of
    the day then names the same expression as its SELECT."""

    type = Date()
    inherit_cache = True

    def __init__(self, moment, zone: str):
        if not ZONE_NAME.fullmatch(zone):
            raise ValueError(f"not a time zone name: {zone!r}")
        super().__init__(moment, literal_column(f"'{zone}'"))


ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*")


def sqlite_local_day(moment: str | None, zone: str) -> str | None:
    """SQLite's `local_day(moment, zone)`: a stored UTC moment ("YYYY-MM-DD HH:MM:SS.ffffff")
    as the day on `zone`'s clock ("YYYY-MM-DD", as SQLite keeps a date)."""
    if moment is None:
        return None
    utc = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return utc.astimezone(ZoneInfo(zone)).date().isoformat()


@compiles(LocalDay, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    moment, zone = element.clauses
    return f"local_day({compiler.process(moment, **kw)}, {zone.name})"


@compiles(LocalDay, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    moment, zone = element.clauses  # a timestamptz: whatever the session's TimeZone
    return f"CAST({compiler.process(moment, **kw)} AT TIME ZONE {zone.name} AS DATE)"


def str_enum(enum_cls, length: int = 20) -> Enum:
    """Store an enum by its value (e.g. 'safety_officer') as a checked VARCHAR everywhere."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        name=enum_cls.__name__.lower(),
    )


def render_item(type_, obj, autogen_context):
    """Alembic: write our column types as plain SQLAlchemy ones in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Search indexes that live beside the models, written by hand in migration 0009 because they
# are one database's own: SQLite's FTS5 table of hazard titles (and the shadow tables FTS5
# keeps) and PostgreSQL's trigram index. The schema check leaves them out.
SEARCH_INDEX_TABLE_PREFIX = "hazards_fts"
SEARCH_INDEX_NAMES = frozenset({"ix_hazards_title_trgm"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic: what autogenerate and the schema check compare (not the search indexes)."""
    if type_ == "table" and name and name.startswith(SEARCH_INDEX_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in SEARCH_INDEX_NAMES)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry the words people read, beside their value:

        class Severity(LabelledEnum):
            GENERAL = "general", _l("General")

    `Severity.GENERAL == "general"` and `Severity.GENERAL.label` is the lazy translation.
    """

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
