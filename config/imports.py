"""Console imports and exports of spreadsheets (django-import-export), shared by every app.

A row is written by the app's own service, never by setting model fields, so
an imported row passes the same rules as one typed into a form. A file is
imported whole or not at all: the rows run in one transaction that is rolled
back when any row is refused, also at the confirm step. Exported cells are
made formula-safe, and the export offers only the admin's region-scoped rows.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import tablib
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX, Format
from import_export.results import Result, RowResult
from import_export.tmp_storages import TempFolderStorage
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts import pii
from accounts.admin import console_user
from accounts.models import User
from config.exports import spreadsheet_safe

__all__ = [
    "Column",
    "ConsoleImportExportMixin",
    "EncryptedTempFolderStorage",
    "ServiceResource",
    "cell_choice",
    "cell_codes",
    "cell_date",
    "cell_decimal",
    "cell_integer",
    "cell_text",
    "cell_yes_no",
]

FORMAT_PARAM = "file_format"
EXPORT_FORMATS: dict[str, type[Format]] = {"csv": CSV, "xlsx": XLSX}
_SEPARATORS = re.compile(r"[;,，；、\s]+")
_YES = frozenset({"yes", "y", "true", "1", "是", "有", "√"})
_NO = frozenset({"no", "n", "false", "0", "否", "无", "没有", ""})


# Cells --------------------------------------------------------------------------
# Spreadsheet cells arrive as text from CSV and as numbers, dates or None from XLSX.


def cell_text(value: Any) -> str:
    """A cell as trimmed text; full-width characters of Chinese input methods become ASCII."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_decimal(value: Any) -> Decimal | None:
    text = cell_text(value).replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="decimal") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="decimal")
    return number


def cell_integer(value: Any) -> int | None:
    try:
        number = cell_decimal(value)
    except ValidationError:
        raise ValidationError(_("Enter a whole number."), code="integer") from None
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValidationError(_("Enter a whole number."), code="integer")
    return int(number)


def cell_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValidationError(_("Enter a date as year-month-day, e.g. 2027-02-20."), code="date") from None


def cell_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(_("Enter yes or no."), code="yes_no")


