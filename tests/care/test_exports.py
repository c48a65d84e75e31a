"""Exports: the care officer's alone, they say so, and every text cell stays text."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.blueprints.care.services import campaigns
from app.models import AuditLog
from app.models.care import CareFile


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    return book, [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_file_and_campaign_exports_open_with_text_cells_only(client, auth, world, db):
    # Values a spreadsheet would run as formulas.
    world.worker.name = '=HYPERLINK("http://evil","点我")'
    file = db.session.get(CareFile, world.file.id)
    file.address = "+86 生活区"
    file.phone = "-1+1"
    campaign = world.campaign
    campaign.gift = "@SUM(A1:A9)"
    db.session.commit()
    campaigns.add_recipients(
        world.people["care_officer"],
        campaign,
        {"mode": "list", "employee_nos": world.people["member"].employee_no},
    )
    db.session.commit()

    auth.login(world.people["care_officer"])
    for url in ("/care/files/export.xlsx", f"/care/campaigns/{campaign.id}/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert "no-store" in response.headers["Cache-Control"]
        book, cells = _cells(response.data)
        assert all(cell.data_type != "f" for cell in cells), url
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert not any(t.startswith(("=", "+", "-", "@")) for t in texts), url
        assert texts[0].startswith("保密：仅限帮扶专干使用") and "导出" in texts[0]
        assert "仅限帮扶专干" in book.properties.description

    files_book = client.get("/care/files/export.xlsx").data
    _book, cells = _cells(files_book)
    values = [c.value for c in cells]
    assert '\'=HYPERLINK("http://evil","点我")' in values
    assert "'+86 生活区" in values and "'-1+1" in values
    assert world.worker.employee_no in values
    exported = db.session.scalars(
        select(AuditLog.action).where(AuditLog.action.like("care.%exported"))
    ).all()
    assert sorted(exported) == [
        "care.campaign.exported",
        "care.files.exported",
        "care.files.exported",
    ]


def test_exports_are_refused_to_everyone_but_the_care_officer(client, auth, world):
    for role in ("admin", "organizer", "member"):
        auth.login(world.people[role])
        assert client.get("/care/files/export.xlsx").status_code == 403
        assert client.get(f"/care/campaigns/{world.campaign.id}/export.xlsx").status_code == 403
        auth.logout()
