# ruff: noqa: E501  (SQL literals read best on one line)
"""Migration 0026: the app's note stored on a first version ("首次发布。" or "First version.")
goes, so the page says it in the reader's language; a note the publisher wrote stays."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.helpers import database_at


def test_the_app_s_first_version_note_is_no_longer_stored(tmp_path):
    with database_at(
        tmp_path,
        "0025_employee_no_upper",
        "INSERT INTO library_documents (id, title, category, machine, created_at, updated_at) VALUES "
        "(1, '车床规程', 'procedure', '', '2026-11-01', '2026-11-01'), (2, '吊装规程', 'procedure', '', '2026-11-01', '2026-11-01'), (3, '工会章程', 'law', '', '2026-11-01', '2026-11-01')",
        "INSERT INTO library_versions (id, document_id, number, body, changes, published_at) VALUES "
        "(1, 1, 1, '正文', '首次发布。', '2026-11-01'), (2, 1, 2, '正文二', '首次发布。', '2026-11-02'), "
        "(3, 2, 1, '正文', 'First version.', '2026-11-01'), (4, 3, 1, '正文', '依据新章程编写。', '2026-11-01')",
    ) as engine:
        upgrade()
        read = "SELECT changes FROM library_versions ORDER BY id"
        with engine.connect() as conn:
            assert conn.execute(text(read)).scalars().all() == [
                "",
                "首次发布。",
                "",
                "依据新章程编写。",
            ]
        downgrade(revision="0025_employee_no_upper")
        with engine.connect() as conn:
            assert conn.execute(text(read)).scalars().all() == [
                "首次发布。",
                "首次发布。",
                "首次发布。",
                "依据新章程编写。",
            ]