def cell_choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str | None]:
    """A reader for a choice cell: the stored value (e.g. "monthly") or its label in the active language."""
    pairs = list(choices)

    def parse(value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        for stored, label in pairs:
            if text.lower() == stored.lower() or text == str(label):
                return stored
        raise ValidationError(
            _("Choose one of: %(values)s.") % {"values": ", ".join(stored for stored, _label in pairs)},
            code="choice",
        )

    return parse


def cell_codes(value: Any) -> list[str]:
    """Several codes in one cell, separated by semicolons, commas or spaces."""
    return [code for code in _SEPARATORS.split(cell_text(value)) if code]


# Resource -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import file: its header, what it holds, and how a cell is read."""

    key: str
    label: str | Promise
    parse: Callable[[Any], Any] = cell_text
    required: bool = False
    # The service arguments whose refusals belong to this column.
    errors_of: tuple[str, ...] = ()
    help: str | Promise = ""

    def heading(self) -> str:
        return f"{self.label} ({self.key})"


class ServiceResource(resources.ModelResource):
    """Rows read by `columns` and written by `row_save`; exports by `export_columns`, every cell formula-safe."""

    columns: ClassVar[Sequence[Column]] = ()
    # (header, value of a row) for exports.
    export_columns: ClassVar[Sequence[tuple[str | Promise, Callable[[Any], Any]]]] = ()
    # (header, value of a created row) for the preview before confirming; personal data masked.
    preview_columns: ClassVar[Sequence[tuple[str | Promise, Callable[[Any], Any]]]] = ()

    class Meta:
        force_init_instance = True
        clean_model_instances = False
        skip_diff = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True

    def __init__(self, *, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        # The cells of a row as read by import_instance, until save_instance hands them to the service.
        self._parsed: dict[int, dict[str, Any]] = {}

    def row_save(self, *, data: dict[str, Any], user: User) -> Model:
        """Create the row's objects through the app's service; ValidationError keyed by service argument."""
        raise NotImplementedError

    # Import ----------------------------------------------------------------------

    def get_use_transactions(self) -> bool:
        # Without a transaction the preview would write, and a refused row would leave the others behind.
        return True

    def get_import_fields(self) -> list[fields.Field]:
        return [fields.Field(column_name=column.key) for column in self.columns]

    def get_diff_headers(self) -> list[str]:
        return [str(header) for header, _value in self.preview_columns]

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        headers = [cell_text(header).lower() for header in dataset.headers or []]
        known = {column.key for column in self.columns}
        unknown = [header for header in headers if header and header not in known]
        if unknown:
            raise ValidationError(
                _("Unknown columns: %(columns)s. Download the template to see the column names.")
                % {"columns": ", ".join(unknown)},
                code="unknown_columns",
            )
        dataset.headers = headers
        # Spreadsheet programs often save formatted but empty rows after the data.
        while len(dataset) and all(cell_text(cell) == "" for cell in dataset[-1]):
            del dataset[-1]

    def import_instance(self, instance: Model, row: dict[str, Any], **kwargs: Any) -> None:
        data: dict[str, Any] = {}
        errors: dict[str, list[ValidationError]] = {}
        for column in self.columns:
            value = row.get(column.key)
            if column.required and cell_text(value) == "":
                errors[column.heading()] = [ValidationError(_("This cell is required."), code="required")]
                continue
            try:
                data[column.key] = column.parse(value)
            except ValidationError as error:
                errors[column.heading()] = error.error_list
        self._parsed[id(instance)] = data
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Model, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        user = self.user
        if user is None:
            raise PermissionDenied
        try:
            created = self.row_save(data=self._parsed.pop(id(instance)), user=user)
        except ValidationError as error:
            raise self._by_column(error) from None
        except PermissionDenied:
            raise ValidationError(_("Only bureau staff can import these rows."), code="not_staff") from None
        # The service made its own object; the row result reports that one (id for the log, values for the preview).
        instance.__dict__.update(created.__dict__)

    def save_m2m(self, instance: Model, row: dict[str, Any], **kwargs: Any) -> None:
        """Related rows are the service's to write."""

    def after_import_row(self, row: dict[str, Any], row_result: RowResult, **kwargs: Any) -> None:
        instance = row_result.instance
        if row_result.import_type == RowResult.IMPORT_TYPE_NEW and instance is not None:
            row_result.diff = [_preview_cell(value(instance)) for _header, value in self.preview_columns]

    def _by_column(self, error: ValidationError) -> ValidationError:
        """A service refusal keyed by column heading, so the console names the cell to correct."""
        if not hasattr(error, "error_dict"):
            return ValidationError({NON_FIELD_ERRORS: error.error_list})
        headings = {name: column.heading() for column in self.columns for name in (column.key, *column.errors_of)}
        keyed: dict[str, list[ValidationError]] = {}
        for name, errors in error.error_dict.items():
            keyed.setdefault(headings.get(name, NON_FIELD_ERRORS), []).extend(errors)
        return ValidationError(keyed)

    # Export ----------------------------------------------------------------------

    def export(self, queryset: Iterable[Any] | None = None, **kwargs: Any) -> tablib.Dataset:
        """The rows as a dataset whose every cell is safe from formulas."""
        if queryset is None:
            queryset = self.get_queryset()
        dataset = tablib.Dataset(headers=[str(header) for header, _value in self.export_columns])
        for obj in queryset:
            dataset.append([spreadsheet_safe(_export_cell(value(obj))) for _header, value in self.export_columns])
        return dataset

    def template_dataset(self) -> tablib.Dataset:
        """An empty import file: the column names only."""
        return tablib.Dataset(headers=[column.key for column in self.columns])


def _export_cell(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        # Control characters make XLSX files unreadable; no spreadsheet cell needs them.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        # Spreadsheets hold no time zones: the local wall-clock time is what staff expect to read.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _preview_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


# Temporary files ------------------------------------------------------------------


class EncryptedTempFolderStorage(TempFolderStorage):
    """The uploaded file kept between preview and confirm, encrypted with the field-encryption keys.

    A file left behind (the preview was never confirmed) then holds no
    readable phone numbers.
    """

    def save(self, data: bytes | str) -> None:
        raw = data.encode(self.encoding or "utf-8") if isinstance(data, str) else data
        with self._open(mode="wb") as file:
            file.write(pii.cipher().encrypt(raw))

    def read(self) -> bytes | str:
        with open(self.get_full_path(), "rb") as file:
            raw = pii.cipher().decrypt(file.read())
        return raw if "b" in self.read_mode else raw.decode(self.encoding or "utf-8")

    def _open(self, mode: str = "r") -> Any:
        if self.name:
            return open(self.get_full_path(), "wb")
        return super()._open(mode)


# Admin -----------------------------------------------------------------------------


class ConsoleImportExportMixin(ImportExportMixin):
    """Import (add permission) and CSV/XLSX export (view permission) on a console list.

    The export skips import-export's format page, whose inline handlers and
    styles the content security policy blocks: the list links straight to a
    file. Only CSV and XLSX are offered.
    """

    import_export_change_list_template = "admin/import_export/console_change_list.html"
    import_template_name = "admin/import_export/console_import.html"
    formats = (CSV, XLSX)
    from_encoding = "utf-8-sig"
    # A byte-order mark lets spreadsheet programs read the Chinese text of a CSV as UTF-8.
    to_encoding = "utf-8-sig"
    tmp_storage_class = EncryptedTempFolderStorage

    def get_urls(self) -> list[URLPattern]:
        info = self.get_model_info()
        template = path(
            "import/template/",
            self.admin_site.admin_view(self.import_template_view),
            name="{}_{}_import_template".format(*info),
        )
        return [template, *super().get_urls()]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"user": console_user(request)}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"user": console_user(request)}

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        data_kwargs = super().get_import_data_kwargs(**kwargs)
        data_kwargs.pop("request", None)
        # Also at the confirm step: a row refused then (the data changed since the preview) undoes them all.
        data_kwargs["rollback_on_validation_errors"] = True
        return data_kwargs

    def get_import_context_data(self, **kwargs: Any) -> dict[str, Any]:
        info = self.get_model_info()
        resource = self.get_import_resource_classes(None)[0]
        return {
            "import_columns": resource.columns,
            "import_template_url": "admin:{}_{}_import_template".format(*info),
            "import_in_one_step": self.is_skip_import_confirm_enabled(),
        }

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # Only reached at the confirm step, when the rows changed since the preview: nothing was kept.
            messages.error(request, _("Nothing was imported: correct the rows below and upload the file again."))
            context = {
                **self.get_import_context_data(),
                **self.admin_site.each_context(request),
                "title": _("Import"),
                "form": self.create_import_form(request),
                "opts": self.model._meta,
                "result": result,
                "import_error_display": self.import_error_display,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def import_done_message(self, count: int) -> str:
        return ngettext("%(count)d row imported.", "%(count)d rows imported.", count) % {"count": count}

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        messages.success(request, self.import_done_message(result.totals[RowResult.IMPORT_TYPE_NEW]))

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        """The import file's columns as an empty CSV, to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        content = resource.template_dataset().export("csv")
        response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-import.csv"'
        return response

    def export_action(self, request: HttpRequest) -> HttpResponse:
        """The list as filtered, in the format named by the `file_format` parameter (CSV by default)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        chosen = params.pop(FORMAT_PARAM, ["csv"])[-1]
        if chosen not in EXPORT_FORMATS:
            raise Http404
        # The changelist filters read GET; the format is not one of them.
        request.GET = params  # type: ignore[assignment]
        queryset = self.get_export_queryset(request)
        return self._do_file_export(EXPORT_FORMATS[chosen](), request, queryset)
