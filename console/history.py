"""Which records keep a change history, which of their fields it may hold, and how an object's history reads.

The rule: a field is recorded only when it is listed here. The lists name fields to include, never fields to
leave out, so a field added to a model later stays out of the history until someone decides it belongs there.
Never listed: names of people, resident ID numbers, phones (ciphertext or hash), birth dates, gender, where a
person lives or is registered, what a worker wrote in their own words, contact persons, passwords, e-mail
addresses and login times, and foreign keys to a worker (whose str() is the worker's name). Companies, sites,
postings, campaigns, courses, trips and reference tables keep their business fields; workers keep only the
bureau's decisions about them (status, poor-labourer verification, assisted registration, erasure).

A history row's object_repr is str() of the object when it changed, so rows of models whose str() can name a
person (workers, users, unemployment registrations) store "<model> #<pk>" instead; and no row keeps the acting
staff member's e-mail address, which auditlog copies by default (the actor link already says who acted).

Saves through Model.save() are recorded; QuerySet.update() and bulk writes bypass the signals and are not.
"""

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import post_save, pre_save
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

HISTORY_LIMIT = 100
_TRUNCATE_AT = 140


@dataclass(frozen=True)
class Recorded:
    """What the history keeps for one model."""

    fields: tuple[str, ...]
    m2m: tuple[str, ...] = ()
    # str() of the model can name a person: store "<model> #<pk>" as the row's object representation.
    private_repr: bool = False


RECORDED: dict[str, Recorded] = {
    "accounts.User": Recorded(
        fields=("username", "role", "home_region", "nationwide", "is_active", "is_staff", "is_superuser"),
        m2m=("groups", "user_permissions"),
        private_repr=True,
    ),
    "reference.MinimumWage": Recorded(fields=("province", "tier", "monthly_yuan", "effective_from", "source")),
    "reference.MinimumWageTier": Recorded(fields=("region", "tier")),
    "workers.Worker": Recorded(
        fields=(
            "status",
            "poor_labourer",
            "poor_labourer_checked_by",
            "poor_labourer_checked_at",
            "poor_labourer_note",
            "registered_by",
            "deleted_at",
        ),
        private_repr=True,
    ),
    "workers.UnemploymentRegistration": Recorded(
        fields=("region", "basis", "status", "processed_by", "processed_at", "note"),
        private_repr=True,
    ),
    "jobs.Employer": Recorded(
        fields=(
            "name",
            "uscc",
            "region",
            "industry",
            "verification",
            "verification_note",
            "verified_by",
            "verified_at",
            "standing",
            "standing_note",
            "standing_set_by",
            "standing_set_at",
            "standing_by_staff",
            "standing_reasons",
        )
    ),
    "jobs.Site": Recorded(fields=("employer", "name", "address", "county")),
    "jobs.Campaign": Recorded(
        fields=("name", "kind", "starts_on", "ends_on", "organiser", "venue", "booths", "description"),
        m2m=("regions",),
    ),
    "jobs.JobPosting": Recorded(
        fields=(
            "employer",
            "site",
            "county",
            "occupation",
            "campaign",
            "kind",
            "title",
            "headcount",
            "start_date",
            "contract_months",
            "wage_type",
            "wage_rate",
            "expected_monthly",
            "overtime_rules",
            "probation_months",
            "deduction_dormitory",
            "deduction_meals",
            "deduction_other",
            "deduction_other_note",
            "housing_provided",
            "meals_provided",
            "transport",
            "transport_subsidy",
            "skills_required",
            "years_required",
            "certificate_required",
            "trainees_accepted",
            "training_offered",
            "hours_per_day",
            "days_per_week",
            "safety_equipment",
            "description",
            "status",
            "review_flags",
            "filled_count",
            "submitted_at",
            "published_at",
            "approved_by",
            "expires_on",
            "closed_at",
        )
    ),
    "training.Provider": Recorded(
        fields=(
            "name",
            "kind",
            "uscc",
            "region",
            "address",
            "verification",
            "verification_note",
            "verified_by",
            "verified_at",
        )
    ),
    "training.Course": Recorded(
        fields=(
            "provider",
            "title",
            "type",
            "occupation",
            "certificate_level",
            "format",
            "county",
            "venue",
            "hours",
            "starts_on",
            "ends_on",
            "capacity",
            "fee",
            "subsidy",
            "living_allowance",
            "language",
            "description",
            "status",
        )
    ),
    "dispatch.VehicleType": Recorded(fields=("name", "seats", "cost_per_km", "speed_kmh", "active")),
    "dispatch.PickupPoint": Recorded(fields=("county", "name", "lat", "lng")),
    "dispatch.Trip": Recorded(
        fields=(
            "site",
            "travel_day",
            "vehicle_type",
            "status",
            "departure_at",
            "arrival_at",
            "km",
            "cancelled_reason",
            "pinned",
        )
    ),
    "rights.Case": Recorded(
        fields=(
            "kind",
            "employer",
            "sending_region",
            "receiving_region",
            "period_start",
            "period_end",
            "amount_claimed",
            "status",
            "substantiated",
            "assigned_to",
            "stage_due",
            "recovery",
            "recovered_amount",
            "recovered_on",
            "closed_at",
        )
    ),
}


