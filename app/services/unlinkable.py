"""Unlinkable sheets: anonymous ballots of a democratic evaluation and the responses to an
anonymous survey, which no one (organizers, administrators, a copy of the database) can tie
to the person who cast them. Both features keep them in a `Store` of the same design.

What keeps a sheet from its person:
- the person's "has voted" mark (`Store.mark`: scope, user) and the sheet tables share no key
  and have no time column; sheet and line keys are random (`app.models.columns.random_key`);
- every sheet cast rewrites ALL of the scope's sheets and their lines in a shuffled order
  under fresh random keys (`Store.rewrite`), so the database's own order (PostgreSQL's heap,
  SQLite's rowid) and its transaction ids (every row carries the last writer's) say nothing
  about which sheet came when; lines are shuffled among themselves too, or their order would
  follow the sheets';
- the caller holds the scope's row lock from the checks to the write (rewrites of one scope
  run one after the other), and writes no audit entry, notification or log line: the mark is
  the only trace.

What this does not defend against: someone reading the database server's write-ahead log or
its not-yet-vacuumed heap pages (PostgreSQL) or free pages (SQLite) while the scope is open
sees each transaction's mark and new sheet together. That takes the server's own files, not
the app or an ordinary dump; closing the scope with VACUUM (PostgreSQL) clears the heap.
"""

import random
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from app.extensions import db
from app.models.columns import new_key

_shuffle = random.SystemRandom().shuffle

# A sheet as the services hand it over: for each line model, its lines as tuples of the
# store's columns for that model.
Lines = dict[type, list[tuple]]


@dataclass(frozen=True)
class Store:
    """Where one kind of sheet lives. Every table has the `scope` column (the round or the
    survey); `mark` is the table of who has cast a sheet (`scope`, user_id: an
    `app.models.columns.UnlinkableMark`); `sheet` the table of sheets (a random `id`); each
    model in `lines` a table of a sheet's lines, pointing at their sheet by `link`, with the
    columns it names beside it."""

    mark: type
    sheet: type
    scope: str
    link: str
    lines: dict[type, tuple[str, ...]]

    def has_mark(self, scope_id: int, user_id: int) -> bool:
        return db.session.get(self.mark, (scope_id, user_id)) is not None

    def add_mark(self, scope_id: int, user_id: int) -> None:
        db.session.add(self.mark(**{self.scope: scope_id, "user_id": user_id}))

    def count(self, scope_id: int) -> int:
        """How many sheets the scope holds."""
        return db.session.scalar(
            select(func.count())
            .select_from(self.sheet)
            .where(getattr(self.sheet, self.scope) == scope_id)
        )

    def rewrite(self, scope_id: int, *new: Lines) -> None:
        """Add the sheets `new` (one person's, which may be cut into several so that a part
        left out says nothing: an evaluation ballot's sections) and write all of the scope's
        sheets anew, shuffled, under fresh keys (see the module docstring). Columns of a
        sheet row other than its key and scope (a named survey's respondent) are not kept."""
        sheets: dict[str, Lines] = {
            key: {model: [] for model in self.lines}
            for key in db.session.scalars(
                select(self.sheet.id).where(getattr(self.sheet, self.scope) == scope_id)
            )
        }
        for model, columns in self.lines.items():
            for key, *values in db.session.execute(
                select(getattr(model, self.link), *(getattr(model, c) for c in columns)).where(
                    getattr(model, self.scope) == scope_id
                )
            ):
                sheets[key][model].append(tuple(values))
        every = [*sheets.values(), *new]
        for model in self.lines:
            db.session.execute(delete(model).where(getattr(model, self.scope) == scope_id))
        db.session.execute(delete(self.sheet).where(getattr(self.sheet, self.scope) == scope_id))
        _shuffle(every)
        self._write(scope_id, [({}, lines) for lines in every])

    def add(self, scope_id: int, new: Lines, **sheet) -> None:
        """Write one sheet as it is, with `sheet`'s columns (a named survey's response and
        its respondent): not unlinkable, and never to be mixed into a scope that is."""
        self._write(scope_id, [(sheet, new)])

    def _write(self, scope_id: int, sheets: list[tuple[dict, Lines]]) -> None:
        """Insert the sheets in the order given, each under a fresh key, and their lines
        shuffled within each table."""
        sheet_rows: list[dict] = []
        line_rows: dict[type, list[dict]] = {model: [] for model in self.lines}
        for values, lines in sheets:
            key = new_key()
            sheet_rows.append({"id": key, self.scope: scope_id, **values})
            for model, columns in self.lines.items():
                for row in lines.get(model, ()):
                    line = {"id": new_key(), self.scope: scope_id, self.link: key}
                    line_rows[model].append(line | dict(zip(columns, row, strict=True)))
        db.session.execute(insert(self.sheet), sheet_rows)
        for model, rows in line_rows.items():
            _shuffle(rows)
            if rows:
                db.session.execute(insert(model), rows)
