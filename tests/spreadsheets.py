"""Spreadsheet files as a staff member uploads them to a console import, and the page that answers."""

import csv
import html
import io
from collections.abc import Sequence
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_file(name: str, header: Sequence[str], rows: list[dict]) -> SimpleUploadedFile:
    """A CSV with a byte-order mark, as spreadsheet programs save Chinese text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(name: str, header: Sequence[str], rows: list[list[Any]]) -> SimpleUploadedFile:
    """An XLSX workbook of one sheet: the header, then the rows' cells as given (numbers, dates or text)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def text(response) -> str:
    """The page's text with HTML entities resolved (the page must have answered 200)."""
    assert response.status_code == 200
    return html.unescape(response.content.decode())