def recorded_for(model: type[models.Model]) -> Recorded | None:
    """What the history keeps for `model`, or None when it keeps nothing."""
    return RECORDED.get(model._meta.label)


def history_register() -> None:
    """Register every recorded model with auditlog and keep personal data out of its rows; idempotent."""
    for label, recorded in RECORDED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        auditlog.register(model, include_fields=list(recorded.fields), m2m_fields=set(recorded.m2m))
    pre_save.connect(_private_repr, sender=LogEntry, dispatch_uid="console.history.private_repr")
    post_save.connect(_forget_actor_email, sender=LogEntry, dispatch_uid="console.history.actor_email")


def _private_repr(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    if instance.pk is not None or instance.content_type_id is None:
        return
    model = instance.content_type.model_class()
    recorded = recorded_for(model) if model is not None else None
    if recorded is not None and recorded.private_repr:
        instance.object_repr = f"{model._meta.model_name} #{instance.object_pk}"


def _forget_actor_email(sender: type[LogEntry], instance: LogEntry, **kwargs: Any) -> None:
    # auditlog's request receiver runs after any connected at start-up, so the address is cleared once written.
    if instance.actor_email:
        LogEntry.objects.filter(pk=instance.pk).update(actor_email=None)
        instance.actor_email = None


# Reading an object's history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str | None  # None for a many-to-many change, which says what was added or removed
    new: str


@dataclass(frozen=True)
class HistoryRow:
    timestamp: datetime
    actor: str | None  # None: no signed-in person, e.g. a Celery task or a management command
    action: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class ObjectHistory:
    rows: list[HistoryRow]
    more: bool
    limit: int = HISTORY_LIMIT
    models_recorded: bool = True


def action_label(action: int) -> str:
    """The action of a history row in words."""
    labels = {
        LogEntry.Action.CREATE: pgettext("history action", "created"),
        LogEntry.Action.UPDATE: pgettext("history action", "changed"),
        LogEntry.Action.DELETE: pgettext("history action", "deleted"),
        LogEntry.Action.ACCESS: pgettext("history action", "viewed"),
    }
    return labels.get(action, str(action))


def actor_label(entry: LogEntry) -> str:
    """Who made a change: the staff member's user name, or "system" when nobody was signed in."""
    return entry.actor.get_username() if entry.actor is not None else pgettext("history actor", "system")


def object_history(obj: models.Model, *, limit: int = HISTORY_LIMIT) -> ObjectHistory:
    """The latest `limit` history rows of `obj`, newest first, with display values for the recorded fields."""
    recorded = recorded_for(type(obj))
    if recorded is None:
        return ObjectHistory(rows=[], more=False, limit=limit, models_recorded=False)
    entries = list(
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")[: limit + 1]
    )
    more = len(entries) > limit
    entries = entries[:limit]
    model = type(obj)
    related = related_objects(model, recorded, entries)
    rows = [
        HistoryRow(
            timestamp=entry.timestamp,
            actor=entry.actor.get_username() if entry.actor is not None else None,
            action=action_label(entry.action),
            changes=field_changes(model, recorded, entry, related),
        )
        for entry in entries
    ]
    return ObjectHistory(rows=rows, more=more, limit=limit)


def field_changes(
    model: type[models.Model],
    recorded: Recorded,
    entry: LogEntry,
    related: dict[type[models.Model], dict[Any, models.Model]] | None = None,
) -> list[FieldChange]:
    """The changes of one row in words; fields no longer recorded are not shown, even if an old row holds them."""
    changes: list[FieldChange] = []
    for name, values in (entry.changes_dict or {}).items():
        if name not in recorded.fields and name not in recorded.m2m:
            continue
        model_field = model._meta.get_field(name)
        label = capfirst(str(getattr(model_field, "verbose_name", name)))
        if isinstance(values, dict):
            objects = _truncate(", ".join(str(item) for item in values.get("objects", [])))
            if values.get("operation") == "add":
                new = gettext("added: %(objects)s") % {"objects": objects}
            else:
                new = gettext("removed: %(objects)s") % {"objects": objects}
            changes.append(FieldChange(label=label, old=None, new=new))
            continue
        old, new = (_display(model_field, value, related or {}) for value in values)
        # A new record lists every recorded field; the empty ones say nothing.
        if old != new:
            changes.append(FieldChange(label=label, old=old, new=new))
    changes.sort(key=lambda change: change.label)
    return changes


def related_objects(
    model: type[models.Model], recorded: Recorded, entries: Iterable[LogEntry]
) -> dict[type[models.Model], dict[Any, models.Model]]:
    """The objects foreign keys in `entries` point to, one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        for name, values in (entry.changes_dict or {}).items():
            if name not in recorded.fields or isinstance(values, dict):
                continue
            model_field = model._meta.get_field(name)
            if not (model_field.many_to_one or model_field.one_to_one) or model_field.related_model is None:
                continue
            target = model_field.related_model
            for value in values:
                key = _related_key(target, value)
                if key is not None:
                    wanted[target].add(key)
    return {target: target._default_manager.in_bulk(keys) for target, keys in wanted.items()}


def _related_key(target: type[models.Model], value: Any) -> Any:
    if value in (None, "None", ""):
        return None
    try:
        return target._meta.pk.to_python(value)
    except Exception:  # an old row may hold a value the key type no longer parses
        return None


def _display(model_field: Any, value: Any, related: dict[type[models.Model], dict[Any, models.Model]]) -> str:
    if value is None or value in ("None", "", "[]", "{}"):
        return "—"
    text = str(value)
    if getattr(model_field, "flatchoices", None):
        choices = {str(key): label for key, label in model_field.flatchoices}
        return str(choices.get(text, text))
    if model_field.many_to_one or model_field.one_to_one:
        target = model_field.related_model
        found = related.get(target, {}).get(_related_key(target, value))
        if found is None:
            return f"#{text}"
        if target is apps.get_model(settings.AUTH_USER_MODEL):
            # A user's str() is a masked phone; the user name says who it is to other staff.
            return found.get_username()  # type: ignore[attr-defined]
        return _truncate(str(found))
    if isinstance(model_field, models.BooleanField):
        return gettext("yes") if text == "True" else gettext("no")
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_naive(moment):
            # auditlog stores date-times as naive UTC.
            moment = moment.replace(tzinfo=UTC)
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        try:
            return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
        except ValueError:
            return text
    if isinstance(model_field, models.JSONField):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return _truncate(text)


def _truncate(text: str) -> str:
    return text if len(text) <= _TRUNCATE_AT else text[:_TRUNCATE_AT] + "…"
