"""The dashboard's tables and charts: one table per figure, a bar chart drawn on the server, CSV and XLSX exports.

Every table downloads as the page shows it; an export computes only its own figure (`TABLES`).
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook

from config.exports import csv_download, spreadsheet_safe
from console import statistics as figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Tables and charts -----------------------------------------------------------------------


@dataclass
class TableRow:
    """Cells of one line; the first is the line's heading, linked to `url` when there is one."""

    cells: Sequence[Any]
    url: str = ""


@dataclass
class Table:
    key: str
    caption: str
    header: Sequence[str]
    rows: list[TableRow] = field(default_factory=list)


def short_day(day: date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


def _span(start: date, end: date) -> str:
    return gettext("%(start)s to %(end)s") % {"start": short_day(start), "end": short_day(end)}


def signed(value: int) -> str:
    return f"{value:+d}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}%"


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _change_rows(change: figures.Change, current: str, previous: str) -> list[TableRow]:
    return [
        TableRow([current, change.current]),
        TableRow([previous, change.previous]),
        TableRow([pgettext("an increase or decrease", "Change"), signed(change.difference)]),
        TableRow([gettext("Change in per cent"), _percent(change.percent)]),
    ]


# One table per figure: the figure it needs, and how its numbers are laid out.


def registered_table(result: figures.Registered) -> Table:
    return Table(
        "registered",
        gettext("Registered migrant workers"),
        [gettext("On"), gettext("Workers")],
        _change_rows(result.change, short_day(result.end), short_day(result.previous_end)),
    )


def out_table(result: figures.OutAtWork) -> Table:
    rows = [TableRow([row.label, row.count]) for row in result.by_province]
    rows.append(TableRow([gettext("All"), result.total]))
    return Table("out_at_work", gettext("Out at work now, by destination province"), _header_place_workers(), rows)


def _header_place_workers() -> list[str]:
    return [gettext("Destination province"), gettext("Workers")]


def transported_table(result: figures.Transported) -> Table:
    rows = [TableRow([row.label, row.workers, row.trips]) for row in result.by_month]
    rows.append(TableRow([gettext("All"), result.workers, result.trips]))
    return Table(
        "transported",
        gettext("Transported point-to-point, by month"),
        [gettext("Month"), gettext("Workers transported"), gettext("Trips")],
        rows,
    )


def trained_table(result: figures.Trained) -> Table:
    rows = [TableRow([row.label, row.enrolled, row.completed, row.certified]) for row in result.by_type]
    total = result.total
    rows.append(TableRow([gettext("All"), total.enrolled, total.completed, total.certified]))
    return Table(
        "trained",
        gettext("Trained, by course type"),
        [gettext("Course type"), gettext("Enrolled"), gettext("Completed"), gettext("Certified")],
        rows,
    )


def poor_table(result: figures.PoorLabourers, start: date, end: date) -> Table:
    return Table(
        "poor_labourers",
        gettext("Registered poor labourers who went out to work"),
        [gettext("Period"), gettext("Workers")],
        _change_rows(
            result.change,
            _span(start, end),
            _span(result.previous_start, result.previous_end),
        ),
    )


def local_table(result: figures.LocalEmployment) -> Table:
    rows = [TableRow([row.label, row.count]) for row in result.by_kind]
    rows.append(TableRow([gettext("All"), result.total]))
    return Table(
        "local_employment",
        gettext("Local employment placements, by kind"),
        [pgettext("kind of job", "Kind"), gettext("Placements")],
        rows,
    )


def campaigns_table(result: tuple[figures.CampaignRow, ...]) -> Table:
    rows = [
        TableRow(
            [
                row.name,
                row.kind,
                short_day(row.starts_on),
                short_day(row.ends_on),
                row.postings,
                row.positions,
                row.filled,
            ],
            url=reverse("admin:jobs_campaign_change", args=[row.pk]),
        )
        for row in result
    ]
    return Table(
        "campaigns",
        gettext("Campaign results"),
        [
            gettext("Campaign"),
            pgettext("kind of campaign", "Kind"),
            gettext("From"),
            gettext("To"),
            gettext("Postings"),
            gettext("Positions"),
            gettext("Filled"),
        ],
        rows,
    )


def runs_table(result: figures.MatchingRuns) -> Table:
    rows = [
        TableRow(
            [
                formats.date_format(row.started_at, "SHORT_DATETIME_FORMAT"),
                row.trigger,
                "—" if row.seconds is None else f"{row.seconds:.1f}",
                row.offers,
                row.accepted,
                rate_text(row.acceptance_percent),
            ],
            url=reverse("admin:matching_matchrun_fairness", args=[row.pk]),
        )
        for row in result.full_runs
    ]
    label = gettext("All runs in the period (%(count)s)") % {"count": result.runs}
    rows.append(TableRow([label, "", "", result.offers, result.accepted, rate_text(result.acceptance_percent)]))
    return Table(
        "matching",
        gettext("Matching runs"),
        [
            gettext("Full run started at (fairness report)"),
            gettext("Started by"),
            gettext("Seconds"),
            gettext("Offers made"),
            gettext("Offers accepted"),
            gettext("Acceptance rate"),
        ],
        rows,
    )


def wages_table(result: figures.Wages) -> Table:
    return Table(
        "wages",
        gettext("Unpaid wages recovered"),
        [gettext("Yuan recovered"), gettext("Workers helped")],
        [TableRow([result.amount, result.workers])],
    )


TableBuilder = Callable[[Any, date, date], Table]
# Table key → the figure that fills it and the table it makes; an export computes only its own figure.
TABLES: dict[str, tuple[Callable[..., Any], TableBuilder]] = {
    "registered": (figures.registered_workers, lambda result, start, end: registered_table(result)),
    "out_at_work": (figures.out_at_work, lambda result, start, end: out_table(result)),
    "transported": (figures.transported, lambda result, start, end: transported_table(result)),
    "trained": (figures.trained, lambda result, start, end: trained_table(result)),
    "poor_labourers": (figures.poor_labourers_out, poor_table),
    "local_employment": (figures.local_employment, lambda result, start, end: local_table(result)),
    "campaigns": (figures.campaign_results, lambda result, start, end: campaigns_table(result)),
    "matching": (figures.matching_runs, lambda result, start, end: runs_table(result)),
    "wages": (figures.wages, lambda result, start, end: wages_table(result)),
}


# Exports ---------------------------------------------------------------------------------


def _filename(table: Table, start: date, end: date, extension: str) -> str:
    return f"{table.key}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


def _xlsx_download(filename: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> HttpResponse:
    """An XLSX attachment of one sheet whose every cell is safe from formulas."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        sheet.append([spreadsheet_safe(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Any) -> Any:
    return value if isinstance(value, int | float | Decimal) else str(value)


def export(key: str, kind: str, *, start: date, end: date, region_code: str | None) -> HttpResponse:
    if key not in TABLES or kind not in ("csv", "xlsx"):
        raise Http404
    figure, build = TABLES[key]
    table = build(figure(start=start, end=end, region_code=region_code), start, end)
    # Numbers stay numbers in a spreadsheet; anything else (dates, lazy labels) goes as its text.
    rows = [[_cell(cell) for cell in line.cells] for line in table.rows]
    if kind == "csv":
        return csv_download(_filename(table, start, end, "csv"), table.header, rows)
    return _xlsx_download(_filename(table, start, end, "xlsx"), table.header, rows)
