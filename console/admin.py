"""The console's change history across all recorded models: when, who, what, on which record.

Only superusers and nationwide staff read this list: a history row carries no region, so regional staff read
the history page of each record instead, which the record's own console page scopes to their region. There is
no search box, so nothing personal ever travels in a URL; the rows hold no personal fields (console.history).
"""

from datetime import datetime
from typing import Any

# Imported first so that auditlog's own page is registered before it is replaced below.
import auditlog.admin  # noqa: F401
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.admin import ReadOnlyAdmin
from accounts.models import User
from console.history import (
    RECORDED,
    FieldChange,
    action_label,
    actor_label,
    field_changes,
    recorded_for,
    related_objects,
)

# auditlog's app and model names, listed so that the project's catalogue translates them on the console index.
_AUDITLOG_NAMES = (_("Audit log"), _("log entry"), _("log entries"))


def may_read_change_history(user: Any) -> bool:
    """Superusers and nationwide staff may read the history of every record."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.is_staff
        and (user.is_superuser or (user.nationwide and user.is_bureau_staff))
    )


class ActionFilter(admin.SimpleListFilter):
    title = pgettext_lazy("history", "action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        actions = (LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE)
        return [(str(action), action_label(action)) for action in actions]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
        value = self.value()
        return queryset.filter(action=int(value)) if value and value.isdigit() else queryset


class RecordedModelFilter(admin.SimpleListFilter):
    """The kinds of record that keep a history; listed from console.history, without a query."""

    title = pgettext_lazy("history", "kind of record")
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        from django.apps import apps

        found = [(label.lower(), capfirst(apps.get_model(label)._meta.verbose_name_plural)) for label in RECORDED]
        return sorted(found, key=lambda item: str(item[1]))

    def queryset(self, request: HttpRequest, queryset: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
        value = self.value() or ""
        if value.lower() not in {label.lower() for label in RECORDED}:
            return queryset
        app_label, model = value.lower().split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ChangeHistoryAdmin(ReadOnlyAdmin):
    list_display = ("when", "who", "kind_of_record", "record", "what", "fields_changed")
    list_display_links = None
    list_filter = (ActionFilter, RecordedModelFilter)
    list_select_related = ("actor", "content_type")
    search_fields = ()
    date_hierarchy = "timestamp"
    ordering = ("-timestamp", "-pk")
    list_per_page = 50
    # Counting every row of a long history is slow and tells staff nothing.
    show_full_result_count = False
    fields = ("when", "who", "kind_of_record", "record", "what", "changes")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_change_history(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_change_history(request.user)

    @admin.display(description=pgettext_lazy("history", "when"), ordering="timestamp")
    def when(self, entry: LogEntry) -> datetime:
        return entry.timestamp

    @admin.display(description=pgettext_lazy("history", "who"), ordering="actor__username")
    def who(self, entry: LogEntry) -> str:
        return actor_label(entry)

    @admin.display(description=pgettext_lazy("history", "kind of record"))
    def kind_of_record(self, entry: LogEntry) -> str:
        model = entry.content_type.model_class()
        return capfirst(model._meta.verbose_name) if model is not None else entry.content_type.model

    @admin.display(description=pgettext_lazy("history", "record"))
    def record(self, entry: LogEntry) -> str | SafeString:
        app_label, model = entry.content_type.app_label, entry.content_type.model
        try:
            url = reverse(f"admin:{app_label}_{model}_history", args=[quote(entry.object_pk)])
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=pgettext_lazy("history", "action"), ordering="action")
    def what(self, entry: LogEntry) -> str:
        return action_label(entry.action)

    @admin.display(description=_("fields changed"))
    def fields_changed(self, entry: LogEntry) -> str:
        return ", ".join(change.label for change in self._changes(entry)) or "—"

    @admin.display(description=_("changes"))
    def changes(self, entry: LogEntry) -> SafeString | str:
        rows = [
            (change.label, f"{change.old} → {change.new}" if change.old is not None else change.new)
            for change in self._changes(entry, look_up=True)
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows)) if rows else "—"

    def _changes(self, entry: LogEntry, *, look_up: bool = False) -> list[FieldChange]:
        model = entry.content_type.model_class()
        recorded = recorded_for(model) if model is not None else None
        if model is None or recorded is None:
            return []
        # The list shows field names only, so only the detail page looks up what foreign keys point to.
        related = related_objects(model, recorded, [entry]) if look_up else None
        return field_changes(model, recorded, entry, related)
